package hub_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/sitrep/sitrep/board"
	"github.com/sitrep/sitrep/hub"
	"github.com/sitrep/sitrep/internal/testdb"
	"github.com/sitrep/sitrep/store"
	"github.com/sitrep/sitrep/token"
)

func TestMain(m *testing.M) { os.Exit(testdb.Main(m)) }

// env is a hub on a real store behind a real websocket server on loopback.
type env struct {
	t      *testing.T
	store  *store.Store
	hub    *hub.Hub
	reg    *prometheus.Registry
	server *httptest.Server
	log    *slog.Logger
	cfg    hub.Config
	live   atomic.Pointer[hub.Hub] // the hub the server hands connections to
}

func newEnv(t *testing.T, cfg hub.Config) *env {
	t.Helper()
	return newEnvOn(t, cfg, testdb.Open(t))
}

// newEnvOn starts a hub on st, which another env may share, as server
// instances on one database do.
func newEnvOn(t *testing.T, cfg hub.Config, st *store.Store) *env {
	t.Helper()
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	reg := prometheus.NewRegistry()
	h := hub.New(st, log, reg, cfg)
	e := &env{t: t, store: st, hub: h, reg: reg, log: log, cfg: cfg}
	e.live.Store(h)
	e.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		e.live.Load().Serve(context.Background(), hub.NewWebSocket(ws, nil, nil), strings.TrimPrefix(r.URL.Path, "/"))
	}))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = e.live.Load().Shutdown(ctx)
		e.server.Close()
	})
	return e
}

// restart shuts the hub down, closing every connection as a server restart
// does, and puts a fresh hub on the same database in its place.
func (e *env) restart() {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.live.Load().Shutdown(ctx); err != nil {
		var stacks strings.Builder
		_ = pprof.Lookup("goroutine").WriteTo(&stacks, 1)
		e.t.Fatalf("%v\ngoroutines:\n%s", err, stacks.String())
	}
	e.reg = prometheus.NewRegistry()
	e.hub = hub.New(e.store, e.log, e.reg, e.cfg)
	e.live.Store(e.hub)
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// incident creates an incident and returns its id, edit token and view token.
func (e *env) incident(title string) (string, string, string) {
	e.t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	id, err := e.store.NextIncidentID(ctx, now)
	if err != nil {
		e.t.Fatal(err)
	}
	records, verr := board.NewIncident(title, "P0", "sonia", now)
	if verr != nil {
		e.t.Fatal(verr)
	}
	edit, view := token.New(), token.New()
	inc := &store.Incident{ID: id, CreatedAt: now, EditTokenHash: token.Hash(edit), ViewTokenHash: token.Hash(view),
		Board: board.NewBoard(id, now, 0, records)}
	if err := e.store.CreateIncident(ctx, inc); err != nil {
		e.t.Fatal(err)
	}
	return id, edit, view
}

// peer is a websocket client that collects every message it receives.
type peer struct {
	t    *testing.T
	conn *websocket.Conn
	msgs chan map[string]any
	done chan struct{}
	err  error // set before done closes
}

func (e *env) dial(id string) *peer {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(e.server.URL, "http")+"/"+id, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	conn.SetReadLimit(16 << 20)
	p := &peer{t: e.t, conn: conn, msgs: make(chan map[string]any, 4096), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		for {
			_, data, err := conn.Read(context.Background())
			if err != nil {
				p.err = err
				return
			}
			var m map[string]any
			if err := json.Unmarshal(data, &m); err != nil {
				p.err = err
				return
			}
			p.msgs <- m
		}
	}()
	e.t.Cleanup(func() { conn.CloseNow() })
	return p
}

// join dials and sends hello, returning the peer and its welcome.
func (e *env) join(id, tok, name string, since int64) (*peer, map[string]any) {
	e.t.Helper()
	p := e.dial(id)
	p.send(map[string]any{"type": "hello", "token": tok, "name": name, "since": since})
	return p, p.expect("welcome", nil)
}

func (p *peer) send(v any) {
	p.t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		p.t.Fatal(err)
	}
	p.sendRaw(data)
}

func (p *peer) sendRaw(data []byte) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := p.conn.Write(ctx, websocket.MessageText, data); err != nil {
		p.t.Fatal(err)
	}
}

// expect returns the next message of type typ that match accepts, skipping
// others, and fails the test after 10 seconds.
func (p *peer) expect(typ string, match func(map[string]any) bool) map[string]any {
	p.t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case m := <-p.msgs:
			if m["type"] == typ && (match == nil || match(m)) {
				return m
			}
		case <-p.done:
			p.t.Fatalf("connection ended while waiting for %s: %v", typ, p.err)
		case <-timeout:
			p.t.Fatalf("no %s message within 10s", typ)
		}
	}
}

// closed waits for the connection to end and returns its close status.
func (p *peer) closed() (websocket.StatusCode, string) {
	p.t.Helper()
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		p.t.Fatal("connection still open after 15s")
	}
	var ce websocket.CloseError
	if !errors.As(p.err, &ce) {
		return -1, p.err.Error()
	}
	return ce.Code, ce.Reason
}

func addTimeline(changeID, item, text string) map[string]any {
	return map[string]any{"type": "change", "id": changeID, "op": "add", "list": "timeline", "item": item,
		"fields": map[string]any{"text": text}}
}

func changeWithID(id string) func(map[string]any) bool {
	return func(m map[string]any) bool { return m["id"] == id }
}

// metric returns the value of a counter or gauge without labels.
func (e *env) metric(name string) float64 {
	e.t.Helper()
	families, err := e.reg.Gather()
	if err != nil {
		e.t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		var sum float64
		for _, m := range f.GetMetric() {
			sum += m.GetCounter().GetValue() + m.GetGauge().GetValue()
		}
		return sum
	}
	return 0
}
