package hub_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/sitrep/sitrep/hub"
)

func TestChangeReachesEveryEditorAndViewer(t *testing.T) {
	e := newEnv(t, hub.Config{})
	id, edit, view := e.incident("Checkout returning 503")
	sonia, welcome := e.join(id, edit, "sonia", 0)
	if welcome["role"] != "edit" {
		t.Errorf("edit token got role %v", welcome["role"])
	}
	raj, _ := e.join(id, edit, "raj", 0)
	stake, stakeWelcome := e.join(id, view, "", 0)
	if stakeWelcome["role"] != "view" {
		t.Errorf("view token got role %v", stakeWelcome["role"])
	}
	for _, r := range stakeWelcome["records"].([]any) {
		list := r.(map[string]any)["list"]
		if list != "header" && list != "timeline" && list != "updates" {
			t.Errorf("stakeholder welcome holds a %v record", list)
		}
	}

	if got := stake.expect("presence", func(m map[string]any) bool { return m["viewers"] == float64(1) }); len(got["editors"].([]any)) != 0 {
		t.Errorf("the stakeholder learned the editors' names: %v", got["editors"])
	}
	sonia.send(addTimeline("c1", "e1", "Alert fires: payments-api p99 above 8s"))
	for name, p := range map[string]*peer{"sonia": sonia, "raj": raj, "stakeholder": stake} {
		m := p.expect("change", changeWithID("c1"))
		if m["seq"] != float64(1) {
			t.Errorf("%s got seq %v, want 1", name, m["seq"])
		}
		if m["by"] != "sonia" {
			t.Errorf("%s got by %v, want sonia", name, m["by"])
		}
	}

	// A change to a list the stakeholder view does not show still reaches
	// it, without records, so its sequence numbers stay contiguous.
	raj.send(map[string]any{"type": "change", "id": "c2", "op": "add", "list": "hypotheses", "item": "h1",
		"fields": map[string]any{"text": "Connection pool exhausted by slow queries", "owner": "@raj"}})
	if recs := stake.expect("change", changeWithID("c2"))["records"].([]any); len(recs) != 0 {
		t.Errorf("stakeholder received %d hypothesis records, want 0", len(recs))
	}
	if recs := sonia.expect("change", changeWithID("c2"))["records"].([]any); len(recs) != 1 {
		t.Errorf("editor received %d records, want 1", len(recs))
	}
}

func TestStakeholderCannotChange(t *testing.T) {
	e := newEnv(t, hub.Config{})
	id, edit, view := e.incident("Read only")
	stake, _ := e.join(id, view, "", 0)
	editor, _ := e.join(id, edit, "sonia", 0)
	forged := []map[string]any{
		addTimeline("f1", "x1", "forged entry"),
		{"type": "change", "id": "f2", "op": "update", "list": "header", "item": "header", "fields": map[string]any{"severity": "P2"}},
		{"type": "change", "id": "f3", "op": "delete", "list": "timeline", "item": "declared"},
		{"type": "name", "name": "mallory"},
	}
	for _, msg := range forged {
		stake.send(msg)
		m := stake.expect("error", nil)
		if m["code"] != "forbidden" {
			t.Errorf("forged %v answered %v, want forbidden", msg["op"], m["code"])
		}
	}
	inc, err := e.hub.Lookup(context.Background(), id, edit)
	if err != nil {
		t.Fatal(err)
	}
	if inc.Seq != 0 {
		t.Errorf("incident seq = %d after forged changes, want 0", inc.Seq)
	}
	editor.send(addTimeline("ok1", "ok1", "real entry"))
	editor.expect("change", changeWithID("ok1"))
}

