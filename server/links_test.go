package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// declareIncident creates an incident and returns its id, edit token and view token.
func declareIncident(t *testing.T, base, title string) (id, edit, view string) {
	t.Helper()
	status, created := postJSON(t, base+"/api/incidents", `{"title":"`+title+`","severity":"P1","by":"sonia"}`)
	if status != http.StatusCreated {
		t.Fatalf("create answered %d: %v", status, created)
	}
	return created["id"].(string), created["editToken"].(string), created["viewToken"].(string)
}

// hello opens a websocket to incident id, sends hello with tok and returns
// the connection and the welcome.
func hello(t *testing.T, base, id, tok string) (*websocket.Conn, map[string]any) {
	t.Helper()
	c, _, err := dialWS(t, base, id, base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.CloseNow() })
	writeMsg(t, c, map[string]any{"type": "hello", "token": tok, "name": "tester"})
	welcome := readUntil(t, c, "welcome")
	return c, welcome
}

// readUntil reads messages until one of type typ arrives, skipping
// presence and time messages, and fails on any other type.
func readUntil(t *testing.T, c *websocket.Conn, typ string) map[string]any {
	t.Helper()
	for i := 0; i < 100; i++ {
		m := readMsg(t, c)
		switch m["type"] {
		case typ:
			return m
		case "presence", "time":
			continue
		}
		t.Fatalf("got a %v message %v, want %s", m["type"], m, typ)
	}
	t.Fatalf("no %s message among 100", typ)
	return nil
}

// closeOf reads until the connection closes and returns the close code and
// reason, failing if that takes longer than within.
func closeOf(t *testing.T, c *websocket.Conn, within time.Duration) (websocket.StatusCode, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	for i := 0; i < 1000; i++ {
		_, _, err := c.Read(ctx)
		if err == nil {
			continue
		}
		var ce websocket.CloseError
		if errors.As(err, &ce) {
			return ce.Code, ce.Reason
		}
		t.Fatalf("connection ended without a close frame within %v: %v", within, err)
	}
	t.Fatal("connection still sending after 1000 messages")
	return 0, ""
}

// incidentJSON returns the incident's seq and records as the edit token
// reads them, leaving out the server's clock, for comparing before and after.
func incidentJSON(t *testing.T, base, id, edit string) (float64, string) {
	t.Helper()
	status, inc := getJSON(t, base+"/api/incidents/"+id, edit)
	if status != http.StatusOK {
		t.Fatalf("GET incident %s answered %d", id, status)
	}
	records, _ := json.Marshal(inc["records"])
	return inc["seq"].(float64), string(records)
}

