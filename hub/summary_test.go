package hub_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/sitrep/sitrep/board"
	"github.com/sitrep/sitrep/hub"
	"github.com/sitrep/sitrep/store"
)

// countingStore is the real store, counting the summary writes.
type countingStore struct {
	*store.Store
	summaries atomic.Int64
}

func (c *countingStore) SaveSummary(ctx context.Context, id string, seq int64, d board.Digest) error {
	c.summaries.Add(1)
	return c.Store.SaveSummary(ctx, id, seq, d)
}

func TestSummaryWrittenOncePerBurst(t *testing.T) {
	e := newEnv(t, hub.Config{})
	id, edit, _ := e.incident("Burst of entries")
	counting := &countingStore{Store: e.store}
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	e.hub = hub.New(counting, log, prometheus.NewRegistry(), hub.Config{})
	e.live.Store(e.hub)

	p, _ := e.join(id, edit, "raj", 0)
	const burst = 40
	start := time.Now()
	for i := 0; i < burst; i++ {
		cid := fmt.Sprintf("b%d", i)
		p.send(addTimeline(cid, cid, "entry "+cid))
	}
	p.expect("change", changeWithID(fmt.Sprintf("b%d", burst-1)))
	elapsed := time.Since(start)
	p.conn.Close(websocket.StatusNormalClosure, "")
	p.closed()
	eventually(t, 5*time.Second, "the room to close", func() bool { return e.hub.Rooms() == 0 })

	eventually(t, 5*time.Second, "the list's summary to reach the last change", func() bool {
		list, err := e.store.ListIncidents(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range list {
			if s.ID == id {
				return s.Seq == burst
			}
		}
		return false
	})
	// Every timeline entry changes the searchable text, but the summary,
	// which reads the whole board, is written once per second at most, and
	// once more when the room closes.
	limit := int64(elapsed/time.Second) + 2
	if n := counting.summaries.Load(); n > limit {
		t.Errorf("%d summary writes for %d changes in %v, want at most %d", n, burst, elapsed, limit)
	}
}

func TestSummaryCatchesUpAfterCrash(t *testing.T) {
	e := newEnv(t, hub.Config{})
	id, edit, _ := e.incident("Before the crash")
	// A change stored by a server that crashed before writing the summary.
	loaded, err := e.store.LoadIncident(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	a, verr := loaded.Board.Apply(board.Change{ID: "renamed", Op: board.OpUpdate, List: board.ListHeader, Item: board.HeaderID,
		Fields: map[string]any{"title": "After the crash"}}, "sonia", time.Now())
	if verr != nil {
		t.Fatal(verr)
	}
	if err := e.store.InsertChange(context.Background(), id, a); err != nil {
		t.Fatal(err)
	}

	if _, err := e.hub.Lookup(context.Background(), id, edit); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "the list to show the title stored before the crash", func() bool {
		list, err := e.store.ListIncidents(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range list {
			if s.ID == id {
				return s.Title == "After the crash"
			}
		}
		return false
	})
}
