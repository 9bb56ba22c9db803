// Package report renders an incident for people outside the board: the
// handoff brief, the Markdown postmortem draft and the postmortem meeting's
// calendar file. It reads a board and never changes it.
package report

import (
	"strings"
	"time"

	"github.com/sitrep/sitrep/board"
)

// utc formats a stored RFC 3339 time as "2026-03-12 14:23 UTC", or returns
// fallback when it is empty or invalid.
func utc(iso, fallback string) string {
	t, err := time.Parse(time.RFC3339, iso)
	if err != nil {
		return fallback
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// live returns the records of list that are not deleted, in board order.
func live(records []board.Record, list string) []board.Record {
	var out []board.Record
	for _, r := range records {
		if r.List == list && !r.Deleted {
			out = append(out, r)
		}
	}
	return out
}

// oneLine joins the lines of s with " / ", for plain text that must stay on
// one line.
func oneLine(s string) string {
	var parts []string
	for _, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			parts = append(parts, line)
		}
	}
	return strings.Join(parts, " / ")
}

// dueText describes a deadline relative to now: "due 2026-03-12 14:48 UTC
// (in 5m)" or "(overdue by 3m)".
func dueText(iso string, now time.Time) string {
	t, err := time.Parse(time.RFC3339, iso)
	if err != nil {
		return "no deadline"
	}
	left := t.Sub(now)
	if left >= 0 {
		return "due " + utc(iso, "") + " (in " + board.FormatSpan(left) + ")"
	}
	return "due " + utc(iso, "") + " (overdue by " + board.FormatSpan(-left) + ")"
}

// updateState describes a next update's deadline for a brief.
func updateState(r board.Record, stopped bool, now time.Time) string {
	switch {
	case stopped || r.Fields["stopped"] == true:
		return "stopped (incident resolved)"
	case r.IntField("cadence") == 0 && r.Text("due") == "":
		return "no reminders"
	}
	return dueText(r.Text("due"), now)
}
