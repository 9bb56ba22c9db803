package main

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// startFloor serves the floor's routes on loopback for the test and
// returns the server and a context that ends with the test.
func startFloor(t *testing.T) (*httptest.Server, context.Context) {
	t.Helper()
	srv := httptest.NewServer(routes(newBroadcaster(806)))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return srv, ctx
}

// dial opens a connection with the given token and returns the welcome's seq.
func dial(t *testing.T, ctx context.Context, base, token string) (*websocket.Conn, int64) {
	t.Helper()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/api/incidents/INC-FLOOR/ws", nil)
	if err != nil {
		t.Fatalf("dial failed: %v", err)
	}
	if err := c.Write(ctx, websocket.MessageText, []byte(`{"type":"hello","token":"`+token+`","name":"t","since":0}`)); err != nil {
		t.Fatalf("sending hello failed: %v", err)
	}
	var welcome struct {
		Type string `json:"type"`
		Seq  int64  `json:"seq"`
	}
	readJSON(t, ctx, c, &welcome)
	if welcome.Type != "welcome" {
		t.Fatalf("first message is %q, want welcome", welcome.Type)
	}
	return c, welcome.Seq
}

func readJSON(t *testing.T, ctx context.Context, c *websocket.Conn, v any) int {
	t.Helper()
	_, data, err := c.Read(ctx)
	if err != nil {
		t.Fatalf("read failed: %v", err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("message %s is not JSON: %v", data, err)
	}
	return len(data)
}

type change struct {
	Type string `json:"type"`
	Seq  int64  `json:"seq"`
	ID   string `json:"id"`
}

// TestBroadcastReachesAllInOrder sends two edits and checks
// that each connection gets each once, numbered in order and padded to the
// configured size, also after one viewer has left.
func TestBroadcastReachesAllInOrder(t *testing.T) {
	srv, ctx := startFloor(t)

	editor, _ := dial(t, ctx, srv.URL, "edit")
	stays, _ := dial(t, ctx, srv.URL, "view")
	leaves, _ := dial(t, ctx, srv.URL, "view")
	edit := `{"type":"change","id":"c-1","op":"add","list":"timeline","item":"e-1","fields":{"text":"Checkout errors at 38%"}}`
	if err := editor.Write(ctx, websocket.MessageText, []byte(edit)); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*websocket.Conn{"editor": editor, "viewer": stays, "leaving viewer": leaves} {
		var ch change
		if n := readJSON(t, ctx, c, &ch); n != 806 {
			t.Errorf("%s: message of %d bytes, want 806", name, n)
		}
		if ch != (change{Type: "change", Seq: 1, ID: "c-1"}) {
			t.Errorf("%s got %+v, want change 1 with id c-1", name, ch)
		}
	}

	leaves.Close(websocket.StatusNormalClosure, "")
	late, seq := dial(t, ctx, srv.URL, "view")
	if seq != 1 {
		t.Errorf("welcome after one change has seq %d, want 1", seq)
	}
	if err := editor.Write(ctx, websocket.MessageText, []byte(strings.ReplaceAll(edit, "c-1", "c-2"))); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*websocket.Conn{"editor": editor, "viewer": stays, "late viewer": late} {
		var ch change
		readJSON(t, ctx, c, &ch)
		if ch != (change{Type: "change", Seq: 2, ID: "c-2"}) {
			t.Errorf("%s got %+v, want change 2 with id c-2", name, ch)
		}
	}
}

// TestViewerCannotBroadcast checks that only the edit token's messages are
// sent on, and that a hello without a known token is rejected.
func TestViewerCannotBroadcast(t *testing.T) {
	srv, ctx := startFloor(t)

	editor, _ := dial(t, ctx, srv.URL, "edit")
	viewer, _ := dial(t, ctx, srv.URL, "view")
	if err := viewer.Write(ctx, websocket.MessageText, []byte(`{"type":"change","id":"from-viewer","fields":{}}`)); err != nil {
		t.Fatal(err)
	}
	// The server reads a connection's frames in order and broadcasts an
	// edit before reading on, so once the close handshake is over the
	// viewer's message has been dealt with.
	_ = viewer.Close(websocket.StatusNormalClosure, "")
	if err := editor.Write(ctx, websocket.MessageText, []byte(`{"type":"change","id":"from-editor","fields":{}}`)); err != nil {
		t.Fatal(err)
	}
	var ch change
	readJSON(t, ctx, editor, &ch)
	if ch != (change{Type: "change", Seq: 1, ID: "from-editor"}) {
		t.Errorf("editor first received %+v, want its own change as seq 1", ch)
	}

	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/api/incidents/INC-FLOOR/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Write(ctx, websocket.MessageText, []byte(`{"type":"hello","token":"guess"}`)); err != nil {
		t.Fatal(err)
	}
	_, _, err = c.Read(ctx)
	if websocket.CloseStatus(err) != websocket.StatusPolicyViolation {
		t.Errorf("hello with an unknown token ended with %v, want close 1008", err)
	}
}
