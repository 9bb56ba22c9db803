package e2e

import (
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestSigkillLosesNoAcknowledgedChange kills the server with SIGKILL in the
// middle of a burst of edits. Every change a client saw acknowledged must
// be there after the restart, and resending the rest stores each once.
func TestSigkillLosesNoAcknowledgedChange(t *testing.T) {
	s := startSitrep(t)
	inc := declare(t, s, "Crash in a burst", "P0")
	const editors, each = 4, 150
	clients := make([]*wsClient, editors)
	for i := range clients {
		c, err := dialClient(t, s, inc.ID, inc.EditToken, fmt.Sprintf("editor%d", i))
		if err != nil {
			t.Fatal(err)
		}
		clients[i] = c
	}

	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < each; j++ {
				if !c.send(timelineAdd(fmt.Sprintf("e%d-%d", i, j), "burst")) {
					return
				}
			}
		}()
	}
	// Kill once a good part of the burst is acknowledged, so the kill lands
	// while changes are in flight.
	deadline := time.Now().Add(60 * time.Second)
	for {
		seen := map[string]bool{}
		for _, c := range clients {
			for id := range c.confirmedIDs() {
				seen[id] = true
			}
		}
		n := len(seen)
		if n >= editors*each/3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d changes acknowledged within 60s", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	s.stop(syscall.SIGKILL)
	wg.Wait()
	acknowledged := map[string]bool{}
	for _, c := range clients {
		<-c.done
		for id := range c.confirmedIDs() {
			acknowledged[id] = true
		}
	}

	s.start()
	_, records := apiIncident(t, s, inc.ID, inc.EditToken)
	stored := map[string]bool{}
	for _, r := range records {
		if r["list"] == "timeline" {
			stored[r["id"].(string)] = true
		}
	}
	lost := 0
	for id := range acknowledged {
		if !stored["item-"+id] {
			lost++
		}
	}
	if lost > 0 {
		t.Errorf("%d of %d acknowledged changes are missing after SIGKILL", lost, len(acknowledged))
	}

	// Every client resends everything; each change ends up stored once.
	var resend sync.WaitGroup
	for i := 0; i < editors; i++ {
		c, err := dialClient(t, s, inc.ID, inc.EditToken, fmt.Sprintf("editor%d", i))
		if err != nil {
			t.Fatal(err)
		}
		var changes []map[string]any
		for j := 0; j < each; j++ {
			changes = append(changes, timelineAdd(fmt.Sprintf("e%d-%d", i, j), "burst"))
		}
		resend.Add(1)
		go func() {
			defer resend.Done()
			if err := c.sendAll(changes, 90*time.Second); err != nil {
				t.Error(err)
			}
		}()
	}
	resend.Wait()
	seq, records := apiIncident(t, s, inc.ID, inc.EditToken)
	timeline := 0
	for _, r := range records {
		if r["list"] == "timeline" {
			timeline++
		}
	}
	if want := 1 + editors*each; timeline != want || seq != int64(editors*each) {
		t.Errorf("after resending: %d timeline entries at seq %d, want %d at seq %d", timeline, seq, want, editors*each)
	}
	t.Logf("acknowledged before the kill %d, lost %d, stored after resending %d", len(acknowledged), lost, timeline-1)
}

// waitUntil polls cond until it holds, failing the test after limit.
func waitUntil(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", limit, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
