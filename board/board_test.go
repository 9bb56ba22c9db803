package board

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

var declared = time.Date(2026, 3, 12, 14, 23, 0, 0, time.UTC)

func newTestBoard(t *testing.T) *Board {
	t.Helper()
	records, err := NewIncident("Checkout returning 503", "P0", "raj", declared)
	if err != nil {
		t.Fatal(err)
	}
	return NewBoard("INC-2026-0312-001", declared, 0, records)
}

// apply applies and commits a change, failing the test if it is rejected.
func apply(t *testing.T, b *Board, c Change, by string, at time.Time) *Applied {
	t.Helper()
	a, err := b.Apply(c, by, at)
	if err != nil {
		t.Fatalf("change %s rejected: %v", c.ID, err)
	}
	b.Commit(a)
	return a
}

func TestNewIncidentDefaults(t *testing.T) {
	b := newTestBoard(t)
	h := b.Header()
	if h.Text("status") != "investigating" || h.Text("declaredAt") != "2026-03-12T14:23:00Z" {
		t.Errorf("header status %q declared %q", h.Text("status"), h.Text("declaredAt"))
	}
	pm, ok := b.Get(ListRoles, "role-5")
	if !ok || pm.Text("role") != "Postmortem owner" || pm.Text("person") != "TBD" {
		t.Errorf("postmortem owner role = %+v", pm)
	}
	due, _ := b.Get(ListUpdates, "update-1")
	if due.Text("due") != "2026-03-12T14:38:00Z" {
		t.Errorf("P0 internal sync due %s, want 15 minutes after declaring", due.Text("due"))
	}
	if _, err := NewIncident("x", "P9", "raj", declared); err == nil || err.Field != "severity" {
		t.Errorf("severity P9 gave %v", err)
	}
}

func TestTimelineTiesKeepAddOrder(t *testing.T) {
	b := newTestBoard(t)
	now := declared.Add(30 * time.Minute)
	same := "2026-03-12T14:30:00Z"
	for _, id := range []string{"zz", "aa", "mm"} {
		apply(t, b, Change{ID: "c-" + id, Op: OpAdd, List: ListTimeline, Item: id, Fields: map[string]any{"at": same, "text": id}}, "kim", now)
	}
	apply(t, b, Change{ID: "c-early", Op: OpAdd, List: ListTimeline, Item: "early", Fields: map[string]any{"at": "2026-03-12T14:18:00Z", "text": "alert"}}, "kim", now)
	var got []string
	for _, r := range b.Records() {
		if r.List == ListTimeline {
			got = append(got, r.ID)
		}
	}
	want := []string{"early", "declared", "zz", "aa", "mm"}
	if len(got) != len(want) {
		t.Fatalf("timeline = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("timeline = %v, want %v", got, want)
		}
	}
}

func TestMoveHypothesis(t *testing.T) {
	b := newTestBoard(t)
	at := declared.Add(time.Minute)
	for _, id := range []string{"h1", "h2", "h3"} {
		apply(t, b, Change{ID: "add-" + id, Op: OpAdd, List: ListHypotheses, Item: id, Fields: map[string]any{"text": id}}, "raj", at)
	}
	a := apply(t, b, Change{ID: "mv", Op: OpMove, List: ListHypotheses, Item: "h3", Before: "h1"}, "raj", at)
	if len(a.Records) != 1 {
		t.Errorf("a move changed %d records, want 1", len(a.Records))
	}
	apply(t, b, Change{ID: "mv2", Op: OpMove, List: ListHypotheses, Item: "h1", Before: ""}, "raj", at)
	var got []string
	for _, r := range b.Records() {
		if r.List == ListHypotheses {
			got = append(got, r.ID)
		}
	}
	if len(got) != 3 || got[0] != "h3" || got[1] != "h2" || got[2] != "h1" {
		t.Errorf("order after moves = %v, want [h3 h2 h1]", got)
	}
	if _, err := b.Apply(Change{ID: "bad", Op: OpMove, List: ListTimeline, Item: "declared"}, "raj", at); err == nil || err.Field != "list" {
		t.Errorf("moving a timeline entry gave %v, want an error on list", err)
	}
}

func TestUpdateKeepsHistoryAndReportsReplaced(t *testing.T) {
	b := newTestBoard(t)
	at := declared.Add(5 * time.Minute)
	first := apply(t, b, Change{ID: "s1", Op: OpUpdate, List: ListHeader, Item: HeaderID, Fields: map[string]any{"status": "identified"}, Base: 0}, "kim", at)
	// raj edits from a screen that had not seen kim's change yet.
	second := apply(t, b, Change{ID: "s2", Op: OpUpdate, List: ListHeader, Item: HeaderID, Fields: map[string]any{"status": "monitoring"}, Base: 0}, "raj", at)
	if len(first.Replaced) != 0 {
		t.Errorf("first change reports replaced %v", first.Replaced)
	}
	if len(second.Replaced) != 1 || second.Replaced[0].By != "kim" || second.Replaced[0].Value != "identified" {
		t.Fatalf("second change replaced = %+v, want kim's identified", second.Replaced)
	}
	h := b.Header().History["status"]
	if len(h) != 2 || h[0].Value != "investigating" || h[1].Value != "identified" {
		t.Errorf("status history = %+v", h)
	}
	// An edit made after seeing the latest value replaces nothing unseen.
	third := apply(t, b, Change{ID: "s3", Op: OpUpdate, List: ListHeader, Item: HeaderID, Fields: map[string]any{"status": "resolved"}, Base: second.Seq}, "kim", at)
	if len(third.Replaced) != 0 {
		t.Errorf("an informed edit reports replaced %v", third.Replaced)
	}
}

