package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func headersOf(t *testing.T, url string) http.Header {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s answered %d", url, resp.StatusCode)
	}
	return resp.Header
}

func TestFrameAncestorsDefaultNone(t *testing.T) {
	_, base := startApp(t)
	h := headersOf(t, base+"/incidents/INC-2026-1204-001/countdown")
	if csp := h.Get("Content-Security-Policy"); !strings.HasSuffix(csp, "frame-ancestors 'none'") {
		t.Errorf("countdown CSP %q, want frame-ancestors 'none'", csp)
	}
	if xfo := h.Get("X-Frame-Options"); xfo != "DENY" {
		t.Errorf("countdown X-Frame-Options %q, want DENY", xfo)
	}
}

func TestFrameAncestorsOnlyOnCountdown(t *testing.T) {
	_, base := startAppWith(t, "-frame-ancestors", "https://dash.example.com  'self'")
	h := headersOf(t, base+"/incidents/INC-2026-1204-001/countdown")
	if csp := h.Get("Content-Security-Policy"); !strings.HasSuffix(csp, "frame-ancestors https://dash.example.com 'self'") {
		t.Errorf("countdown CSP %q does not allow the dashboard", csp)
	}
	if xfo := h.Get("X-Frame-Options"); xfo != "" {
		t.Errorf("countdown X-Frame-Options %q, want none when frame-ancestors is set", xfo)
	}
	for _, path := range []string{"/", "/signin", "/incidents/INC-2026-1204-001", "/incidents/INC-2026-1204-001/view"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.HasSuffix(csp, "frame-ancestors 'none'") {
			t.Errorf("%s CSP %q, want frame-ancestors 'none'", path, csp)
		}
		if xfo := resp.Header.Get("X-Frame-Options"); xfo != "DENY" {
			t.Errorf("%s X-Frame-Options %q, want DENY", path, xfo)
		}
	}
}

func TestFrameAncestorsRejectsInjection(t *testing.T) {
	for _, bad := range []string{"", "https://a.example.com; script-src *", "'none' https://a.example.com", "https://a.example.com,https://b.example.com", "'unsafe-inline'", "javascript:"} {
		_, err := ParseConfig([]string{"-frame-ancestors", bad}, func(string) string { return "" }, io.Discard)
		if err == nil {
			t.Errorf("frame ancestors %q accepted", bad)
		}
	}
	for _, good := range []string{"'none'", "'self'", "https:", "https://*.example.com:8443", "http://127.0.0.1:3000 https://dash.example.com/boards/"} {
		if _, err := ParseConfig([]string{"-frame-ancestors", good}, func(string) string { return "" }, io.Discard); err != nil {
			t.Errorf("frame ancestors %q rejected: %v", good, err)
		}
	}
}

func TestUpgradeOriginChecked(t *testing.T) {
	_, base := startAppWith(t, "-allowed-origins", "https://dash.example.com")
	id, _, view := declareIncident(t, base, "Origins")
	for _, origin := range []string{"http://evil.example", "https://dash.example.com.evil.example", "null"} {
		c, resp, err := dialWS(t, base, id, origin)
		if err == nil {
			c.CloseNow()
		}
		if resp == nil || resp.StatusCode != http.StatusForbidden {
			status := 0
			if resp != nil {
				status = resp.StatusCode
			}
			t.Errorf("Origin %s: status %d (%v), want 403", origin, status, err)
		}
	}
	for _, origin := range []string{base, "https://dash.example.com"} {
		c, _, err := dialWS(t, base, id, origin)
		if err != nil {
			t.Errorf("Origin %s rejected: %v", origin, err)
			continue
		}
		writeMsg(t, c, map[string]any{"type": "hello", "token": view})
		if m := readUntil(t, c, "welcome"); m["role"] != "view" {
			t.Errorf("Origin %s: welcome role %v", origin, m["role"])
		}
		c.CloseNow()
	}
}
