package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// putWebhook sets the incident's webhook with tok and returns the status and answer.
func putWebhook(t *testing.T, base, id, tok, webhook string) (int, map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"url": webhook})
	req, _ := http.NewRequest(http.MethodPut, base+"/api/incidents/"+id+"/webhook", strings.NewReader(string(body)))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// webhookRecord returns the fields of the incident's webhook record, or nil.
func webhookRecord(t *testing.T, base, id, edit string) map[string]any {
	t.Helper()
	status, out := getJSON(t, base+"/api/incidents/"+id, edit)
	if status != http.StatusOK {
		t.Fatalf("GET incident answered %d", status)
	}
	records, _ := out["records"].([]any)
	for _, r := range records {
		rec := r.(map[string]any)
		if rec["list"] == "webhook" {
			return rec["fields"].(map[string]any)
		}
	}
	return nil
}

// waitWebhook polls the webhook record until cond holds, for up to 20 seconds.
func waitWebhook(t *testing.T, base, id, edit, what string, cond func(map[string]any) bool) map[string]any {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		fields := webhookRecord(t, base, id, edit)
		if fields != nil && cond(fields) {
			return fields
		}
		if time.Now().After(deadline) {
			t.Fatalf("webhook record never showed %s: %v", what, fields)
		}
		// Spaces the polls of a condition; it is not a wait standing in for one.
		time.Sleep(50 * time.Millisecond)
	}
}

func TestWebhookRetriesUntilDelivered(t *testing.T) {
	_, base := startApp(t)
	id, edit, view := declareIncident(t, base, "Checkout returning 503")
	var calls atomic.Int32
	bodies := make(chan string, 8)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The first two deliveries fail, as a receiver that is restarting would.
		if calls.Add(1) <= 2 {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		body, _ := io.ReadAll(r.Body)
		bodies <- r.Header.Get("Content-Type") + " " + string(body)
	}))
	defer receiver.Close()
	webhook := receiver.URL + "/services/T000/B000/secret-path"

	if status, out := putWebhook(t, base, id, view, webhook); status != http.StatusForbidden {
		t.Errorf("setting the webhook with the view token: %d %v, want 403", status, out)
	}
	if status, out := putWebhook(t, base, id, edit, "ftp://example.com/x"); status != http.StatusBadRequest {
		t.Errorf("an ftp webhook: %d %v, want 400", status, out)
	}
	status, out := putWebhook(t, base, id, edit, webhook)
	host := strings.TrimPrefix(receiver.URL, "http://")
	if status != http.StatusOK || out["host"] != host {
		t.Fatalf("setting the webhook: %d %v, want 200 with host %s", status, out, host)
	}
	if fields := webhookRecord(t, base, id, edit); fields == nil || fields["host"] != host {
		t.Errorf("webhook record = %v, want host %s", fields, host)
	}
	if _, all := getJSON(t, base+"/api/incidents/"+id, edit); strings.Contains(toJSON(all), "secret-path") {
		t.Error("the incident's records hold the webhook URL")
	}

	c, _ := hello(t, base, id, edit)
	writeMsg(t, c, map[string]any{"type": "change", "id": "post-1", "op": "post", "list": "updates", "item": "update-1",
		"fields": map[string]any{"text": "Still investigating checkout errors"}})
	select {
	case got := <-bodies:
		want := `application/json {"text":"[` + id + ` Checkout returning 503] Update to Internal sync: Still investigating checkout errors"}`
		if got != want {
			t.Errorf("receiver got %s, want %s", got, want)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("no delivery within 20s after %d calls", calls.Load())
	}
	if n := calls.Load(); n != 3 {
		t.Errorf("receiver was called %d times, want 3", n)
	}
	waitWebhook(t, base, id, edit, "a delivery", func(f map[string]any) bool { return f["lastDeliveredAt"] != "" && f["lastError"] == "" })
}

func TestWebhookFailureShownOnBoard(t *testing.T) {
	_, base := startApp(t)
	id, edit, _ := declareIncident(t, base, "Checkout returning 503")
	var calls atomic.Int32
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer receiver.Close()
	if status, out := putWebhook(t, base, id, edit, receiver.URL+"/hooks/secret-path"); status != http.StatusOK {
		t.Fatalf("setting the webhook: %d %v", status, out)
	}
	c, _ := hello(t, base, id, edit)
	writeMsg(t, c, map[string]any{"type": "change", "id": "status-1", "op": "update", "list": "header", "item": "header",
		"fields": map[string]any{"status": "identified"}})
	fields := waitWebhook(t, base, id, edit, "an error", func(f map[string]any) bool { return f["lastError"] != "" && f["lastError"] != nil })
	if msg := fields["lastError"].(string); msg != "the receiver answered HTTP 503" {
		t.Errorf("lastError = %q", msg)
	}
	if n := calls.Load(); n != 4 {
		t.Errorf("receiver was called %d times, want 4 attempts", n)
	}
	u, _ := url.Parse(receiver.URL)
	if fields["host"] != u.Host {
		t.Errorf("host = %v, want %s", fields["host"], u.Host)
	}
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
