package board

import (
	"strings"
	"time"
)

// MaxSearchText bounds the text of an incident that the incident list
// searches, so the list's documents stay small.
const MaxSearchText = 4096

// Digest is what the incident list shows and filters on for one incident.
type Digest struct {
	Title            string
	Severity         string
	Status           string
	DeclaredAt       string
	AffectedServices []string
	// NextDue is the earliest due time of the running next updates and of
	// the follow-up items not done, or "".
	NextDue string
	// SearchText is the lower-cased title and timeline text on one line,
	// cut to MaxSearchText bytes.
	SearchText string
}

// Digest returns the board's digest.
func (b *Board) Digest() Digest {
	var d Digest
	h := b.Header()
	if h == nil {
		return d
	}
	d.Title, d.Severity, d.Status, d.DeclaredAt = h.Text("title"), h.Text("severity"), h.Text("status"), h.Text("declaredAt")
	d.AffectedServices = SplitServices(h.Text("affectedServices"))
	var search strings.Builder
	// Whitespace runs become one space, so a search matches across lines.
	search.WriteString(strings.Join(strings.Fields(strings.ToLower(d.Title)), " "))
	for _, r := range b.Records() {
		if r.Deleted {
			continue
		}
		switch r.List {
		case ListTimeline:
			if search.Len() < MaxSearchText {
				search.WriteString(" ")
				search.WriteString(strings.Join(strings.Fields(strings.ToLower(r.Text("text"))), " "))
			}
		case ListUpdates:
			d.NextDue = earlier(d.NextDue, r.Text("due"))
		case ListFollowUp:
			if done, _ := r.Fields["done"].(bool); !done {
				d.NextDue = earlier(d.NextDue, r.Text("due"))
			}
		}
	}
	d.SearchText = clip(search.String(), MaxSearchText)
	return d
}

// earlier returns the earlier of two RFC 3339 UTC times, ignoring "".
// Times the board stores all have the same format, so they compare as text.
func earlier(a, b string) string {
	if b == "" || (a != "" && a <= b) {
		return a
	}
	if _, err := time.Parse(time.RFC3339, b); err != nil {
		return a
	}
	return b
}

// SplitServices returns the names of a comma-separated affected services
// text, trimmed, without empty names.
func SplitServices(text string) []string {
	var out []string
	for _, part := range strings.Split(text, ",") {
		if name := strings.TrimSpace(part); name != "" {
			out = append(out, name)
		}
	}
	return out
}
