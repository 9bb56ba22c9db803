// Package hub runs the websocket side of sitrep: one room per open incident,
// where every accepted change is stored first and then broadcast to each
// connection through its own bounded queue.
package hub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/sitrep/sitrep/board"
	"github.com/sitrep/sitrep/store"
	"github.com/sitrep/sitrep/token"
)

// Store is the part of the database the hub uses.
type Store interface {
	LoadIncident(ctx context.Context, id string) (*store.Incident, error)
	InsertChange(ctx context.Context, incident string, a *board.Applied) error
	ChangesAfter(ctx context.Context, incident string, seq int64) ([]board.Applied, error)
	ChangeIDs(ctx context.Context, incident string) (map[string]int64, error)
	SaveSnapshot(ctx context.Context, id string, seq int64, records []board.Record) error
	SaveSummary(ctx context.Context, id string, seq int64, d board.Digest) error
	SetTokenHash(ctx context.Context, id, kind string, hash []byte) error
	SetWebhook(ctx context.Context, id, url string) error
	Settings(ctx context.Context, id string) (*store.Settings, error)
}

// Config holds the hub's timings and limits. Zero fields take the defaults
// DefaultConfig gives.
type Config struct {
	HelloTimeout time.Duration // time a new connection has to send hello; default 10s
	PingInterval time.Duration // time between pings; default 10s
	PongTimeout  time.Duration // time a pong may take before the connection counts as dead; default 5s
	WriteTimeout time.Duration // time one message write may take; default 10s
	SendQueue    int           // messages queued per connection before it counts as too slow; default 512
	// MessageRate is the average number of messages per second one
	// connection may send, default 20. MessageBurst is how many it may send
	// at once, default 100. A message over the limit gets a rate-limited error.
	MessageRate  float64
	MessageBurst int
	// WebhookAttempts is how often one notification is tried, default 4;
	// WebhookBackoff the wait before the first retry, doubling after each,
	// default 500ms.
	WebhookAttempts int
	WebhookBackoff  time.Duration
	// FollowInterval is how often an open room reads what other server
	// instances on the same database stored: changes, rotated links and
	// webhooks. Zero, the default, never reads, which suits a database no
	// other instance uses.
	FollowInterval time.Duration
}

// DefaultConfig returns the timings and limits docs/api.md documents. A dead
// connection is noticed within PingInterval+PongTimeout, 15 seconds.
func DefaultConfig() Config {
	return Config{HelloTimeout: 10 * time.Second, PingInterval: 10 * time.Second, PongTimeout: 5 * time.Second,
		WriteTimeout: 10 * time.Second, SendQueue: 512, MessageRate: 20, MessageBurst: 100,
		WebhookAttempts: 4, WebhookBackoff: 500 * time.Millisecond}
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.HelloTimeout <= 0 {
		c.HelloTimeout = d.HelloTimeout
	}
	if c.PingInterval <= 0 {
		c.PingInterval = d.PingInterval
	}
	if c.PongTimeout <= 0 {
		c.PongTimeout = d.PongTimeout
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = d.WriteTimeout
	}
	if c.SendQueue <= 0 {
		c.SendQueue = d.SendQueue
	}
	if c.MessageRate <= 0 {
		c.MessageRate = d.MessageRate
	}
	if c.MessageBurst <= 0 {
		c.MessageBurst = d.MessageBurst
	}
	if c.WebhookAttempts <= 0 {
		c.WebhookAttempts = d.WebhookAttempts
	}
	if c.WebhookBackoff <= 0 {
		c.WebhookBackoff = d.WebhookBackoff
	}
	return c
}

// Hub owns the open incidents' rooms.
type Hub struct {
	store   Store
	log     *slog.Logger
	cfg     Config
	metrics *metrics

	mu       sync.Mutex
	rooms    map[string]*Room
	flushing map[string]chan struct{} // closed rooms still writing their snapshot, closed when written
	closing  bool
	conns    sync.WaitGroup

	notify  *notifier
	writers *writers
}

// New returns a hub that keeps incidents in st and registers its metrics with reg.
func New(st Store, log *slog.Logger, reg prometheus.Registerer, cfg Config) *Hub {
	h := &Hub{store: st, log: log, cfg: cfg.withDefaults(), metrics: newMetrics(reg), rooms: map[string]*Room{},
		flushing: map[string]chan struct{}{}, writers: newWriters()}
	h.notify = newNotifier(h)
	return h
}

