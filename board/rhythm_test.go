package board

import (
	"strings"
	"testing"
	"time"
)

// entriesOfKind returns the text of the timeline entries of kind, in board order.
func entriesOfKind(b *Board, kind string) []string {
	var out []string
	for _, r := range b.Records() {
		if r.List == ListTimeline && r.Text("kind") == kind {
			out = append(out, r.Text("text"))
		}
	}
	return out
}

func TestPostMovesDeadlineByCadence(t *testing.T) {
	b := newTestBoard(t)
	at := declared.Add(10 * time.Minute)
	a := apply(t, b, Change{ID: "p1", Op: OpPost, List: ListUpdates, Item: "update-1",
		Fields: map[string]any{"text": "Still investigating checkout 503s"}}, "sonia", at)
	if len(a.Records) != 2 {
		t.Fatalf("post produced %d records, want the update and a timeline entry", len(a.Records))
	}
	u, _ := b.Get(ListUpdates, "update-1")
	if u.Text("due") != "2026-03-12T14:48:00Z" {
		t.Errorf("internal sync due %s, want 15 minutes after posting", u.Text("due"))
	}
	if u.Text("lastPostedAt") != "2026-03-12T14:33:00Z" || u.Text("lastText") != "Still investigating checkout 503s" {
		t.Errorf("update after post = %v", u.Fields)
	}
	got := entriesOfKind(b, EntryUpdate)
	if len(got) != 1 || got[0] != "Still investigating checkout 503s" {
		t.Errorf("update entries = %q", got)
	}
	if a.Records[1].Text("audience") != "Internal sync" || a.Records[1].CreatedBy != "sonia" {
		t.Errorf("entry = %+v", a.Records[1])
	}
	if b.Header().Text("statusPageText") != "" {
		t.Error("an internal post changed the status page text")
	}
}

func TestPostToStatusPageSetsHeader(t *testing.T) {
	b := newTestBoard(t)
	at := declared.Add(7 * time.Minute)
	a := apply(t, b, Change{ID: "p1", Op: OpPost, List: ListUpdates, Item: "update-2",
		Fields: map[string]any{"text": "We are investigating elevated checkout errors."}}, "sonia", at)
	if len(a.Records) != 3 {
		t.Fatalf("status page post produced %d records, want 3", len(a.Records))
	}
	h := b.Header()
	if h.Text("statusPageText") != "We are investigating elevated checkout errors." || h.Text("statusPagePostedAt") != "2026-03-12T14:30:00Z" {
		t.Errorf("header status page = %q at %q", h.Text("statusPageText"), h.Text("statusPagePostedAt"))
	}
	u, _ := b.Get(ListUpdates, "update-2")
	if u.Text("due") != "2026-03-12T15:00:00Z" {
		t.Errorf("status page due %s, want 30 minutes after posting", u.Text("due"))
	}
}

func TestPostRejectsBadInput(t *testing.T) {
	b := newTestBoard(t)
	at := declared.Add(time.Minute)
	cases := []struct {
		name  string
		c     Change
		field string
	}{
		{"no text", Change{ID: "x1", Op: OpPost, List: ListUpdates, Item: "update-1"}, "fields.text"},
		{"blank text", Change{ID: "x2", Op: OpPost, List: ListUpdates, Item: "update-1", Fields: map[string]any{"text": " "}}, "fields.text"},
		{"other field", Change{ID: "x3", Op: OpPost, List: ListUpdates, Item: "update-1", Fields: map[string]any{"text": "a", "due": ""}}, "fields.due"},
		{"wrong list", Change{ID: "x4", Op: OpPost, List: ListTimeline, Item: "declared", Fields: map[string]any{"text": "a"}}, "op"},
		{"unknown update", Change{ID: "x5", Op: OpPost, List: ListUpdates, Item: "nope", Fields: map[string]any{"text": "a"}}, "item"},
		{"server field", Change{ID: "x6", Op: OpUpdate, List: ListUpdates, Item: "update-1", Fields: map[string]any{"lastText": "a"}}, "fields.lastText"},
		{"server kind", Change{ID: "x7", Op: OpAdd, List: ListTimeline, Item: "e", Fields: map[string]any{"text": "a", "kind": "auto"}}, "fields.kind"},
		{"cadence too long", Change{ID: "x8", Op: OpUpdate, List: ListUpdates, Item: "update-1", Fields: map[string]any{"cadence": 5000.0}}, "fields.cadence"},
		{"cadence fraction", Change{ID: "x9", Op: OpUpdate, List: ListUpdates, Item: "update-1", Fields: map[string]any{"cadence": 2.5}}, "fields.cadence"},
		{"cadence text", Change{ID: "x10", Op: OpUpdate, List: ListUpdates, Item: "update-1", Fields: map[string]any{"cadence": "15"}}, "fields.cadence"},
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
		t.Errorf("seq = %d after rejected changes", b.Seq)
	}
}