func TestStatusPageDraftIsNotPosted(t *testing.T) {
	b := newTestBoard(t)
	at := declared.Add(7 * time.Minute)
	apply(t, b, Change{ID: "sp", Op: OpUpdate, List: ListHeader, Item: HeaderID, Fields: map[string]any{"statusPageText": "Investigating checkout errors"}}, "sonia", at)
	if got := b.Header().Text("statusPagePostedAt"); got != "" {
		t.Errorf("statusPagePostedAt = %q after editing the draft, want it unset until posted", got)
	}
}

func TestStakeholdersSeeOnlyPostedStatusText(t *testing.T) {
	b := newTestBoard(t)
	draft := func(id, text string, at time.Time) {
		apply(t, b, Change{ID: id, Op: OpUpdate, List: ListHeader, Item: HeaderID, Fields: map[string]any{"statusPageText": text}}, "sonia", at)
	}
	public := func() *Record {
		v := PublicView(*b.Header())
		return &v
	}

	draft("d1", "Investigating checkout errorz", declared.Add(5*time.Minute))
	if got := public().Text("statusPageText"); got != "" {
		t.Errorf("an unposted draft shows to stakeholders as %q", got)
	}
	posted := declared.Add(7 * time.Minute)
	apply(t, b, Change{ID: "p1", Op: OpUpdate, List: ListHeader, Item: HeaderID, Fields: map[string]any{
		"statusPageText": "Investigating checkout errors", "statusPagePostedAt": FormatTime(posted)}}, "sonia", posted)
	draft("d2", "We found the cause and are rolling out a fix", declared.Add(12*time.Minute))
	v := public()
	if got := v.Text("statusPageText"); got != "Investigating checkout errors" {
		t.Errorf("stakeholders see %q, want the text as posted", got)
	}
	if _, has := v.History["statusPageText"]; has {
		t.Error("stakeholders see the drafts' history")
	}
	if b.Header().Text("statusPageText") != "We found the cause and are rolling out a fix" {
		t.Error("editors no longer see their draft")
	}
}

func TestUpdatesSortByDue(t *testing.T) {
	b := newTestBoard(t)
	at := declared.Add(time.Minute)
	apply(t, b, Change{ID: "late", Op: OpUpdate, List: ListUpdates, Item: "update-1", Fields: map[string]any{"due": "2026-03-12T16:00:00Z"}}, "sonia", at)
	apply(t, b, Change{ID: "new", Op: OpAdd, List: ListUpdates, Item: "support", Fields: map[string]any{"name": "Support briefing", "due": "2026-03-12T15:00:00Z"}}, "sonia", at)
	var got []string
	for _, r := range b.Records() {
		if r.List == ListUpdates {
			got = append(got, r.ID)
		}
	}
	if len(got) < 2 || got[len(got)-1] != "update-1" || got[0] == "update-1" {
		t.Errorf("updates in order %v, want update-1 (due last) at the end", got)
	}
}

func TestChecklistTickRecordsWhoAndWhen(t *testing.T) {
	b := newTestBoard(t)
	at := declared.Add(2 * time.Minute)
	apply(t, b, Change{ID: "tick", Op: OpUpdate, List: ListChecklist, Item: "check-2", Fields: map[string]any{"done": true}}, "raj", at)
	r, _ := b.Get(ListChecklist, "check-2")
	if r.Fields["doneBy"] != "raj" || r.Fields["doneAt"] != "2026-03-12T14:25:00Z" {
		t.Errorf("ticked item fields = %v", r.Fields)
	}
	apply(t, b, Change{ID: "untick", Op: OpUpdate, List: ListChecklist, Item: "check-2", Fields: map[string]any{"done": false}}, "raj", at)
	r, _ = b.Get(ListChecklist, "check-2")
	if _, has := r.Fields["doneBy"]; has {
		t.Error("unticking kept doneBy")
	}
}

