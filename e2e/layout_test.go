package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
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

// exampleBoard opens the example incident's board in a window of the given
// size, signed in as sonia, for the layout checks.
func exampleBoard(t *testing.T, s *sitrep, inc created, width, height int64) context.Context {
	t.Helper()
	w := newWindow(t, int(width), int(height))
	run(t, w, "set the viewport", chromedp.EmulateViewport(width, height))
	if err := openBoard(w, s.url(), inc.EditURL, "sonia"); err != nil {
		t.Fatal(err)
	}
	return w
}

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

// countdownFitJS reports, for each timer of the countdown page, whether its
// digits sit inside the viewport and are not cut, and their font size.
const countdownFitJS = `(() => {
	const out = [];
	for (const d of document.querySelectorAll('.cd-digits')) {
		const r = d.getBoundingClientRect();
		out.push({text: d.textContent, bottom: Math.round(r.bottom), right: Math.round(r.right),
			cut: d.scrollWidth > d.clientWidth + 1, px: parseFloat(getComputedStyle(d).fontSize)});
	}
	return JSON.stringify({height: innerHeight, width: innerWidth, timers: out});
})()`

// TestCountdownFitsScreenShare opens the countdown of an incident with three
// next updates at the sizes a shared screen or a phone has, and checks that
// every timer's digits are on screen, whole, and large.
func TestCountdownFitsScreenShare(t *testing.T) {
	s := startSitrep(t)
	inc := seedExample(t, s)
	for _, size := range [][2]int64{{1280, 720}, {1280, 900}, {1920, 1080}, {360, 740}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			w := newWindow(t, int(size[0]), int(size[1]))
			run(t, w, "open the countdown", chromedp.EmulateViewport(size[0], size[1]),
				chromedp.Navigate(s.url()+inc.CountdownURL), chromedp.WaitVisible(chromedp.CSS(ConnectionLive)))
			screenshot(t, w, fmt.Sprintf("countdown-%dx%d", size[0], size[1]))
			raw, err := chromedp.Run(w, chromedp.Evaluate[string](countdownFitJS))
			if err != nil {
				t.Fatal(err)
			}
			var fit struct {
				Height, Width int
				Timers        []struct {
					Text          string
					Bottom, Right int
					Cut           bool
					Px            float64
				}
			}
			if err := json.Unmarshal([]byte(raw), &fit); err != nil {
				t.Fatal(err)
			}
			if len(fit.Timers) != 3 {
				t.Fatalf("countdown shows %d timers, want the example's 3", len(fit.Timers))
			}
			for _, d := range fit.Timers {
				if d.Bottom > fit.Height || d.Right > fit.Width {
					t.Errorf("digits %q end at %d,%d, outside the %dx%d screen", d.Text, d.Right, d.Bottom, fit.Width, fit.Height)
				}
				if d.Cut {
					t.Errorf("digits %q are cut off", d.Text)
				}
				if d.Px < 40 {
					t.Errorf("digits %q are %.0f px high, want at least 40 to read across a room", d.Text, d.Px)
				}
			}
		})
	}
}

// columnHeadsJS lists, for every visible column head of the board, the
// heads that do not sit above their cells in the section's first row.
const columnHeadsJS = `(() => {
	const out = [];
	for (const head of document.querySelectorAll('.row-head')) {
		if (head.getBoundingClientRect().height === 0) continue;
		const section = head.closest('[data-test="section"]');
		const row = section.querySelector('[data-test="row"] .row-fields');
		if (!row) continue;
		const heads = [...head.querySelectorAll('.row-head-fields > span')];
		const cells = [...row.children];
		if (heads.length !== cells.length) {
			out.push(section.dataset.list + ': ' + heads.length + ' heads for ' + cells.length + ' cells (' + heads.map((h) => h.textContent).join(', ') + ')');
			continue;
		}
		heads.forEach((h, i) => {
			const a = h.getBoundingClientRect(), b = cells[i].getBoundingClientRect();
			if (Math.abs(a.left - b.left) > 2 || Math.abs(a.width - b.width) > 2) {
				out.push(section.dataset.list + ': head "' + h.textContent + '" at ' + Math.round(a.left) + '+' + Math.round(a.width) +
					', its cell at ' + Math.round(b.left) + '+' + Math.round(b.width));
			}
		});
	}
	return JSON.stringify(out);
})()`

// TestColumnHeadsSitAboveTheirCells opens the example board wide enough for
// one-line rows and checks that every column head has a cell below it.
func TestColumnHeadsSitAboveTheirCells(t *testing.T) {
	s := startSitrep(t)
	inc := seedExample(t, s)
	for _, width := range []int64{1280, 1920} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			w := exampleBoard(t, s, inc, width, 900)
			screenshot(t, w, fmt.Sprintf("board-%d", width))
			var bad []string
			raw, err := chromedp.Run(w, chromedp.Evaluate[string](columnHeadsJS))
			if err == nil {
				err = json.Unmarshal([]byte(raw), &bad)
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range bad {
				t.Error(b)
			}
		})
	}
}

// TestHiddenElementsStayHidden checks that an element with the hidden
// attribute is not drawn even where a class sets its display, as the kind
// badge of a plain note did, showing an empty pill.
func TestHiddenElementsStayHidden(t *testing.T) {
	s := startSitrep(t)
	inc := seedExample(t, s)
	w := exampleBoard(t, s, inc, 1280, 900)
	drawn, err := chromedp.Run(w, chromedp.Evaluate[[]string](`[...document.querySelectorAll('[hidden]')]
		.filter((e) => getComputedStyle(e).display !== 'none')
		.map((e) => e.tagName.toLowerCase() + '.' + [...e.classList].join('.') + '[data-test=' + (e.dataset.test || '') + ']')`))
	if err != nil {
		t.Fatal(err)
	}
	notes, err := chromedp.Run(w, chromedp.Evaluate[int](`document.querySelectorAll('[data-test="entry-kind"][hidden]').length`))
	if err != nil {
		t.Fatal(err)
	}
	if notes == 0 {
		t.Fatal("the example board has no plain note entry to check")
	}
	if len(drawn) > 0 {
		t.Errorf("%d hidden elements are drawn, such as %v", len(drawn), drawn[:min(len(drawn), 5)])
	}
}

