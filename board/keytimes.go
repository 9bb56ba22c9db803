package board

import (
	"fmt"
	"time"
)

// KeyTimes are the moments the postmortem measures the response by. A zero
// time means the incident has not reached that point.
type KeyTimes struct {
	// FirstAlert is the earliest timeline entry of kind alert, or the
	// earliest entry when none is marked; FirstAlertID names it.
	FirstAlert   time.Time
	FirstAlertID string
	Declared     time.Time
	Identified   time.Time
	Mitigated    time.Time
	Resolved     time.Time
	Closed       time.Time
}

// KeyTimes returns the incident's key times from its header stamps and
// timeline.
func (b *Board) KeyTimes() KeyTimes {
	var k KeyTimes
	h := b.Header()
	if h == nil {
		return k
	}
	parse := func(field string) time.Time {
		t, _ := time.Parse(time.RFC3339, h.Text(field))
		return t
	}
	k.Declared = parse("declaredAt")
	k.Identified = parse("identifiedAt")
	k.Mitigated = parse("mitigatedAt")
	k.Resolved = parse("resolvedAt")
	k.Closed = parse("closedAt")
	var earliest, alert *Record
	for _, r := range b.Records() {
		if r.List != ListTimeline || r.Deleted {
			continue
		}
		r := r
		if earliest == nil {
			earliest = &r
		}
		if alert == nil && r.Text("kind") == EntryAlert {
			alert = &r
		}
	}
	if alert == nil {
		alert = earliest
	}
	if alert != nil {
		k.FirstAlert, _ = time.Parse(time.RFC3339, alert.Text("at"))
		k.FirstAlertID = alert.ID
	}
	return k
}

// KeyDuration is one measured span of the response.
type KeyDuration struct {
	Name    string
	From    string // the moment measured from, in words
	Reached bool
	Span    time.Duration
}

// Durations returns time to declare (first alert to declaration) and time
// to identify, mitigate and resolve, each counted from the first alert.
func (k KeyTimes) Durations() []KeyDuration {
	span := func(name string, from, to time.Time, fromName string) KeyDuration {
		d := KeyDuration{Name: name, From: fromName}
		if !from.IsZero() && !to.IsZero() {
			d.Reached = true
			d.Span = to.Sub(from)
		}
		return d
	}
	return []KeyDuration{
		span("Time to declare", k.FirstAlert, k.Declared, "first alert"),
		span("Time to identify", k.FirstAlert, k.Identified, "first alert"),
		span("Time to mitigate", k.FirstAlert, k.Mitigated, "first alert"),
		span("Time to resolve", k.FirstAlert, k.Resolved, "first alert"),
	}
}

// FormatSpan writes a duration as "1h 05m" or "12m", or "-3m" for a span
// that ends before it starts, as a backdated entry can make it.
func FormatSpan(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	d = d.Round(time.Minute)
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	if h > 0 {
		return fmt.Sprintf("%s%dh %02dm", sign, h, m)
	}
	return fmt.Sprintf("%s%dm", sign, m)
}