func TestDeleteAndRestore(t *testing.T) {
	b := newTestBoard(t)
	at := declared.Add(time.Minute)
	apply(t, b, Change{ID: "add", Op: OpAdd, List: ListActionItems, Item: "ai", Fields: map[string]any{"action": "Add index on orders.customer_id"}}, "raj", at)
	apply(t, b, Change{ID: "del", Op: OpDelete, List: ListActionItems, Item: "ai"}, "raj", at)
	if r, _ := b.Get(ListActionItems, "ai"); !r.Deleted {
		t.Fatal("deleted item is not marked deleted")
	}
	apply(t, b, Change{ID: "res", Op: OpRestore, List: ListActionItems, Item: "ai"}, "raj", at)
	apply(t, b, Change{ID: "del2", Op: OpDelete, List: ListActionItems, Item: "ai"}, "raj", at)
	apply(t, b, Change{ID: "done", Op: OpUpdate, List: ListHeader, Item: HeaderID, Fields: map[string]any{"status": "resolved"}}, "sonia", at)
	if _, err := b.Apply(Change{ID: "res2", Op: OpRestore, List: ListActionItems, Item: "ai"}, "raj", at); err == nil {
		t.Error("restore after resolving was accepted")
	}
	if _, err := b.Apply(Change{ID: "hdr", Op: OpDelete, List: ListHeader, Item: HeaderID}, "raj", at); err == nil {
		t.Error("deleting the header was accepted")
	}
}

func TestRejectsInvalidValues(t *testing.T) {
	b := newTestBoard(t)
	at := declared.Add(time.Minute)
	cases := []struct {
		name  string
		c     Change
		field string
	}{
		{"bad op", Change{ID: "x1", Op: "drop", List: ListTimeline, Item: "a"}, "op"},
		{"bad id", Change{ID: "has space", Op: OpAdd, List: ListTimeline, Item: "a"}, "id"},
		{"number for text", Change{ID: "x2", Op: OpAdd, List: ListTimeline, Item: "a", Fields: map[string]any{"text": 5.0}}, "fields.text"},
		{"empty required", Change{ID: "x3", Op: OpUpdate, List: ListHeader, Item: HeaderID, Fields: map[string]any{"title": "  "}}, "fields.title"},
		{"control character", Change{ID: "x4", Op: OpAdd, List: ListTimeline, Item: "a", Fields: map[string]any{"text": "a\x00b"}}, "fields.text"},
		{"bad time", Change{ID: "x5", Op: OpAdd, List: ListTimeline, Item: "a", Fields: map[string]any{"text": "t", "at": "14:42"}}, "fields.at"},
		{"far future", Change{ID: "x6", Op: OpAdd, List: ListTimeline, Item: "a", Fields: map[string]any{"text": "t", "at": "2027-12-01T00:00:00Z"}}, "fields.at"},
		{"unknown item", Change{ID: "x7", Op: OpUpdate, List: ListTimeline, Item: "nope", Fields: map[string]any{"text": "t"}}, "item"},
		{"duplicate item", Change{ID: "x8", Op: OpAdd, List: ListTimeline, Item: "declared", Fields: map[string]any{"text": "t"}}, "item"},
		{"bool as string", Change{ID: "x9", Op: OpUpdate, List: ListChecklist, Item: "check-1", Fields: map[string]any{"done": "yes"}}, "fields.done"},
	}
	for _, tc := range cases {
		_, err := b.Apply(tc.c, "raj", at)
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		if err.Field != tc.field {
			t.Errorf("%s: field %q, want %q (%s)", tc.name, err.Field, tc.field, err.Message)
		}
	}
	if b.Seq != 0 {
		t.Errorf("seq = %d after rejected changes, want 0", b.Seq)
	}
}

func TestAddStopsAtMaxRecords(t *testing.T) {
	now := time.Now().UTC()
	records, verr := NewIncident("Full board", "P2", "sonia", now)
	if verr != nil {
		t.Fatal(verr)
	}
	b := NewBoard("INC-2026-0312-001", now, 0, records)
	for i := b.Len(); i < MaxRecords; i++ {
		a, err := b.Apply(Change{ID: fmt.Sprintf("c%d", i), Op: OpAdd, List: ListTimeline, Item: fmt.Sprintf("t%d", i),
			Fields: map[string]any{"text": "entry"}}, "raj", now)
		if err != nil {
			t.Fatalf("add %d of %d: %v", i+1, MaxRecords, err)
		}
		b.Commit(a)
	}
	_, err := b.Apply(Change{ID: "one-more", Op: OpAdd, List: ListTimeline, Item: "one-more",
		Fields: map[string]any{"text": "entry"}}, "raj", now)
	if err == nil {
		t.Fatalf("add beyond %d records was accepted", MaxRecords)
	}
	if err.Field != "item" || !strings.Contains(err.Message, "20000") {
		t.Errorf("error %v does not name the limit", err)
	}
	// Updating, deleting and restoring still work on a full board.
	a, err := b.Apply(Change{ID: "delete-one", Op: OpDelete, List: ListTimeline, Item: "t100"}, "raj", now)
	if err != nil {
		t.Fatalf("delete on a full board: %v", err)
	}
	b.Commit(a)
	if b.Len() != MaxRecords {
		t.Errorf("board holds %d records, want %d", b.Len(), MaxRecords)
	}
}
