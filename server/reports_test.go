package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// getWith sends GET url with the bearer token tok ("" for none) and returns
// the status, the content type and the body.
func getWith(t *testing.T, url, tok string) (int, string, string) {
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
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(body)
}

func TestReportRoutesNeedEditToken(t *testing.T) {
	_, base := startApp(t)
	id, edit, view := declareIncident(t, base, "Checkout returning 503")
	routes := map[string]string{
		"handoff.txt": "text/plain", "export.md": "text/markdown", "export.json": "application/json",
	}
	for route, contentType := range routes {
		url := base + "/api/incidents/" + id + "/" + route
		if status, _, _ := getWith(t, url, ""); status != http.StatusUnauthorized {
			t.Errorf("%s without a token: %d, want 401", route, status)
		}
		if status, _, _ := getWith(t, url, view); status != http.StatusForbidden {
			t.Errorf("%s with the view token: %d, want 403", route, status)
		}
		status, got, body := getWith(t, url, edit)
		if status != http.StatusOK || !strings.HasPrefix(got, contentType) {
			t.Errorf("%s with the edit token: %d %q, want 200 %s", route, status, got, contentType)
		}
		if !strings.Contains(body, id) {
			t.Errorf("%s does not name %s", route, id)
		}
	}
	status, _, body := getWith(t, base+"/api/incidents/"+id+"/postmortem.ics", edit)
	if status != http.StatusConflict || !strings.Contains(body, "postmortemAt") {
		t.Errorf("calendar before resolving: %d %s, want 409 naming postmortemAt", status, body)
	}
}

func TestListFiltersIncidents(t *testing.T) {
	_, base := startApp(t)
	checkout, edit, _ := declareIncident(t, base, "Checkout returning 503")
	search, _, _ := declareIncident(t, base, "Search is slow")
	c, _ := hello(t, base, checkout, edit)
	writeMsg(t, c, map[string]any{"type": "change", "id": "svc", "op": "update", "list": "header", "item": "header",
		"fields": map[string]any{"affectedServices": "payments-api, order-service"}})
	writeMsg(t, c, map[string]any{"type": "change", "id": "entry", "op": "add", "list": "timeline", "item": "e1",
		"fields": map[string]any{"text": "DB connection pool exhausted"}})
	readUntil(t, c, "change")
	readUntil(t, c, "change")

	ids := func(query string) string {
		t.Helper()
		status, out := getJSON(t, base+"/api/incidents?"+query, "")
		if status != http.StatusOK {
			t.Fatalf("list with %s answered %d: %v", query, status, out)
		}
		var got []string
		for _, inc := range out["incidents"].([]any) {
			got = append(got, inc.(map[string]any)["id"].(string))
		}
		return strings.Join(got, ",")
	}
	// Each change saves the summary after its broadcast, so these two
	// filters are polled until the saves of both changes have landed.
	for query, want := range map[string]string{"service=Payments-API": checkout, "q=pool+exhausted": checkout} {
		deadline := time.Now().Add(10 * time.Second)
		for ids(query) != want {
			if time.Now().After(deadline) {
				t.Fatalf("list with %s = %q, want %s", query, ids(query), want)
			}
			// Spaces the polls of a condition; it is not a wait standing in for one.
			time.Sleep(50 * time.Millisecond)
		}
	}
	if got := ids("q=slow"); got != search {
		t.Errorf("search for a title = %q, want %s", got, search)
	}
	if got := ids("status=active&severity=P1"); got != search+","+checkout && got != checkout+","+search {
		t.Errorf("active P1 = %q, want both", got)
	}
	if got := ids("status=resolved"); got != "" {
		t.Errorf("resolved = %q, want none", got)
	}
	if status, out := getJSON(t, base+"/api/incidents?severity=P7", ""); status != http.StatusBadRequest || !strings.Contains(toJSON(out), `"field":"severity"`) {
		t.Errorf("severity P7 answered %d %v", status, out)
	}
}