func TestViewLinkCannotChange(t *testing.T) {
	_, base := startApp(t)
	id, edit, view := declareIncident(t, base, "Read only")
	seqBefore, recordsBefore := incidentJSON(t, base, id, edit)
	c, welcome := hello(t, base, id, view)
	if welcome["role"] != "view" {
		t.Fatalf("welcome role %v, want view", welcome["role"])
	}

	var attempts []map[string]any
	lists := []string{"header", "timeline", "services", "hypotheses", "actions", "roles", "updates", "actionItems", "checklist", "followUp"}
	for _, op := range []string{"add", "update", "delete", "restore", "move"} {
		for _, list := range lists {
			item := "x-" + op
			if list == "header" {
				item = "header"
			}
			attempts = append(attempts, map[string]any{"type": "change", "id": op + "-" + list, "op": op, "list": list,
				"item": item, "fields": map[string]any{"title": "hijacked", "text": "hijacked"}})
		}
	}
	attempts = append(attempts,
		map[string]any{"type": "change", "id": "forged-by", "op": "update", "list": "header", "item": "header",
			"fields": map[string]any{"status": "resolved"}, "by": "sonia"},
		map[string]any{"type": "change", "id": "forged-seq", "op": "update", "list": "header", "item": "header",
			"fields": map[string]any{"status": "resolved"}, "seq": 99, "role": "edit"},
		map[string]any{"type": "hello", "token": edit, "name": "intruder"},
		map[string]any{"type": "name", "name": "intruder"},
		map[string]any{"type": "change", "id": "after-second-hello", "op": "update", "list": "header", "item": "header",
			"fields": map[string]any{"status": "resolved"}},
		map[string]any{"type": "welcome", "role": "edit"},
	)
	for _, msg := range attempts {
		writeMsg(t, c, msg)
		e := readUntil(t, c, "error")
		if e["code"] != "forbidden" && e["code"] != "bad-message" {
			t.Errorf("%v %v: error code %v, want forbidden or bad-message", msg["type"], msg["id"], e["code"])
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, raw := range [][]byte{[]byte("not json"), []byte("{\"type\":\"change\",\"id\":\"\xff\"}")} {
		if err := c.Write(ctx, websocket.MessageText, raw); err != nil {
			t.Fatal(err)
		}
		if e := readUntil(t, c, "error"); e["code"] != "bad-message" {
			t.Errorf("%q: error code %v, want bad-message", raw, e["code"])
		}
	}
	if err := c.Write(ctx, websocket.MessageBinary, []byte(`{"type":"change"}`)); err != nil {
		t.Fatal(err)
	}
	if e := readUntil(t, c, "error"); e["code"] != "bad-message" {
		t.Errorf("binary message: error code %v, want bad-message", e["code"])
	}

	// A frame over 64 KiB ends the connection.
	huge := `{"type":"change","id":"huge","op":"add","list":"timeline","item":"h","fields":{"text":"` + strings.Repeat("x", 70<<10) + `"}}`
	_ = c.Write(ctx, websocket.MessageText, []byte(huge))
	if code, _ := closeOf(t, c, 5*time.Second); code != websocket.StatusMessageTooBig {
		t.Errorf("huge frame closed the connection with %v, want 1009", code)
	}

	seqAfter, recordsAfter := incidentJSON(t, base, id, edit)
	if seqAfter != seqBefore {
		t.Errorf("seq went from %v to %v", seqBefore, seqAfter)
	}
	if recordsAfter != recordsBefore {
		t.Error("the records changed")
	}
}

func TestViewAnswersHoldNoEditToken(t *testing.T) {
	_, base := startApp(t)
	id, edit, view := declareIncident(t, base, "No edit token")
	editor, _ := hello(t, base, id, edit)
	viewer, welcome := hello(t, base, id, view)
	writeMsg(t, editor, map[string]any{"type": "change", "id": "c1", "op": "add", "list": "timeline", "item": "t1",
		"fields": map[string]any{"text": "seen by the stakeholder"}})
	change := readUntil(t, viewer, "change")

	_, api := getJSON(t, base+"/api/incidents/"+id, view)
	for name, v := range map[string]any{"welcome": welcome, "change": change, "GET incident": api} {
		b, _ := json.Marshal(v)
		if strings.Contains(string(b), edit) {
			t.Errorf("the %s a stakeholder receives contains the edit token", name)
		}
	}
	for _, path := range []string{"/incidents/" + id + "/view", "/incidents/" + id + "/countdown", "/static/js/view.js", "/static/js/countdown.js"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(body), edit) {
			t.Errorf("%s contains the edit token", path)
		}
	}
}

// rotate requests a new link of kind with tok and returns the status and the JSON body.
func rotate(t *testing.T, base, id, tok, kind string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/api/incidents/"+id+"/tokens", strings.NewReader(`{"kind":"`+kind+`"}`))
	req.Header.Set("Content-Type", "application/json")
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("rotate answered %d with non-JSON: %v", resp.StatusCode, err)
	}
	return resp.StatusCode, out
}

