package main

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/sitrep/sitrep/hub"
)

// acceptOne accepts one websocket on ln the way the server does, through
// the hijack bridge, and returns it wrapped for the hub.
func acceptOne(t *testing.T, ln net.Listener) *hub.WebSocket {
	t.Helper()
	conn, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	w, err := newHijackWriter(conn)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.ReadRequest(bufio.NewReader(w.conn))
	if err != nil {
		t.Fatal(err)
	}
	pongs := &hub.Pongs{}
	ws, err := websocket.Accept(w, req, &websocket.AcceptOptions{OnPongReceived: pongs.Received})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.CloseNow() })
	return hub.NewWebSocket(ws, w.conn, pongs)
}

// TestPingIsAnsweredThroughTheBridge checks that a ping the hub writes as a
// raw frame reaches a client that reads, and that its pong is recorded,
// while a client that never reads leaves the ping unanswered.
func TestPingIsAnsweredThroughTheBridge(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()

	for _, reads := range []bool{true, false} {
		dialed := make(chan *websocket.Conn, 1)
		go func() {
			c, _, err := websocket.Dial(context.Background(), "ws://"+ln.Addr().String()+"/", nil)
			if err != nil {
				dialed <- nil
				return
			}
			dialed <- c
		}()
		sock := acceptOne(t, ln)
		// The hub reads every connection; pongs are noticed by that read.
		go func() {
			for {
				if _, err := sock.Read(context.Background()); err != nil {
					return
				}
			}
		}()
		client := <-dialed
		if client == nil {
			t.Fatal("dial failed")
		}
		defer client.CloseNow()
		if reads {
			// coder/websocket replies to pings while a read is running.
			go func() {
				for {
					if _, _, err := client.Read(context.Background()); err != nil {
						return
					}
				}
			}()
		}

		sent := time.Now()
		if err := sock.Ping(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(2 * time.Second)
		for sock.LastPong().Before(sent) && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		answered := !sock.LastPong().Before(sent)
		if answered != reads {
			t.Errorf("client that reads: %v; pong recorded: %v (last pong %v)", reads, answered, sock.LastPong())
		}
	}
}
