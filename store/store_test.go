package store_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sitrep/sitrep/board"
	"github.com/sitrep/sitrep/internal/testdb"
	"github.com/sitrep/sitrep/store"
	"github.com/sitrep/sitrep/token"
)

func TestMain(m *testing.M) { os.Exit(testdb.Main(m)) }

func newIncident(t *testing.T, st *store.Store, title string) *store.Incident {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	id, err := st.NextIncidentID(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	records, verr := board.NewIncident(title, "P0", "sonia", now)
	if verr != nil {
		t.Fatal(verr)
	}
	inc := &store.Incident{ID: id, CreatedAt: now, EditTokenHash: token.Hash("edit-" + id),
		ViewTokenHash: token.Hash("view-" + id), Board: board.NewBoard(id, now, 0, records)}
	if err := st.CreateIncident(ctx, inc); err != nil {
		t.Fatal(err)
	}
	return inc
}

func addEntry(t *testing.T, b *board.Board, changeID, text string) *board.Applied {
	t.Helper()
	a, err := b.Apply(board.Change{ID: changeID, Op: board.OpAdd, List: board.ListTimeline, Item: "item-" + changeID,
		Fields: map[string]any{"text": text}}, "raj", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestNextIncidentIDCountsPerDay(t *testing.T) {
	st := testdb.Open(t)
	ctx := context.Background()
	day := time.Date(2026, 3, 12, 23, 59, 0, 0, time.UTC)
	for _, want := range []string{"INC-2026-0312-001", "INC-2026-0312-002"} {
		got, err := st.NextIncidentID(ctx, day)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("NextIncidentID = %s, want %s", got, want)
		}
	}
	next, err := st.NextIncidentID(ctx, day.Add(2*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if next != "INC-2026-0313-001" {
		t.Errorf("first id of the next UTC day = %s, want INC-2026-0313-001", next)
	}
}

func TestLoadReplaysChangesAfterSnapshot(t *testing.T) {
	st := testdb.Open(t)
	ctx := context.Background()
	inc := newIncident(t, st, "Checkout returning 503")
	for i, text := range []string{"Alert fires", "On-call acknowledges", "Incident declared"} {
		a := addEntry(t, inc.Board, "c"+string(rune('1'+i)), text)
		if err := st.InsertChange(ctx, inc.ID, a); err != nil {
			t.Fatal(err)
		}
		inc.Board.Commit(a)
	}
	loaded, err := st.LoadIncident(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if loaded.Board.Seq != 3 {
		t.Errorf("loaded seq = %d, want 3", loaded.Board.Seq)
	}
	if len(loaded.Tail) != 3 {
		t.Errorf("loaded tail holds %d changes, want 3", len(loaded.Tail))
	}
	if got, want := len(loaded.Board.Records()), len(inc.Board.Records()); got != want {
		t.Errorf("loaded %d records, want %d", got, want)
	}
	if !token.Matches("edit-"+inc.ID, loaded.EditTokenHash) {
		t.Error("loaded edit token hash does not match the edit token")
	}

	if err := st.SaveSnapshot(ctx, inc.ID, 3, inc.Board.Records()); err != nil {
		t.Fatal(err)
	}
	again, err := st.LoadIncident(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Tail) != 0 || again.Board.Seq != 3 {
		t.Errorf("after snapshot: seq %d, tail %d; want seq 3, tail 0", again.Board.Seq, len(again.Tail))
	}
	// An older snapshot must not overwrite a newer one.
	if err := st.SaveSnapshot(ctx, inc.ID, 1, nil); err != nil {
		t.Fatal(err)
	}
	kept, err := st.LoadIncident(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if kept.Board.Seq != 3 || kept.Board.Len() != inc.Board.Len() {
		t.Errorf("an older snapshot replaced a newer one: seq %d, %d records", kept.Board.Seq, kept.Board.Len())
	}
}

func TestInsertChangeDuplicateID(t *testing.T) {
	st := testdb.Open(t)
	ctx := context.Background()
	inc := newIncident(t, st, "Duplicate ids")
	a := addEntry(t, inc.Board, "same-id", "first")
	if err := st.InsertChange(ctx, inc.ID, a); err != nil {
		t.Fatal(err)
	}
	inc.Board.Commit(a)

	// The same change sent again after a restart arrives as the next number.
	again, verr := inc.Board.Apply(board.Change{ID: "same-id", Op: board.OpAdd, List: board.ListTimeline,
		Item: "other-item", Fields: map[string]any{"text": "first"}}, "raj", time.Now())
	if verr != nil {
		t.Fatal(verr)
	}
	err := st.InsertChange(ctx, inc.ID, again)
	var dup *store.DuplicateError
	if !errors.As(err, &dup) {
		t.Fatalf("InsertChange of a repeated id = %v, want DuplicateError", err)
	}
	if dup.Seq != 1 {
		t.Errorf("duplicate reports seq %d, want 1", dup.Seq)
	}
	tail, err := st.ChangesAfter(ctx, inc.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(tail) != 1 {
		t.Errorf("stored %d changes, want 1", len(tail))
	}
}

func TestInsertChangeSeqTaken(t *testing.T) {
	st := testdb.Open(t)
	ctx := context.Background()
	inc := newIncident(t, st, "Two writers")
	first := addEntry(t, inc.Board, "writer-a", "from a")
	second := addEntry(t, inc.Board, "writer-b", "from b")
	if err := st.InsertChange(ctx, inc.ID, first); err != nil {
		t.Fatal(err)
	}
	err := st.InsertChange(ctx, inc.ID, second)
	if !errors.Is(err, store.ErrSeqTaken) {
		t.Fatalf("second writer of seq 1 got %v, want ErrSeqTaken", err)
	}
}

func TestListIncidentsActiveFirst(t *testing.T) {
	st := testdb.Open(t)
	ctx := context.Background()
	older := newIncident(t, st, "Older, resolved")
	newer := newIncident(t, st, "Newer, active")
	digest := older.Board.Digest()
	digest.Status = "resolved"
	if err := st.SaveSummary(ctx, older.ID, 5, digest); err != nil {
		t.Fatal(err)
	}
	list, err := st.ListIncidents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 {
		t.Fatalf("listed %d incidents, want 2", len(list))
	}
	if list[0].ID != newer.ID || list[1].ID != older.ID {
		t.Errorf("order = %s, %s; want the active %s first", list[0].ID, list[1].ID, newer.ID)
	}
	if list[1].Status != "resolved" {
		t.Errorf("summary status = %q, want resolved", list[1].Status)
	}
}

func TestLoadUnknownIncident(t *testing.T) {
	st := testdb.Open(t)
	_, err := st.LoadIncident(context.Background(), "INC-2000-0101-001")
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("LoadIncident of an unknown id = %v, want ErrNotFound", err)
	}
}

func TestSetTokenHashReplacesOneKind(t *testing.T) {
	st := testdb.Open(t)
	ctx := context.Background()
	inc := newIncident(t, st, "Leaked link")
	if err := st.SetTokenHash(ctx, inc.ID, store.KindView, token.Hash("view-2")); err != nil {
		t.Fatal(err)
	}
	loaded, err := st.LoadIncident(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if token.Matches("view-"+inc.ID, loaded.ViewTokenHash) {
		t.Error("the old view token still matches")
	}
	if !token.Matches("view-2", loaded.ViewTokenHash) {
		t.Error("the new view token does not match")
	}
	if !token.Matches("edit-"+inc.ID, loaded.EditTokenHash) {
		t.Error("replacing the view token changed the edit token")
	}
	if err := st.SetTokenHash(ctx, "INC-2000-0101-001", store.KindEdit, token.Hash("x")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetTokenHash of an unknown incident = %v, want ErrNotFound", err)
	}
	if err := st.SetTokenHash(ctx, inc.ID, "admin", token.Hash("x")); err == nil || !strings.Contains(err.Error(), inc.ID) {
		t.Errorf("SetTokenHash of kind admin = %v, want an error naming %s", err, inc.ID)
	}
}
