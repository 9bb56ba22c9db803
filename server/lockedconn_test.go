package main

import (
	"bytes"
	"io"
	"net"
	"testing"
	"time"
)

// loopbackPair returns both ends of a TCP connection on loopback, the
// server's end with a small send buffer so that it fills quickly.
func loopbackPair(t *testing.T) (server *net.TCPConn, client net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c := <-accepted
	if c == nil {
		t.Fatal("accept failed")
	}
	server = c.(*net.TCPConn)
	if err := server.SetWriteBuffer(4096); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { server.Close(); client.Close() })
	return server, client
}

// TestHeldFramesGoOutFirst checks that bytes WriteFramesNow could not write
// at once reach the peer before a control frame coder/websocket writes
// later, and before the next frames, so that no frame is ever split.
func TestHeldFramesGoOutFirst(t *testing.T) {
	server, client := loopbackPair(t)
	c := &lockedConn{Conn: server}

	// Write distinct blocks until the socket holds some back; the client
	// reads nothing meanwhile, so the buffers fill.
	var sent bytes.Buffer
	held := false
	for i := 0; i < 10_000 && !held; i++ {
		block := bytes.Repeat([]byte{byte('a' + i%26)}, 1000)
		var err error
		held, err = c.WriteFramesNow(block)
		if err != nil {
			t.Fatal(err)
		}
		sent.Write(block)
	}
	if !held {
		t.Fatal("the socket took 10 MB without holding anything back; the test cannot check the order")
	}
	// While bytes are held, later frames are held behind them.
	if more, err := c.WriteFramesNow([]byte("NEXT")); err != nil || !more {
		t.Fatalf("WriteFramesNow with bytes held = %v, %v; want it held too", more, err)
	}
	sent.WriteString("NEXT")

	// A control frame from the websocket library waits for the held bytes.
	written := make(chan error, 1)
	go func() {
		_, err := c.Write([]byte("PONG"))
		written <- err
	}()
	sent.WriteString("PONG")

	got := make([]byte, sent.Len())
	if err := client.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(client, got); err != nil {
		t.Fatalf("reading what was sent: %v", err)
	}
	if err := <-written; err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, sent.Bytes()) {
		i := 0
		for i < len(got) && got[i] == sent.Bytes()[i] {
			i++
		}
		t.Fatalf("the peer received the bytes out of order from byte %d of %d", i, len(got))
	}
	if len(c.held) != 0 {
		t.Fatalf("%d bytes still held after everything arrived", len(c.held))
	}
}

// TestWriteFramesSendsHeldBytesFirst checks the blocking write: it sends
// what was held, then its own frames.
func TestWriteFramesSendsHeldBytesFirst(t *testing.T) {
	server, client := loopbackPair(t)
	c := &lockedConn{Conn: server}
	c.held = []byte("held-")
	done := make(chan error, 1)
	go func() { done <- c.WriteFrames([]byte("frames"), time.Now().Add(10*time.Second)) }()
	got := make([]byte, len("held-frames"))
	if err := client.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(client, got); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if string(got) != "held-frames" {
		t.Fatalf("peer received %q, want %q", got, "held-frames")
	}
}

// TestWriteFramesNowOnClosedConn checks that a write to a closed socket
// fails instead of holding its bytes for ever.
func TestWriteFramesNowOnClosedConn(t *testing.T) {
	server, _ := loopbackPair(t)
	c := &lockedConn{Conn: server}
	server.Close()
	held, err := c.WriteFramesNow([]byte("late"))
	if err == nil {
		t.Fatalf("WriteFramesNow on a closed connection returned held=%v and no error", held)
	}
}
