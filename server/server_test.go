package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// startApp runs a whole sitrep with its own embedded database on a free
// loopback port.
func startApp(t *testing.T) (*app, string) {
	t.Helper()
	return startAppWith(t)
}

// startAppWith is startApp with extra command-line flags.
func startAppWith(t *testing.T, flags ...string) (*app, string) {
	t.Helper()
	args := append([]string{"-addr", "127.0.0.1:0", "-data", t.TempDir()}, flags...)
	cfg, err := ParseConfig(args, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := start(context.Background(), cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			a.stop(ctx)
		}
	})
	return a, "http://" + a.addr()
}

type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func postJSON(t *testing.T, url, body string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("POST %s answered %d with non-JSON: %v", url, resp.StatusCode, err)
	}
	return resp.StatusCode, out
}

func getJSON(t *testing.T, url, tok string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func TestCreateAndGetIncident(t *testing.T) {
	_, base := startApp(t)
	status, created := postJSON(t, base+"/api/incidents", `{"title":"Checkout returning 503","severity":"P0","by":"sonia"}`)
	if status != http.StatusCreated {
		t.Fatalf("create answered %d: %v", status, created)
	}
	id, _ := created["id"].(string)
	if !strings.HasPrefix(id, "INC-"+time.Now().UTC().Format("2006-0102")+"-") {
		t.Errorf("id %q does not follow INC-YYYY-MMDD-NNN for today", id)
	}
	edit, view := created["editToken"].(string), created["viewToken"].(string)
	if created["editUrl"] != "/incidents/"+id+"#key="+edit {
		t.Errorf("editUrl = %v", created["editUrl"])
	}
	if created["viewUrl"] != "/incidents/"+id+"/view#key="+view {
		t.Errorf("viewUrl = %v", created["viewUrl"])
	}

	status, full := getJSON(t, base+"/api/incidents/"+id, edit)
	if status != http.StatusOK || full["role"] != "edit" {
		t.Fatalf("GET with edit token: %d %v", status, full["role"])
	}
	status, public := getJSON(t, base+"/api/incidents/"+id, view)
	if status != http.StatusOK || public["role"] != "view" {
		t.Fatalf("GET with view token: %d %v", status, public["role"])
	}
	for _, r := range public["records"].([]any) {
		if list := r.(map[string]any)["list"]; list == "roles" || list == "checklist" {
			t.Errorf("view token sees %v records", list)
		}
	}
	body, _ := json.Marshal(public)
	if bytes.Contains(body, []byte(edit)) {
		t.Error("the view answer contains the edit token")
	}
	if status, _ := getJSON(t, base+"/api/incidents/"+id, ""); status != http.StatusUnauthorized {
		t.Errorf("GET without token answered %d, want 401", status)
	}
	if status, _ := getJSON(t, base+"/api/incidents/"+id, "wrong"); status != http.StatusNotFound {
		t.Errorf("GET with a wrong token answered %d, want 404", status)
	}
}

func TestCreateRejectsBadInput(t *testing.T) {
	_, base := startApp(t)
	cases := []struct {
		name, body, field string
	}{
		{"bad severity", `{"title":"x","severity":"P5"}`, "severity"},
		{"missing title", `{"severity":"P1"}`, "title"},
		{"unknown field", `{"title":"x","severity":"P1","colour":"red"}`, "body"},
		{"not JSON", `{"title":`, "body"},
		{"invalid UTF-8", "{\"title\":\"\xff\",\"severity\":\"P1\"}", "body"},
		{"title too long", `{"title":"` + strings.Repeat("x", 201) + `","severity":"P1"}`, "title"},
		{"body too large", `{"title":"` + strings.Repeat("x", 70<<10) + `","severity":"P1"}`, "body"},
	}
	for _, tc := range cases {
		status, out := postJSON(t, base+"/api/incidents", tc.body)
		if status < 400 || status > 499 {
			t.Errorf("%s: status %d, want 4xx", tc.name, status)
			continue
		}
		e, _ := out["error"].(map[string]any)
		if e["field"] != tc.field {
			t.Errorf("%s: field %v, want %s (message %v)", tc.name, e["field"], tc.field, e["message"])
		}
	}
	_, list := getJSON(t, base+"/api/incidents", "")
	if n := len(list["incidents"].([]any)); n != 0 {
		t.Errorf("rejected requests created %d incidents", n)
	}
}

func dialWS(t *testing.T, base, id, origin string) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	h := http.Header{}
	h.Set("Origin", origin)
	return websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/api/incidents/"+id+"/ws", &websocket.DialOptions{HTTPHeader: h})
}

func readMsg(t *testing.T, c *websocket.Conn) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, data, err := c.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func writeMsg(t *testing.T, c *websocket.Conn, v any) {
	t.Helper()
	data, _ := json.Marshal(v)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Write(ctx, websocket.MessageText, data); err != nil {
		t.Fatal(err)
	}
}

