package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/coder/websocket"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/sitrep/sitrep/hub"
)

// websocket upgrades the request and hands the connection to the hub.
// Fiber's adaptor cannot complete a websocket handshake, so the handler
// hijacks the connection from fasthttp and gives coder/websocket a small
// http.ResponseWriter over it.
//
// The hijack handler returns as soon as the handshake is done and the hub
// serves the connection on a goroutine of its own. With the server's
// KeepHijackedConns set, fasthttp then leaves the connection open and
// frees its request context, its 4 KiB read buffer and its goroutine, which
// it would otherwise keep for as long as the websocket lives.
func (s *server) websocket(c *fiber.Ctx) error {
	// Fiber reuses the memory behind Params once this handler returns, and
	// the hijacked connection outlives it, so the id must be copied.
	id := strings.Clone(c.Params("id"))
	req, err := adaptor.ConvertRequest(c, false)
	if err != nil {
		return badRequest("request", "cannot read the upgrade request: "+err.Error())
	}
	c.Context().HijackSetNoResponse(true)
	c.Context().Hijack(func(conn net.Conn) {
		w, err := newHijackWriter(conn)
		if err != nil {
			s.log.Info("websocket upgrade failed", "incident", id, "err", err)
			_ = conn.Close()
			return
		}
		pongs := &hub.Pongs{}
		ws, err := websocket.Accept(w, req, &websocket.AcceptOptions{OriginPatterns: s.cfg.AllowedOrigins,
			OnPongReceived: pongs.Received})
		if err != nil {
			// Accept has already answered, for example 403 to a foreign Origin.
			s.log.Info("websocket upgrade rejected", "incident", id, "err", err)
			_ = w.conn.Close()
			return
		}
		// Only the connection is kept: the handshake's headers and the
		// writer around them are garbage once Accept returns.
		tcp := w.conn
		go func() {
			defer tcp.Close()
			s.hub.Serve(s.base, hub.NewWebSocket(ws, tcp, pongs), id)
		}()
	})
	return nil
}

// Buffer sizes of a websocket connection, kept small because every idle
// viewer holds both. A viewer sends little, and bufio hands reads at least
// as large as its buffer, such as an editor's long message, straight to the
// TCP connection, so the read buffer only needs to hold frame headers and
// small messages. The hub writes data frames itself through
// lockedConn.WriteFrames; coder/websocket writes only control frames, of at
// most 2+125 bytes, so each of them fits the write buffer and reaches the
// connection as one write.
const (
	wsReadBuffer  = 128
	wsWriteBuffer = 128
)

// hijackWriter is an http.ResponseWriter and http.Hijacker over a
// connection fasthttp has handed over.
type hijackWriter struct {
	conn   *lockedConn
	header http.Header
	brw    *bufio.ReadWriter
	wrote  bool
}

func newHijackWriter(conn net.Conn) (*hijackWriter, error) {
	// fasthttp's hijacked connection first returns bytes it had already
	// buffered; a client sends none before the handshake answer, but any
	// that arrived are kept. Reading through the wrapper with a deadline in
	// the past returns what it buffered without waiting on the network.
	raw := conn
	if u, ok := conn.(interface{ UnsafeConn() net.Conn }); ok {
		raw = u.UnsafeConn()
	}
	var early []byte
	if raw != conn {
		var err error
		if early, err = drainBuffered(conn, raw); err != nil {
			return nil, err
		}
	}
	c := &lockedConn{Conn: raw}
	if len(early) > 0 {
		c.reader = io.MultiReader(bytes.NewReader(early), raw)
	}
	return &hijackWriter{conn: c, header: http.Header{},
		brw: bufio.NewReadWriter(bufio.NewReaderSize(c, wsReadBuffer), bufio.NewWriterSize(c, wsWriteBuffer))}, nil
}

// drainBuffered returns the bytes fasthttp's wrapper holds buffered, reading
// it with an expired deadline on raw so that it cannot wait for more.
func drainBuffered(wrapper, raw net.Conn) ([]byte, error) {
	if err := raw.SetReadDeadline(time.Unix(1, 0)); err != nil {
		return nil, err
	}
	var early []byte
	buf := make([]byte, 4096)
	for attempt := 0; attempt < 64; attempt++ {
		n, err := wrapper.Read(buf)
		early = append(early, buf[:n]...)
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return early, raw.SetReadDeadline(time.Time{})
		}
		if err != nil {
			return nil, fmt.Errorf("read bytes buffered before the upgrade: %w", err)
		}
	}
	return nil, errors.New("more than 256 KiB sent before the websocket handshake was answered")
}

func (w *hijackWriter) Header() http.Header { return w.header }

