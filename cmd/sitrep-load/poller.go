package main

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// poller reads viewer connections with an epoll instance of its own.
//
// A goroutine blocked in Read per viewer cost the tool about 11 µs of CPU
// per message on the 2-core test machine. Each message took a read that
// returns it, a second read that finds nothing and parks the goroutine, and
// a wake-up through Go's netpoller. The tool shares those cores with the
// server, so its cost showed in the server's latency. A poller reads each
// ready connection once per epoll event instead, and one goroutine serves
// thousands of viewers. The server's code is not involved: browsers and the
// hub tests use ordinary websocket clients.
type poller struct {
	l    *load
	epfd int

	mu    sync.Mutex
	conns map[int32]*polled
}

// polled is one viewer connection the poller reads.
type polled struct {
	i       int
	fd      int
	seq     int64  // last change sequence number seen
	pending []byte // bytes of a frame not yet complete
	message []byte // text message assembled from continuation frames
}

func newPoller(l *load) (*poller, error) {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("create epoll instance: %w", err)
	}
	return &poller{l: l, epfd: epfd, conns: map[int32]*polled{}}, nil
}

// add takes over ws, whose welcome carried seq: the poller reads it from now
// on through a duplicate of its file descriptor, and ws is closed.
func (p *poller) add(i int, ws *wsConn, seq int64) error {
	pc := &polled{i: i, seq: seq}
	if n := ws.br.Buffered(); n > 0 {
		b, _ := ws.br.Peek(n)
		pc.pending = append([]byte(nil), b...)
	}
	tcp, ok := ws.conn.(*net.TCPConn)
	if !ok {
		return fmt.Errorf("connection %d is not TCP", i)
	}
	raw, err := tcp.SyscallConn()
	if err != nil {
		return err
	}
	var derr error
	if err := raw.Control(func(fd uintptr) { pc.fd, derr = syscall.Dup(int(fd)) }); err != nil {
		return err
	}
	if derr != nil {
		return fmt.Errorf("connection %d: duplicate descriptor: %w", i, derr)
	}
	// Closing the original takes it out of Go's netpoller, which would
	// otherwise be woken for every message too; the duplicate keeps the
	// connection open.
	ws.conn.Close()
	if err := syscall.SetNonblock(pc.fd, true); err != nil {
		syscall.Close(pc.fd)
		return err
	}
	// Delayed acknowledgements, as a browser's connection usually has once
	// it has received some data. In a 1,000-viewer run this cut the tool's
	// CPU per message by about a quarter (one run each way). Linux drops
	// the option whenever a delayed acknowledgement goes out by timer, so
	// read sets it again before every read. Set after the read, it was off
	// again by the next message, and a perf profile showed most reads
	// sending an acknowledgement at once.
	_ = syscall.SetsockoptInt(pc.fd, syscall.IPPROTO_TCP, syscall.TCP_QUICKACK, 0)

	// Whole frames that arrived with the welcome are handled before the
	// connection is registered, while nothing else can touch it.
	if !p.consume(pc, nil) {
		return nil
	}
	p.mu.Lock()
	p.conns[int32(pc.fd)] = pc
	p.mu.Unlock()
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP, Fd: int32(pc.fd)}
	if err := syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_ADD, pc.fd, &ev); err != nil {
		p.remove(pc)
		return fmt.Errorf("connection %d: register with epoll: %w", i, err)
	}
	return nil
}

// remove stops reading pc and closes its connection.
func (p *poller) remove(pc *polled) {
	p.mu.Lock()
	delete(p.conns, int32(pc.fd))
	p.mu.Unlock()
	_ = syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_DEL, pc.fd, nil)
	_ = syscall.Close(pc.fd)
}

// pollPause is how long a poller sleeps when no connection had anything
// to read. Waiting in epoll_wait instead would make every message the
// server writes wake the poller's thread, and on the 2-core test VM each
// such wake-up cost both processes several microseconds: more than the
// read itself. The pause can add up to about this much to a measured
// latency, never take anything from it.
const pollPause = 500 * time.Microsecond

// run reads ready connections until ctx ends, then closes them all.
func (p *poller) run(ctx context.Context) {
	defer p.closeAll()
	events := make([]syscall.EpollEvent, 256)
	buf := make([]byte, 256<<10)
	for ctx.Err() == nil {
		n, err := syscall.EpollWait(p.epfd, events, 0)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err == nil && n == 0 {
			time.Sleep(pollPause)
			continue
		}
		if err != nil {
			p.l.noteError(fmt.Errorf("epoll wait: %w", err))
			return
		}
		for _, ev := range events[:n] {
			p.mu.Lock()
			pc := p.conns[ev.Fd]
			p.mu.Unlock()
			if pc != nil {
				p.read(ctx, pc, buf)
			}
		}
	}
}

func (p *poller) closeAll() {
	p.mu.Lock()
	conns := make([]*polled, 0, len(p.conns))
	for _, pc := range p.conns {
		conns = append(conns, pc)
	}
	p.mu.Unlock()
	for _, pc := range conns {
		_, _ = syscall.Write(pc.fd, maskedFrame(nil, opClose, []byte{0x03, 0xE8}))
		p.remove(pc)
	}
	_ = syscall.Close(p.epfd)
}

