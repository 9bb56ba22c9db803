package hub_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/sitrep/sitrep/hub"
	"github.com/sitrep/sitrep/token"
)

// followInterval is short so that the tests wait little for a round.
const followInterval = 20 * time.Millisecond

// TestFollowSharesChangesBetweenInstances runs two hubs on one database
// and checks that a change made through either reaches the viewers of the
// other, once each and in sequence.
func TestFollowSharesChangesBetweenInstances(t *testing.T) {
	first := newEnv(t, hub.Config{FollowInterval: followInterval})
	second := newEnvOn(t, hub.Config{FollowInterval: followInterval}, first.store)
	id, edit, view := first.incident("Checkout returning 503")

	editorFirst, welcome := first.join(id, edit, "sonia", 0)
	seq := int64(welcome["seq"].(float64))
	viewerSecond, _ := second.join(id, view, "", 0)
	editorSecond, _ := second.join(id, edit, "jonas", 0)

	editorFirst.send(addTimeline("from-a", "e-a", "Rolled back payments-api"))
	got := viewerSecond.expect("change", nil)
	if got["id"] != "from-a" || int64(got["seq"].(float64)) != seq+1 {
		t.Fatalf("viewer on the other instance got %v %v, want from-a as seq %d", got["id"], got["seq"], seq+1)
	}
	editorSecond.expect("change", changeWithID("from-a"))

	editorSecond.send(addTimeline("from-b", "e-b", "Error rate back under 1%"))
	got = editorFirst.expect("change", changeWithID("from-b"))
	if int64(got["seq"].(float64)) != seq+2 {
		t.Errorf("from-b reached the first instance as seq %v, want %d", got["seq"], seq+2)
	}
	got = viewerSecond.expect("change", nil)
	if got["id"] != "from-b" || int64(got["seq"].(float64)) != seq+2 {
		t.Errorf("viewer's next change is %v %v, want from-b as seq %d, each change once", got["id"], got["seq"], seq+2)
	}
}

// TestFollowClosesRotatedLinks rotates the view link through one hub and
// checks that the other closes its connections on the old link and turns
// the old token away.
func TestFollowClosesRotatedLinks(t *testing.T) {
	first := newEnv(t, hub.Config{FollowInterval: followInterval})
	second := newEnvOn(t, hub.Config{FollowInterval: followInterval}, first.store)
	id, edit, view := first.incident("Checkout returning 503")
	viewerSecond, _ := second.join(id, view, "", 0)
	editorSecond, _ := second.join(id, edit, "jonas", 0)

	fresh := token.New()
	if err := first.hub.RotateToken(context.Background(), id, edit, hub.RoleView, token.Hash(fresh)); err != nil {
		t.Fatal(err)
	}
	if code, reason := viewerSecond.closed(); code != websocket.StatusPolicyViolation || reason != "link revoked" {
		t.Errorf("viewer on the old link ended with %d %q, want 1008 link revoked", code, reason)
	}

	stale := second.dial(id)
	stale.send(map[string]any{"type": "hello", "token": view, "since": 0})
	if code, _ := stale.closed(); code != websocket.StatusPolicyViolation {
		t.Errorf("hello with the old view token ended with %d, want 1008", code)
	}
	second.join(id, fresh, "", 0)
	editorSecond.send(addTimeline("still-open", "e-1", "Editors keep their connection"))
	editorSecond.expect("change", changeWithID("still-open"))
}

// TestCatchUpSendsNoWebhookTwice checks that a change one instance stored
// is notified by that instance alone, not again by another instance that
// commits it while catching up.
func TestCatchUpSendsNoWebhookTwice(t *testing.T) {
	var mu sync.Mutex
	received := map[string]int{}
	arrived := make(chan string, 16)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		received[string(body)]++
		mu.Unlock()
		arrived <- string(body)
	}))
	defer receiver.Close()

	// The second hub never follows on its own, so it commits the first
	// hub's change only when its own insert finds the number taken.
	first := newEnv(t, hub.Config{})
	second := newEnvOn(t, hub.Config{}, first.store)
	id, edit, _ := first.incident("Checkout returning 503")
	ctx := context.Background()
	if _, err := first.hub.SetWebhook(ctx, id, edit, receiver.URL); err != nil {
		t.Fatal(err)
	}
	editorFirst, _ := first.join(id, edit, "sonia", 0)
	editorSecond, _ := second.join(id, edit, "jonas", 0)

	editorFirst.send(map[string]any{"type": "change", "id": "sev-p1", "op": "update", "list": "header", "item": "header",
		"fields": map[string]any{"severity": "P1"}})
	p1Notice := waitNotice(t, arrived, "P1")

	// Each hub delivers its notifications in order, so once the second
	// hub's own notice arrives, any notice it sent for P1 came before.
	editorSecond.send(map[string]any{"type": "change", "id": "sev-p2", "op": "update", "list": "header", "item": "header",
		"fields": map[string]any{"severity": "P2"}})
	editorSecond.expect("change", changeWithID("sev-p2"))
	waitNotice(t, arrived, "P2")
	mu.Lock()
	defer mu.Unlock()
	if n := received[p1Notice]; n != 1 {
		t.Errorf("the P1 change was notified %d times, want once", n)
	}
}

// waitNotice returns the first notification that mentions text.
func waitNotice(t *testing.T, arrived chan string, text string) string {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case body := <-arrived:
			if strings.Contains(body, text) {
				return body
			}
		case <-timeout:
			t.Fatalf("no notification mentioning %s within 10s", text)
		}
	}
}
