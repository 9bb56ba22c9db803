package hub

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/sitrep/sitrep/board"
	"golang.org/x/time/rate"
)

// client is one websocket connection to a room.
//
// A client has no goroutine of its own while nothing is queued for it: the
// first message queued starts a writer goroutine, which writes everything
// queued by then in one Socket.Write and exits once the queue is empty. An
// idle viewer therefore costs its reader goroutine only, and a viewer that
// fell behind catches up with one system call instead of one per message.
type client struct {
	id   string
	role Role
	name string // guarded by the room's mu

	sock Socket
	hub  *Hub
	log  *slog.Logger

	changes chan board.Change // changes waiting to be stored; nil for viewers
	// limiter bounds the messages the client may send; limited is true
	// while its messages are being dropped, so only the first is logged.
	// Both belong to the reader goroutine.
	limiter *rate.Limiter
	limited bool

	mu          sync.Mutex
	queue       [][]byte  // messages not yet handed to the socket
	spare       [][]byte  // the writer's previous batch, reused for the next queue
	queuedSince time.Time // when the oldest queued message was queued
	writing     bool      // a writer goroutine runs; it stays set after the final close
	closing     bool      // stop was called
	code        int       // close code and reason, set by the first stop
	reason      string
	nextPing    time.Time // when the room's ping loop pings next; guarded by the room's mu

	done chan struct{} // closed once the socket is closed
}

func newClient(h *Hub, id string, role Role, name string, sock Socket, log *slog.Logger) *client {
	return &client{id: id, role: role, name: name, sock: sock, hub: h, log: log, done: make(chan struct{}),
		nextPing: time.Now().Add(h.cfg.PingInterval),
		limiter:  rate.NewLimiter(rate.Limit(h.cfg.MessageRate), h.cfg.MessageBurst)}
}

// isClosing reports whether the client was stopped.
func (c *client) isClosing() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closing
}

// enqueue queues msg without waiting. A client whose queue already holds
// SendQueue messages is too slow: it is closed and catches up when it
// reconnects, so it cannot hold back anyone else.
func (c *client) enqueue(msg []byte) {
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		return
	}
	if len(c.queue) >= c.hub.cfg.SendQueue {
		c.mu.Unlock()
		c.stop(CloseTryAgainLater, "too slow to keep up; reconnect to catch up")
		return
	}
	if len(c.queue) == 0 {
		c.queuedSince = time.Now()
	}
	c.queue = append(c.queue, msg)
	start := !c.writing
	c.writing = true
	c.mu.Unlock()
	if start {
		go c.writeQueued()
	}
}

// stop makes the connection close with code and reason once the messages
// already queued are written; only the first call counts. A client stopped
// as too slow loses its queue and is closed at once.
func (c *client) stop(code int, reason string) {
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		return
	}
	c.closing, c.code, c.reason = true, code, reason
	slow := code == CloseTryAgainLater
	dropped := len(c.queue)
	if slow {
		c.queue = nil
	}
	start := !c.writing
	c.writing = true
	c.mu.Unlock()

	if slow {
		c.hub.metrics.slowClosed.Inc()
		c.hub.metrics.dropped.Add(float64(dropped))
		// The writer may be blocked on this very client's socket, so the
		// close cannot wait for it.
		go func() { _ = c.sock.Close(code, reason) }()
	}
	if start {
		go c.writeQueued()
	}
}

// writeQueued writes batches of queued messages until the queue is empty,
// then exits, or closes the socket when the client was stopped.
func (c *client) writeQueued() {
	for {
		c.mu.Lock()
		batch, since := c.queue, c.queuedSince
		c.queue, c.spare = c.spare[:0], nil
		if len(batch) == 0 {
			closing := c.closing
			if !closing {
				c.writing = false
			}
			c.mu.Unlock()
			if closing {
				c.finish()
			}
			return
		}
		c.mu.Unlock()

		if err := c.write(batch); err != nil {
			if !isClosed(err) {
				c.log.Info("write failed", "err", err)
			}
			_ = c.sock.CloseNow()
			c.mu.Lock()
			if !c.closing {
				// Nobody stopped the client: the socket is gone and
				// needs no close frame.
				c.closing, c.code = true, CloseTryAgainLater
			}
			c.queue = nil
			c.mu.Unlock()
			c.finish()
			return
		}
		c.hub.metrics.sendDelay.Observe(time.Since(since).Seconds())

		clear(batch) // drop the references so sent messages can be freed
		c.mu.Lock()
		if c.spare == nil && cap(batch) <= 64 {
			c.spare = batch[:0]
		}
		c.mu.Unlock()
	}
}

func (c *client) write(batch [][]byte) error {
	if err := c.sock.Write(batch, time.Now().Add(c.hub.cfg.WriteTimeout)); err != nil {
		return err
	}
	c.hub.metrics.sent.Add(float64(len(batch)))
	c.hub.metrics.writes.Inc()
	return nil
}

// finish closes the socket with the stop code, unless stop already did for
// a slow client, and marks the client done.
func (c *client) finish() {
	c.mu.Lock()
	code, reason := c.code, c.reason
	c.mu.Unlock()
	if code != CloseTryAgainLater {
		_ = c.sock.Close(code, reason)
	}
	close(c.done)
}

// ping sends a ping and drops the connection when its pong does not arrive
// within PongTimeout.
func (c *client) ping() {
	ctx, cancel := context.WithTimeout(context.Background(), c.hub.cfg.PongTimeout)
	defer cancel()
	if err := c.sock.Ping(ctx); err != nil {
		c.mu.Lock()
		closing := c.closing
		c.mu.Unlock()
		if !closing {
			c.log.Info("ping failed, dropping connection", "err", err)
		}
		_ = c.sock.CloseNow()
	}
}
