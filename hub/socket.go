package hub

import (
	"context"
	"encoding/binary"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// Socket is the hub's view of one websocket connection.
type Socket interface {
	// Read returns the next message. It fails once the connection closes.
	Read(ctx context.Context) ([]byte, error)
	// Write sends what an earlier WriteNow held back, then msgs in order,
	// each as one websocket message, giving up at deadline. It takes a
	// deadline, not a context, because a context with a timer for every
	// write of every connection was a noticeable share of the broadcast's
	// cost.
	Write(msgs [][]byte, deadline time.Time) error
	// WriteNow sends msgs like Write but never waits: what the connection
	// cannot take at once is held back, and held reports that. The next
	// Write must then send it before anything else. The caller runs one
	// Write or WriteNow at a time (a client has one writer); Ping may run
	// alongside.
	WriteNow(msgs [][]byte) (held bool, err error)
	// Ping sends a ping without waiting for the connection or for the
	// pong; LastPong returns when the pong arrived.
	Ping() error
	// LastPong returns when the last pong arrived, or the zero time.
	LastPong() time.Time
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

// FrameConn is the connection under a websocket, for writing whole server
// frames. No frame of the websocket library (pings, pongs, close) may reach
// the connection inside the bytes of one WriteFrames or WriteFramesNow call.
type FrameConn interface {
	// WriteFrames writes the bytes WriteFramesNow held back, then p,
	// failing at deadline.
	WriteFrames(p []byte, deadline time.Time) error
	// WriteFramesNow writes as much of p as the connection takes without
	// waiting and holds back the rest, reporting whether it did. Held
	// bytes go out before anything else written to the connection.
	WriteFramesNow(p []byte) (held bool, err error)
}

// WebSocket adapts a coder/websocket connection to Socket.
type WebSocket struct {
	Conn   *websocket.Conn
	frames FrameConn // nil: each message goes through Conn.Write
	held   [][]byte  // messages WriteNow held back when frames is nil
	pongs  *Pongs
	// waitPong is true when pongs is not fed by the connection's
	// OnPongReceived, so each ping waits for its pong on a goroutine.
	waitPong bool
}

// Pongs records when a connection last received a pong. Its Received method
// is the OnPongReceived callback of the connection's AcceptOptions.
//
// Waiting for each pong with coder/websocket's Ping took a goroutine, a
// context and a timer per ping: a thousand of each per second at 10,000
// viewers pinged every 10 seconds. With Pongs, a ping is one small write.
type Pongs struct{ last atomic.Int64 }

// Received records a pong now.
func (p *Pongs) Received(context.Context, []byte) { p.last.Store(time.Now().UnixNano()) }

// Last returns when the last pong arrived, or the zero time.
func (p *Pongs) Last() time.Time {
	if n := p.last.Load(); n != 0 {
		return time.Unix(0, n)
	}
	return time.Time{}
}

// NewWebSocket wraps c, limiting incoming messages to MaxMessageBytes. With
// frames, Write frames all messages of a call itself and hands them to
// frames in one write, so a batch costs one system call instead of one per
// message; coder/websocket v1.8 flushes every message it writes.
//
// pongs must be the Pongs whose Received the connection calls on each pong.
// When it is nil, or frames is, each Ping waits for its pong on a goroutine
// of its own instead.
func NewWebSocket(c *websocket.Conn, frames FrameConn, pongs *Pongs) *WebSocket {
	c.SetReadLimit(MaxMessageBytes)
	w := &WebSocket{Conn: c, frames: frames, pongs: pongs}
	if pongs == nil || frames == nil {
		w.pongs, w.waitPong = &Pongs{}, true
	}
	return w
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

// frameBuffers holds the buffers batches are framed into. They are pooled
// rather than kept per connection, so an idle connection holds none.
var frameBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

func (w *WebSocket) Write(msgs [][]byte, deadline time.Time) error {
	if w.frames == nil {
		ctx, cancel := context.WithDeadline(context.Background(), deadline)
		defer cancel()
		held := w.held
		w.held = nil
		for _, msg := range append(held, msgs...) {
			if err := w.Conn.Write(ctx, websocket.MessageText, msg); err != nil {
				return err
			}
		}
		return nil
	}
	buf, out := framed(msgs)
	err := w.frames.WriteFrames(out, deadline)
	recycle(buf, out)
	return err
}

// WriteNow writes through frames without waiting. Without frames it holds
// back every message for the next Write: coder/websocket has no write that
// does not wait.
func (w *WebSocket) WriteNow(msgs [][]byte) (bool, error) {
	if w.frames == nil {
		w.held = append(w.held, msgs...)
		return true, nil
	}
	buf, out := framed(msgs)
	held, err := w.frames.WriteFramesNow(out)
	recycle(buf, out)
	return held, err
}

// framed returns msgs as server frames, in a buffer from frameBuffers.
func framed(msgs [][]byte) (*[]byte, []byte) {
	buf := frameBuffers.Get().(*[]byte)
	out := (*buf)[:0]
	for _, msg := range msgs {
		out = appendTextFrame(out, msg)
	}
	return buf, out
}

// recycle returns a buffer framed took, unless it grew past 1 MiB.
func recycle(buf *[]byte, out []byte) {
	if cap(out) <= 1<<20 {
		*buf = out[:0]
		frameBuffers.Put(buf)
	}
}

// appendTextFrame appends msg as one unmasked, unfragmented text frame, as
// RFC 6455 section 5.2 lays out a frame a server sends.
func appendTextFrame(out, msg []byte) []byte {
	const finText = 0x80 | 0x1
	switch n := len(msg); {
	case n < 126:
		out = append(out, finText, byte(n))
	case n <= 0xFFFF:
		out = append(out, finText, 126)
		out = binary.BigEndian.AppendUint16(out, uint16(n))
	default:
		out = append(out, finText, 127)
		out = binary.BigEndian.AppendUint64(out, uint64(n))
	}
	return append(out, msg...)
}

// pingFrame is an unmasked ping frame without payload.
var pingFrame = []byte{0x80 | 0x9, 0}

// Ping writes a ping frame. Behind bytes the connection holds back, it
// waits its turn with them.
func (w *WebSocket) Ping() error {
	if w.waitPong {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if w.Conn.Ping(ctx) == nil {
				w.pongs.Received(ctx, nil)
			}
		}()
		return nil
	}
	_, err := w.frames.WriteFramesNow(pingFrame)
	return err
}

func (w *WebSocket) LastPong() time.Time { return w.pongs.Last() }

func (w *WebSocket) Close(code int, reason string) error {
	return w.Conn.Close(websocket.StatusCode(code), reason)
}

func (w *WebSocket) CloseNow() error { return w.Conn.CloseNow() }

// closeStatus returns the close code of err, or -1 when err is no close.
func closeStatus(err error) int {
	return int(websocket.CloseStatus(err))
}

// isClosed reports whether err only says that the connection is closed.
func isClosed(err error) bool {
	return errors.Is(err, net.ErrClosed) || closeStatus(err) != -1
}
