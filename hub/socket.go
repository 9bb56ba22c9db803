package hub

import (
	"context"
	"errors"

	"github.com/coder/websocket"
)

// Socket is the hub's view of one websocket connection.
type Socket interface {
	// Read returns the next message. It fails once the connection closes.
	Read(ctx context.Context) ([]byte, error)
	// Write sends one message, giving up when ctx ends.
	Write(ctx context.Context, msg []byte) error
	// Ping sends a ping and waits for its pong until ctx ends.
	Ping(ctx context.Context) error
	// Close sends a close frame with code and reason and waits briefly for
	// the peer's answer before dropping the connection.
	Close(code int, reason string) error
	// CloseNow drops the connection without a close handshake.
	CloseNow() error
}

// Close codes the hub sends.
const (
	CloseNormal        = int(websocket.StatusNormalClosure)
	ClosePolicy        = int(websocket.StatusPolicyViolation) // invalid or revoked link, no hello in time
	CloseTooBig        = int(websocket.StatusMessageTooBig)
	CloseInternalError = int(websocket.StatusInternalError)
	CloseRestart       = int(websocket.StatusServiceRestart)
	CloseTryAgainLater = int(websocket.StatusTryAgainLater) // too slow to keep up, or the database is unavailable
)

// MaxMessageBytes is the largest message a client may send.
const MaxMessageBytes = 64 << 10

// WebSocket adapts a coder/websocket connection to Socket.
type WebSocket struct {
	Conn *websocket.Conn
}

// NewWebSocket wraps c, limiting incoming messages to MaxMessageBytes.
func NewWebSocket(c *websocket.Conn) *WebSocket {
	c.SetReadLimit(MaxMessageBytes)
	return &WebSocket{Conn: c}
}

func (w *WebSocket) Read(ctx context.Context) ([]byte, error) {
	typ, data, err := w.Conn.Read(ctx)
	if err != nil {
		return nil, err
	}
	if typ != websocket.MessageText {
		return nil, errBinary
	}
	return data, nil
}

var errBinary = errors.New("binary messages are not accepted, send JSON text")

func (w *WebSocket) Write(ctx context.Context, msg []byte) error {
	return w.Conn.Write(ctx, websocket.MessageText, msg)
}

func (w *WebSocket) Ping(ctx context.Context) error { return w.Conn.Ping(ctx) }

func (w *WebSocket) Close(code int, reason string) error {
	return w.Conn.Close(websocket.StatusCode(code), reason)
}

func (w *WebSocket) CloseNow() error { return w.Conn.CloseNow() }

// closeStatus returns the close code of err, or -1 when err is no close.
func closeStatus(err error) int {
	return int(websocket.CloseStatus(err))
}
