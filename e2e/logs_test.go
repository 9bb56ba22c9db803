package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// wsSession opens a websocket to the incident with tok and returns it after
// its first message, the welcome or a close.
func wsSession(t *testing.T, s *sitrep, id, tok string) (*websocket.Conn, map[string]any, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	h := http.Header{}
	h.Set("Origin", s.url())
	c, _, err := websocket.Dial(ctx, "ws://"+s.addr+"/api/incidents/"+id+"/ws", &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.CloseNow() })
	hello, _ := json.Marshal(map[string]any{"type": "hello", "token": tok, "name": "sonia"})
	if err := c.Write(ctx, websocket.MessageText, hello); err != nil {
		t.Fatal(err)
	}
	msg, err := wsRead(ctx, c)
	return c, msg, err
}

func wsRead(ctx context.Context, c *websocket.Conn) (map[string]any, error) {
	_, data, err := c.Read(ctx)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	err = json.Unmarshal(data, &m)
	return m, err
}

// rotateLink issues a new link of kind with the edit token and returns the new token.
func rotateLink(t *testing.T, s *sitrep, id, edit, kind string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.url()+"/api/incidents/"+id+"/tokens", strings.NewReader(`{"kind":"`+kind+`"}`))
	req.Header.Set("Authorization", "Bearer "+edit)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("rotating the %s link answered %d (%v): %v", kind, resp.StatusCode, err, out)
	}
	return out[kind+"Token"]
}

func TestLogsHoldNoToken(t *testing.T) {
	const accessKey = "log-test-access-key-8d1f"
	s := startSitrep(t, "SITREP_LOG_LEVEL=debug", "SITREP_ACCESS_KEY="+accessKey)
	req, _ := http.NewRequest(http.MethodPost, s.url()+"/api/incidents", strings.NewReader(`{"title":"Logged","severity":"P1"}`))
	req.Header.Set("Authorization", "Bearer "+accessKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var inc created
	err = json.NewDecoder(resp.Body).Decode(&inc)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("declaring answered %d (%v)", resp.StatusCode, err)
	}
	tokens := []string{inc.EditToken, inc.ViewToken}

	// Edit over the websocket, watch with the view link, rotate both links
	// and use the old and the new ones.
	editor, _, err := wsSession(t, s, inc.ID, inc.EditToken)
	if err != nil {
		t.Fatal(err)
	}
	change, _ := json.Marshal(map[string]any{"type": "change", "id": "c1", "op": "add", "list": "timeline", "item": "t1",
		"fields": map[string]any{"text": "Logged entry"}})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := editor.Write(ctx, websocket.MessageText, change); err != nil {
		t.Fatal(err)
	}
	if _, _, err := wsSession(t, s, inc.ID, inc.ViewToken); err != nil {
		t.Fatal(err)
	}
	newView := rotateLink(t, s, inc.ID, inc.EditToken, "view")
	newEdit := rotateLink(t, s, inc.ID, inc.EditToken, "edit")
	tokens = append(tokens, newView, newEdit)
	for _, old := range []string{inc.EditToken, inc.ViewToken} {
		if _, msg, err := wsSession(t, s, inc.ID, old); err == nil {
			t.Errorf("an old token still opens a websocket: %v", msg)
		}
		if status := apiStatus(t, s, inc.ID, old); status != http.StatusNotFound {
			t.Errorf("an old token answers %d, want 404", status)
		}
	}
	if _, msg, err := wsSession(t, s, inc.ID, newView); err != nil || msg["role"] != "view" {
		t.Errorf("the new view token: %v %v", msg, err)
	}
	if status := apiStatus(t, s, inc.ID, newEdit); status != http.StatusOK {
		t.Errorf("the new edit token answers %d", status)
	}
	// A sign-in with the key, and a wrong one.
	for _, key := range []string{accessKey, "wrong-" + accessKey} {
		resp, err := http.Post(s.url()+"/signin", "application/json", strings.NewReader(`{"key":"`+key+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}

	s.stop(syscall.SIGTERM)
	logs := s.logs.String()
	if !strings.Contains(logs, "link rotated") || !strings.Contains(logs, "connection opened") {
		t.Fatalf("the log does not cover the session:\n%s", logs)
	}
	for _, line := range strings.Split(logs, "\n") {
		for _, tok := range tokens {
			if strings.Contains(line, tok) {
				t.Errorf("a log line holds a token: %s", line)
			}
		}
		if strings.Contains(line, accessKey) {
			t.Errorf("a log line holds the access key: %s", line)
		}
	}
}
