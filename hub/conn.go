package hub

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/sitrep/sitrep/store"
)

// Serve runs one websocket connection to incident id until it closes. The
// first message must be a hello with a token that opens the incident.
func (h *Hub) Serve(ctx context.Context, sock Socket, id string) {
	h.conns.Add(1)
	defer h.conns.Done()
	connID := "c-" + uuid.NewString()
	log := h.log.With("incident", id, "conn", connID)
	if h.isClosing() {
		_ = sock.Close(CloseRestart, "server restarting")
		return
	}

	hello, err := h.readHello(ctx, sock)
	if err != nil {
		log.Info("connection rejected", "reason", err.Error())
		_ = sock.Close(ClosePolicy, err.Error())
		return
	}
	room, err := h.acquire(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		log.Info("connection rejected", "reason", "unknown incident")
		_ = sock.Close(ClosePolicy, "invalid or revoked link")
		return
	}
	if err != nil {
		log.Error("loading incident failed", "err", err)
		_ = sock.Close(CloseTryAgainLater, "the database is unavailable; try again shortly")
		return
	}
	defer h.release(room)
	role := room.roleOf(hello.Token)
	if role == "" {
		log.Info("connection rejected", "reason", "token does not match")
		_ = sock.Close(ClosePolicy, "invalid or revoked link")
		return
	}
	name := hello.Name
	if role == RoleView {
		name = ""
	}

	c := newClient(h, connID, role, name, sock, log)
	h.metrics.connections.WithLabelValues(string(role)).Inc()
	defer h.metrics.connections.WithLabelValues(string(role)).Dec()
	log.Info("connection opened", "role", role, "since", hello.Since)

	room.join(c, hello.Since)
	if h.isClosing() {
		c.stop(CloseRestart, "server restarting")
	}
	// This goroutine reads. Writes happen on a goroutine that exists only
	// while messages are queued, and the room's ping loop pings.
	h.read(ctx, c, room, sock, log)
	c.stop(CloseNormal, "")
	<-c.done
	room.leave(c)
	log.Info("connection closed", "code", c.code, "reason", c.reason)
}

func (h *Hub) readHello(ctx context.Context, sock Socket) (*helloMsg, error) {
	ctx, cancel := context.WithTimeout(ctx, h.cfg.HelloTimeout)
	defer cancel()
	data, err := sock.Read(ctx)
	if err != nil {
		return nil, errors.New("no hello message in time")
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
func (h *Hub) read(ctx context.Context, c *client, room *Room, sock Socket, log *slog.Logger) {
	for {
		data, err := sock.Read(ctx)
		if errors.Is(err, errBinary) {
			h.reject(c, log, "", CodeBadMessage, "message", err.Error())
			continue
		}
		if err != nil {
			if code := closeStatus(err); code == -1 && ctx.Err() == nil {
				log.Info("connection read ended", "err", err)
			}
			return
		}
		typ, msg, derr := decode(data)
		if derr != nil {
			h.reject(c, log, "", CodeBadMessage, derr.field, derr.message)
			continue
		}
		switch m := msg.(type) {
		case *changeMsg:
			if c.role != RoleEdit {
				h.reject(c, log, m.ID, CodeForbidden, "token", "this link only views the incident; changes need the edit link")
				continue
			}
			// TODO: submit stores the change on this reader goroutine, so a
			// pong arriving behind changes that wait on the database is read
			// late; under load the ping timeout then drops busy editors.
			room.submit(ctx, c, m.Change)
		case *nameMsg:
			if c.role != RoleEdit {
				h.reject(c, log, "", CodeForbidden, "token", "only editors have a display name")
				continue
			}
			if why := validName(m.Name); why != "" {
				h.reject(c, log, "", CodeBadMessage, "name", why)
				continue
			}
			room.rename(c, m.Name)
		case *timeMsg:
			c.enqueue(encode(timeMsg{Type: typeTime, T: m.T, Server: time.Now().UnixMilli()}))
		default:
			h.reject(c, log, "", CodeBadMessage, "type", typ+" is only allowed as the first message")
		}
	}
}

func (h *Hub) reject(c *client, log *slog.Logger, changeID, code, field, message string) {
	h.metrics.rejected.WithLabelValues(code).Inc()
	log.Info("message rejected", "code", code, "field", field, "reason", message)
	c.enqueue(encode(errorMsg{Type: "error", ID: changeID, Code: code, Field: field, Message: message}))
}
