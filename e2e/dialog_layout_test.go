package e2e

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// boxFit is how an open dialog or panel sits in the viewport.
type boxFit struct {
	PageScrollWidth int      `json:"pageScrollWidth"`
	PageClientWidth int      `json:"pageClientWidth"`
	Left            float64  `json:"left"`
	Right           float64  `json:"right"`
	ScrollWidth     int      `json:"scrollWidth"`
	ClientWidth     int      `json:"clientWidth"`
	Wide            []string `json:"wide"`
	Small           []string `json:"small"`
}

// boxFitJS returns a script measuring the element matched by sel as a
// boxFit: the page's and the element's own scroll widths, the element's
// edges, its descendants reaching past its right edge, and its controls
// smaller than the layout test's target sizes.
func boxFitJS(sel string) string {
	scope := `document.querySelector(` + jsString(sel) + `)`
	return `JSON.stringify((() => {
	const box = ` + scope + `;
	const r = box.getBoundingClientRect();
	const wide = [];
	for (const e of box.querySelectorAll('*')) {
		const er = e.getBoundingClientRect();
		if (er.width > 0 && er.right > r.right + 0.5) wide.push(e.tagName.toLowerCase() + '.' + [...e.classList].join('.') + ' ' + Math.round(er.right));
	}
	return {
		pageScrollWidth: document.scrollingElement.scrollWidth,
		pageClientWidth: document.scrollingElement.clientWidth,
		left: r.left, right: r.right,
		scrollWidth: box.scrollWidth, clientWidth: box.clientWidth,
		wide: wide.slice(0, 8),
		small: JSON.parse(` + smallTargetsWithin(scope) + `),
	};
})())`
}

// checkFit measures the element matched by sel and reports every way it
// does not fit the viewport.
func checkFit(t *testing.T, w context.Context, name, sel string) {
	t.Helper()
	raw, err := chromedp.Run(w, chromedp.Evaluate[string](boxFitJS(sel)))
	if err != nil {
		t.Fatalf("measuring the %s: %v", name, err)
	}
	var fit boxFit
	if err := json.Unmarshal([]byte(raw), &fit); err != nil {
		t.Fatal(err)
	}
	if fit.PageScrollWidth > fit.PageClientWidth {
		t.Errorf("%s: the page scrolls sideways: %d px of content in %d px", name, fit.PageScrollWidth, fit.PageClientWidth)
	}
	if fit.Left < 0 || fit.Right > float64(fit.PageClientWidth)+0.5 {
		t.Errorf("%s: spans %.0f to %.0f px, outside the %d px viewport", name, fit.Left, fit.Right, fit.PageClientWidth)
	}
	if fit.ScrollWidth > fit.ClientWidth {
		t.Errorf("%s: scrolls sideways inside: %d px of content in %d px", name, fit.ScrollWidth, fit.ClientWidth)
	}
	for _, e := range fit.Wide {
		t.Errorf("%s: reaches past its right edge at %.0f px: %s", name, fit.Right, e)
	}
	for _, s := range fit.Small {
		t.Errorf("%s: target too small: %s", name, s)
	}
}

// TestDialogsFitPhone opens each of the board's dialogs and panels in a
// phone-sized window and checks that it fits, that its controls are large
// enough to tap, and that Escape closes each dialog.
func TestDialogsFitPhone(t *testing.T) {
	s := startSitrep(t)
	inc := seedExample(t, s)
	w := newWindow(t, 360, 740)
	run(t, w, "set the viewport", chromedp.EmulateViewport(360, 740))
	if err := openBoard(w, s.url(), inc.EditURL, "sonia"); err != nil {
		t.Fatal(err)
	}

	dialogs := []struct {
		name, open, dialog, ready string
	}{
		{"display name dialog", NameButton, NameDialog, NameDialog},
		{"quick entry dialog", QuickOpen, QuickEntry, QuickEntry},
		{"keyboard help dialog", HelpOpen, HelpDialog, HelpDialog},
		{"handoff brief dialog", HandoffOpen, HandoffDialog, HandoffDialog + `[data-loaded="true"]`},
	}
	for _, d := range dialogs {
		t.Run(d.name, func(t *testing.T) {
			run(t, w, "open the "+d.name,
				chromedp.Click(chromedp.CSS(d.open)),
				chromedp.WaitVisible(chromedp.CSS(d.ready)))
			checkFit(t, w, d.name, d.dialog)

			ctx, cancel := context.WithTimeout(w, 5*time.Second)
			defer cancel()
			err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Escape), chromedp.WaitNotVisible(chromedp.CSS(d.dialog)))
			if err != nil {
				t.Errorf("Escape did not close the %s within 5s: %v", d.name, err)
				// Closed by script, so the next dialog's button is not
				// behind this one's backdrop.
				run(t, w, "close the "+d.name, chromedp.Evaluate[chromedp.Void](`document.querySelector(`+jsString(d.dialog)+`).close()`))
			}
		})
	}

	// The Links and Notifications panels are details elements on the page,
	// which Escape does not close, so only their fit is checked.
	t.Run("links panel", func(t *testing.T) {
		run(t, w, "open the Links panel and its edit link confirmation",
			chromedp.Click(chromedp.CSS(Links+" > summary")),
			chromedp.Click(chromedp.CSS(LinksNewEdit)),
			chromedp.WaitVisible(chromedp.CSS(LinksConfirm)))
		checkFit(t, w, "links panel", Links)
		run(t, w, "cancel the new edit link",
			chromedp.Click(chromedp.CSS(LinksCancelEdit)),
			chromedp.WaitNotVisible(chromedp.CSS(LinksConfirm)))
	})
	t.Run("notifications panel", func(t *testing.T) {
		run(t, w, "open the Notifications panel",
			chromedp.Click(chromedp.CSS(Notify+" > summary")),
			chromedp.WaitVisible(chromedp.CSS(WebhookURL)))
		checkFit(t, w, "notifications panel", Notify)
	})
}
