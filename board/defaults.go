package board

import (
	"fmt"
	"time"
)

// Default sections a new incident starts with. People can rename, delete and
// add to all of them.
var (
	DefaultRoles = []struct{ Role, Person string }{
		{"Incident commander", ""},
		{"Technical lead", ""},
		{"Customer communications", ""},
		{"Status page updates", ""},
		{"Postmortem owner", "TBD"},
	}
	DefaultChecklist = []string{
		"Incident declared with a severity",
		"On-call engineer paged and commander notified",
		"Incident channel opened (add its link)",
		"Initial impact posted within 5 minutes of declaring",
		"Commander briefed on what is known",
	}
	DefaultFollowUp = []string{
		"All-clear posted to the incident channel and status page",
		"Incident summary sent to engineering (within 2 hours)",
		"Postmortem scheduled within 48 hours",
		"Postmortem owner assigned",
	}
)

// DefaultUpdates are the audiences a new incident sends updates to, in the
// order of UpdateCadence's durations.
var DefaultUpdates = []struct{ Name, Audience string }{
	{"Internal sync", AudienceInternal},
	{"Status page update", AudienceStatusPage},
	{"Exec update", AudienceExec},
}

// UpdateCadence gives, per severity, how long after declaring each default
// next update falls due: internal sync, status page, exec update.
var UpdateCadence = map[string][3]time.Duration{
	"P0": {15 * time.Minute, 30 * time.Minute, 30 * time.Minute},
	"P1": {30 * time.Minute, 60 * time.Minute, 60 * time.Minute},
	"P2": {60 * time.Minute, 120 * time.Minute, 240 * time.Minute},
}

// NewIncident returns the records of a newly declared incident as of
// sequence number 0. by is the display name of the person declaring it.
func NewIncident(title, severity, by string, now time.Time) ([]Record, *Error) {
	now = now.UTC().Truncate(time.Millisecond)
	if err := CheckText("title", title, MaxTitle); err != nil {
		return nil, err
	}
	if isEmpty(title) {
		return nil, errorf("title", "is required")
	}
	cadence, ok := UpdateCadence[severity]
	if !ok {
		return nil, errorf("severity", "%q is not allowed, use one of P0, P1, P2", severity)
	}
	declared := FormatTime(now)
	var out []Record
	add := func(list, id string, fields map[string]any) {
		meta := make(map[string]FieldMeta, len(fields))
		for k := range fields {
			meta[k] = FieldMeta{By: by, At: now}
		}
		out = append(out, Record{List: list, ID: id, Fields: fields, Meta: meta,
			CreatedBy: by, CreatedAt: now, UpdatedBy: by, UpdatedAt: now})
	}
	add(ListHeader, HeaderID, map[string]any{
		"title": title, "severity": severity, "status": "investigating", "declaredAt": declared,
		"customerImpact": "", "affectedServices": "", "statusPageText": "", "statusPagePostedAt": "",
		"identifiedAt": "", "mitigatedAt": "", "resolvedAt": "", "closedAt": "", "postmortemAt": "",
	})
	add(ListTimeline, "declared", map[string]any{
		"at": declared, "text": fmt.Sprintf("Incident declared as %s: %s", severity, title), "kind": EntryAuto,
	})
	for i, r := range DefaultRoles {
		add(ListRoles, fmt.Sprintf("role-%d", i+1), map[string]any{"role": r.Role, "person": r.Person})
	}
	for i, u := range DefaultUpdates {
		add(ListUpdates, fmt.Sprintf("update-%d", i+1), map[string]any{"name": u.Name, "audience": u.Audience,
			"cadence": int64(cadence[i] / time.Minute), "due": FormatTime(now.Add(cadence[i]))})
	}
	for i, label := range DefaultChecklist {
		add(ListChecklist, fmt.Sprintf("check-%d", i+1), map[string]any{"label": label, "done": false, "link": ""})
	}
	clocks := map[int]string{1: ClockSummary, 2: ClockPostmortem}
	for i, label := range DefaultFollowUp {
		add(ListFollowUp, fmt.Sprintf("follow-%d", i+1), map[string]any{"label": label, "done": false, "clock": clocks[i]})
	}
	return out, nil
}
