package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// listedIDs returns the ids GET /api/incidents returns for the query.
func listedIDs(t *testing.T, s *sitrep, query url.Values) []string {
	t.Helper()
	resp, err := http.Get(s.url() + "/api/incidents?" + query.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Incidents []struct {
			ID string `json:"id"`
		} `json:"incidents"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	ids := []string{}
	for _, inc := range out.Incidents {
		ids = append(ids, inc.ID)
	}
	slices.Sort(ids)
	return ids
}

// waitListed polls the incident list API until the query returns exactly
// want, for at most 20 seconds. The server writes an incident's summary at
// most once a second, so the list trails the board by up to that long.
func waitListed(t *testing.T, s *sitrep, query url.Values, want ...string) {
	t.Helper()
	slices.Sort(want)
	deadline := time.Now().Add(20 * time.Second)
	for {
		got := listedIDs(t, s, query)
		if slices.Equal(got, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET /api/incidents?%s returned %v after 20s, want %v", query.Encode(), got, want)
		}
		// Each round requests the list again, and the pause only spaces the rounds.
		time.Sleep(100 * time.Millisecond)
	}
}

// typeFilter replaces the text of a filter input as a person does. It
// selects the current text and types over it, or deletes it when text is empty.
func typeFilter(sel, text string) chromedp.Action[chromedp.Void] {
	keys := text
	if keys == "" {
		keys = kb.Delete
	}
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		return chromedp.Do(ctx,
			chromedp.Evaluate[chromedp.Void](`document.querySelector(`+jsString(sel)+`).select()`),
			chromedp.SendKeys(chromedp.CSS(sel), keys),
		)
	})
}

func TestHomePageFilters(t *testing.T) {
	s := startSitrep(t)
	checkout := declare(t, s, "Checkout returning 503", "P0")
	stale := declare(t, s, "Search results are stale", "P2")
	latency := declare(t, s, "Checkout latency above 2s", "P1")
	emails := declare(t, s, "Login emails delayed", "P1")

	// An editor on the websocket moves two incidents on, names an affected
	// service and adds a timeline entry that only the search of timeline
	// text finds.
	edits := []struct {
		inc    created
		change map[string]any
	}{
		{checkout, map[string]any{"id": "identify", "op": "update", "list": "header", "item": "header", "fields": map[string]any{"status": "identified"}}},
		{latency, map[string]any{"id": "resolve", "op": "update", "list": "header", "item": "header", "fields": map[string]any{"status": "resolved"}}},
		{emails, timelineAdd("relay", "SMTP relay queue backed up since 09:10")},
		{stale, map[string]any{"id": "services", "op": "update", "list": "header", "item": "header", "fields": map[string]any{"affectedServices": "search-api, elasticsearch"}}},
	}
	for _, e := range edits {
		c, err := dialClient(t, s, e.inc.ID, e.inc.EditToken, "raj")
		if err != nil {
			t.Fatal(err)
		}
		if err := c.sendAll([]map[string]any{e.change}, 10*time.Second); err != nil {
			t.Fatalf("editing %s: %v", e.inc.ID, err)
		}
	}
	waitListed(t, s, url.Values{"status": {"identified"}}, checkout.ID)
	waitListed(t, s, url.Values{"status": {"resolved"}}, latency.ID)
	waitListed(t, s, url.Values{"q": {"relay"}}, emails.ID)
	waitListed(t, s, url.Values{"service": {"search-api"}}, stale.ID)

	w := newWindow(t, 1280, 1000)
	run(t, w, "open the home page",
		chromedp.Navigate(s.url()+"/"),
		chromedp.WaitVisible(chromedp.CSS(Incident+`[data-id="`+emails.ID+`"]`)))

	// Each step changes the filter and expects a list that differs from the
	// step before, so a match can only come from the new response.
	steps := []struct {
		filter                           string
		status, severity, service, query string
		want                             []string
	}{
		{"status identified", "identified", "", "", "", []string{checkout.ID}},
		{"active incidents", "active", "", "", "", []string{checkout.ID, stale.ID, emails.ID}},
		{"severity P1", "", "P1", "", "", []string{latency.ID, emails.ID}},
		{"affected service", "", "", "Search-API", "", []string{stale.ID}},
		{"search checkout", "", "", "", "checkout", []string{checkout.ID, latency.ID}},
		{"active and search checkout", "active", "", "", "checkout", []string{checkout.ID}},
		{"search timeline text", "", "", "", "smtp relay", []string{emails.ID}},
		{"search two words", "", "", "", "checkout 503", []string{checkout.ID}},
		{"severity P0 and search stale", "", "P0", "", "stale", []string{}},
		{"no filter", "", "", "", "", []string{checkout.ID, stale.ID, latency.ID, emails.ID}},
	}
	for _, step := range steps {
		run(t, w, "filter by "+step.filter,
			setControl(FilterStatus, step.status),
			setControl(FilterSeverity, step.severity),
			typeFilter(FilterService, step.service),
			typeFilter(FilterQuery, step.query),
			chromedp.Click(chromedp.CSS(FilterSubmit)))
		waitShown(t, w, step.filter, step.want)
		status := pageText(t, w, IncidentListStatus)
		if len(step.want) == 0 && status != "No incidents match the filter." {
			t.Errorf("%s: the list status says %q, want that no incidents match", step.filter, status)
		}
		if len(step.want) > 0 && !strings.HasPrefix(status, countText(len(step.want))) {
			t.Errorf("%s: the list status says %q, want it to start %q", step.filter, status, countText(len(step.want)))
		}
	}
}

// countText returns how the list status starts for n incidents.
func countText(n int) string {
	if n == 1 {
		return "1 incident,"
	}
	return fmt.Sprintf("%d incidents,", n)
}

// shownIDsJS returns the ids of the incidents the home page lists, sorted, as JSON.
var shownIDsJS = `JSON.stringify([...document.querySelectorAll(` + jsString(IncidentList+" > "+Incident) + `)].map((e) => e.dataset.id).sort())`

// waitShown waits up to 10 seconds until the home page lists exactly the
// incidents want, and fails naming the ones it lists when it does not.
func waitShown(t *testing.T, w context.Context, filter string, want []string) {
	t.Helper()
	sorted := append([]string{}, want...)
	slices.Sort(sorted)
	wantJSON, _ := json.Marshal(sorted)
	ctx, cancel := context.WithTimeout(w, 10*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](shownIDsJS+` === `+jsString(string(wantJSON)),
		chromedp.WithPollingInterval(50*time.Millisecond)))
	if err != nil {
		listed, _ := chromedp.Run(w, chromedp.Evaluate[string](shownIDsJS))
		t.Fatalf("filter by %s: the list shows %s, want %s: %v", filter, listed, wantJSON, err)
	}
}
