package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/sitrep/sitrep/board"
)

// maxRecentActions is how many of the latest actions taken a handoff brief lists.
const maxRecentActions = 5

// Handoff returns the brief an incoming incident commander reads: status and
// impact, the owners, hypotheses, the state of each service, the latest
// actions taken with their results, the open action items, the last update
// each audience received and when the next is due, and the key times. It is plain text for a
// chat message; every line of user text is kept on one line.
func Handoff(b *board.Board, now time.Time) string {
	var w strings.Builder
	h := b.Header()
	records := b.Records()
	line := func(format string, args ...any) { fmt.Fprintf(&w, format+"\n", args...) }

	line("Handoff: %s %s (%s), %s", b.ID, oneLine(h.Text("title")), h.Text("severity"), h.Text("status"))
	line("As of %s", now.UTC().Format("2006-01-02 15:04 UTC"))
	line("Declared %s", utc(h.Text("declaredAt"), "(unknown)"))
	line("Impact: %s", orNone(oneLine(h.Text("customerImpact")), "not described"))
	line("Affected services: %s", orNone(strings.Join(board.SplitServices(h.Text("affectedServices")), ", "), "none listed"))

	line("\nOwners:")
	for _, r := range live(records, board.ListRoles) {
		line("- %s: %s", oneLine(r.Text("role")), orNone(oneLine(r.Text("person")), "nobody"))
	}

	line("\nHypotheses:")
	hyps := live(records, board.ListHypotheses)
	if len(hyps) == 0 {
		line("- none yet")
	}
	for _, r := range hyps {
		owner := prefixed(", owner ", oneLine(r.Text("owner")))
		line("- [%s] %s%s", strings.ReplaceAll(r.Text("state"), "-", " "), oneLine(r.Text("text")), owner)
	}

	line("\nSystem state:")
	services := live(records, board.ListServices)
	if len(services) == 0 {
		line("- no services listed")
	}
	for _, r := range services {
		line("- %s [%s]%s", oneLine(r.Text("name")), r.Text("state"), prefixed(": ", oneLine(r.Text("note"))))
	}

	// The latest actions taken come first in the commander's questions:
	// what has been tried, and with what result.
	line("\nActions taken (latest %d):", maxRecentActions)
	actions := live(records, board.ListActions)
	if len(actions) > maxRecentActions {
		actions = actions[len(actions)-maxRecentActions:]
	}
	if len(actions) == 0 {
		line("- none yet")
	}
	for _, r := range actions {
		line("- %s %s (owner %s): %s", utc(r.Text("at"), "?"), oneLine(r.Text("action")),
			orNone(oneLine(r.Text("owner")), "nobody"), orNone(oneLine(r.Text("result")), "no result yet"))
	}

	line("\nOpen action items:")
	open := 0
	for _, r := range live(records, board.ListActionItems) {
		if r.Text("status") == "done" {
			continue
		}
		open++
		line("- [%s] %s (owner %s)", r.Text("status"), oneLine(r.Text("action")), orNone(oneLine(r.Text("owner")), "nobody"))
	}
	if open == 0 {
		line("- none")
	}

	line("\nUpdates:")
	for _, r := range live(records, board.ListUpdates) {
		last := "nothing posted yet"
		if r.Text("lastPostedAt") != "" {
			last = fmt.Sprintf("last posted %s: %q", utc(r.Text("lastPostedAt"), ""), oneLine(r.Text("lastText")))
		}
		line("- %s: %s; next %s", oneLine(r.Text("name")), last, updateState(r, false, now))
	}

	line("\nKey times:")
	for _, d := range b.KeyTimes().Durations() {
		if d.Reached {
			line("- %s: %s", d.Name, board.FormatSpan(d.Span))
		} else {
			line("- %s: not yet", d.Name)
		}
	}
	return w.String()
}

// prefixed returns prefix and s, or "" when s is empty, for optional parts
// of a line such as ", owner raj".
func prefixed(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}

func orNone(s, none string) string {
	if s == "" {
		return none
	}
	return s
}