// TestPictureTextKeepsItsSize checks that the incident picture is drawn at
// the width it is shown at, so its labels keep their font size, and that
// no label runs past the drawing's edges or over another.
func TestPictureTextKeepsItsSize(t *testing.T) {
	s := startSitrep(t)
	inc := seedExample(t, s)
	w := exampleBoard(t, s, inc, 1280, 900)
	var got struct {
		Scale    float64
		Cut      []string
		Overlap  []string
		Scrolled bool
	}
	raw, err := chromedp.Run(w, chromedp.Evaluate[string](`(() => {
		const svg = document.querySelector('[data-test="picture"]');
		const box = svg.getBoundingClientRect();
		const cut = [...svg.querySelectorAll('text')].filter((t) => {
			const r = t.getBoundingClientRect();
			return r.left < box.left - 0.5 || r.right > box.right + 0.5;
		}).map((t) => t.textContent);
		const boxes = [...svg.querySelectorAll('text')].map((t) => [t.textContent, t.getBoundingClientRect()]);
		const overlap = [];
		boxes.forEach(([a, ra], i) => boxes.slice(i + 1).forEach(([b, rb]) => {
			if (ra.left < rb.right && rb.left < ra.right && ra.top < rb.bottom && rb.top < ra.bottom) overlap.push(a + ' / ' + b);
		}));
		const frame = svg.parentElement;
		return JSON.stringify({scale: box.width / svg.viewBox.baseVal.width, cut, overlap,
			scrolled: frame.scrollWidth > frame.clientWidth + 1});
	})()`))
	if err == nil {
		err = json.Unmarshal([]byte(raw), &got)
	}
	if err != nil {
		t.Fatal(err)
	}
	if got.Scale < 0.95 || got.Scale > 1.05 {
		t.Errorf("picture drawn at %.2f times its size, so its 10 px labels show at %.1f px", got.Scale, 10*got.Scale)
	}
	if len(got.Cut) > 0 {
		t.Errorf("labels run past the picture's edge: %v", got.Cut)
	}
	if len(got.Overlap) > 0 {
		t.Errorf("labels overlap: %v", got.Overlap)
	}
	if got.Scrolled {
		t.Error("the picture is wider than its frame at 1280 px, so its right end is out of sight")
	}
}

// TestSectionMenuJumpsOnAPhone opens the board at phone size and jumps to
// Next updates through the section menu: the section must come into view
// with focus, and the address must keep the edit key.
func TestSectionMenuJumpsOnAPhone(t *testing.T) {
	s := startSitrep(t)
	inc := seedExample(t, s)
	w := exampleBoard(t, s, inc, 360, 740)

	run(t, w, "jump to Next updates",
		chromedp.Click(chromedp.CSS(`[data-test="section-nav"] > summary`)),
		chromedp.Click(chromedp.CSS(`[data-test="section-jump"][data-target="h-updates"]`)))
	var got struct {
		Top     float64
		Focused string
		Hash    string
		Open    bool
	}
	raw, err := chromedp.Run(w, chromedp.Evaluate[string](`JSON.stringify({
		top: document.querySelector('[data-test="section"][data-list="updates"]').getBoundingClientRect().top,
		focused: document.activeElement.dataset.list || document.activeElement.tagName,
		hash: location.hash, open: document.querySelector('[data-test="section-nav"]').open})`))
	if err == nil {
		err = json.Unmarshal([]byte(raw), &got)
	}
	if err != nil {
		t.Fatal(err)
	}

	if got.Top < -1 || got.Top > 100 {
		t.Errorf("Next updates starts %.0f px from the top of the screen, want it at the top", got.Top)
	}
	if got.Focused != "updates" {
		t.Errorf("focus is on %q, want the Next updates section", got.Focused)
	}
	if !strings.Contains(got.Hash, "key=") {
		t.Errorf("the address lost its edit key: hash %q", got.Hash)
	}
	if got.Open {
		t.Error("the section menu stayed open after the jump")
	}
}

// TestViewBadgesMatchTheBoard checks that the stakeholder view draws entry
// kinds as the board does: pills one line high, not blocks stretched to
// the height of their row.
func TestViewBadgesMatchTheBoard(t *testing.T) {
	s := startSitrep(t)
	inc := seedExample(t, s)
	w := newWindow(t, 1280, 900)
	run(t, w, "open the view", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(s.url()+inc.ViewURL),
		chromedp.WaitVisible(chromedp.CSS(View+`[data-loaded="true"]`)))
	bad, err := chromedp.Run(w, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.view .badge')]
		.filter((b) => b.getBoundingClientRect().height > 32 || parseFloat(getComputedStyle(b).borderTopLeftRadius) < 4)
		.map((b) => b.textContent + ' ' + Math.round(b.getBoundingClientRect().height) + ' px high')`))
	if err != nil {
		t.Fatal(err)
	}
	n, err := chromedp.Run(w, chromedp.Evaluate[int](`document.querySelectorAll('.view .badge').length`))
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("the example's view shows no badge to check")
	}
	for _, b := range bad {
		t.Errorf("badge %s, or square, want a pill one line high", b)
	}
}