func TestDuplicateChangeAppliedOnce(t *testing.T) {
	e := newEnv(t, hub.Config{})
	id, edit, _ := e.incident("Retries")
	p, _ := e.join(id, edit, "kim", 0)
	msg := addTimeline("retry-1", "r1", "Pool size raised to 200")
	p.send(msg)
	p.expect("change", changeWithID("retry-1"))
	p.send(msg)
	ack := p.expect("ack", nil)
	if ack["seq"] != float64(1) || ack["duplicate"] != true {
		t.Errorf("ack = %v, want seq 1 duplicate", ack)
	}

	// After the room closes and reloads, the database still contains the id.
	p.conn.Close(websocket.StatusNormalClosure, "")
	p.closed()
	again, welcome := e.join(id, edit, "kim", 0)
	if welcome["seq"] != float64(1) {
		t.Fatalf("reloaded seq = %v, want 1", welcome["seq"])
	}
	again.send(msg)
	if ack := again.expect("ack", nil); ack["seq"] != float64(1) {
		t.Errorf("ack after reload = %v, want seq 1", ack)
	}
	inc, err := e.hub.Lookup(context.Background(), id, edit)
	if err != nil {
		t.Fatal(err)
	}
	if inc.Seq != 1 {
		t.Errorf("seq = %d after three sends of one change, want 1", inc.Seq)
	}
}

func TestResumeSendsOnlyMissedChanges(t *testing.T) {
	e := newEnv(t, hub.Config{})
	id, edit, _ := e.incident("Resume")
	writer, _ := e.join(id, edit, "raj", 0)
	for i := 1; i <= 5; i++ {
		cid := fmt.Sprintf("r%d", i)
		writer.send(addTimeline(cid, cid, "entry "+cid))
		writer.expect("change", changeWithID(cid))
	}
	_, welcome := e.join(id, edit, "sonia", 3)
	if welcome["records"] != nil {
		t.Error("resume welcome holds the whole incident")
	}
	changes, _ := welcome["changes"].([]any)
	if len(changes) != 2 {
		t.Fatalf("resume from 3 sent %d changes, want 2", len(changes))
	}
	for i, c := range changes {
		if seq := c.(map[string]any)["seq"]; seq != float64(4+i) {
			t.Errorf("change %d has seq %v, want %d", i, seq, 4+i)
		}
	}
	_, full := e.join(id, edit, "kim", 99)
	if full["records"] == nil {
		t.Error("a client ahead of the server did not get the whole incident")
	}
}

func TestInvalidChangesNameTheField(t *testing.T) {
	e := newEnv(t, hub.Config{})
	id, edit, _ := e.incident("Bad input")
	p, _ := e.join(id, edit, "raj", 0)
	cases := []struct {
		name  string
		raw   string
		code  string
		field string
	}{
		{"not JSON", `{"type":`, "bad-message", "message"},
		{"unknown type", `{"type":"shout"}`, "bad-message", "type"},
		{"unknown field", `{"type":"change","id":"u1","op":"add","list":"timeline","item":"u1","colour":"red"}`, "bad-message", "message"},
		{"invalid UTF-8", "{\"type\":\"name\",\"name\":\"\xff\xfe\"}", "bad-message", "message"},
		{"bad enum", `{"type":"change","id":"u2","op":"update","list":"header","item":"header","fields":{"severity":"P5"}}`, "invalid", "fields.severity"},
		{"unknown list", `{"type":"change","id":"u3","op":"add","list":"gossip","item":"u3"}`, "invalid", "list"},
		{"unknown record field", `{"type":"change","id":"u4","op":"add","list":"timeline","item":"u4","fields":{"text":"x","mood":"bad"}}`, "invalid", "fields.mood"},
		{"text too long", `{"type":"change","id":"u5","op":"add","list":"timeline","item":"u5","fields":{"text":"` + strings.Repeat("x", 2001) + `"}}`, "invalid", "fields.text"},
		{"time far away", `{"type":"change","id":"u6","op":"add","list":"timeline","item":"u6","fields":{"text":"x","at":"1999-01-01T00:00:00Z"}}`, "invalid", "fields.at"},
		{"missing required", `{"type":"change","id":"u7","op":"add","list":"hypotheses","item":"u7","fields":{"owner":"@raj"}}`, "invalid", "fields.text"},
		{"javascript link", `{"type":"change","id":"u8","op":"update","list":"checklist","item":"check-3","fields":{"link":"javascript:alert(1)"}}`, "invalid", "fields.link"},
	}
	for _, tc := range cases {
		p.sendRaw([]byte(tc.raw))
		m := p.expect("error", nil)
		if m["code"] != tc.code {
			t.Errorf("%s: code %v, want %s", tc.name, m["code"], tc.code)
		}
		if m["field"] != tc.field {
			t.Errorf("%s: field %v, want %s (message %v)", tc.name, m["field"], tc.field, m["message"])
		}
		if msg, _ := m["message"].(string); msg == "" {
			t.Errorf("%s: empty message", tc.name)
		}
	}
	inc, err := e.hub.Lookup(context.Background(), id, edit)
	if err != nil {
		t.Fatal(err)
	}
	if inc.Seq != 0 {
		t.Errorf("seq = %d after only invalid changes, want 0", inc.Seq)
	}
	p.send(addTimeline("fine", "fine", "still works"))
	p.expect("change", changeWithID("fine"))
}

