package hub_test

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/sitrep/sitrep/board"
	"github.com/sitrep/sitrep/hub"
	"github.com/sitrep/sitrep/store"
)

// landedStore is the real store whose first insert lands in the database
// but reports a timeout, as when the answer is lost on the way back.
type landedStore struct {
	*store.Store
	tripped atomic.Bool
}

func (l *landedStore) InsertChange(ctx context.Context, incident string, a *board.Applied) error {
	if err := l.Store.InsertChange(ctx, incident, a); err != nil {
		return err
	}
	if l.tripped.CompareAndSwap(false, true) {
		return errors.New("insert: context deadline exceeded")
	}
	return nil
}

func TestChangeStoredDespiteTimeoutIsShown(t *testing.T) {
	e := newEnv(t, hub.Config{})
	id, edit, _ := e.incident("Lost answer")
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelError + 1}))
	e.hub = hub.New(&landedStore{Store: e.store}, log, prometheus.NewRegistry(), hub.Config{})
	e.live.Store(e.hub)

	sender, _ := e.join(id, edit, "raj", 0)
	other, _ := e.join(id, edit, "kim", 0)
	msg := addTimeline("lost-1", "e1", "stored, but the answer was lost")
	sender.send(msg)
	if m := sender.expect("error", nil); m["code"] != "unavailable" {
		t.Fatalf("first attempt answered %v, want unavailable", m["code"])
	}
	// The browser keeps the change pending and sends it again.
	sender.send(msg)
	for name, p := range map[string]*peer{"sender": sender, "other": other} {
		if got := p.expect("change", changeWithID("lost-1")); got["seq"] != float64(1) {
			t.Errorf("%s received the change as seq %v, want 1", name, got["seq"])
		}
	}
	if ack := sender.expect("ack", nil); ack["seq"] != float64(1) {
		t.Errorf("ack = %v, want seq 1", ack)
	}
	inc, err := e.hub.Lookup(context.Background(), id, edit)
	if err != nil {
		t.Fatal(err)
	}
	if inc.Seq != 1 {
		t.Errorf("the room is at seq %d, want 1", inc.Seq)
	}
}
