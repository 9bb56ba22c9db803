package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// edit is one measured edit: when it was due and when the last screen got it.
type edit struct {
	due      atomic.Int64 // nanoseconds since the run's start; 0 until scheduled
	got      atomic.Int32 // connections that received it
	done     atomic.Int64 // nanoseconds since start when the last connection received it
	accepted atomic.Bool  // the sending editor saw it broadcast
}

// load is one run: its connections and what they counted.
type load struct {
	cfg      config
	host     string
	inc      *incident
	prefix   string // change id prefix of measured edits
	start    time.Time
	edits    []edit
	screens  int32 // connections every edit must reach: viewers and editors
	complete chan struct{}
	runCtx   context.Context // ends when the run does; for reconnects

	windowEnd   atomic.Int64 // nanoseconds since start when sending stopped; 0 while sending
	windowDeliv atomic.Int64 // change messages received while sending
	delivered   atomic.Int64 // change messages of measured edits received
	bytesIn     atomic.Int64 // bytes of change messages received
	dropped     atomic.Int64 // connections the server closed with 1013
	gaps        atomic.Int64 // sequence gaps seen by a connection
	failed      atomic.Int64 // edits answered with an error
	connErrors  atomic.Int64 // connections that ended with an unexpected error
	firstErr    atomic.Value // first unexpected error, for the report
}

func (l *load) now() int64 { return int64(time.Since(l.start)) }

func (l *load) noteError(err error) {
	l.connErrors.Add(1)
	l.firstErr.CompareAndSwap(nil, err.Error())
}

// arrive records that one connection received the change with id.
func (l *load) arrive(id []byte, size int) {
	if !strings.HasPrefix(string(id), l.prefix) {
		return
	}
	n, err := strconv.Atoi(string(id[len(l.prefix):]))
	if err != nil || n < 0 || n >= len(l.edits) {
		return
	}
	now := l.now()
	l.delivered.Add(1)
	l.bytesIn.Add(int64(size))
	if l.windowEnd.Load() == 0 {
		l.windowDeliv.Add(1)
	}
	e := &l.edits[n]
	if e.got.Add(1) == l.screens {
		e.done.Store(now)
		select {
		case l.complete <- struct{}{}:
		default:
		}
	}
}

// source returns the local address for connection i: the -sources loopback
// addresses in turn, because one source address has about 28,000 ports.
func (l *load) source(i int) *net.TCPAddr {
	if l.cfg.sources <= 1 {
		return nil
	}
	return &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(1+i%l.cfg.sources))}
}

// connect opens one connection and waits for its welcome, returning the
// welcome's seq.
func (l *load) connect(ctx context.Context, i int, tok, name string, since int64) (*wsConn, []byte, error) {
	ws, err := dialWebsocket(ctx, l.source(i), l.host, "/api/incidents/"+l.inc.ID+"/ws")
	if err != nil {
		return nil, nil, fmt.Errorf("connection %d: %w", i, err)
	}
	hello, _ := json.Marshal(map[string]any{"type": "hello", "token": tok, "name": name, "since": since})
	if err := ws.writeText(hello); err != nil {
		ws.conn.Close()
		return nil, nil, fmt.Errorf("connection %d: send hello: %w", i, err)
	}
	_ = ws.conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	for attempt := 0; attempt < 1000; attempt++ {
		msg, err := ws.readMessage()
		if err != nil {
			ws.conn.Close()
			return nil, nil, fmt.Errorf("connection %d: waiting for welcome: %w", i, err)
		}
		if string(field(msg, "type")) == "welcome" {
			_ = ws.conn.SetReadDeadline(time.Time{})
			return ws, append([]byte(nil), msg...), nil
		}
	}
	ws.conn.Close()
	return nil, nil, fmt.Errorf("connection %d: no welcome among its first 1000 messages", i)
}

// screen reads one connection's messages until ctx ends, reconnecting with
// since after the server drops it as too slow, as the frontend does.
func (l *load) screen(ctx context.Context, i int, ws *wsConn, welcome []byte, tok string, onMsg func([]byte)) {
	seq, _ := strconv.ParseInt(string(field(welcome, "seq")), 10, 64)
	// Closing the connection is what ends a blocked read when the run ends.
	stop := context.AfterFunc(ctx, func() { ws.conn.Close() })
	for reconnects := 0; ; {
		msg, err := ws.readMessage()
		if err != nil {
			stop()
			ws.conn.Close()
			if ctx.Err() != nil {
				return
			}
			var ce *closeError
			if !errors.As(err, &ce) || ce.code != 1013 || reconnects >= 20 {
				l.noteError(fmt.Errorf("connection %d: %w", i, err))
				return
			}
			l.dropped.Add(1)
			reconnects++
			ws, welcome, err = l.connect(ctx, i, tok, "load", seq)
			if err != nil {
				if ctx.Err() == nil {
					l.noteError(err)
				}
				return
			}
			stop = context.AfterFunc(ctx, func() { ws.conn.Close() })
			seq = l.catchUp(welcome, seq)
			continue
		}
		if string(field(msg, "type")) == "change" {
			next, _ := strconv.ParseInt(string(field(msg, "seq")), 10, 64)
			if next != seq+1 {
				l.gaps.Add(1)
			}
			seq = next
			l.arrive(field(msg, "id"), len(msg))
		}
		if onMsg != nil {
			onMsg(msg)
		}
	}
}