func TestOversizedFrameClosesWithReason(t *testing.T) {
	e := newEnv(t, hub.Config{})
	id, edit, _ := e.incident("Big frame")
	p, _ := e.join(id, edit, "raj", 0)
	other, _ := e.join(id, edit, "kim", 0)
	big := `{"type":"name","name":"` + strings.Repeat("x", hub.MaxMessageBytes) + `"}`
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = p.conn.Write(ctx, websocket.MessageText, []byte(big))
	if code, _ := p.closed(); code != websocket.StatusMessageTooBig {
		t.Errorf("oversized frame closed with %v, want %v", code, websocket.StatusMessageTooBig)
	}
	other.send(addTimeline("after", "after", "the others carry on"))
	other.expect("change", changeWithID("after"))
}

func TestWrongTokenIsRejected(t *testing.T) {
	e := newEnv(t, hub.Config{})
	id, _, _ := e.incident("Tokens")
	p := e.dial(id)
	p.send(map[string]any{"type": "hello", "token": "not-the-token", "name": "eve"})
	code, reason := p.closed()
	if code != websocket.StatusPolicyViolation || reason != "invalid or revoked link" {
		t.Errorf("wrong token closed with %v %q", code, reason)
	}
	unknown := e.dial("INC-1999-0101-001")
	unknown.send(map[string]any{"type": "hello", "token": "whatever", "name": "eve"})
	if code, reason := unknown.closed(); code != websocket.StatusPolicyViolation || reason != "invalid or revoked link" {
		t.Errorf("unknown incident closed with %v %q", code, reason)
	}
}

func TestConcurrentEditorsConverge(t *testing.T) {
	e := newEnv(t, hub.Config{})
	id, edit, view := e.incident("Everyone typing")
	const editors, each = 4, 10
	peers := make([]*peer, editors)
	for i := range peers {
		peers[i], _ = e.join(id, edit, fmt.Sprintf("editor%d", i), 0)
	}
	watcher, _ := e.join(id, view, "", 0)
	var wg sync.WaitGroup
	for i, p := range peers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < each; j++ {
				cid := fmt.Sprintf("e%d-%d", i, j)
				// Every entry carries the same time, so the order of adding decides.
				msg := addTimeline(cid, cid, "same minute")
				msg["fields"].(map[string]any)["at"] = time.Now().UTC().Truncate(time.Minute).Format(time.RFC3339)
				p.send(msg)
			}
		}()
	}
	wg.Wait()
	total := editors * each
	for name, p := range map[string]*peer{"editor0": peers[0], "editor3": peers[3], "stakeholder": watcher} {
		seen := map[float64]bool{}
		for len(seen) < total {
			m := p.expect("change", nil)
			seq := m["seq"].(float64)
			if seen[seq] {
				t.Fatalf("%s received seq %v twice", name, seq)
			}
			if seq != float64(len(seen)+1) {
				t.Fatalf("%s received seq %v after %d changes", name, seq, len(seen))
			}
			seen[seq] = true
		}
	}
	live, err := e.hub.Lookup(context.Background(), id, edit)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := e.store.LoadIncident(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Board.Seq != int64(total) || live.Seq != int64(total) {
		t.Fatalf("seq: live %d, stored %d, want %d", live.Seq, stored.Board.Seq, total)
	}
	liveRecs, storedRecs := live.Records, stored.Board.Records()
	if len(liveRecs) != len(storedRecs) {
		t.Fatalf("live board has %d records, database %d", len(liveRecs), len(storedRecs))
	}
	for i := range liveRecs {
		if liveRecs[i].ID != storedRecs[i].ID {
			t.Errorf("record %d: live %s, database %s", i, liveRecs[i].ID, storedRecs[i].ID)
		}
	}
}

