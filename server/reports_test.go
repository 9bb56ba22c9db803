package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
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
