package e2e

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestLongOutboxArrivesInOrder opens a board whose browser holds 150
// unsent edits of one field, more than the server accepts in one burst.
// They must all be stored, in the order they were made, so the last value
// wins and the field's history lists the others in order.
func TestLongOutboxArrivesInOrder(t *testing.T) {
	s := startSitrep(t)
	inc := declare(t, s, "Long outbox", "P1")
	const edits = 150
	var entries []map[string]any
	for i := 1; i <= edits; i++ {
		entries = append(entries, map[string]any{"retryAt": 0, "change": map[string]any{
			"type": "change", "id": fmt.Sprintf("queued-%03d", i), "op": "update", "list": "header", "item": "header",
			"fields": map[string]any{"customerImpact": fmt.Sprintf("v%03d", i)}, "base": 0}})
	}
	outbox, _ := json.Marshal(entries)

	w := newWindow(t, 1280, 1000)
	// Load the home page first, so localStorage of the board's origin can
	// be filled before the board opens.
	run(t, w, "fill the outbox",
		chromedp.Navigate(s.url()+"/"),
		void(chromedp.Evaluate[bool](`localStorage.setItem(`+jsString("sitrep.outbox."+inc.ID)+`, `+jsString(string(outbox))+`) || true`)))
	if err := openBoard(w, s.url(), inc.EditURL, "raj"); err != nil {
		t.Fatal(err)
	}
	converge(t, s, inc, map[string]window{"raj": {w, Board}})

	seq, records := apiIncident(t, s, inc.ID, inc.EditToken)
	if seq != edits {
		t.Errorf("the incident is at seq %d, want %d", seq, edits)
	}
	for _, r := range records {
		if r["list"] != "header" {
			continue
		}
		if got := r["fields"].(map[string]any)["customerImpact"]; got != fmt.Sprintf("v%03d", edits) {
			t.Errorf("customer impact is %v, want the last edit v%03d", got, edits)
		}
		history, _ := r["history"].(map[string]any)["customerImpact"].([]any)
		prev := ""
		for _, h := range history {
			v, _ := h.(map[string]any)["value"].(string)
			if v != "" && v <= prev {
				t.Errorf("history holds %q after %q: the edits arrived out of order", v, prev)
			}
			prev = v
		}
	}
}
