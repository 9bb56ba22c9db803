package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// wsConn is a minimal websocket client (RFC 6455) for the load tool. It
// reads frames straight from a bufio.Reader into one reused buffer, so a
// viewer costs one goroutine and no allocation per message; a general
// client library costs several times more CPU per message, and the tool
// shares the machine's cores with the server it measures.
type wsConn struct {
	conn  net.Conn
	br    *bufio.Reader
	buf   []byte // message assembled from continuation frames, reused
	frame []byte // payload of the last frame read, reused

	writeMu sync.Mutex
	out     []byte // masked frame being written, reused under writeMu
}

// Websocket opcodes the tool handles.
const (
	opContinuation = 0x0
	opText         = 0x1
	opClose        = 0x8
	opPing         = 0x9
	opPong         = 0xA
)

// closeError is a close frame received from the server.
type closeError struct {
	code   int
	reason string
}

func (e *closeError) Error() string { return fmt.Sprintf("closed by server: %d %s", e.code, e.reason) }

// dialWebsocket opens a websocket to ws://host+path from local (nil picks
// any source address) and completes the opening handshake.
func dialWebsocket(ctx context.Context, local *net.TCPAddr, host, path string) (*wsConn, error) {
	d := net.Dialer{LocalAddr: local, Timeout: 10 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return nil, err
	}
	var nonce [16]byte
	_, _ = rand.Read(nonce[:])
	key := base64.StdEncoding.EncodeToString(nonce[:])
	req := "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n"
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, req); err != nil {
		conn.Close()
		return nil, fmt.Errorf("send websocket handshake: %w", err)
	}
	br := bufio.NewReaderSize(conn, 8<<10)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("read websocket handshake: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSwitchingProtocols {
		conn.Close()
		return nil, fmt.Errorf("websocket handshake of %s: HTTP %d, want 101", path, resp.StatusCode)
	}
	sum := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	if resp.Header.Get("Sec-WebSocket-Accept") != base64.StdEncoding.EncodeToString(sum[:]) {
		conn.Close()
		return nil, errors.New("websocket handshake: wrong Sec-WebSocket-Accept")
	}
	_ = conn.SetDeadline(time.Time{})
	return &wsConn{conn: conn, br: br}, nil
}

// readMessage returns the next text message. It answers pings itself and
// returns a *closeError when the server closes. The returned slice is valid
// until the next call.
func (w *wsConn) readMessage() ([]byte, error) {
	w.buf = w.buf[:0]
	for {
		fin, op, payload, err := w.readFrame()
		if err != nil {
			return nil, err
		}
		switch op {
		case opPing:
			if err := w.writeFrame(opPong, payload); err != nil {
				return nil, err
			}
		case opPong:
		case opClose:
			ce := &closeError{code: 1005}
			if len(payload) >= 2 {
				ce.code = int(binary.BigEndian.Uint16(payload))
				ce.reason = string(payload[2:])
			}
			return nil, ce
		case opText, opContinuation:
			if fin && len(w.buf) == 0 {
				return payload, nil
			}
			w.buf = append(w.buf, payload...)
			if fin {
				return w.buf, nil
			}
		default:
			return nil, fmt.Errorf("unexpected websocket opcode %d", op)
		}
	}
}

// readFrame reads one unmasked server frame. Its payload is valid until the
// next call.
func (w *wsConn) readFrame() (fin bool, op byte, payload []byte, err error) {
	var head [2]byte
	if _, err = io.ReadFull(w.br, head[:]); err != nil {
		return
	}
	fin, op = head[0]&0x80 != 0, head[0]&0x0F
	if head[1]&0x80 != 0 {
		err = errors.New("server sent a masked frame")
		return
	}
	n := uint64(head[1] & 0x7F)
	switch n {
	case 126:
		var ext [2]byte
		if _, err = io.ReadFull(w.br, ext[:]); err != nil {
			return
		}
		n = uint64(binary.BigEndian.Uint16(ext[:]))
	case 127:
		var ext [8]byte
		if _, err = io.ReadFull(w.br, ext[:]); err != nil {
			return
		}
		n = binary.BigEndian.Uint64(ext[:])
	}
	if n > 64<<20 {
		err = fmt.Errorf("frame of %d bytes is larger than 64 MiB", n)
		return
	}
	if uint64(cap(w.frame)) < n {
		w.frame = make([]byte, n)
	}
	payload = w.frame[:n]
	_, err = io.ReadFull(w.br, payload)
	return
}

// writeText sends one masked text message.
func (w *wsConn) writeText(p []byte) error { return w.writeFrame(opText, p) }

func (w *wsConn) writeFrame(op byte, p []byte) error {
	w.writeMu.Lock()
	defer w.writeMu.Unlock()
	w.out = maskedFrame(w.out[:0], op, p)
	_ = w.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	_, err := w.conn.Write(w.out)
	return err
}

// maskedFrame appends to out one masked client frame carrying p.
func maskedFrame(out []byte, op byte, p []byte) []byte {
	out = append(out, 0x80|op)
	switch n := len(p); {
	case n < 126:
		out = append(out, 0x80|byte(n))
	case n <= 0xFFFF:
		out = append(out, 0x80|126, byte(n>>8), byte(n))
	default:
		out = append(out, 0x80|127)
		out = binary.BigEndian.AppendUint64(out, uint64(n))
	}
	var mask [4]byte
	_, _ = rand.Read(mask[:])
	out = append(out, mask[:]...)
	start := len(out)
	out = append(out, p...)
	for i := range p {
		out[start+i] ^= mask[i&3]
	}
	return out
}

// close sends a normal close frame and closes the connection.
func (w *wsConn) close() {
	_ = w.writeFrame(opClose, []byte{0x03, 0xE8})
	_ = w.conn.Close()
}

// field returns the JSON value that follows `"name":` in msg, without
// decoding the message: the load tool reads only the type, seq and id of
// messages whose field order the server fixes.
func field(msg []byte, name string) []byte {
	key := `"` + name + `":`
	i := bytes.Index(msg, []byte(key))
	if i < 0 {
		return nil
	}
	rest := msg[i+len(key):]
	if len(rest) > 0 && rest[0] == '"' {
		end := bytes.IndexByte(rest[1:], '"')
		if end < 0 {
			return nil
		}
		return rest[1 : 1+end]
	}
	end := bytes.IndexAny(rest, ",}")
	if end < 0 {
		return nil
	}
	return rest[:end]
}
