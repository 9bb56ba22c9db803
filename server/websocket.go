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
		ws, err := websocket.Accept(w, req, &websocket.AcceptOptions{OriginPatterns: s.cfg.AllowedOrigins})
		if err != nil {
			// Accept has already answered, for example 403 to a foreign Origin.
			s.log.Info("websocket upgrade rejected", "incident", id, "err", err)
			_ = w.conn.Close()
			return
		}
		go func() {
			defer w.conn.Close()
			s.hub.Serve(s.base, hub.NewWebSocket(ws, w.conn), id)
		}()
	})
	return nil
}

// Buffer sizes of a websocket connection. Reads come straight from the
// TCP connection, and a viewer sends little, so the read buffer only needs
// to hold frame headers. The hub writes data frames itself through
// lockedConn.WriteFrames; coder/websocket writes only control frames, of at
// most 2+125 bytes, so each of them fits the write buffer and reaches the
// connection as one write.
const (
	wsReadBuffer  = 512
	wsWriteBuffer = 256
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
// serialized, so the frames the hub writes in one WriteFrames and the
// control frames coder/websocket writes never interleave.
type lockedConn struct {
	net.Conn
	reader io.Reader // bytes received before the handshake, then Conn; nil reads Conn

	writeMu sync.Mutex
	raw     syscall.RawConn // Conn's file descriptor, for writes that do not wait; guarded by writeMu
}

func (c *lockedConn) Read(p []byte) (int, error) {
	if c.reader != nil {
		return c.reader.Read(p)
	}
	return c.Conn.Read(p)
}

func (c *lockedConn) Write(p []byte) (int, error) {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	return c.Conn.Write(p)
}

// WriteFrames writes p in one write that fails at deadline; a zero
// deadline never fails for time. It first tries a write that does not wait:
// when the socket buffer has room, as it has for a client that keeps up,
// this saves setting and clearing the deadline, which costs about as much
// as a third of the write itself.
func (c *lockedConn) WriteFrames(p []byte, deadline time.Time) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if c.raw == nil {
		if sc, ok := c.Conn.(syscall.Conn); ok {
			c.raw, _ = sc.SyscallConn()
		}
	}
	if c.raw != nil {
		var n int
		var werr error
		err := c.raw.Write(func(fd uintptr) bool {
			n, werr = syscall.Write(int(fd), p)
			return true // never wait here; a full buffer falls through to Conn.Write
		})
		if err != nil {
			return err
		}
		if n > 0 {
			p = p[n:]
		}
		if len(p) == 0 {
			return nil
		}
		if werr != nil && werr != syscall.EAGAIN && werr != syscall.EINTR {
			return werr
		}
	}
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