func TestCadenceChangeReschedules(t *testing.T) {
	b := newTestBoard(t)
	at := declared.Add(5 * time.Minute)
	apply(t, b, Change{ID: "c1", Op: OpUpdate, List: ListUpdates, Item: "update-3", Fields: map[string]any{"cadence": 60.0}}, "sonia", at)
	u, _ := b.Get(ListUpdates, "update-3")
	if u.Text("due") != "2026-03-12T15:23:00Z" {
		t.Errorf("exec due %s after cadence 60, want an hour after declaring", u.Text("due"))
	}
	apply(t, b, Change{ID: "c2", Op: OpUpdate, List: ListUpdates, Item: "update-3", Fields: map[string]any{"cadence": 0.0}}, "sonia", at)
	u, _ = b.Get(ListUpdates, "update-3")
	if u.Text("due") != "" {
		t.Errorf("no reminders kept due %s", u.Text("due"))
	}
	a := apply(t, b, Change{ID: "p", Op: OpPost, List: ListUpdates, Item: "update-3", Fields: map[string]any{"text": "Exec note"}}, "sonia", at)
	if a.Records[0].Text("due") != "" {
		t.Errorf("a post without cadence set due %s", a.Records[0].Text("due"))
	}
}

func TestSeverityChangeFollowsCadence(t *testing.T) {
	b := newTestBoard(t)
	apply(t, b, Change{ID: "own", Op: OpUpdate, List: ListUpdates, Item: "update-3", Fields: map[string]any{"cadence": 45.0}}, "sonia", declared)
	at := declared.Add(2 * time.Minute)
	apply(t, b, Change{ID: "sev", Op: OpUpdate, List: ListHeader, Item: HeaderID, Fields: map[string]any{"severity": "P1"}}, "sonia", at)
	internal, _ := b.Get(ListUpdates, "update-1")
	exec, _ := b.Get(ListUpdates, "update-3")
	if internal.IntField("cadence") != 30 {
		t.Errorf("internal cadence %d after P0 to P1, want 30", internal.IntField("cadence"))
	}
	if internal.Text("due") != "2026-03-12T14:38:00Z" {
		t.Errorf("internal due %s, want the earlier deadline kept", internal.Text("due"))
	}
	if exec.IntField("cadence") != 45 {
		t.Errorf("a cadence set by hand changed to %d", exec.IntField("cadence"))
	}
	if got := entriesOfKind(b, EntryAuto); len(got) != 2 || got[1] != "Severity changed from P0 to P1; now Internal sync every 30 min, Status page update every 60 min" {
		t.Errorf("auto entries = %q", got)
	}
}