func TestShutdownClosesWithRestart(t *testing.T) {
	e := newEnv(t, hub.Config{})
	id, edit, _ := e.incident("Restart")
	p, _ := e.join(id, edit, "sonia", 0)
	p.send(addTimeline("before", "before", "written before the restart"))
	p.expect("change", changeWithID("before"))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.hub.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	code, reason := p.closed()
	if code != websocket.StatusServiceRestart || reason != "server restarting" {
		t.Errorf("shutdown closed with %v %q, want 1012 server restarting", code, reason)
	}
	stored, err := e.store.LoadIncident(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored.Tail) != 0 || stored.Board.Seq != 1 {
		t.Errorf("after shutdown: seq %d with %d changes past the snapshot; want seq 1, all in the snapshot", stored.Board.Seq, len(stored.Tail))
	}
}

func TestSlowClientIsClosedOthersCarryOn(t *testing.T) {
	e := newEnv(t, hub.Config{SendQueue: 4})
	id, edit, _ := e.incident("Slow reader")
	fast, _ := e.join(id, edit, "fast", 0)
	slow := newStuckSocket(`{"type":"hello","token":"` + edit + `","name":"slow"}`)
	served := make(chan struct{})
	go func() {
		defer close(served)
		e.hub.Serve(context.Background(), slow, id)
	}()
	fast.expect("presence", func(m map[string]any) bool { return len(m["editors"].([]any)) == 2 })
	for i := 0; i < 10; i++ {
		cid := fmt.Sprintf("s%d", i)
		fast.send(addTimeline(cid, cid, "entry"))
		fast.expect("change", changeWithID(cid))
	}
	select {
	case <-served:
	case <-time.After(10 * time.Second):
		t.Fatal("the stuck connection is still served")
	}
	if code := slow.closeCode(); code != hub.CloseTryAgainLater {
		t.Errorf("stuck connection closed with %d, want %d", code, hub.CloseTryAgainLater)
	}
	if n := e.metric("sitrep_slow_clients_closed_total"); n != 1 {
		t.Errorf("slow clients closed = %v, want 1", n)
	}
}

// stuckSocket sends one hello and then never takes a message: every write
// blocks until the socket is closed.
type stuckSocket struct {
	hello  []byte
	once   sync.Once
	closed chan struct{}
	mu     sync.Mutex
	code   int
}

func newStuckSocket(hello string) *stuckSocket {
	return &stuckSocket{hello: []byte(hello), closed: make(chan struct{})}
}

func (s *stuckSocket) Read(ctx context.Context) ([]byte, error) {
	if s.hello != nil {
		h := s.hello
		s.hello = nil
		return h, nil
	}
	select {
	case <-s.closed:
		return nil, errors.New("closed")
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (s *stuckSocket) Write(_ [][]byte, deadline time.Time) error {
	select {
	case <-s.closed:
		return errors.New("closed")
	case <-time.After(time.Until(deadline)):
		return context.DeadlineExceeded
	}
}

// WriteNow holds everything back, as a socket whose buffer is full does.
func (s *stuckSocket) WriteNow([][]byte) (bool, error) { return true, nil }

func (s *stuckSocket) Ping() error { return nil }

func (s *stuckSocket) LastPong() time.Time { return time.Now() }

func (s *stuckSocket) Close(code int, _ string) error {
	s.mu.Lock()
	if s.code == 0 {
		s.code = code
	}
	s.mu.Unlock()
	return s.CloseNow()
}

func (s *stuckSocket) CloseNow() error {
	s.once.Do(func() { close(s.closed) })
	return nil
}

func (s *stuckSocket) closeCode() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.code
}

func (e *env) dialRaw(id string) *websocket.Conn {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(e.server.URL, "http")+"/"+id, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { conn.CloseNow() })
	return conn
}
