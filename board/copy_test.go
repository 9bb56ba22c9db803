package board

import "testing"

// TestCopyKeepsStateAtCopy checks that commits to a board after Copy change
// neither the copy's records nor its sequence number.
func TestCopyKeepsStateAtCopy(t *testing.T) {
	b := newTestBoard(t)
	apply(t, b, Change{ID: "c1", Op: OpAdd, List: ListTimeline, Item: "t1",
		Fields: map[string]any{"text": "Rollback of payments-api started"}}, "raj", declared)
	c := b.Copy()

	apply(t, b, Change{ID: "c2", Op: OpUpdate, List: ListTimeline, Item: "t1",
		Fields: map[string]any{"text": "Rollback of payments-api finished"}}, "raj", declared)
	apply(t, b, Change{ID: "c3", Op: OpAdd, List: ListTimeline, Item: "t2",
		Fields: map[string]any{"text": "Error rate back under 1%"}}, "raj", declared)

	if c.Seq == b.Seq {
		t.Errorf("copy seq = %d, the same as the board's after two more commits", c.Seq)
	}
	entry, ok := c.Get(ListTimeline, "t1")
	if !ok {
		t.Fatal("copy lost entry t1")
	}
	if got := entry.Text("text"); got != "Rollback of payments-api started" {
		t.Errorf("copy's entry t1 text = %q, want the text at the time of the copy", got)
	}
	if _, ok := c.Get(ListTimeline, "t2"); ok {
		t.Error("copy holds entry t2, added after the copy")
	}
	if c.Len() != b.Len()-1 {
		t.Errorf("copy has %d records, board %d; want one fewer", c.Len(), b.Len())
	}
}
