package hub

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/sitrep/sitrep/board"
	"github.com/sitrep/sitrep/store"
)

// maxChangesInFlight bounds the changes one connection may have waiting to
// be stored. A browser sends its pending edits in one go after a reconnect,
// so the bound leaves room for a long offline spell.
const maxChangesInFlight = 256

// Serve runs one websocket connection to incident id until it closes. The
// first message must be a hello with a token that opens the incident.
func (h *Hub) Serve(ctx context.Context, sock Socket, id string) {
	// Shutdown waits on conns once it has set closing, so a connection is
	// counted only while the hub still takes new ones.
	h.mu.Lock()
	if h.closing {
		h.mu.Unlock()
		_ = sock.Close(CloseRestart, "server restarting")
		return
	}
	h.conns.Add(1)
	h.mu.Unlock()
	defer h.conns.Done()

	// This goroutine lives as long as the connection, so its stack is most
	// of what an idle viewer costs. Reading the hello and encoding the
	// welcome take several times the stack that waiting for the next
	// message does, and a stack shrinks back only slowly, so they run on a
	// goroutine that ends before the wait.
	opened := make(chan *client, 1)
	go func() { opened <- h.open(ctx, sock, id) }()
	c := <-opened
	if c == nil {
		return
	}
	submitted := h.startSubmitting(ctx, c)
	h.read(ctx, c, sock)
	h.leave(c, submitted)
}

// startSubmitting starts the worker that stores an editor's changes and
// returns a channel closed once it has handled the last; nil for viewers.
// Changes are stored by a worker of their own, so the reader keeps reading
// pongs and time requests while the database is slow or down. The browser
// would otherwise take the silence for a dead connection.
func (h *Hub) startSubmitting(ctx context.Context, c *client) chan struct{} {
	if c.role != RoleEdit {
		return nil
	}
	submitted := make(chan struct{})
	c.changes = make(chan board.Change, maxChangesInFlight)
	go func() {
		defer close(submitted)
		for ch := range c.changes {
			// Once the connection is closing, the answer cannot reach the
			// client. The client still holds the change and sends it again.
			if c.isClosing() {
				continue
			}
			c.room.submit(ctx, c, ch)
		}
	}()
	return submitted
}

// leave closes c once its reader has returned: it waits for the changes
// already read to be handled and the queued messages to be written, then
// takes c out of its room.
func (h *Hub) leave(c *client, submitted chan struct{}) {
	if c.changes != nil {
		close(c.changes)
		<-submitted
	}
	c.stop(CloseNormal, "")
	<-c.done
	c.room.leave(c)
	h.metrics.connections.WithLabelValues(string(c.role)).Dec()
	h.release(c.room)
	c.logger().Info("connection closed", "code", c.code, "reason", c.reason)
}

// open reads the connection's hello, checks its token and joins it to its
// incident's room. It returns nil, having closed the socket with the
// reason, when the connection is refused.
func (h *Hub) open(ctx context.Context, sock Socket, id string) *client {
	connID := "c-" + uuid.NewString()
	log := h.log.With("incident", id, "conn", connID)

	hello, err := h.readHello(ctx, sock)
	if err != nil {
		log.Info("connection rejected", "reason", err.Error())
		_ = sock.Close(ClosePolicy, err.Error())
		return nil
	}
	room, err := h.acquire(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		log.Info("connection rejected", "reason", "unknown incident")
		_ = sock.Close(ClosePolicy, "invalid or revoked link")
		return nil
	}
	if err != nil {
		log.Error("loading incident failed", "err", err)
		_ = sock.Close(CloseTryAgainLater, "the database is unavailable; try again shortly")
		return nil
	}
	role := room.roleOf(hello.Token)
	if role == "" {
		h.release(room)
		log.Info("connection rejected", "reason", "token does not match")
		_ = sock.Close(ClosePolicy, "invalid or revoked link")
		return nil
	}
	name := hello.Name
	if role == RoleView {
		name = ""
	}

	c := newClient(h, connID, role, name, sock)
	c.room = room
	if !room.join(c, hello.Token, hello.Since) {
		h.release(room)
		log.Info("connection rejected", "reason", "link rotated while connecting")
		_ = sock.Close(ClosePolicy, "link revoked")
		return nil
	}
	h.metrics.connections.WithLabelValues(string(role)).Inc()
	log.Info("connection opened", "role", role, "since", hello.Since)
	if h.isClosing() {
		c.stop(CloseRestart, "server restarting")
	}
	return c
}

