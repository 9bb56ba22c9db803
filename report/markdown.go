package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/sitrep/sitrep/board"
)

// mdInline are the characters that make Markdown structure anywhere in a
// line: code, emphasis, links and images (whose brackets are enough to
// escape), HTML, table cells and strike-through.
const mdInline = "\\`*_[]<>|~"

// mdLineStart are the characters that make structure only at the start of
// a line: headings, list items and setext underlines. An ordered list item
// ("1." or "1)") is caught by its punctuation after the digits.
const mdLineStart = "#+-="

// md escapes user text for Markdown, so it reads as written and cannot
// start a heading, a list, a link or a table. Only characters that would
// make structure where they stand are escaped, so "payments-api v2.14.0"
// stays as typed in the raw file. Line breaks become hard breaks indented
// by indent, so multi-line text stays inside its list item.
func md(s, indent string) string {
	var lines []string
	for _, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		digits := len(line) - len(strings.TrimLeft(line, "0123456789"))
		var b strings.Builder
		for i, c := range line {
			switch {
			case strings.ContainsRune(mdInline, c),
				i == 0 && strings.ContainsRune(mdLineStart, c),
				i == digits && digits > 0 && (c == '.' || c == ')'):
				b.WriteByte('\\')
			}
			b.WriteRune(c)
		}
		lines = append(lines, b.String())
	}
	return strings.Join(lines, "\\\n"+indent)
}