func TestAutomaticEntries(t *testing.T) {
	b := newTestBoard(t)
	at := declared.Add(12 * time.Minute)
	apply(t, b, Change{ID: "h", Op: OpAdd, List: ListHypotheses, Item: "h1", Fields: map[string]any{"text": "Memory leak in v2.14.1"}}, "raj", at)
	apply(t, b, Change{ID: "ai", Op: OpAdd, List: ListActionItems, Item: "ai1", Fields: map[string]any{"action": "Add pool alerting"}}, "raj", at)
	changes := []Change{
		{ID: "s", Op: OpUpdate, List: ListHeader, Item: HeaderID, Fields: map[string]any{"status": "identified"}},
		{ID: "r", Op: OpUpdate, List: ListRoles, Item: "role-1", Fields: map[string]any{"person": "sonia"}},
		{ID: "ro", Op: OpUpdate, List: ListHypotheses, Item: "h1", Fields: map[string]any{"state": "ruled-out"}},
		{ID: "d", Op: OpUpdate, List: ListActionItems, Item: "ai1", Fields: map[string]any{"status": "done"}},
	}
	for _, c := range changes {
		a := apply(t, b, c, "kim", at)
		if len(a.Records) < 2 || a.Records[1].Text("kind") != EntryAuto || a.Records[1].CreatedBy != "kim" {
			t.Errorf("change %s records = %+v, want an automatic entry by kim", c.ID, a.Records)
		}
	}
	want := []string{
		"Status changed from investigating to identified",
		"Owner of Incident commander: sonia (was nobody)",
		"Hypothesis ruled out: Memory leak in v2.14.1",
		"Action item done: Add pool alerting",
	}
	got := entriesOfKind(b, EntryAuto)[1:]
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("auto entries = %q, want %q", got, want)
	}
	if b.Header().Text("identifiedAt") != "2026-03-12T14:35:00Z" {
		t.Errorf("identifiedAt = %q", b.Header().Text("identifiedAt"))
	}
	// Editing the text of a hypothesis already ruled out adds nothing.
	a := apply(t, b, Change{ID: "t", Op: OpUpdate, List: ListHypotheses, Item: "h1", Fields: map[string]any{"note": "heap stable"}}, "kim", at)
	if len(a.Records) != 1 {
		t.Errorf("a note produced %d records", len(a.Records))
	}
}

func TestResolveStopsAndStartsClocks(t *testing.T) {
	b := newTestBoard(t)
	at := declared.Add(90 * time.Minute)
	a := apply(t, b, Change{ID: "res", Op: OpUpdate, List: ListHeader, Item: HeaderID, Fields: map[string]any{"status": "resolved"}}, "sonia", at)
	if got := entriesOfKind(b, EntryAllClear); len(got) != 1 {
		t.Errorf("all-clear entries = %q", got)
	}
	for _, id := range []string{"update-1", "update-2", "update-3"} {
		u, _ := b.Get(ListUpdates, id)
		if u.Text("due") != "" || u.Fields["stopped"] != true {
			t.Errorf("%s after resolving = %v", id, u.Fields)
		}
	}
	summary, _ := b.Get(ListFollowUp, "follow-2")
	pm, _ := b.Get(ListFollowUp, "follow-3")
	if summary.Text("due") != "2026-03-12T17:53:00Z" || pm.Text("due") != "2026-03-14T15:53:00Z" {
		t.Errorf("follow-up due summary %q postmortem %q", summary.Text("due"), pm.Text("due"))
	}
	if b.Header().Text("resolvedAt") != "2026-03-12T15:53:00Z" {
		t.Errorf("resolvedAt = %q", b.Header().Text("resolvedAt"))
	}
	// header, status entry, all-clear, three updates, two follow-up items
	if len(a.Records) != 8 {
		t.Errorf("resolving produced %d records, want 8", len(a.Records))
	}
	post := apply(t, b, Change{ID: "final", Op: OpPost, List: ListUpdates, Item: "update-1", Fields: map[string]any{"text": "Resolved"}}, "sonia", at)
	if post.Records[0].Text("due") != "" {
		t.Errorf("a post after resolving set due %s", post.Records[0].Text("due"))
	}
	// Reopening starts the update clocks again.
	apply(t, b, Change{ID: "reopen", Op: OpUpdate, List: ListHeader, Item: HeaderID, Fields: map[string]any{"status": "monitoring"}}, "sonia", at)
	u, _ := b.Get(ListUpdates, "update-1")
	if u.Text("due") != "2026-03-12T16:08:00Z" || u.Fields["stopped"] != false {
		t.Errorf("internal sync after reopening = %v", u.Fields)
	}
	if b.Header().Text("resolvedAt") != "" {
		t.Errorf("reopening kept resolvedAt %q", b.Header().Text("resolvedAt"))
	}
}

