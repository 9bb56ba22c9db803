package hub_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/sitrep/sitrep/board"
	"github.com/sitrep/sitrep/hub"
	"github.com/sitrep/sitrep/store"
	"github.com/sitrep/sitrep/token"
)

// BenchmarkBroadcast measures the hub's fan-out: one op is one change from
// an editor until all N viewer sockets have been handed it. The store keeps
// changes in memory and the sockets only count, so the figure is the hub's
// own cost. The load tool in cmd/sitrep-load measures the whole path.
func BenchmarkBroadcast(b *testing.B) {
	for _, viewers := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("viewers=%d", viewers), func(b *testing.B) {
			benchmarkBroadcast(b, viewers)
		})
	}
}

func benchmarkBroadcast(b *testing.B, viewers int) {
	st := newMemStore(b)
	h := hub.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry(), hub.Config{SendQueue: 4096,
		// One editor sends every change of the run, far above the limits
		// meant for people, which would reject changes past the burst.
		MessageRate: 1e9, MessageBurst: 1 << 30})
	arrived := &fanIn{want: int64(viewers), done: make(chan struct{}, 1)}

	var served sync.WaitGroup
	serve := func(s *benchSocket) {
		served.Add(1)
		go func() {
			defer served.Done()
			h.Serve(context.Background(), s, st.id)
		}()
	}
	for i := 0; i < viewers; i++ {
		s := newBenchSocket(`{"type":"hello","token":"`+st.view+`"}`, arrived)
		serve(s)
		<-s.welcomed
	}
	editor := newBenchSocket(`{"type":"hello","token":"`+st.edit+`","name":"bench"}`, nil)
	serve(editor)
	<-editor.welcomed

	// Each op rewrites one entry's text: adding entries would reach the
	// board's limit of board.MaxRecords records in a long run.
	arrived.reset()
	editor.in <- []byte(`{"type":"change","id":"b-add","op":"add","list":"timeline","item":"entry","fields":{"text":"Checkout p99 above 8s"}}`)
	<-arrived.done

	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		arrived.reset()
		editor.in <- []byte(fmt.Sprintf(`{"type":"change","id":"b%d","op":"update","list":"timeline","item":"entry","fields":{"text":"Checkout p99 above 8s after the 14:02 deploy (%d)"}}`, i, i))
		<-arrived.done
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)*float64(viewers)/b.Elapsed().Seconds(), "deliveries/s")

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := h.Shutdown(ctx); err != nil {
		b.Fatal(err)
	}
	served.Wait()
}

// fanIn counts the viewers a change has reached and signals when all have.
type fanIn struct {
	want int64
	got  atomic.Int64
	done chan struct{}
}

func (f *fanIn) reset() { f.got.Store(0) }

func (f *fanIn) add(n int64) {
	if f.got.Add(n) == f.want {
		f.done <- struct{}{}
	}
}

// benchSocket is a Socket that sends a hello, then whatever arrives on in,
// and counts the change messages written to it.
type benchSocket struct {
	hello    []byte
	in       chan []byte
	closed   chan struct{}
	once     sync.Once
	welcomed chan struct{}
	welcome  sync.Once
	arrived  *fanIn // nil for the editor
}

func newBenchSocket(hello string, arrived *fanIn) *benchSocket {
	return &benchSocket{hello: []byte(hello), in: make(chan []byte, 1), closed: make(chan struct{}),
		welcomed: make(chan struct{}), arrived: arrived}
}

func (s *benchSocket) Read(ctx context.Context) ([]byte, error) {
	if s.hello != nil {
		h := s.hello
		s.hello = nil
		return h, nil
	}
	select {
	case msg := <-s.in:
		return msg, nil
	case <-s.closed:
		return nil, errors.New("closed")
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

var changePrefix = []byte(`{"type":"change"`)

func (s *benchSocket) Write(msgs [][]byte, _ time.Time) error {
	var changes int64
	for _, m := range msgs {
		switch {
		case bytes.HasPrefix(m, changePrefix):
			changes++
		case bytes.HasPrefix(m, []byte(`{"type":"welcome"`)):
			s.welcome.Do(func() { close(s.welcomed) })
		}
	}
	if s.arrived != nil && changes > 0 {
		s.arrived.add(changes)
	}
	return nil
}

func (s *benchSocket) WriteNow(msgs [][]byte) (bool, error) { return false, s.Write(msgs, time.Time{}) }

func (s *benchSocket) Ping() error { return nil }

func (s *benchSocket) LastPong() time.Time { return time.Now() }

func (s *benchSocket) Close(int, string) error { return s.CloseNow() }

func (s *benchSocket) CloseNow() error {
	s.once.Do(func() { close(s.closed) })
	return nil
}

// memStore is a hub.Store holding one incident in memory, so that the
// broadcast benchmark does not measure the database.
type memStore struct {
	id, edit, view string
	inc            *store.Incident
	mu             sync.Mutex
	changes        []board.Applied
}

func newMemStore(b *testing.B) *memStore {
	now := time.Now().UTC()
	records, verr := board.NewIncident("Checkout returning 503", "P0", "sonia", now)
	if verr != nil {
		b.Fatal(verr)
	}
	m := &memStore{id: "INC-2026-0312-001", edit: token.New(), view: token.New()}
	m.inc = &store.Incident{ID: m.id, CreatedAt: now, EditTokenHash: token.Hash(m.edit), ViewTokenHash: token.Hash(m.view),
		Board: board.NewBoard(m.id, now, 0, records)}
	return m
}

func (m *memStore) LoadIncident(_ context.Context, id string) (*store.Incident, error) {
	if id != m.id {
		return nil, store.ErrNotFound
	}
	return m.inc, nil
}

func (m *memStore) InsertChange(_ context.Context, _ string, a *board.Applied) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.changes = append(m.changes, *a)
	return nil
}

func (m *memStore) ChangesAfter(context.Context, string, int64) ([]board.Applied, error) {
	return nil, nil
}

func (m *memStore) ChangeIDs(context.Context, string) (map[string]int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ids := make(map[string]int64, len(m.changes))
	for _, a := range m.changes {
		ids[a.ID] = a.Seq
	}
	return ids, nil
}

func (m *memStore) SetTokenHash(context.Context, string, string, []byte) error { return nil }

func (m *memStore) SetWebhook(context.Context, string, string) error { return nil }

func (m *memStore) Settings(context.Context, string) (*store.Settings, error) {
	return &store.Settings{EditTokenHash: m.inc.EditTokenHash, ViewTokenHash: m.inc.ViewTokenHash}, nil
}

func (m *memStore) SaveSnapshot(context.Context, string, int64, []board.Record) error { return nil }

func (m *memStore) SaveSummary(context.Context, string, int64, board.Digest) error { return nil }
