package main

import (
	"encoding/binary"
	"fmt"
	"testing"
)

// serverFrame returns one unmasked frame as the server sends it.
func serverFrame(fin bool, op byte, p []byte) []byte {
	b := op
	if fin {
		b |= 0x80
	}
	out := []byte{b}
	switch n := len(p); {
	case n < 126:
		out = append(out, byte(n))
	case n <= 0xFFFF:
		out = append(out, 126)
		out = binary.BigEndian.AppendUint16(out, uint16(n))
	default:
		out = append(out, 127)
		out = binary.BigEndian.AppendUint64(out, uint64(n))
	}
	return append(out, p...)
}

// TestConsumeAcrossSplits feeds a stream of change messages to the
// poller's parser cut at every possible place, as reads may return it, and
// checks that each change is counted once and in order.
func TestConsumeAcrossSplits(t *testing.T) {
	var stream []byte
	const changes = 3
	for i := 1; i <= changes; i++ {
		msg := fmt.Sprintf(`{"type":"change","seq":%d,"id":"T-%d","pad":"%0300d"}`, i, i-1, 0)
		if i == 2 {
			// The second arrives in two fragments.
			stream = append(stream, serverFrame(false, opText, []byte(msg[:50]))...)
			stream = append(stream, serverFrame(true, opContinuation, []byte(msg[50:]))...)
			continue
		}
		stream = append(stream, serverFrame(true, opText, []byte(msg))...)
	}
	for cut := 0; cut <= len(stream); cut++ {
		l := &load{prefix: "T-", edits: make([]edit, changes), screens: 1, complete: make(chan struct{}, changes)}
		p := &poller{l: l}
		pc := &polled{}
		if !p.consume(pc, append([]byte(nil), stream[:cut]...)) || !p.consume(pc, append([]byte(nil), stream[cut:]...)) {
			t.Fatalf("cut at %d: the connection was given up", cut)
		}
		if got := l.delivered.Load(); got != changes {
			t.Fatalf("cut at %d: %d changes counted, want %d", cut, got, changes)
		}
		if g := l.gaps.Load(); g != 0 {
			t.Fatalf("cut at %d: %d sequence gaps", cut, g)
		}
		if len(pc.pending) != 0 {
			t.Fatalf("cut at %d: %d bytes left pending", cut, len(pc.pending))
		}
	}
}

func TestParseFrameRejectsMaskedFrames(t *testing.T) {
	if _, _, _, size := parseFrame([]byte{0x81, 0x80 | 1, 1, 2, 3, 4, 'x'}); size != -1 {
		t.Fatalf("a masked frame from the server parsed with size %d, want -1", size)
	}
}