// Markdown returns the postmortem draft of an incident: header, key times,
// a Mermaid picture of severity and status over time, the full timeline,
// hypotheses (ruled-out ones struck through), actions taken, owners, action
// items and follow-up.
func Markdown(b *board.Board, now time.Time) string {
	var w strings.Builder
	h := b.Header()
	records := b.Records()
	line := func(format string, args ...any) { fmt.Fprintf(&w, format+"\n", args...) }

	line("# Postmortem draft: %s %s", b.ID, md(h.Text("title"), ""))
	line("")
	line("Exported %s from sitrep. Times are UTC.", now.UTC().Format("2006-01-02 15:04 UTC"))
	line("")
	line("- **Severity:** %s", h.Text("severity"))
	line("- **Status:** %s", h.Text("status"))
	line("- **Declared:** %s", utc(h.Text("declaredAt"), "unknown"))
	line("- **Customer impact:** %s", orNone(md(h.Text("customerImpact"), "  "), "not described"))
	line("- **Affected services:** %s", orNone(md(strings.Join(board.SplitServices(h.Text("affectedServices")), ", "), "  "), "none listed"))
	line("- **Status page:** %s", orNone(md(h.Text("statusPageText"), "  "), "nothing posted"))
	line("- **Postmortem meeting:** %s", utc(h.Text("postmortemAt"), "not scheduled"))

	line("\n## Key times\n")
	k := b.KeyTimes()
	line("| moment | time | since first alert |")
	line("|---|---|---|")
	moments := []struct {
		name string
		at   time.Time
	}{{"First alert", k.FirstAlert}, {"Declared", k.Declared}, {"Identified", k.Identified},
		{"Mitigated (monitoring)", k.Mitigated}, {"Resolved", k.Resolved}, {"Closed", k.Closed}}
	for _, m := range moments {
		at, since := "not reached", ""
		if !m.at.IsZero() {
			at = m.at.UTC().Format("2006-01-02 15:04 UTC")
			if !k.FirstAlert.IsZero() {
				since = board.FormatSpan(m.at.Sub(k.FirstAlert))
			}
		}
		line("| %s | %s | %s |", m.name, at, since)
	}
	line("")
	for _, d := range k.Durations() {
		if d.Reached {
			line("- %s: %s", d.Name, board.FormatSpan(d.Span))
		} else {
			line("- %s: not reached", d.Name)
		}
	}

	line("\n## Picture\n")
	w.WriteString(Mermaid(b, now))

	line("\n## Timeline\n")
	for _, r := range live(records, board.ListTimeline) {
		line("- %s%s — %s%s", utc(r.Text("at"), "?"), entryLabel(r), md(r.Text("text"), "  "), amendedNote(r))
	}

	line("\n## Hypotheses\n")
	hyps := live(records, board.ListHypotheses)
	if len(hyps) == 0 {
		line("None recorded.")
	}
	for i, r := range hyps {
		text := md(r.Text("text"), "   ")
		if r.Text("state") == "ruled-out" {
			text = "~~" + text + "~~"
		}
		owner := prefixed(", owner ", md(r.Text("owner"), ""))
		note := prefixed(": ", md(r.Text("note"), "   "))
		line("%d. %s (%s%s)%s", i+1, text, strings.ReplaceAll(r.Text("state"), "-", " "), owner, note)
	}

	line("\n## Actions taken\n")
	actions := live(records, board.ListActions)
	if len(actions) == 0 {
		line("None recorded.")
	}
	for _, r := range actions {
		result := prefixed("; result: ", md(r.Text("result"), "  "))
		line("- %s — %s (owner %s)%s", utc(r.Text("at"), "?"), md(r.Text("action"), "  "), orNone(md(r.Text("owner"), ""), "nobody"), result)
	}

	line("\n## Owners\n")
	for _, r := range live(records, board.ListRoles) {
		line("- %s: %s", md(r.Text("role"), ""), orNone(md(r.Text("person"), ""), "nobody"))
	}

	line("\n## Updates sent\n")
	for _, r := range live(records, board.ListUpdates) {
		last := "nothing posted"
		if r.Text("lastPostedAt") != "" {
			last = "last posted " + utc(r.Text("lastPostedAt"), "")
		}
		line("- %s (%s, every %s): %s", md(r.Text("name"), ""), r.Text("audience"), cadenceText(r), last)
	}

	line("\n## Action items\n")
	items := live(records, board.ListActionItems)
	if len(items) == 0 {
		line("None recorded.")
	}
	for _, r := range items {
		box := " "
		if r.Text("status") == "done" {
			box = "x"
		}
		due := prefixed(", due ", md(r.Text("due"), ""))
		line("- [%s] %s (owner %s%s, %s)", box, md(r.Text("action"), "  "), orNone(md(r.Text("owner"), ""), "nobody"), due, r.Text("status"))
	}

	line("\n## Follow-up\n")
	for _, r := range live(records, board.ListFollowUp) {
		box := " "
		if r.Fields["done"] == true {
			box = "x"
		}
		due := ""
		if d := r.Text("due"); d != "" {
			due = " (due " + utc(d, "") + ")"
		}
		line("- [%s] %s%s", box, md(r.Text("label"), "  "), due)
	}
	return w.String()
}

// entryLabel marks the kinds of timeline entry other than a plain note.
func entryLabel(r board.Record) string {
	switch r.Text("kind") {
	case board.EntryAlert:
		return " [alert]"
	case board.EntryUpdate:
		return " [update to " + md(r.Text("audience"), "") + "]"
	case board.EntryAuto:
		return " [automatic]"
	case board.EntryAllClear:
		return " [all clear]"
	}
	return ""
}

// amendedNote marks an entry that was backdated or edited after it was
// added, as the board does.
func amendedNote(r board.Record) string {
	var notes []string
	if at, err := time.Parse(time.RFC3339, r.Text("at")); err == nil && r.CreatedAt.Sub(at) > time.Minute {
		notes = append(notes, "logged "+r.CreatedAt.UTC().Format("2006-01-02 15:04 UTC"))
	}
	if len(r.History["text"]) > 0 || len(r.History["at"]) > 0 {
		notes = append(notes, "edited since")
	}
	if len(notes) == 0 {
		return ""
	}
	return " _(" + strings.Join(notes, ", ") + ")_"
}

func cadenceText(r board.Record) string {
	if c := r.IntField("cadence"); c > 0 {
		return fmt.Sprintf("%d min", c)
	}
	return "no reminders"
}
