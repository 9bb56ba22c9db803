package e2e

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestWebhookPanelNotifies sets an incident's webhook through the board's
// Notifications panel to a receiver on loopback, changes the severity and
// expects the receiver to get the server's message. The server accepts any
// absolute http or https URL, loopback included, so no setting is needed.
func TestWebhookPanelNotifies(t *testing.T) {
	received := make(chan string, 16)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Text string `json:"text"`
		}
		if r.Method != http.MethodPost || json.NewDecoder(r.Body).Decode(&body) != nil {
			http.Error(w, "want a POST of {\"text\": ...}", http.StatusBadRequest)
			return
		}
		select {
		case received <- body.Text:
		default:
			t.Errorf("the receiver dropped a notification: %q", body.Text)
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	// Registered before the server starts, so it closes after the server stops.
	t.Cleanup(receiver.Close)
	receiverURL, err := url.Parse(receiver.URL)
	if err != nil {
		t.Fatal(err)
	}
	host := receiverURL.Host

	s := startSitrep(t)
	inc := declare(t, s, "Checkout returning 503", "P2")
	w := newWindow(t, 1280, 1000)
	if err := openBoard(w, s.url(), inc.EditURL, "sonia"); err != nil {
		t.Fatal(err)
	}
	run(t, w, "open the Notifications panel",
		chromedp.Click(chromedp.CSS(Notify+" > summary")),
		chromedp.WaitVisible(chromedp.CSS(WebhookURL)))

	// A URL without a scheme is rejected, and the panel shows why.
	run(t, w, "save a URL without a scheme",
		setControl(WebhookURL, "hooks.example.com/services/T000"),
		chromedp.Click(chromedp.CSS(WebhookSave)))
	pollTrue(t, w, 10*time.Second, "the panel shows why the URL was rejected",
		`document.querySelector(`+jsString(WebhookError)+`).textContent !== ''`)
	rejection := pageText(t, w, WebhookError)
	if !strings.Contains(rejection, "webhook") {
		t.Errorf("the rejection %q does not name the webhook", rejection)
	}
	if !strings.Contains(rejection, "url: ") {
		t.Errorf("the rejection %q does not name the field url", rejection)
	}
	if !strings.Contains(rejection, "http://") || !strings.Contains(rejection, "https://") {
		t.Errorf("the rejection %q does not say which URLs are accepted", rejection)
	}
	if state := pageText(t, w, WebhookState); !strings.HasPrefix(state, "No webhook set") {
		t.Errorf("after the rejection the panel says %q, want no webhook set", state)
	}

	run(t, w, "save the receiver's URL",
		setControl(WebhookURL, receiver.URL+"/services/T000/B000/secret"),
		chromedp.Click(chromedp.CSS(WebhookSave)))
	pollTrue(t, w, 10*time.Second, "the panel shows the receiver's host", `(() => {
		const state = document.querySelector(`+jsString(WebhookState)+`).textContent;
		return state.includes(`+jsString("Notifications go to "+host+".")+`);
	})()`)
	if rejection := pageText(t, w, WebhookError); rejection != "" {
		t.Errorf("after saving, the panel still shows the error %q", rejection)
	}

	// A severity change adds an automatic timeline entry, which the server
	// sends to the webhook.
	if err := editField(w, "header", "", "severity", "P1"); err != nil {
		t.Fatal(err)
	}
	want := "[" + inc.ID + " Checkout returning 503] Severity changed from P2 to P1"
	select {
	case text := <-received:
		// The entry goes on to name the update cadences that followed.
		if !strings.HasPrefix(text, want+"; now ") {
			t.Errorf("the receiver got %q, want %q and the new cadences", text, want)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("the receiver got no notification within 20s of the severity change")
	}
	pollTrue(t, w, 10*time.Second, "the panel shows the delivery", `(() => {
		const state = document.querySelector(`+jsString(WebhookState)+`).textContent;
		return state.includes('Last delivered');
	})()`)

	// The URL is kept in the database: after a restart of the server the
	// reloaded panel still shows the host, and a status change still
	// reaches the receiver.
	s.restart()
	run(t, w, "reload the board",
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(Board+`[data-loaded="true"]`)),
		chromedp.WaitVisible(chromedp.CSS(ConnectionLive)),
		chromedp.Click(chromedp.CSS(Notify+" > summary")),
		chromedp.WaitVisible(chromedp.CSS(WebhookState)))
	pollTrue(t, w, 10*time.Second, "the reloaded panel shows the receiver's host", `(() => {
		const state = document.querySelector(`+jsString(WebhookState)+`).textContent;
		return state.includes(`+jsString("Notifications go to "+host+".")+`);
	})()`)
	panel := pageText(t, w, Notify)
	if strings.Contains(panel, "secret") {
		t.Errorf("the panel shows the webhook's secret path: %q", panel)
	}
	value, err := chromedp.Run(w, chromedp.Evaluate[string](`document.querySelector(`+jsString(WebhookURL)+`).value`))
	if err != nil {
		t.Fatal(err)
	}
	if value != "" {
		t.Errorf("the reloaded URL input holds %q, want it empty", value)
	}

	if err := editField(w, "header", "", "status", "identified"); err != nil {
		t.Fatal(err)
	}
	want = "[" + inc.ID + " Checkout returning 503] Status changed from investigating to identified"
	select {
	case text := <-received:
		if text != want {
			t.Errorf("after the restart the receiver got %q, want %q", text, want)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("after the restart the receiver got no notification within 20s of the status change")
	}
}
