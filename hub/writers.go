package hub

import (
	"runtime"
	"sync"
)

// writers writes the queued messages of clients on a few goroutines, at
// most one per CPU.
//
// With a goroutine per connection and message, a broadcast to 10,000
// viewers started 10,000 goroutines. The committing goroutine was preempted
// among them and took up to 100 ms just to queue the change. The pool instead
// takes clients with something queued in the order they became ready and
// writes to each without waiting. A client whose socket cannot take its
// messages now is handed to a goroutine of its own, so a slow viewer never
// holds a pool goroutine. Goroutines start on demand and exit when nothing
// is ready, so an idle hub has none.
type writers struct {
	max int

	mu      sync.Mutex
	ready   []*client // clients waiting for a writer, from head on
	head    int
	running int
}

// writerChunk is how many clients a pool goroutine takes at once.
const writerChunk = 32

func newWriters() *writers {
	return &writers{max: runtime.GOMAXPROCS(0)}
}

// push hands clients with freshly queued messages to the pool. A client is
// pushed only while no writer has it, which client.add reports.
func (w *writers) push(cs ...*client) {
	if len(cs) == 0 {
		return
	}
	w.mu.Lock()
	w.ready = append(w.ready, cs...)
	start := w.running < w.max
	if start {
		w.running++
	}
	w.mu.Unlock()
	if start {
		go w.run()
	}
}

func (w *writers) run() {
	chunk := make([]*client, 0, writerChunk)
	for {
		w.mu.Lock()
		n := min(len(w.ready)-w.head, writerChunk)
		if n == 0 {
			w.running--
			w.ready, w.head = w.ready[:0], 0
			w.mu.Unlock()
			return
		}
		chunk = append(chunk[:0], w.ready[w.head:w.head+n]...)
		clear(w.ready[w.head : w.head+n])
		w.head += n
		if w.head == len(w.ready) {
			w.ready, w.head = w.ready[:0], 0
		} else if w.head >= 1024 && 2*w.head >= len(w.ready) {
			// Under steady load the queue may never empty, so what is left
			// moves to the front before the slice grows without end.
			left := copy(w.ready, w.ready[w.head:])
			clear(w.ready[left:])
			w.ready, w.head = w.ready[:left], 0
		}
		w.mu.Unlock()
		for _, c := range chunk {
			c.drain(false)
		}
		clear(chunk)
	}
}

// fanout collects the clients a broadcast made ready and pushes them to the
// pool in groups, so that the pool starts writing to the first viewers while
// the message is still being queued for the others.
type fanout struct {
	w     *writers
	ready []*client
}

// fanoutGroup is how many ready clients a broadcast collects before it
// hands them to the pool.
const fanoutGroup = 128

func (f *fanout) add(c *client, msg []byte) {
	if !c.add(msg) {
		return
	}
	f.ready = append(f.ready, c)
	if len(f.ready) == fanoutGroup {
		f.flush()
	}
}

func (f *fanout) flush() {
	f.w.push(f.ready...)
	clear(f.ready)
	f.ready = f.ready[:0]
}
