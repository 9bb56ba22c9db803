package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// connect requests a websocket upgrade with the given X-Forwarded-For
// headers and returns the status and, for 429, the error message.
func connect(t *testing.T, url string, forwardedFor ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range forwardedFor {
		req.Header.Add("X-Forwarded-For", v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Error struct{ Message string }
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatalf("429 body is not JSON: %v", err)
		}
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, out.Error.Message
}

// TestTrustedProxyClientsLimitedApart checks that behind a trusted proxy
// each client address has a budget of its own, and that addresses a client
// writes into X-Forwarded-For itself do not give it a new one.
func TestTrustedProxyClientsLimitedApart(t *testing.T) {
	_, base := startAppWith(t, "-trusted-proxies", "127.0.0.1, 10.0.0.0/8", "-connections-per-minute", "2")
	id, _, _ := declareIncident(t, base, "Behind a proxy")
	url := base + "/api/incidents/" + id + "/ws"

	for i := range 2 {
		if status, _ := connect(t, url, "203.0.113.5"); status == http.StatusTooManyRequests {
			t.Fatalf("request %d of 2 from 203.0.113.5 was rate limited", i+1)
		}
	}
	status, msg := connect(t, url, "203.0.113.5")
	if status != http.StatusTooManyRequests {
		t.Fatalf("third request from 203.0.113.5 answered %d, want 429", status)
	}
	if !strings.Contains(msg, "203.0.113.5") {
		t.Errorf("429 message %q does not name the client address", msg)
	}

	// The entries left of the rightmost untrusted one come from the client.
	if status, _ := connect(t, url, "198.51.100.77, 203.0.113.5"); status != http.StatusTooManyRequests {
		t.Errorf("a client that prepends an address escaped its limit: %d, want 429", status)
	}
	// A second proxy in the trusted range passes the client on.
	if status, _ := connect(t, url, "203.0.113.5", "10.1.2.3"); status != http.StatusTooManyRequests {
		t.Errorf("the client behind two trusted proxies escaped its limit: %d, want 429", status)
	}
	if status, _ := connect(t, url, "203.0.113.6"); status == http.StatusTooManyRequests {
		t.Error("another client behind the proxy shares the first one's budget")
	}
}

// TestUntrustedForwardedForIgnored checks that without trusted proxies the
// peer address counts, whatever X-Forwarded-For contains.
func TestUntrustedForwardedForIgnored(t *testing.T) {
	_, base := startAppWith(t, "-connections-per-minute", "2")
	id, _, _ := declareIncident(t, base, "No proxy")
	url := base + "/api/incidents/" + id + "/ws"

	connect(t, url, "203.0.113.1")
	connect(t, url, "203.0.113.2")
	status, msg := connect(t, url, "203.0.113.3")
	if status != http.StatusTooManyRequests {
		t.Fatalf("third request from one peer answered %d, want 429", status)
	}
	if !strings.Contains(msg, "127.0.0.1") {
		t.Errorf("429 message %q does not name the peer address", msg)
	}
}

func TestTrustedProxiesConfig(t *testing.T) {
	noEnv := func(string) string { return "" }
	cfg, err := ParseConfig([]string{"-trusted-proxies", " 10.0.0.0/8 , 192.0.2.7,,2001:db8::/32"}, noEnv, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range cfg.TrustedProxies {
		got = append(got, n.String())
	}
	if want := "10.0.0.0/8 192.0.2.7/32 2001:db8::/32"; strings.Join(got, " ") != want {
		t.Errorf("trusted proxies %v, want %s", got, want)
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.example.com", "fe80::1%eth0"} {
		_, err := ParseConfig([]string{"-trusted-proxies", "10.0.0.1," + bad}, noEnv, io.Discard)
		if err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("trusted proxies with %q: error %v, want one naming the entry", bad, err)
		}
	}
}