// closedWithin starts reading c in the background and returns a function
// that waits for its close until deadline and returns code and reason.
func closedWithin(c *websocket.Conn) func(deadline time.Time) (websocket.StatusCode, string, error) {
	type result struct {
		code   websocket.StatusCode
		reason string
		err    error
	}
	done := make(chan result, 1)
	go func() {
		for i := 0; i < 1000; i++ {
			_, _, err := c.Read(context.Background())
			if err == nil {
				continue
			}
			var ce websocket.CloseError
			if errors.As(err, &ce) {
				done <- result{ce.Code, ce.Reason, nil}
			} else {
				done <- result{err: err}
			}
			return
		}
		done <- result{err: errors.New("still open after 1000 messages")}
	}()
	return func(deadline time.Time) (websocket.StatusCode, string, error) {
		select {
		case r := <-done:
			return r.code, r.reason, r.err
		case <-time.After(time.Until(deadline)):
			return 0, "", errors.New("not closed by the deadline")
		}
	}
}

func TestRotateViewLink(t *testing.T) {
	_, base := startApp(t)
	id, edit, view := declareIncident(t, base, "Rotate view")
	viewer, _ := hello(t, base, id, view)
	editor, _ := hello(t, base, id, edit)
	waitClose := closedWithin(viewer)

	started := time.Now()
	status, out := rotate(t, base, id, edit, "view")
	if status != http.StatusOK {
		t.Fatalf("rotate answered %d: %v", status, out)
	}
	code, reason, err := waitClose(started.Add(time.Second))
	if err != nil {
		t.Fatalf("the old view link's websocket: %v", err)
	}
	if code != websocket.StatusPolicyViolation || reason != "link revoked" {
		t.Errorf("old view websocket closed with %v %q, want 1008 \"link revoked\"", code, reason)
	}
	t.Logf("old view websocket closed %v after the request", time.Since(started))

	fresh, _ := out["viewToken"].(string)
	if fresh == "" || fresh == view {
		t.Fatalf("answer holds no new view token: %v", out)
	}
	if out["viewUrl"] != "/incidents/"+id+"/view#key="+fresh || out["countdownUrl"] != "/incidents/"+id+"/countdown#key="+fresh {
		t.Errorf("links %v, %v do not carry the new token", out["viewUrl"], out["countdownUrl"])
	}
	if _, ok := out["editToken"]; ok {
		t.Error("a view rotation returned an edit token")
	}
	if status, _ := getJSON(t, base+"/api/incidents/"+id, view); status != http.StatusNotFound {
		t.Errorf("GET with the old view token answered %d, want 404", status)
	}
	if status, got := getJSON(t, base+"/api/incidents/"+id, fresh); status != http.StatusOK || got["role"] != "view" {
		t.Errorf("GET with the new view token answered %d %v", status, got["role"])
	}
	old, _, err := dialWS(t, base, id, base)
	if err != nil {
		t.Fatal(err)
	}
	writeMsg(t, old, map[string]any{"type": "hello", "token": view})
	if code, _ := closeOf(t, old, 5*time.Second); code != websocket.StatusPolicyViolation {
		t.Errorf("hello with the old view token closed with %v, want 1008", code)
	}
	// The edit connection was not touched.
	writeMsg(t, editor, map[string]any{"type": "time", "t": 1})
	readUntil(t, editor, "time")
}