func TestWebsocketThroughFiber(t *testing.T) {
	a, base := startApp(t)
	_, created := postJSON(t, base+"/api/incidents", `{"title":"Websocket","severity":"P1"}`)
	id, edit := created["id"].(string), created["editToken"].(string)

	_, resp, err := dialWS(t, base, id, "http://evil.example")
	if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Errorf("foreign Origin: status %d, err %v; want 403", status, err)
	}

	c, _, err := dialWS(t, base, id, base)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	writeMsg(t, c, map[string]any{"type": "hello", "token": edit, "name": "sonia"})
	if m := readMsg(t, c); m["type"] != "welcome" {
		t.Fatalf("first message %v, want welcome", m["type"])
	}
	writeMsg(t, c, map[string]any{"type": "change", "id": "c1", "op": "update", "list": "header", "item": "header",
		"fields": map[string]any{"status": "identified"}})
	for {
		m := readMsg(t, c)
		if m["type"] == "change" {
			if m["seq"] != float64(1) {
				t.Errorf("change seq %v, want 1", m["seq"])
			}
			break
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	go a.stop(ctx)
	for {
		_, _, err := c.Read(ctx)
		if err != nil {
			if code := websocket.CloseStatus(err); code != websocket.StatusServiceRestart {
				t.Errorf("shutdown closed the websocket with %v (%v), want 1012", code, err)
			}
			break
		}
	}
}

func TestPagesCarrySecurityHeaders(t *testing.T) {
	_, base := startApp(t)
	for _, path := range []string{"/", "/incidents/INC-2026-1204-001", "/incidents/INC-2026-1204-001/view", "/incidents/INC-2026-1204-001/countdown"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", path, resp.StatusCode)
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("%s: Content-Security-Policy %q", path, csp)
		}
		if rp := resp.Header.Get("Referrer-Policy"); rp != "no-referrer" {
			t.Errorf("%s: Referrer-Policy %q", path, rp)
		}
		if n := resp.Header.Get("X-Content-Type-Options"); n != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", path, n)
		}
	}
	if status, out := getJSON(t, base+"/healthz", ""); status != http.StatusOK || out["status"] != "ok" {
		t.Errorf("healthz: %d %v", status, out)
	}
}

func TestHelpListsEnvironment(t *testing.T) {
	var out bytes.Buffer
	_, err := ParseConfig([]string{"--help"}, func(string) string { return "" }, &out)
	if err == nil {
		t.Fatal("--help returned no error")
	}
	for _, env := range []string{"SITREP_ADDR", "SITREP_DATA", "SITREP_MONGODB_URI", "SITREP_PUBLIC_URL",
		"SITREP_FRAME_ANCESTORS", "SITREP_ACCESS_KEY", "SITREP_CONNECTIONS_PER_MINUTE"} {
		if !strings.Contains(out.String(), env) {
			t.Errorf("--help does not mention %s", env)
		}
	}
	cfg, err := ParseConfig(nil, func(k string) string {
		return map[string]string{"SITREP_ADDR": "127.0.0.1:9999", "SITREP_PUBLIC_URL": "https://sitrep.example.com/"}[k]
	}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "127.0.0.1:9999" || cfg.PublicURL != "https://sitrep.example.com" {
		t.Errorf("environment not read: addr %q, public URL %q", cfg.Addr, cfg.PublicURL)
	}
}

func TestWebsocketsShareTheirIncidentRoom(t *testing.T) {
	_, base := startApp(t)
	_, created := postJSON(t, base+"/api/incidents", `{"title":"One room","severity":"P1"}`)
	id, edit := created["id"].(string), created["editToken"].(string)

	first, _, err := dialWS(t, base, id, base)
	if err != nil {
		t.Fatal(err)
	}
	defer first.CloseNow()
	writeMsg(t, first, map[string]any{"type": "hello", "token": edit, "name": "sonia"})
	readMsg(t, first)
	// Requests in between reuse the server's request buffers; the first
	// connection's incident id must not change with them.
	for i := 0; i < 50; i++ {
		resp, err := http.Get(base + "/incidents/XXXXXXXXXXXXXXXXXXXXXXXXXX" + strconv.Itoa(i) + "/view")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	second, _, err := dialWS(t, base, id, base)
	if err != nil {
		t.Fatal(err)
	}
	defer second.CloseNow()
	writeMsg(t, second, map[string]any{"type": "hello", "token": edit, "name": "raj"})
	readMsg(t, second)
	writeMsg(t, second, map[string]any{"type": "change", "id": "from-raj", "op": "add", "list": "timeline",
		"item": "e1", "fields": map[string]any{"text": "seen by both"}})
	for {
		m := readMsg(t, first)
		if m["type"] == "change" {
			if m["id"] != "from-raj" {
				t.Errorf("first connection got change %v, want from-raj", m["id"])
			}
			break
		}
	}
}

// TestPagesLinkTheirIcon checks that every page names the icon and that it
// is served, so that browsers stop asking for a missing /favicon.ico.
func TestPagesLinkTheirIcon(t *testing.T) {
	_, base := startApp(t)
	for _, path := range []string{"/", "/signin", "/incidents/INC-2026-1204-001", "/incidents/INC-2026-1204-001/view", "/incidents/INC-2026-1204-001/countdown"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), `<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">`) {
			t.Errorf("%s links no icon", path)
		}
	}
	resp, err := http.Get(base + "/static/img/favicon.svg")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "image/svg+xml") {
		t.Errorf("icon answered %d %q, want 200 image/svg+xml", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}