// acquire returns the loaded room of incident id, loading it if no
// connection holds it yet. Each successful acquire needs one release.
func (h *Hub) acquire(ctx context.Context, id string) (*Room, error) {
	h.mu.Lock()
	r, ok := h.rooms[id]
	if !ok {
		r = newRoom(id, h)
		h.rooms[id] = r
		h.log.Debug("room opened", "incident", id)
		flushed := h.flushing[id]
		loadCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		go func() {
			defer cancel()
			// A room of this incident that just closed may still be writing
			// its snapshot. Loading after that write replays no changes.
			// Loading during it replays every change since the previous
			// snapshot while competing with the write, which for a
			// 5,000-entry incident took longer than the load timeout.
			if flushed != nil {
				select {
				case <-flushed:
				case <-loadCtx.Done():
				}
			}
			r.load(loadCtx)
			if r.loadErr == nil {
				go r.pingLoop()
				if h.cfg.FollowInterval > 0 {
					go r.followLoop()
				}
			}
		}()
	}
	r.refs++
	h.mu.Unlock()

	select {
	case <-r.ready:
	case <-ctx.Done():
		h.release(r)
		return nil, ctx.Err()
	}
	if r.loadErr != nil {
		h.release(r)
		return nil, r.loadErr
	}
	return r, nil
}

// release drops one hold on r. The last one closes the room after writing
// a snapshot of its unsaved changes.
func (h *Hub) release(r *Room) {
	h.mu.Lock()
	r.refs--
	last := r.refs == 0
	var flushed chan struct{}
	if last {
		delete(h.rooms, r.id)
		close(r.closed)
		flushed = make(chan struct{})
		h.flushing[r.id] = flushed
	}
	h.mu.Unlock()
	if !last {
		return
	}
	h.log.Debug("room closed", "incident", r.id)
	// A caller that gave up waiting may release a room still loading; its
	// fields are only safe to read once the load has finished.
	<-r.ready
	if r.loadErr == nil {
		r.flush()
	}
	h.mu.Lock()
	if h.flushing[r.id] == flushed {
		delete(h.flushing, r.id)
	}
	h.mu.Unlock()
	close(flushed)
}

// Incident is a copy of an incident's current state as one role may see it.
type Incident struct {
	ID      string
	Role    Role
	Seq     int64
	Records []board.Record
}

// ErrNoAccess means a token does not open the incident, or the incident
// does not exist; the two are not distinguished, so ids cannot be probed.
var ErrNoAccess = errors.New("no incident with this id opens with this token")

// Lookup returns incident id as the holder of tok may see it, from the open
// room when there is one, so it is as current as any screen.
func (h *Hub) Lookup(ctx context.Context, id, tok string) (*Incident, error) {
	r, err := h.acquire(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNoAccess
	}
	if err != nil {
		return nil, err
	}
	defer h.release(r)
	role := r.roleOf(tok)
	if role == "" {
		return nil, ErrNoAccess
	}
	r.mu.Lock()
	b := r.inc.Board.Copy()
	r.mu.Unlock()
	out := &Incident{ID: id, Role: role, Seq: b.Seq}
	if role == RoleView {
		out.Records = b.PublicRecords()
	} else {
		out.Records = b.Records()
	}
	return out, nil
}

// roleOf returns what tok allows on the room's incident, or "" for nothing.
func (r *Room) roleOf(tok string) Role {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.roleOfLocked(tok)
}

// roleOfLocked is roleOf for callers that hold mu. The hashes change when
// a link is rotated, so they are read under mu.
func (r *Room) roleOfLocked(tok string) Role {
	switch {
	case token.Matches(tok, r.inc.EditTokenHash):
		return RoleEdit
	case token.Matches(tok, r.inc.ViewTokenHash):
		return RoleView
	}
	return ""
}

// Shutdown closes every connection with a close frame saying the server is
// restarting, after the messages already queued for it, and waits until
// each connection's handler has returned and its room is saved.
func (h *Hub) Shutdown(ctx context.Context) error {
	h.mu.Lock()
	h.closing = true
	rooms := make([]*Room, 0, len(h.rooms))
	for _, r := range h.rooms {
		rooms = append(rooms, r)
	}
	h.mu.Unlock()
	for _, r := range rooms {
		r.mu.Lock()
		for c := range r.clients {
			c.stop(CloseRestart, "server restarting")
		}
		r.mu.Unlock()
	}
	done := make(chan struct{})
	go func() {
		h.conns.Wait()
		h.notify.stop()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("hub: connections still open at shutdown deadline: %w", ctx.Err())
	}
}

func (h *Hub) isClosing() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.closing
}

// Rooms returns the number of incidents with open connections.
func (h *Hub) Rooms() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.rooms)
}
