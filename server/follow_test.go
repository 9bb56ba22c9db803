package main

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/sitrep/sitrep/store"
)

// TestInstancesOnOneDatabaseShareEdits starts two servers on one database,
// as two instances behind a load balancer, and checks that an edit through
// one reaches a stakeholder connected to the other.
func TestInstancesOnOneDatabaseShareEdits(t *testing.T) {
	emb, err := store.StartEmbedded(context.Background(), t.TempDir(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emb.Stop)
	_, first := startAppWith(t, "-mongodb-uri", emb.URI, "-database", "shared", "-follow-interval", "100ms")
	_, second := startAppWith(t, "-mongodb-uri", emb.URI, "-database", "shared", "-follow-interval", "100ms")

	id, edit, view := declareIncident(t, first, "Checkout returning 503")
	viewer, _ := hello(t, second, id, view)
	editor, _ := hello(t, first, id, edit)
	writeMsg(t, editor, map[string]any{"type": "change", "id": "c-1", "op": "add", "list": "timeline", "item": "e-1",
		"fields": map[string]any{"text": "Rolled back payments-api"}})
	got := readUntil(t, viewer, "change")
	if got["id"] != "c-1" {
		t.Errorf("stakeholder on the second instance got change %v, want c-1", got["id"])
	}
}

func TestFollowIntervalConfig(t *testing.T) {
	noEnv := func(string) string { return "" }
	cfg, err := ParseConfig([]string{"-mongodb-uri", "mongodb://127.0.0.1:27017", "-follow-interval", "250ms"}, noEnv, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.FollowInterval.String() != "250ms" {
		t.Errorf("follow interval %v with a MongoDB URI, want 250ms", cfg.FollowInterval)
	}
	cfg, err = ParseConfig(nil, noEnv, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.FollowInterval != 0 {
		t.Errorf("follow interval %v with the embedded database, want 0", cfg.FollowInterval)
	}
	for _, bad := range []string{"soon", "-1s"} {
		if _, err := ParseConfig([]string{"-follow-interval", bad}, noEnv, io.Discard); err == nil {
			t.Errorf("follow interval %q accepted", bad)
		}
	}
}