// catchUp counts the changes a reconnect welcome carries and returns the
// seq the connection holds afterwards.
func (l *load) catchUp(welcome []byte, seq int64) int64 {
	var w struct {
		Seq     int64 `json:"seq"`
		Changes []struct {
			ID string `json:"id"`
		} `json:"changes"`
	}
	if err := json.Unmarshal(welcome, &w); err != nil {
		l.noteError(fmt.Errorf("reconnect welcome: %w", err))
		return seq
	}
	if w.Changes == nil && w.Seq != seq {
		// The server no longer had the missed changes and sent the whole
		// incident: they count as lost for this connection.
		l.gaps.Add(1)
	}
	for _, c := range w.Changes {
		l.arrive([]byte(c.ID), 0)
	}
	return w.Seq
}

// editor is one connection on the edit token that sends edits.
type editor struct {
	ws    *wsConn
	queue chan int // measured edit numbers due to be sent
}

// editMessage returns the change that adds timeline entry n.
func (l *load) editMessage(idPrefix string, n int, text string) []byte {
	return []byte(`{"type":"change","id":"` + idPrefix + strconv.Itoa(n) + `","op":"add","list":"timeline","item":"` +
		idPrefix + "i" + strconv.Itoa(n) + `","fields":{"text":"` + text + `"}}`)
}

// entryText returns timeline text of n bytes.
func entryText(n int) string {
	const words = "payments-api p99 latency above 8s after deploy "
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(words)
	}
	return strings.TrimSpace(b.String()[:max(n, 1)]) + "."
}

// send writes the edits queued for e until the queue closes.
func (l *load) send(e *editor, text string, wg *sync.WaitGroup) {
	defer wg.Done()
	for n := range e.queue {
		if err := e.ws.writeText(l.editMessage(l.prefix, n, text)); err != nil {
			l.noteError(fmt.Errorf("send edit %d: %w", n, err))
		}
	}
}

// editorMessage handles what an editor receives besides the broadcast.
func (l *load) editorMessage(msg []byte) {
	switch string(field(msg, "type")) {
	case "change":
		id := string(field(msg, "id"))
		if n, err := strconv.Atoi(strings.TrimPrefix(id, l.prefix)); err == nil && strings.HasPrefix(id, l.prefix) && n < len(l.edits) {
			l.edits[n].accepted.Store(true)
		}
	case "error":
		if l.failed.Add(1) <= 3 {
			l.firstErr.CompareAndSwap(nil, "edit rejected: "+string(msg))
		}
		select {
		case l.complete <- struct{}{}:
		default:
		}
	}
}

// preload adds n timeline entries through ws before the measurement,
// keeping up to 32 in flight.
func preload(ctx context.Context, ws *wsConn, n, size int) error {
	if n == 0 {
		return nil
	}
	prefix := fmt.Sprintf("P%06x-", time.Now().UnixNano()&0xFFFFFF)
	text := entryText(size)
	window := make(chan struct{}, 32)
	readErr := make(chan error, 1)
	go func() {
		for got := 0; got < n; {
			msg, err := ws.readMessage()
			if err != nil {
				readErr <- err
				return
			}
			switch string(field(msg, "type")) {
			case "change":
				if strings.HasPrefix(string(field(msg, "id")), prefix) {
					got++
					<-window
				}
			case "error":
				readErr <- fmt.Errorf("preload edit rejected: %s", msg)
				return
			}
		}
		readErr <- nil
	}()
	l := &load{}
	for i := 0; i < n; i++ {
		select {
		case window <- struct{}{}:
		case err := <-readErr:
			return fmt.Errorf("preload after %d entries: %w", i, err)
		case <-ctx.Done():
			return ctx.Err()
		}
		if err := ws.writeText(l.editMessage(prefix, i, text)); err != nil {
			return fmt.Errorf("preload entry %d: %w", i, err)
		}
	}
	select {
	case err := <-readErr:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
