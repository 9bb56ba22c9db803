package report

import (
	"strings"
	"testing"
	"time"

	"github.com/sitrep/sitrep/board"
)

var declared = time.Date(2026, 3, 12, 14, 23, 0, 0, time.UTC)

// testBoard returns an incident with an alert, a hypothesis ruled out and a
// posted update, resolved 90 minutes after declaring.
func testBoard(t *testing.T) *board.Board {
	t.Helper()
	records, err := board.NewIncident("Checkout returning 503", "P0", "raj", declared)
	if err != nil {
		t.Fatal(err)
	}
	b := board.NewBoard("INC-2026-0312-001", declared, 0, records)
	at := declared.Add(20 * time.Minute)
	changes := []board.Change{
		{ID: "1", Op: board.OpAdd, List: board.ListTimeline, Item: "alert", Fields: map[string]any{"at": "2026-03-12T14:18:00Z", "text": "payments-api p99 above 8s", "kind": "alert"}},
		{ID: "2", Op: board.OpAdd, List: board.ListHypotheses, Item: "h1", Fields: map[string]any{"text": "Memory leak in *v2.14.1*\n# not a heading", "state": "ruled-out"}},
		{ID: "3", Op: board.OpAdd, List: board.ListHypotheses, Item: "h2", Fields: map[string]any{"text": "Slow queries exhaust the pool", "owner": "@raj"}},
		{ID: "4", Op: board.OpPost, List: board.ListUpdates, Item: "update-1", Fields: map[string]any{"text": "Still investigating"}},
		{ID: "5", Op: board.OpUpdate, List: board.ListHeader, Item: board.HeaderID, Fields: map[string]any{"status": "identified", "customerImpact": "40% of checkouts fail | [link](javascript:x)"}},
		{ID: "6", Op: board.OpUpdate, List: board.ListRoles, Item: "role-5", Fields: map[string]any{"person": "kim; lead, payments"}},
		{ID: "8", Op: board.OpAdd, List: board.ListServices, Item: "s1", Fields: map[string]any{"name": "payments-api", "state": "degraded", "note": "5xx at 38%"}},
		{ID: "9", Op: board.OpAdd, List: board.ListActions, Item: "a1", Fields: map[string]any{"at": "2026-03-12T14:30:00Z", "action": "Rolled back payments-api", "owner": "raj", "result": "5xx down to 2%"}},
		{ID: "10", Op: board.OpAdd, List: board.ListActionItems, Item: "i1", Fields: map[string]any{"action": "Add a canary for payments-api deploys", "owner": "kim"}},
	}
	for _, c := range changes {
		a, err := b.Apply(c, "sonia", at)
		if err != nil {
			t.Fatalf("change %s: %v", c.ID, err)
		}
		b.Commit(a)
	}
	a, err := b.Apply(board.Change{ID: "7", Op: board.OpUpdate, List: board.ListHeader, Item: board.HeaderID, Fields: map[string]any{"status": "resolved"}}, "sonia", declared.Add(90*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	b.Commit(a)
	return b
}

func TestMarkdownEscapesUserText(t *testing.T) {
	out := Markdown(testBoard(t), declared.Add(2*time.Hour))
	for _, want := range []string{
		`~~Memory leak in \*v2.14.1\*\` + "\n" + `   \# not a heading~~`,
		`40% of checkouts fail \| \[link\](javascript:x)`,
		"- Time to declare: 5m",
		"- Time to resolve: 1h 35m",
		"```mermaid",
		"[update to Internal sync]",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("export lacks %q:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "# ") && !strings.HasPrefix(line, "# Postmortem draft") {
			t.Errorf("user text made a heading: %q", line)
		}
	}
}

// TestMarkdownEscapesOnlyStructure checks that ordinary punctuation stays
// as typed in the raw file, and that what would start a list, a heading or
// a link in its place is still escaped.
func TestMarkdownEscapesOnlyStructure(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Rolled back payments-api to v2.14.0 (was v2.14.1).", "Rolled back payments-api to v2.14.0 (was v2.14.1)."},
		{"- not a list item", `\- not a list item`},
		{"+ nor this", `\+ nor this`},
		{"2. nor an ordered one", `2\. nor an ordered one`},
		{"10) nor this", `10\) nor this`},
		{"# not a heading", `\# not a heading`},
		{"=== not an underline", `\=== not an underline`},
		{"see [docs](https://x) and <b>bold</b>", `see \[docs\](https://x) and \<b\>bold\</b\>`},
		{"a | b ~~c~~ *d* _e_ `f`", "a \\| b \\~\\~c\\~\\~ \\*d\\* \\_e\\_ \\`f\\`"},
		{"3 pods of 12 restarted", "3 pods of 12 restarted"},
	} {
		if got := md(c.in, ""); got != c.want {
			t.Errorf("md(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestHandoffListsWhatIsOpen(t *testing.T) {
	out := Handoff(testBoard(t), declared.Add(2*time.Hour))
	for _, want := range []string{
		"Handoff: INC-2026-0312-001 Checkout returning 503 (P0), resolved",
		"- [ruled out] Memory leak in *v2.14.1* / # not a heading",
		"- [open] Slow queries exhaust the pool, owner @raj",
		`- Internal sync: last posted 2026-03-12 14:43 UTC: "Still investigating"; next stopped (incident resolved)`,
		"- Postmortem owner: kim; lead, payments",
		"- payments-api [degraded]: 5xx at 38%",
		"- 2026-03-12 14:30 UTC Rolled back payments-api (owner raj): 5xx down to 2%",
		"- [open] Add a canary for payments-api deploys (owner kim)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("handoff lacks %q:\n%s", want, out)
		}
	}
}

func TestPostmortemICSFormat(t *testing.T) {
	b := testBoard(t)
	out, err := PostmortemICS(b, declared.Add(2*time.Hour), "sitrep.example.com")
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	if strings.Count(text, "\n") != strings.Count(text, "\r\n") {
		t.Error("a line ends without CR")
	}
	for _, line := range strings.Split(strings.TrimSuffix(text, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line of %d octets: %q", len(line), line)
		}
	}
	unfolded := strings.ReplaceAll(text, "\r\n ", "")
	for _, want := range []string{
		"DTSTART:20260314T155300Z\r\n", "DTEND:20260314T165300Z\r\n",
		`Postmortem owner: kim\; lead\, payments`, `\nDeclared 2026-03-12 14:23 UTC`,
		"UID:INC-2026-0312-001-postmortem@sitrep.example.com\r\n",
	} {
		if !strings.Contains(unfolded, want) {
			t.Errorf("calendar lacks %q:\n%s", want, unfolded)
		}
	}
	records, _ := board.NewIncident("Fresh", "P2", "raj", declared)
	if _, err := PostmortemICS(board.NewBoard("INC-x", declared, 0, records), declared, "x"); err != ErrNoMeetingTime {
		t.Errorf("calendar of an active incident gave %v, want ErrNoMeetingTime", err)
	}
}

func TestFoldKeepsCharactersWhole(t *testing.T) {
	line := "SUMMARY:" + strings.Repeat("é", 60)
	out := fold(line)
	for _, part := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
		if len(part) > 75 {
			t.Errorf("part of %d octets", len(part))
		}
	}
	if strings.ReplaceAll(strings.TrimSuffix(out, "\r\n"), "\r\n ", "") != line {
		t.Error("unfolding does not give the line back")
	}
}