func (h *Hub) readHello(ctx context.Context, sock Socket) (*helloMsg, error) {
	// A read whose context expires drops the connection without a close
	// frame, so the timeout closes the socket with its reason instead, and
	// that ends the read.
	reason := fmt.Sprintf("no hello message within %v", h.cfg.HelloTimeout)
	timer := time.AfterFunc(h.cfg.HelloTimeout, func() { _ = sock.Close(ClosePolicy, reason) })
	data, err := sock.Read(ctx)
	if !timer.Stop() {
		return nil, errors.New(reason)
	}
	if err != nil {
		return nil, fmt.Errorf("reading hello: %w", err)
	}
	typ, msg, derr := decode(data)
	if derr != nil {
		return nil, derr
	}
	if typ != typeHello {
		return nil, errors.New("the first message must be hello")
	}
	hello := msg.(*helloMsg)
	if hello.Token == "" {
		return nil, errors.New("hello: token is required")
	}
	if hello.Since < 0 {
		return nil, errors.New("hello: since must be 0 or more")
	}
	if hello.Name == "" {
		hello.Name = "anonymous"
	}
	if why := validName(hello.Name); why != "" {
		return nil, errors.New("hello: name " + why)
	}
	return hello, nil
}

// read handles the client's messages until the connection closes.
func (h *Hub) read(ctx context.Context, c *client, sock Socket) {
	for {
		data, err := sock.Read(ctx)
		if !h.handle(ctx, c, data, err) {
			return
		}
	}
}

// handle acts on one message the client sent, or on the error that ended
// reading, and reports whether to read on.
func (h *Hub) handle(ctx context.Context, c *client, data []byte, err error) bool {
	if errors.Is(err, errBinary) {
		h.reject(c, "", CodeBadMessage, "message", err.Error())
		return true
	}
	if err != nil {
		if code := closeStatus(err); code == -1 && ctx.Err() == nil {
			c.logger().Info("connection read ended", "err", err)
		}
		return false
	}
	if c.isClosing() {
		// The connection is closing, for example because its link was
		// revoked: what it sends now is not acted on.
		return false
	}
	allowed := c.limiter.Allow()
	typ, msg, derr := decode(data)
	if !allowed {
		h.rateLimited(c, msg)
		return true
	}
	c.limited = false
	if derr != nil {
		h.reject(c, "", CodeBadMessage, derr.field, derr.message)
		return true
	}
	switch m := msg.(type) {
	case *changeMsg:
		if c.role != RoleEdit {
			h.reject(c, m.ID, CodeForbidden, "token", "this link only views the incident; changes need the edit link")
			return true
		}
		select {
		case c.changes <- m.Change:
		default:
			h.reject(c, m.ID, CodeUnavailable, "id",
				fmt.Sprintf("more than %d changes are waiting to be stored; send this one again later", maxChangesInFlight))
		}
	case *nameMsg:
		if c.role != RoleEdit {
			h.reject(c, "", CodeForbidden, "token", "only editors have a display name")
			return true
		}
		if why := validName(m.Name); why != "" {
			h.reject(c, "", CodeBadMessage, "name", why)
			return true
		}
		c.room.rename(c, m.Name)
	case *timeMsg:
		c.enqueue(encode(timeMsg{Type: typeTime, T: m.T, Server: time.Now().UnixMilli()}))
	default:
		h.reject(c, "", CodeBadMessage, "type", typ+" is only allowed as the first message")
	}
	return true
}

// rateLimited rejects a message sent over the connection's rate limit. The
// error names the change, if the message is one, so the client can send it
// again later. Only the first of a run of such messages is logged.
func (h *Hub) rateLimited(c *client, msg any) {
	h.metrics.rejected.WithLabelValues(CodeRateLimited).Inc()
	changeID := ""
	if m, ok := msg.(*changeMsg); ok {
		changeID = m.ID
	}
	text := fmt.Sprintf("more than %g messages per second (bursts of %d) on one connection; this message was dropped, send it again in a moment",
		h.cfg.MessageRate, h.cfg.MessageBurst)
	if !c.limited {
		c.limited = true
		c.logger().Warn("connection rate limited", "rate", h.cfg.MessageRate, "burst", h.cfg.MessageBurst)
	}
	c.enqueue(encode(errorMsg{Type: "error", ID: changeID, Code: CodeRateLimited, Field: "message", Message: text}))
}

func (h *Hub) reject(c *client, changeID, code, field, message string) {
	h.metrics.rejected.WithLabelValues(code).Inc()
	c.logger().Info("message rejected", "code", code, "field", field, "reason", message)
	c.enqueue(encode(errorMsg{Type: "error", ID: changeID, Code: code, Field: field, Message: message}))
}
