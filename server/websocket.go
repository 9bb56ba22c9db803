package main

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strings"
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
		w := newHijackWriter(conn)
		ws, err := websocket.Accept(w, req, &websocket.AcceptOptions{OriginPatterns: s.cfg.AllowedOrigins})
		if err != nil {
			// Accept has already answered, for example 403 to a foreign Origin.
			s.log.Info("websocket upgrade rejected", "incident", id, "err", err)
			return
		}
		s.hub.Serve(s.base, hub.NewWebSocket(ws), id)
	})
	return nil
}

// hijackWriter is an http.ResponseWriter and http.Hijacker over a
// connection fasthttp has handed over.
type hijackWriter struct {
	conn   net.Conn
	raw    net.Conn // the TCP connection under fasthttp's wrapper
	header http.Header
	brw    *bufio.ReadWriter
	wrote  bool
}

func newHijackWriter(conn net.Conn) *hijackWriter {
	raw := conn
	// fasthttp's hijacked connection ignores Close, so a goroutine blocked
	// reading from a dead peer would never wake; closing the TCP connection
	// underneath does wake it. Reads still go through the wrapper, which
	// first returns bytes fasthttp had buffered.
	if u, ok := conn.(interface{ UnsafeConn() net.Conn }); ok {
		raw = u.UnsafeConn()
	}
	c := &closingConn{Conn: conn, raw: raw}
	return &hijackWriter{conn: c, raw: raw, header: http.Header{},
		brw: bufio.NewReadWriter(bufio.NewReader(c), bufio.NewWriter(c))}
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
	fmt.Fprintf(w.brw, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
	_ = w.header.Write(w.brw)
	_, _ = w.brw.WriteString("\r\n")
	_ = w.raw.SetWriteDeadline(time.Now().Add(10 * time.Second))
	_ = w.brw.Flush()
	_ = w.raw.SetWriteDeadline(time.Time{})
}

func (w *hijackWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	n, err := w.brw.Write(b)
	if err == nil {
		err = w.brw.Flush()
	}
	return n, err
}

func (w *hijackWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return w.conn, w.brw, nil
}

// closingConn reads and writes through fasthttp's wrapper but closes and
// sets deadlines on the TCP connection underneath.
type closingConn struct {
	net.Conn
	raw net.Conn
}

func (c *closingConn) Close() error                       { return c.raw.Close() }
func (c *closingConn) SetDeadline(t time.Time) error      { return c.raw.SetDeadline(t) }
func (c *closingConn) SetReadDeadline(t time.Time) error  { return c.raw.SetReadDeadline(t) }
func (c *closingConn) SetWriteDeadline(t time.Time) error { return c.raw.SetWriteDeadline(t) }
