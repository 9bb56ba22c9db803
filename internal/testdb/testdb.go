// Package testdb gives tests a real store: an embedded FerretDB with the
// SQLite backend in a temporary folder, one per test binary.
package testdb

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sitrep/sitrep/store"
)

var (
	uri     string
	counter atomic.Int64
)

// Main starts the embedded database, runs the tests and stops it. Call it
// from TestMain.
func Main(m *testing.M) int {
	dir, err := os.MkdirTemp("", "sitrep-testdb-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "testdb:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	emb, err := store.StartEmbedded(ctx, dir, slog.New(slog.NewTextHandler(os.Stderr, nil)))
	if err != nil {
		fmt.Fprintln(os.Stderr, "testdb:", err)
		return 1
	}
	defer emb.Stop()
	uri = emb.URI
	return m.Run()
}

// Open returns a store on a database of its own, so tests do not see each
// other's incidents.
func Open(t testing.TB) *store.Store {
	t.Helper()
	if uri == "" {
		t.Fatal("testdb: Main was not called from TestMain")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	name := fmt.Sprintf("test%d_%d", os.Getpid(), counter.Add(1))
	st, err := store.Open(ctx, uri, name)
	if err != nil {
		t.Fatalf("open store %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = st.Close(ctx)
	})
	return st
}
