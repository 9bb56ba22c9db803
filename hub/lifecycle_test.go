package hub_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/sitrep/sitrep/hub"
)

// eventually polls cond every 10 ms until it holds, failing after limit.
func eventually(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", limit, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// halfOpenSocket is a peer that vanished without closing: writes go
// nowhere and pings are never answered.
type halfOpenSocket struct {
	hello  []byte
	once   sync.Once
	closed chan struct{}
}

func (s *halfOpenSocket) Read(ctx context.Context) ([]byte, error) {
	if h := s.hello; h != nil {
		s.hello = nil
		return h, nil
	}
	select {
	case <-s.closed:
		return nil, fmt.Errorf("closed")
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (s *halfOpenSocket) Write([][]byte, time.Time) error { return nil }

func (s *halfOpenSocket) WriteNow([][]byte) (bool, error) { return false, nil }

// Ping goes out, but no pong ever comes back.
func (s *halfOpenSocket) Ping() error { return nil }

func (s *halfOpenSocket) LastPong() time.Time { return time.Time{} }

func (s *halfOpenSocket) Close(int, string) error { return s.CloseNow() }

func (s *halfOpenSocket) CloseNow() error {
	s.once.Do(func() { close(s.closed) })
	return nil
}

func TestUnansweredPingDropsConnection(t *testing.T) {
	cfg := hub.Config{PingInterval: 50 * time.Millisecond, PongTimeout: 50 * time.Millisecond}
	e := newEnv(t, cfg)
	id, edit, _ := e.incident("Half-open")
	sock := &halfOpenSocket{hello: []byte(`{"type":"hello","token":"` + edit + `","name":"ghost"}`), closed: make(chan struct{})}
	served := make(chan struct{})
	go func() {
		defer close(served)
		e.hub.Serve(context.Background(), sock, id)
	}()
	// The hub must notice within one ping interval and one pong timeout;
	// the limit leaves room for a slow machine.
	select {
	case <-served:
	case <-time.After(5 * time.Second):
		t.Fatal("a connection that answers no ping is still served after 5s")
	}
	eventually(t, 5*time.Second, "the room to close", func() bool { return e.hub.Rooms() == 0 })
}

func TestConnectionsLeaveNothingBehind(t *testing.T) {
	e := newEnv(t, hub.Config{HelloTimeout: 200 * time.Millisecond})
	id, edit, view := e.incident("Churn")
	// One connection first, so the database connections the store keeps
	// open count in the baseline.
	warm, _ := e.join(id, edit, "warm", 0)
	warm.conn.Close(websocket.StatusNormalClosure, "")
	warm.closed()
	eventually(t, 5*time.Second, "the warm-up room to close", func() bool { return e.hub.Rooms() == 0 })
	runtime.GC()
	baseline := runtime.NumGoroutine()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	const rounds = 60
	for i := 0; i < rounds; i++ {
		switch i % 4 {
		case 0: // a clean close
			p, _ := e.join(id, edit, fmt.Sprintf("clean%d", i), 0)
			p.conn.Close(websocket.StatusNormalClosure, "")
			p.closed()
		case 1: // an abrupt drop after editing
			p, _ := e.join(id, edit, fmt.Sprintf("drop%d", i), 0)
			p.send(addTimeline(fmt.Sprintf("c%d", i), fmt.Sprintf("e%d", i), "churn"))
			p.expect("change", changeWithID(fmt.Sprintf("c%d", i)))
			p.conn.CloseNow()
		case 2: // a stakeholder that vanishes
			p, _ := e.join(id, view, "", 0)
			p.conn.CloseNow()
		case 3: // a connection that never says hello
			p := e.dial(id)
			if code, _ := p.closed(); code != websocket.StatusPolicyViolation {
				t.Errorf("silent connection closed with %v, want 1008", code)
			}
		}
	}

	eventually(t, 10*time.Second, "every connection to be gone", func() bool {
		return e.metric("sitrep_connections") == 0 && e.hub.Rooms() == 0
	})
	// The database driver may grow its pool during the churn, so only the
	// hub's own goroutines must all be gone.
	deadline := time.Now().Add(10 * time.Second)
	for hubGoroutines() > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := hubGoroutines(); n > 0 {
		t.Errorf("%d hub goroutines remain after the churn (%d goroutines in all, %d before)", n, runtime.NumGoroutine(), baseline)
	}
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	// Heap in use may drift by allocator caches; a leak of the connections
	// would be tens of KiB each.
	if grew := int64(after.HeapInuse) - int64(before.HeapInuse); grew > 4<<20 {
		t.Errorf("heap in use grew by %d KiB over %d connections", grew>>10, rounds)
	}
	if t.Failed() {
		t.Logf("goroutines:\n%s", allStacks())
	}
}

func allStacks() string {
	buf := make([]byte, 4<<20)
	return strings.TrimSpace(string(buf[:runtime.Stack(buf, true)]))
}

// hubGoroutines counts the goroutines running code of package hub, other
// than its tests.
func hubGoroutines() int {
	n := 0
	for _, g := range strings.Split(allStacks(), "\n\n") {
		if strings.Contains(g, "github.com/sitrep/sitrep/hub.(") {
			n++
		}
	}
	return n
}
