package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// broadcaster holds the connections and numbers the changes.
type broadcaster struct {
	size int // bytes of each change message

	// mu is held while a change is written, so that every connection
	// receives the changes in seq order and none is closed mid-write.
	mu     sync.Mutex
	seq    int64
	conns  map[*peer]struct{}
	shares [][]*peer // conns split among the writers; nil after a change of conns
}

// peer is one websocket connection and the descriptor written to.
type peer struct {
	conn net.Conn
	fd   int
	// closed is set before a failed write closes the connection, so that
	// no later change is written to a descriptor number the kernel may
	// have handed to a new connection.
	closed atomic.Bool
}

func newBroadcaster(size int) *broadcaster {
	return &broadcaster{size: size, conns: map[*peer]struct{}{}}
}

// serve upgrades the request, replies to its hello with a welcome, and
// then broadcasts every edit an editor sends until the connection ends.
func (b *broadcaster) serve(w http.ResponseWriter, r *http.Request) {
	conn, br, err := upgrade(w, r)
	if err != nil {
		slog.Warn("websocket handshake failed", "remote", r.RemoteAddr, "err", err)
		return
	}
	defer conn.Close()
	op, first, err := readFrame(br)
	if err != nil || op != opText {
		slog.Warn("no hello received", "remote", r.RemoteAddr, "opcode", op, "err", err)
		return
	}

	var hello struct {
		Type  string `json:"type"`
		Token string `json:"token"`
	}
	if err := json.Unmarshal(first, &hello); err != nil || hello.Type != "hello" || (hello.Token != "edit" && hello.Token != "view") {
		slog.Warn("invalid hello", "remote", r.RemoteAddr, "message", string(first))
		_, _ = conn.Write(frame(opClose, append([]byte{0x03, 0xF0}, `first message must be {"type":"hello","token":"edit" or "view"}`...)))
		return
	}
	p, err := b.join(conn)
	if err != nil {
		slog.Warn("join failed", "remote", r.RemoteAddr, "err", err)
		return
	}
	defer b.leave(p)
	for {
		op, msg, err := readFrame(br)
		if err != nil || op == opClose {
			return
		}
		if op == opText && hello.Token == "edit" {
			b.broadcast(msg)
		}
	}
}

// join adds conn and sends its welcome, under the lock so that the
// connection receives every change after the welcome's seq.
func (b *broadcaster) join(conn net.Conn) (*peer, error) {
	tcp, ok := conn.(*net.TCPConn)
	if !ok {
		return nil, errors.New("connection is not TCP")
	}
	raw, err := tcp.SyscallConn()
	if err != nil {
		return nil, err
	}
	p := &peer{conn: conn}
	if err := raw.Control(func(fd uintptr) { p.fd = int(fd) }); err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	welcome := `{"type":"welcome","seq":` + strconv.FormatInt(b.seq, 10) + `,"changes":[]}`
	if _, err := conn.Write(frame(opText, []byte(welcome))); err != nil {
		return nil, err
	}
	b.conns[p] = struct{}{}
	b.shares = nil
	return p, nil
}

func (b *broadcaster) leave(p *peer) {
	b.mu.Lock()
	delete(b.conns, p)
	b.shares = nil
	b.mu.Unlock()
}

func (b *broadcaster) closeAll() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for p := range b.conns {
		_ = p.conn.Close()
	}
}

// broadcast numbers the edit and writes it to every connection.
func (b *broadcaster) broadcast(data []byte) {
	var edit struct {
		ID     string          `json:"id"`
		Op     string          `json:"op"`
		List   string          `json:"list"`
		Item   string          `json:"item"`
		Fields json.RawMessage `json:"fields"`
	}
	if err := json.Unmarshal(data, &edit); err != nil {
		slog.Warn("invalid edit: not a JSON object", "err", err)
		return
	}

	b.mu.Lock()
	defer b.mu.Unlock()
	b.seq++
	msg := frame(opText, b.message(edit.ID, edit.Op, edit.List, edit.Item, edit.Fields))
	if b.shares == nil {
		b.split()
	}
	var writers sync.WaitGroup
	for _, share := range b.shares {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for _, p := range share {
				writeAll(p, msg)
			}
		}()
	}
	writers.Wait()
}

// message is the change in the field order of sitrep's, padded to b.size.
func (b *broadcaster) message(id, op, list, item string, fields json.RawMessage) []byte {
	quote := func(s string) string {
		v, _ := json.Marshal(s)
		return string(v)
	}
	msg := `{"type":"change","seq":` + strconv.FormatInt(b.seq, 10) + `,"id":` + quote(id) + `,"by":"floor","at":` +
		quote(time.Now().UTC().Format(time.RFC3339Nano)) + `,"op":` + quote(op) + `,"list":` + quote(list) +
		`,"item":` + quote(item) + `,"records":[{"fields":` + string(fields) + `}],"pad":"`
	pad := max(0, b.size-len(msg)-2)
	return []byte(msg + strings.Repeat("x", pad) + `"}`)
}

// split divides the connections among one writer per CPU.
func (b *broadcaster) split() {
	all := make([]*peer, 0, len(b.conns))
	for p := range b.conns {
		all = append(all, p)
	}
	n := runtime.GOMAXPROCS(0)
	b.shares = make([][]*peer, 0, n)
	for i := range n {
		if share := all[i*len(all)/n : (i+1)*len(all)/n]; len(share) > 0 {
			b.shares = append(b.shares, share)
		}
	}
}

// writeAll writes msg with one system call, the least a server can spend
// on a delivery. Only when the socket buffer is full does it wait for the
// rest through Go's poller.
func writeAll(p *peer, msg []byte) {
	if p.closed.Load() {
		return
	}
	n, err := syscall.Write(p.fd, msg)
	if n == len(msg) {
		return
	}
	if err == nil || errors.Is(err, syscall.EAGAIN) {
		_, err = p.conn.Write(msg[max(n, 0):])
	}
	if err != nil {
		slog.Warn("write failed", "err", fmt.Errorf("%s: %w", p.conn.RemoteAddr(), err))
		p.closed.Store(true)
		_ = p.conn.Close()
	}
}