func TestCloseNeedsPostmortemOwner(t *testing.T) {
	b := newTestBoard(t)
	at := declared.Add(2 * time.Hour)
	closing := Change{ID: "close", Op: OpUpdate, List: ListHeader, Item: HeaderID, Fields: map[string]any{"status": "closed"}}
	if _, err := b.Apply(closing, "sonia", at); err == nil || err.Field != "fields.status" || !strings.Contains(err.Message, "resolved first") {
		t.Errorf("closing an active incident gave %v", err)
	}
	apply(t, b, Change{ID: "res", Op: OpUpdate, List: ListHeader, Item: HeaderID, Fields: map[string]any{"status": "resolved"}}, "sonia", at)
	_, err := b.Apply(closing, "sonia", at)
	if err == nil || err.Field != "fields.status" || !strings.Contains(err.Message, `"TBD"`) || !strings.Contains(err.Message, `"Postmortem owner" under Roles and owners`) {
		t.Errorf("closing with owner TBD gave %v", err)
	}
	apply(t, b, Change{ID: "pm", Op: OpUpdate, List: ListRoles, Item: "role-5", Fields: map[string]any{"person": "raj"}}, "sonia", at)
	apply(t, b, closing, "sonia", at)
	if b.Header().Text("closedAt") != "2026-03-12T16:23:00Z" {
		t.Errorf("closedAt = %q", b.Header().Text("closedAt"))
	}
}

func TestKeyTimesFromAlertAndStamps(t *testing.T) {
	b := newTestBoard(t)
	at := declared.Add(12 * time.Minute)
	apply(t, b, Change{ID: "a", Op: OpAdd, List: ListTimeline, Item: "alert", Fields: map[string]any{
		"at": "2026-03-12T14:18:00Z", "text": "payments-api p99 latency alert", "kind": "alert"}}, "raj", at)
	apply(t, b, Change{ID: "s", Op: OpUpdate, List: ListHeader, Item: HeaderID, Fields: map[string]any{"status": "identified"}}, "raj", at)
	k := b.KeyTimes()
	if k.FirstAlertID != "alert" {
		t.Errorf("first alert = %q", k.FirstAlertID)
	}
	d := k.Durations()
	if !d[0].Reached || FormatSpan(d[0].Span) != "5m" {
		t.Errorf("time to declare = %+v", d[0])
	}
	if !d[1].Reached || FormatSpan(d[1].Span) != "17m" {
		t.Errorf("time to identify = %+v", d[1])
	}
	if d[3].Reached {
		t.Errorf("time to resolve reached before resolving: %+v", d[3])
	}
	if FormatSpan(75*time.Minute) != "1h 15m" {
		t.Errorf("FormatSpan(75m) = %q", FormatSpan(75*time.Minute))
	}
}

func TestDigestNextDueAndSearch(t *testing.T) {
	b := newTestBoard(t)
	apply(t, b, Change{ID: "svc", Op: OpUpdate, List: ListHeader, Item: HeaderID, Fields: map[string]any{"affectedServices": "payments-api, order-service,"}}, "raj", declared)
	apply(t, b, Change{ID: "e", Op: OpAdd, List: ListTimeline, Item: "e", Fields: map[string]any{"text": "DB connection POOL exhausted"}}, "raj", declared)
	d := b.Digest()
	if d.NextDue != "2026-03-12T14:38:00Z" {
		t.Errorf("next due = %q", d.NextDue)
	}
	if len(d.AffectedServices) != 2 || d.AffectedServices[1] != "order-service" {
		t.Errorf("services = %q", d.AffectedServices)
	}
	if !strings.Contains(d.SearchText, "connection pool exhausted") {
		t.Errorf("search text = %q", d.SearchText)
	}
}