func (w *hijackWriter) WriteHeader(status int) {
	if w.wrote {
		return
	}
	w.wrote = true
	if status != http.StatusSwitchingProtocols {
		w.header.Set("Connection", "close")
	}
	var head bytes.Buffer
	fmt.Fprintf(&head, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
	_ = w.header.Write(&head)
	head.WriteString("\r\n")
	_ = w.conn.WriteFrames(head.Bytes(), time.Now().Add(10*time.Second))
}

func (w *hijackWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if err := w.conn.WriteFrames(b, time.Now().Add(10*time.Second)); err != nil {
		return 0, err
	}
	return len(b), nil
}

func (w *hijackWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return w.conn, w.brw, nil
}

// lockedConn is the TCP connection under a websocket. Its writes are
// serialized, so the frames the hub writes and the control frames
// coder/websocket writes never interleave, and bytes a WriteFramesNow held
// back go out before anything else.
type lockedConn struct {
	net.Conn
	reader io.Reader // bytes received before the handshake, then Conn; nil reads Conn

	writeMu sync.Mutex
	raw     syscall.RawConn // Conn's file descriptor, for writes that do not wait; guarded by writeMu
	held    []byte          // bytes WriteFramesNow could not write yet; guarded by writeMu

	// The state of one tryWrite, for writeOut; guarded by writeMu.
	writeRaw   func(fd uintptr) bool
	out        []byte
	outWritten int
	outErr     error
}

func (c *lockedConn) Read(p []byte) (int, error) {
	if c.reader != nil {
		return c.reader.Read(p)
	}
	return c.Conn.Read(p)
}

// Write is how coder/websocket writes its control frames.
func (c *lockedConn) Write(p []byte) (int, error) {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if err := c.writeHeld(time.Time{}); err != nil {
		return 0, err
	}
	return c.Conn.Write(p)
}

// WriteFrames writes the held bytes, then p, failing at deadline. With a zero
// deadline it waits as long as the write takes.
func (c *lockedConn) WriteFrames(p []byte, deadline time.Time) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if err := c.writeHeld(deadline); err != nil {
		return err
	}
	n, err := c.tryWrite(p)
	if err != nil || n == len(p) {
		return err
	}
	return c.writeWaiting(p[n:], deadline)
}

// WriteFramesNow writes what of p the socket buffer takes now and holds
// back the rest. It holds all of p while earlier bytes are still held.
func (c *lockedConn) WriteFramesNow(p []byte) (bool, error) {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if len(c.held) > 0 {
		c.held = append(c.held, p...)
		return true, nil
	}
	n, err := c.tryWrite(p)
	if err != nil {
		return false, err
	}
	if n == len(p) {
		return false, nil
	}
	c.held = append(c.held, p[n:]...)
	return true, nil
}

// writeHeld writes the held bytes, waiting until deadline. Callers hold
// writeMu.
func (c *lockedConn) writeHeld(deadline time.Time) error {
	if len(c.held) == 0 {
		return nil
	}
	err := c.writeWaiting(c.held, deadline)
	// The held bytes are dropped even on failure: the connection is
	// broken then, since part of a frame may have gone out.
	c.held = nil
	return err
}

// tryWrite writes what of p the socket buffer takes without waiting. When
// the buffer has room, as it has for a client that keeps up, this saves
// setting and clearing a deadline, which costs about as much as a third of
// the write itself. Callers hold writeMu.
func (c *lockedConn) tryWrite(p []byte) (int, error) {
	if c.raw == nil {
		sc, ok := c.Conn.(syscall.Conn)
		if !ok {
			return 0, nil
		}
		var err error
		if c.raw, err = sc.SyscallConn(); err != nil {
			return 0, err
		}
		// A method value allocates, so it is made once per connection;
		// a closure made on every write was most of what a broadcast
		// allocated.
		c.writeRaw = c.writeOut
	}
	c.out, c.outWritten, c.outErr = p, 0, nil
	err := c.raw.Write(c.writeRaw)
	n, werr := c.outWritten, c.outErr
	c.out, c.outErr = nil, nil
	if err != nil {
		return n, err
	}
	return n, werr
}

// writeOut writes c.out to fd until it is written or the socket buffer is
// full. It is the callback of c.raw.Write, under writeMu.
func (c *lockedConn) writeOut(fd uintptr) bool {
	for c.outWritten < len(c.out) {
		n, err := syscall.Write(int(fd), c.out[c.outWritten:])
		if n > 0 {
			c.outWritten += n
		}
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			if err != syscall.EAGAIN {
				c.outErr = err
			}
			break
		}
	}
	return true // never wait here; a full buffer is left to the caller
}

// writeWaiting writes p, waiting until deadline. Callers hold writeMu.
func (c *lockedConn) writeWaiting(p []byte, deadline time.Time) error {
	if !deadline.IsZero() {
		if err := c.Conn.SetWriteDeadline(deadline); err != nil {
			return err
		}
		// The deadline must not outlive this write: coder/websocket's
		// later pings and close frames go through Write.
		defer c.Conn.SetWriteDeadline(time.Time{})
	}
	_, err := c.Conn.Write(p)
	return err
}