func TestRotateEditLink(t *testing.T) {
	_, base := startApp(t)
	id, edit, view := declareIncident(t, base, "Rotate edit")
	editor, _ := hello(t, base, id, edit)
	viewer, _ := hello(t, base, id, view)
	waitClose := closedWithin(editor)

	started := time.Now()
	status, out := rotate(t, base, id, edit, "edit")
	if status != http.StatusOK {
		t.Fatalf("rotate answered %d: %v", status, out)
	}
	code, reason, err := waitClose(started.Add(time.Second))
	if err != nil {
		t.Fatalf("the old edit link's websocket: %v", err)
	}
	if code != websocket.StatusPolicyViolation || reason != "link revoked" {
		t.Errorf("old edit websocket closed with %v %q, want 1008 \"link revoked\"", code, reason)
	}
	fresh, _ := out["editToken"].(string)
	if fresh == "" || fresh == edit {
		t.Fatalf("answer holds no new edit token: %v", out)
	}
	if out["editUrl"] != "/incidents/"+id+"#key="+fresh {
		t.Errorf("editUrl %v does not carry the new token", out["editUrl"])
	}
	if status, _ := getJSON(t, base+"/api/incidents/"+id, edit); status != http.StatusNotFound {
		t.Errorf("GET with the old edit token answered %d, want 404", status)
	}
	if status, _ := rotate(t, base, id, edit, "view"); status != http.StatusNotFound {
		t.Errorf("rotating with the old edit token answered %d, want 404", status)
	}
	again, welcome := hello(t, base, id, fresh)
	if welcome["role"] != "edit" {
		t.Fatalf("new edit token opened the incident as %v", welcome["role"])
	}
	writeMsg(t, again, map[string]any{"type": "change", "id": "after-rotation", "op": "add", "list": "timeline",
		"item": "r1", "fields": map[string]any{"text": "still editing"}})
	readUntil(t, again, "change")
	// The stakeholder connection stays open and receives the change.
	if m := readUntil(t, viewer, "change"); m["id"] != "after-rotation" {
		t.Errorf("viewer got change %v, want after-rotation", m["id"])
	}
}

func TestRotateRejectsBadRequests(t *testing.T) {
	_, base := startApp(t)
	id, edit, view := declareIncident(t, base, "Rotate errors")
	cases := []struct {
		name, id, tok, kind string
		status              int
		field               string
	}{
		{"no token", id, "", "view", http.StatusUnauthorized, "Authorization"},
		{"view token", id, view, "view", http.StatusForbidden, "Authorization"},
		{"view token for edit", id, view, "edit", http.StatusForbidden, "Authorization"},
		{"wrong token", id, "wrong", "view", http.StatusNotFound, ""},
		{"unknown incident", "INC-2000-0101-001", edit, "view", http.StatusNotFound, ""},
		{"bad kind", id, edit, "admin", http.StatusBadRequest, "kind"},
	}
	for _, tc := range cases {
		status, out := rotate(t, base, tc.id, tc.tok, tc.kind)
		if status != tc.status {
			t.Errorf("%s: status %d, want %d (%v)", tc.name, status, tc.status, out)
			continue
		}
		e, _ := out["error"].(map[string]any)
		if field, _ := e["field"].(string); field != tc.field {
			t.Errorf("%s: field %q, want %q", tc.name, field, tc.field)
		}
	}
	for _, tok := range []string{edit, view} {
		if status, _ := getJSON(t, base+"/api/incidents/"+id, tok); status != http.StatusOK {
			t.Errorf("a rejected rotation broke a token: GET answered %d", status)
		}
	}
}

func TestDatabaseCopyHoldsNoToken(t *testing.T) {
	a, base := startApp(t)
	id, edit, view := declareIncident(t, base, "Stolen backup")
	if status, out := rotate(t, base, id, edit, "view"); status != http.StatusOK {
		t.Fatalf("rotate answered %d: %v", status, out)
	}
	status, out := rotate(t, base, id, edit, "view")
	if status != http.StatusOK {
		t.Fatalf("rotate answered %d: %v", status, out)
	}
	current := out["viewToken"].(string)

	docs := dumpDatabase(t, a)
	if len(docs) == 0 {
		t.Fatal("the database dump is empty")
	}
	for _, tok := range []string{edit, view, current} {
		raw := decodeToken(t, tok)
		for _, doc := range docs {
			if strings.Contains(doc.text, tok) || strings.Contains(string(doc.raw), string(raw)) {
				t.Errorf("collection %s holds a token: %s", doc.collection, doc.text)
			}
		}
	}
	// Whatever the dump holds, the stored hashes included, cannot be used
	// as a token.
	candidates := tokenLikeValues(docs)
	if len(candidates) == 0 {
		t.Fatal("the dump holds no binary values or long strings to try as tokens")
	}
	for _, candidate := range candidates {
		if status, _ := getJSON(t, base+"/api/incidents/"+id, candidate); status != http.StatusNotFound {
			t.Errorf("a value from the database (%q) opens the incident: %d", candidate, status)
		}
	}
}
