package hub_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/sitrep/sitrep/hub"
)

// TestJoinsDuringEditsSeeEachChangeOnce joins viewers and editors while an
// editor sends changes. Whole-incident welcomes are encoded after the room
// lock is released, with the changes committed meanwhile queued behind
// them, so each joiner must receive exactly the changes after its
// welcome's seq, in order, with no gap and no repeat.
func TestJoinsDuringEditsSeeEachChangeOnce(t *testing.T) {
	e := newEnv(t, hub.Config{MessageRate: 10_000, MessageBurst: 10_000})
	id, edit, view := e.incident("Checkout returning 503")
	writer, _ := e.join(id, edit, "sonia", 0)

	const changes = 120
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		for i := 0; i < changes; i++ {
			writer.send(addTimeline(fmt.Sprintf("c%d", i), fmt.Sprintf("e%d", i), fmt.Sprintf("Entry %d", i)))
		}
	}()

	type joiner struct {
		name string
		p    *peer
		seq  int64
	}
	var joiners []joiner
	for i := 0; i < 12; i++ {
		tok, name := view, fmt.Sprintf("viewer%d", i)
		if i%3 == 0 {
			tok, name = edit, fmt.Sprintf("editor%d", i)
		}
		p, welcome := e.join(id, tok, name, 0)
		joiners = append(joiners, joiner{name: name, p: p, seq: int64(welcome["seq"].(float64))})
	}
	<-sent

	for _, j := range joiners {
		want := j.seq + 1
		deadline := time.After(10 * time.Second)
		for want <= changes {
			select {
			case m := <-j.p.msgs:
				if m["type"] != "change" {
					continue
				}
				got := int64(m["seq"].(float64))
				if got != want {
					t.Fatalf("%s (welcome at seq %d) received change seq %d, want %d", j.name, j.seq, got, want)
				}
				want++
			case <-deadline:
				t.Fatalf("%s (welcome at seq %d) stopped at seq %d of %d", j.name, j.seq, want-1, changes)
			}
		}
	}
}
