package hub

import (
	"log/slog"
	"sync"
	"time"

	"github.com/sitrep/sitrep/board"
	"golang.org/x/time/rate"
)

// client is one websocket connection to a room.
//
// A client has no goroutine writing for it while nothing is queued: the
// first message queued hands it to the hub's writer pool, which writes
// everything queued by then in one Socket.WriteNow. Only a client whose
// socket cannot take its messages at once gets a goroutine of its own, until
// its queue is empty again. An idle viewer therefore costs its reader
// goroutine only, and a viewer that fell behind catches up with one system
// call instead of one per message.
type client struct {
	id   string
	role Role
	name string // guarded by the room's mu

	sock Socket
	hub  *Hub
	room *Room

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
	writing     bool      // the writer pool or a goroutine of its own has the client; it stays set after the final close
	closing     bool      // stop was called
	welcoming   bool      // the welcome is being encoded; messages queue but are not written yet
	code        int       // close code and reason, set by the first stop
	reason      string
	nextPing    time.Time // when the room's ping loop pings next; guarded by the room's mu
	pingSent    time.Time // when the oldest ping still unanswered went out, or zero; guarded by the room's mu

	done chan struct{} // closed once the socket is closed
}

func newClient(h *Hub, id string, role Role, name string, sock Socket) *client {
	return &client{id: id, role: role, name: name, sock: sock, hub: h, done: make(chan struct{}),
		nextPing: time.Now().Add(h.cfg.PingInterval),
		limiter:  rate.NewLimiter(rate.Limit(h.cfg.MessageRate), h.cfg.MessageBurst)}
}

// logger returns the hub's logger with the client's incident and id. It is
// built on each use rather than kept: connections log rarely, and a kept
// logger was a noticeable part of what an idle viewer costs.
func (c *client) logger() *slog.Logger {
	return c.hub.log.With("incident", c.room.id, "conn", c.id)
}

// isClosing reports whether the client was stopped.
func (c *client) isClosing() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closing
}

// enqueue queues msg without waiting and hands the client to the writer
// pool if no writer has it.
func (c *client) enqueue(msg []byte) {
	if c.add(msg) {
		c.hub.writers.push(c)
	}
}

// add queues msg and reports whether the client needs a writer: it does
// when no writer has it yet, and then the caller must push it to the pool.
// A client whose queue already holds SendQueue messages is too slow: it is
// closed and catches up when it reconnects, so it cannot hold back anyone
// else.
func (c *client) add(msg []byte) bool {
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		return false
	}
	if len(c.queue) >= c.hub.cfg.SendQueue {
		c.mu.Unlock()
		c.stop(CloseTryAgainLater, "too slow to keep up; reconnect to catch up")
		return false
	}
	if len(c.queue) == 0 {
		c.queuedSince = time.Now()
	}
	c.queue = append(c.queue, msg)
	start := !c.writing && !c.welcoming
	if start {
		c.writing = true
	}
	c.mu.Unlock()
	return start
}

// welcomed puts the welcome in front of the messages queued while it was
// being encoded and hands the client to the writer pool.
func (c *client) welcomed(welcome []byte) {
	c.mu.Lock()
	c.welcoming = false
	// A client stopped as too slow meanwhile gets no welcome: its socket
	// is being closed. The pool still takes it, to finish it.
	if !c.closing || c.code != CloseTryAgainLater {
		if len(c.queue) == 0 {
			c.queuedSince = time.Now()
		}
		c.queue = append(c.queue, nil)
		copy(c.queue[1:], c.queue)
		c.queue[0] = welcome
	}
	start := !c.writing
	c.writing = true
	c.mu.Unlock()
	if start {
		c.hub.writers.push(c)
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
	// A client still waiting for its welcome is handed to the pool by
	// welcomed, so the welcome goes out before the close.
	start := !c.writing && !c.welcoming
	if start {
		c.writing = true
	}
	c.mu.Unlock()

	if slow {
		c.hub.metrics.slowClosed.Inc()
		c.hub.metrics.dropped.Add(float64(dropped))
		// The writer may be blocked on this very client's socket, so the
		// close cannot wait for it.
		go func() { _ = c.sock.Close(code, reason) }()
	}
	if start {
		c.hub.writers.push(c)
	}
}

// drain writes batches of queued messages until the queue is empty, then
// lets go of the client, or closes the socket when the client was stopped.
// The writer pool calls it with wait false, and then it never waits on the
// socket. As soon as the socket holds back part of a batch, it hands the
// client to a goroutine of its own, which calls it with wait true.
func (c *client) drain(wait bool) {
	deadline := func() time.Time { return time.Now().Add(c.hub.cfg.WriteTimeout) }
	if wait {
		// First the part of the last batch the socket held back.
		if err := c.sock.Write(nil, deadline()); err != nil {
			c.failed(err)
			return
		}
	}
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
			switch {
			case closing && wait:
				c.finish()
			case closing:
				// The close handshake waits for the peer.
				go c.finish()
			}
			return
		}
		c.mu.Unlock()

		held := false
		var err error
		if wait {
			err = c.sock.Write(batch, deadline())
		} else {
			held, err = c.sock.WriteNow(batch)
		}
		if err != nil {
			c.failed(err)
			return
		}
		c.hub.metrics.sent.Add(float64(len(batch)))
		c.hub.metrics.writes.Inc()
		c.hub.metrics.sendDelay.Observe(time.Since(since).Seconds())

		clear(batch) // drop the references so sent messages can be freed
		c.mu.Lock()
		if c.spare == nil && cap(batch) <= 64 {
			c.spare = batch[:0]
		}
		c.mu.Unlock()
		if held {
			go c.drain(true)
			return
		}
	}
}

// failed drops the connection after a write failed.
func (c *client) failed(err error) {
	if !isClosed(err) {
		c.logger().Info("write failed", "err", err)
	}
	_ = c.sock.CloseNow()
	c.mu.Lock()
	if !c.closing {
		// The client was not stopped before: the socket is gone and
		// needs no close frame.
		c.closing, c.code = true, CloseTryAgainLater
	}
	c.queue = nil
	c.mu.Unlock()
	close(c.done)
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