// read reads what pc has received, once: epoll reports the connection
// again while more is waiting.
func (p *poller) read(ctx context.Context, pc *polled, buf []byte) {
	_ = syscall.SetsockoptInt(pc.fd, syscall.IPPROTO_TCP, syscall.TCP_QUICKACK, 0) // see add
	n, err := syscall.Read(pc.fd, buf)
	if errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EINTR) {
		return
	}
	if err != nil || n == 0 {
		p.remove(pc)
		if ctx.Err() == nil {
			if err == nil {
				err = errors.New("connection closed without a close frame")
			}
			p.l.noteError(fmt.Errorf("connection %d: %w", pc.i, err))
		}
		return
	}
	if !p.consume(pc, buf[:n]) {
		p.remove(pc)
	}
}

// consume handles the frames in pc.pending followed by data, keeping an
// incomplete last frame in pc.pending. It returns false when the
// connection is done with.
func (p *poller) consume(pc *polled, data []byte) bool {
	if len(pc.pending) > 0 {
		pc.pending = append(pc.pending, data...)
		data = pc.pending
	}
	for {
		fin, op, payload, size := parseFrame(data)
		if size == 0 {
			break
		}
		if size < 0 {
			p.l.noteError(fmt.Errorf("connection %d: invalid frame from the server", pc.i))
			return false
		}
		data = data[size:]
		if !p.frame(pc, fin, op, payload) {
			return false
		}
	}
	// What is left is part of a frame; it may alias pending, so it is
	// moved to the front rather than appended.
	if len(pc.pending) > 0 {
		pc.pending = pc.pending[:copy(pc.pending, data)]
	} else {
		pc.pending = append(pc.pending, data...)
	}
	return true
}

// frame handles one frame and returns false when the connection is done
// with.
func (p *poller) frame(pc *polled, fin bool, op byte, payload []byte) bool {
	switch op {
	case opPing:
		// The frame is tiny and the socket buffer of a viewer that sends
		// nothing else is empty, so the write does not need to wait.
		_, _ = syscall.Write(pc.fd, maskedFrame(nil, opPong, payload))
		return true
	case opPong:
		return true
	case opClose:
		code := 1005
		if len(payload) >= 2 {
			code = int(binary.BigEndian.Uint16(payload))
		}
		if code == 1013 {
			p.l.dropped.Add(1)
			go p.reconnect(pc.i, pc.seq)
		} else {
			p.l.noteError(fmt.Errorf("connection %d: %w", pc.i, &closeError{code: code, reason: string(payload[min(2, len(payload)):])}))
		}
		return false
	case opText, opContinuation:
		msg := payload
		if !fin || len(pc.message) > 0 {
			pc.message = append(pc.message, payload...)
			if !fin {
				return true
			}
			msg = pc.message
		}
		p.message(pc, msg)
		pc.message = pc.message[:0]
		return true
	}
	p.l.noteError(fmt.Errorf("connection %d: unexpected websocket opcode %d", pc.i, op))
	return false
}

// message counts a change message as screen does.
func (p *poller) message(pc *polled, msg []byte) {
	if string(field(msg, "type")) != "change" {
		return
	}
	next, _ := strconv.ParseInt(string(field(msg, "seq")), 10, 64)
	if next != pc.seq+1 {
		p.l.gaps.Add(1)
	}
	pc.seq = next
	p.l.arrive(field(msg, "id"), len(msg))
}

// reconnect opens viewer i again after the server dropped it as too slow,
// as the frontend does, and hands the new connection to the poller.
func (p *poller) reconnect(i int, seq int64) {
	ctx := p.l.runCtx
	ws, welcome, err := p.l.connect(ctx, i, p.l.inc.ViewToken, "load", seq)
	if err != nil {
		if ctx.Err() == nil {
			p.l.noteError(err)
		}
		return
	}
	seq = p.l.catchUp(welcome, seq)
	if err := p.add(i, ws, seq); err != nil {
		p.l.noteError(err)
	}
}

// parseFrame reads one unmasked server frame at the start of b. size is
// the frame's length in b, 0 when b holds no whole frame yet, and -1 when
// the frame is invalid.
func parseFrame(b []byte) (fin bool, op byte, payload []byte, size int) {
	if len(b) < 2 {
		return
	}
	if b[1]&0x80 != 0 {
		return false, 0, nil, -1 // servers never mask
	}
	fin, op = b[0]&0x80 != 0, b[0]&0x0F
	head, n := 2, uint64(b[1]&0x7F)
	switch n {
	case 126:
		if len(b) < 4 {
			return false, 0, nil, 0
		}
		head, n = 4, uint64(binary.BigEndian.Uint16(b[2:]))
	case 127:
		if len(b) < 10 {
			return false, 0, nil, 0
		}
		head, n = 10, binary.BigEndian.Uint64(b[2:])
	}
	if n > 64<<20 {
		return false, 0, nil, -1
	}
	if uint64(len(b)-head) < n {
		return false, 0, nil, 0
	}
	return fin, op, b[head : head+int(n)], head + int(n)
}
