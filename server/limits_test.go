package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

func TestMessageRateLimited(t *testing.T) {
	_, base := startApp(t)
	id, edit, _ := declareIncident(t, base, "Flood")
	c, _ := hello(t, base, id, edit)

	// The default limit is 20 messages a second with bursts of 100, so 200
	// written at once must run into it.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i := 0; i < 200; i++ {
		if err := c.Write(ctx, websocket.MessageText, []byte(`{"type":"time","t":1}`)); err != nil {
			t.Fatal(err)
		}
	}
	var limited map[string]any
	for i := 0; i < 400 && limited == nil; i++ {
		m := readMsg(t, c)
		if m["type"] == "error" {
			limited = m
		}
	}
	if limited == nil {
		t.Fatal("200 messages at once got no error")
	}
	if limited["code"] != "rate-limited" {
		t.Errorf("error code %v, want rate-limited", limited["code"])
	}
	if msg, _ := limited["message"].(string); !strings.Contains(msg, "20 messages per second") || !strings.Contains(msg, "100") {
		t.Errorf("message %q does not name the limit", msg)
	}
}

func TestConnectionRateLimited(t *testing.T) {
	_, base := startAppWith(t, "-connections-per-minute", "3")
	id, _, _ := declareIncident(t, base, "Reconnect storm")
	url := base + "/api/incidents/" + id + "/ws"
	for i := 0; i < 3; i++ {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusTooManyRequests {
			t.Fatalf("request %d of 3 was rate limited", i+1)
		}
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("fourth connection answered %d, want 429", resp.StatusCode)
	}
	if resp.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	var out struct {
		Error struct{ Code, Field, Message string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("429 body is not JSON: %v", err)
	}
	if out.Error.Code != "rate-limited" || !strings.Contains(out.Error.Message, "3 websocket connections per minute") {
		t.Errorf("429 error %+v does not name the limit", out.Error)
	}
	// Other routes are not limited.
	if status, _ := getJSON(t, base+"/api/incidents", ""); status != http.StatusOK {
		t.Errorf("incident list answered %d while websockets are limited", status)
	}
}

func TestAddressLimiterRefillsAndPrunes(t *testing.T) {
	l := newAddressLimiter("things", 60, nil)
	now := time.Date(2026, 3, 12, 14, 0, 0, 0, time.UTC)
	for i := 0; i < 60; i++ {
		if !l.allow("192.0.2.1", now) {
			t.Fatalf("call %d of the burst of 60 was refused", i+1)
		}
	}
	if l.allow("192.0.2.1", now) {
		t.Error("call 61 within the same instant was allowed")
	}
	if !l.allow("192.0.2.2", now) {
		t.Error("another address shares the first one's bucket")
	}
	if !l.allow("192.0.2.1", now.Add(time.Second)) {
		t.Error("a second later the bucket has not refilled one token")
	}
	l.allow("192.0.2.3", now.Add(2*time.Minute))
	if n := len(l.buckets); n != 1 {
		t.Errorf("after two quiet minutes %d buckets remain, want only the new address's", n)
	}
}
