package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sitrep/sitrep/board"
	"github.com/sitrep/sitrep/internal/testdb"
	"github.com/sitrep/sitrep/store"
	"github.com/sitrep/sitrep/token"
)

// BenchmarkInsertChange measures the commit point of an edit: storing one
// timeline entry's change in the embedded FerretDB. One op is one insert.
func BenchmarkInsertChange(b *testing.B) {
	for _, entries := range []int{10, 5000} {
		b.Run(fmt.Sprintf("entries=%d", entries), func(b *testing.B) {
			st := testdb.Open(b)
			inc := benchIncident(b, st, entries)
			ctx := context.Background()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				a := benchEntry(b, inc.Board, fmt.Sprintf("b%d", i))
				if err := st.InsertChange(ctx, inc.ID, a); err != nil {
					b.Fatal(err)
				}
				inc.Board.Commit(a)
			}
		})
	}
}

// BenchmarkSaveSnapshot measures writing the whole board, which the hub
// does in the background every so many changes. One op is one snapshot.
func BenchmarkSaveSnapshot(b *testing.B) {
	for _, entries := range []int{10, 5000} {
		b.Run(fmt.Sprintf("entries=%d", entries), func(b *testing.B) {
			st := testdb.Open(b)
			inc := benchIncident(b, st, entries)
			records := inc.Board.Records()
			ctx := context.Background()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := st.SaveSnapshot(ctx, inc.ID, int64(entries+i+1), records); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchIncident stores an incident whose snapshot holds n timeline entries.
func benchIncident(b *testing.B, st *store.Store, n int) *store.Incident {
	b.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	id, err := st.NextIncidentID(ctx, now)
	if err != nil {
		b.Fatal(err)
	}
	records, verr := board.NewIncident("Checkout returning 503", "P0", "sonia", now)
	if verr != nil {
		b.Fatal(verr)
	}
	inc := &store.Incident{ID: id, CreatedAt: now, EditTokenHash: token.Hash("edit-" + id),
		ViewTokenHash: token.Hash("view-" + id), Board: board.NewBoard(id, now, 0, records)}
	for i := 0; i < n; i++ {
		inc.Board.Commit(benchEntry(b, inc.Board, fmt.Sprintf("pre%d", i)))
	}
	if err := st.CreateIncident(ctx, inc); err != nil {
		b.Fatal(err)
	}
	return inc
}

func benchEntry(b *testing.B, bd *board.Board, id string) *board.Applied {
	a, verr := bd.Apply(board.Change{ID: id, Op: board.OpAdd, List: board.ListTimeline, Item: "item-" + id,
		Fields: map[string]any{"text": "payments-api p99 latency above 8s after the 14:02 deploy; rolling back"}}, "raj", time.Now())
	if verr != nil {
		b.Fatal(verr)
	}
	return a
}
