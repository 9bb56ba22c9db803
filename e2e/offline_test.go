package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestOfflineEditsSurviveReloadAndArriveOnce has one editor lose the network,
// edit, reload the page while the websocket still cannot connect, and come
// back; the other editor keeps working. Every edit ends up stored once.
func TestOfflineEditsSurviveReloadAndArriveOnce(t *testing.T) {
	s := startSitrep(t)
	inc := declare(t, s, "Offline editor", "P1")
	sonia := newWindow(t, 1280, 1400)
	// Raj's window reaches the server through a proxy the test controls.
	rajNet := startBrowserProxy(t)
	raj := newWindow(t, 1280, 1400,
		chromedp.ProxyServer("http://"+rajNet.addr),
		chromedp.Flag("proxy-bypass-list", "<-loopback>"))
	for name, ctx := range map[string]context.Context{"sonia": sonia, "raj": raj} {
		if err := openBoard(ctx, s.url(), inc.EditURL, name); err != nil {
			t.Fatal(err)
		}
	}

	rajNet.set(netOffline)
	waitCtx, cancel := context.WithTimeout(raj, 30*time.Second)
	err := chromedp.Do(waitCtx, chromedp.WaitNotPresent(chromedp.CSS(ConnectionLive)))
	cancel()
	if err != nil {
		t.Fatalf("raj's board still claims to be live 30s after going offline: %v", err)
	}

	together(t, map[context.Context][]step{
		raj: {
			add("actionItems", field{"owner", "@raj"}, field{"action", "Validate the index in staging"}),
			add("actionItems", field{"owner", "@kim"}, field{"action", "Check the Stripe dashboard for rate limits"}),
			edit("roles", "role-2", "person", "@raj"),
		},
		sonia: {
			add("timeline", field{"text", "Sonia keeps the timeline while raj is offline"}),
		},
	})
	run(t, raj, "raj's edits wait as pending",
		chromedp.WaitVisible(chromedp.CSS(Connection+`[data-pending-count="3"]`)),
		chromedp.WaitVisible(chromedp.CSS(Section("actionItems")+" "+PendingRow)))

	// The page comes back, but the websocket still cannot connect: the
	// edits are read back from the browser's storage, still pending.
	rajNet.set(netSocketsDown)
	run(t, raj, "reload while the websocket is cut",
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(Connection+`[data-pending-count="3"]`)),
		chromedp.WaitVisible(chromedp.CSS(Section("actionItems")+" "+PendingRow)))

	rajNet.set(netOnline)
	converge(t, s, inc, map[string]window{"sonia": {sonia, Board}, "raj": {raj, Board}})

	_, records := apiIncident(t, s, inc.ID, inc.EditToken)
	texts := map[string]int{}
	var person string
	for _, r := range records {
		f, _ := r["fields"].(map[string]any)
		switch r["list"] {
		case "actionItems":
			texts[f["action"].(string)]++
		case "timeline":
			texts[f["text"].(string)]++
		case "roles":
			if r["id"] == "role-2" {
				person, _ = f["person"].(string)
			}
		}
	}
	for _, want := range []string{"Validate the index in staging", "Check the Stripe dashboard for rate limits",
		"Sonia keeps the timeline while raj is offline"} {
		if texts[want] != 1 {
			t.Errorf("%q is stored %d times, want once", want, texts[want])
		}
	}
	if person != "@raj" {
		t.Errorf("technical lead is %q, want @raj", person)
	}
	if a, b := boardContents(t, sonia), boardContents(t, raj); !equalJSON(a, b) {
		t.Errorf("the boards differ after reconnecting:\nsonia: %v\nraj:   %v", a, b)
	}
}
