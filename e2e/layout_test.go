package e2e

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// smallTargetsJS lists the visible controls of the page smaller than
// WCAG's target sizes.
var smallTargetsJS = smallTargetsWithin("document")

// smallTargetsWithin returns a script listing the visible controls inside
// scope, a JavaScript expression for an element or the document, that are
// smaller than WCAG's target sizes. These are 44 by 44 CSS pixels for
// buttons, links, fields and summaries (2.5.5), and 24 by 24 for checkboxes
// and radio buttons, whose labels extend the target (2.5.8). Elements hidden for screen readers only
// (1 px) and links inside running text are exempt, as WCAG allows.
func smallTargetsWithin(scope string) string {
	return `(() => {
	const out = [];
	for (const e of (` + scope + `).querySelectorAll('a[href], button, input, select, textarea, summary')) {
		const r = e.getBoundingClientRect();
		if (r.width <= 1 || r.height <= 1 || e.closest('[hidden], .visually-hidden')) continue;
		if (getComputedStyle(e).visibility === 'hidden') continue;
		if (e.tagName === 'A' && getComputedStyle(e).display === 'inline') continue;
		const min = e.type === 'checkbox' || e.type === 'radio' ? 24 : 44;
		if (r.width + 0.5 < min || r.height + 0.5 < min) {
			out.push(e.tagName.toLowerCase() + '[data-test=' + (e.dataset.test || '') + '] "' +
				(e.textContent || e.getAttribute('aria-label') || '').trim().slice(0, 30) + '" ' + Math.round(r.width) + 'x' + Math.round(r.height));
		}
	}
	return JSON.stringify(out.slice(0, 10));
})()`
}

// wideElementsJS names the elements that reach past the right edge of the
// viewport, to explain a sideways scroll.
const wideElementsJS = `(() => {
	const limit = document.scrollingElement.clientWidth;
	const out = [];
	for (const e of document.querySelectorAll('body *')) {
		const r = e.getBoundingClientRect();
		if (r.right > limit + 0.5 && r.width > 0) out.push(e.tagName.toLowerCase() + '.' + [...e.classList].join('.') + ' ' + Math.round(r.right));
	}
	return JSON.stringify(out.slice(0, 8));
})()`

func TestViewsFitPhoneAndWallDisplay(t *testing.T) {
	s := startSitrep(t)
	inc := seedExample(t, s)
	views := []struct {
		name string
		open []chromedp.Action[chromedp.Void]
	}{
		{"home", []chromedp.Action[chromedp.Void]{chromedp.Navigate(s.url() + "/"), chromedp.WaitVisible(chromedp.CSS(Incident))}},
		{"board", []chromedp.Action[chromedp.Void]{chromedp.Navigate(s.url() + inc.EditURL), chromedp.WaitVisible(chromedp.CSS(ConnectionLive)),
			chromedp.WaitVisible(chromedp.CSS(Board + `[data-loaded="true"]`))}},
		{"stakeholder view", []chromedp.Action[chromedp.Void]{chromedp.Navigate(s.url() + inc.ViewURL), chromedp.WaitVisible(chromedp.CSS(View + `[data-loaded="true"]`))}},
		{"countdown", []chromedp.Action[chromedp.Void]{chromedp.Navigate(s.url() + inc.CountdownURL), chromedp.WaitVisible(chromedp.CSS(ConnectionLive))}},
	}
	for _, size := range [][2]int64{{360, 740}, {1920, 1080}, {2560, 1440}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			w := newWindow(t, int(size[0]), int(size[1]))
			run(t, w, "set the viewport", chromedp.EmulateViewport(size[0], size[1]))
			if err := openBoard(w, s.url(), inc.EditURL, "sonia"); err != nil {
				t.Fatal(err)
			}
			for _, v := range views {
				run(t, w, "open the "+v.name, v.open...)
				widths, err := chromedp.Run(w, chromedp.Evaluate[[]int](`[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]`))
				if err != nil {
					t.Fatal(err)
				}
				if widths[0] > widths[1] {
					wide, _ := chromedp.Run(w, chromedp.Evaluate[string](wideElementsJS))
					t.Errorf("%s scrolls sideways: %d px of content in %d px; too wide: %s", v.name, widths[0], widths[1], wide)
				}
				raw, err := chromedp.Run(w, chromedp.Evaluate[string](smallTargetsJS))
				if err != nil {
					t.Fatal(err)
				}
				var small []string
				if err := json.Unmarshal([]byte(raw), &small); err != nil {
					t.Fatal(err)
				}
				for _, s := range small {
					t.Errorf("%s: target too small: %s", v.name, s)
				}
			}
			if size[0] >= 1920 {
				// Across a room the digits need to be large: at least a tenth
				// of the viewport's height.
				height, err := chromedp.Run(w, chromedp.Evaluate[float64](`document.querySelector(`+jsString(CountdownPage+" "+Countdown)+`).getBoundingClientRect().height`))
				if err != nil {
					t.Fatal(err)
				}
				if height < float64(size[1])/10 {
					t.Errorf("countdown digits are %.0f px tall on a %d px high screen", height, size[1])
				}
			}
		})
	}
}
