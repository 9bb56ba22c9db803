package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// wsClient is a scripted editor speaking the websocket protocol directly,
// for tests that need more connections or more edits than a browser gives.
type wsClient struct {
	t    *testing.T
	conn *websocket.Conn

	mu        sync.Mutex
	confirmed map[string]int64 // change id to the sequence number the server gave it
	rejected  map[string]string
	seq       int64
	done      chan struct{}
}

// dialClient connects to the incident with tok, sends hello and waits for
// the welcome.
func dialClient(t *testing.T, s *sitrep, id, tok, name string) (*wsClient, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	url := "ws" + strings.TrimPrefix(s.url(), "http") + "/api/incidents/" + id + "/ws"
	h := map[string][]string{"Origin": {s.url()}}
	conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		return nil, err
	}
	conn.SetReadLimit(32 << 20)
	c := &wsClient{t: t, conn: conn, confirmed: map[string]int64{}, rejected: map[string]string{}, done: make(chan struct{})}
	hello, _ := json.Marshal(map[string]any{"type": "hello", "token": tok, "name": name})
	if err := conn.Write(ctx, websocket.MessageText, hello); err != nil {
		conn.CloseNow()
		return nil, err
	}
	_, data, err := conn.Read(ctx)
	if err != nil {
		conn.CloseNow()
		return nil, err
	}
	var w struct {
		Type string `json:"type"`
		Seq  int64  `json:"seq"`
	}
	if err := json.Unmarshal(data, &w); err != nil || w.Type != "welcome" {
		conn.CloseNow()
		t.Fatalf("first message %s, want welcome", data)
	}
	c.seq = w.Seq
	go c.read()
	t.Cleanup(func() { conn.CloseNow() })
	return c, nil
}

func (c *wsClient) read() {
	defer close(c.done)
	for {
		_, data, err := c.conn.Read(context.Background())
		if err != nil {
			return
		}
		var m struct {
			Type    string `json:"type"`
			ID      string `json:"id"`
			Seq     int64  `json:"seq"`
			Code    string `json:"code"`
			Message string `json:"message"`
		}
		if json.Unmarshal(data, &m) != nil {
			continue
		}
		c.mu.Lock()
		switch m.Type {
		case "change":
			c.seq = m.Seq
			c.confirmed[m.ID] = m.Seq
		case "ack":
			c.confirmed[m.ID] = m.Seq
		case "error":
			c.rejected[m.ID] = m.Code + ": " + m.Message
		}
		c.mu.Unlock()
	}
}

// send writes one change message; it returns false once the connection is gone.
func (c *wsClient) send(change map[string]any) bool {
	change["type"] = "change"
	data, _ := json.Marshal(change)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return c.conn.Write(ctx, websocket.MessageText, data) == nil
}

// isConfirmed reports whether the server confirmed the change with id.
func (c *wsClient) isConfirmed(id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.confirmed[id]
	return ok
}

// confirmedIDs returns the ids of the changes the server confirmed to this client.
func (c *wsClient) confirmedIDs() map[string]int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int64, len(c.confirmed))
	for k, v := range c.confirmed {
		out[k] = v
	}
	return out
}

func timelineAdd(changeID, text string) map[string]any {
	return map[string]any{"id": changeID, "op": "add", "list": "timeline", "item": "item-" + changeID,
		"fields": map[string]any{"text": text}}
}

// sendAll sends every change and waits until the server has confirmed each,
// resending after a pause those rejected by the rate limit, as the browser
// does. Any other rejection is an error. It may run on its own goroutine.
func (c *wsClient) sendAll(changes []map[string]any, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	waiting := changes
	for len(waiting) > 0 {
		for _, ch := range waiting {
			if !c.send(ch) {
				return errors.New("connection closed while sending")
			}
		}
		var again []map[string]any
		for _, ch := range waiting {
			id := ch["id"].(string)
			for {
				c.mu.Lock()
				_, ok := c.confirmed[id]
				reason, rejected := c.rejected[id]
				if rejected {
					delete(c.rejected, id)
				}
				c.mu.Unlock()
				if ok {
					break
				}
				if rejected {
					if !strings.HasPrefix(reason, "rate-limited") {
						return fmt.Errorf("change %s rejected: %s", id, reason)
					}
					again = append(again, ch)
					break
				}
				if time.Now().After(deadline) {
					return fmt.Errorf("change %s not confirmed within %v", id, limit)
				}
				time.Sleep(5 * time.Millisecond)
			}
		}
		if len(again) > 0 {
			// The limit refills over time; a second is enough for 20 more.
			time.Sleep(time.Second)
		}
		waiting = again
	}
	return nil
}
