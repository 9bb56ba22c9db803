package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// keys types keys as key events, on whatever element has focus.
func keys(text string, opts ...chromedp.KeyOption) chromedp.Action[chromedp.Void] {
	return chromedp.KeyEvent(text, opts...)
}

var alt = chromedp.KeyModifiers(chromedp.ModifierAlt)

// press presses one key the way a keyboard does: a keyDown that carries the
// character, so a page that prevents the keydown also stops the character,
// then a keyUp. KeyEvent sends the character as a separate event, which
// would type a shortcut's letter into the field the shortcut focuses.
func press(r rune) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		events := kb.Encode(r)
		down, up := *events[0], *events[len(events)-1]
		if len(events) == 3 {
			down.Text, down.UnmodifiedText = events[1].Text, events[1].UnmodifiedText
		}
		for _, e := range []input.DispatchKeyEventParams{down, up} {
			if _, err := cdpCall(ctx, tg, input.DispatchKeyEvent, e); err != nil {
				return err
			}
		}
		return nil
	})
}

// focusedTest returns the data-test of the focused element and of the
// dialog, row and section around it.
func focusedTest(t *testing.T, ctx context.Context) string {
	t.Helper()
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const a = document.activeElement;
		if (!a || a === document.body) return 'body';
		const up = (sel) => (a.closest(sel) || {dataset: {}}).dataset;
		return [up('dialog').test, up('[data-test="section"]').list, up('[data-test="row"]').id, a.dataset.test, a.dataset.field].join(' ');
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// nearestUTC returns the UTC time at clock hh:mm nearest to now, the way
// the board reads "14:42".
func nearestUTC(hh, mm int) time.Time {
	now := time.Now().UTC()
	best := time.Date(now.Year(), now.Month(), now.Day(), hh, mm, 0, 0, time.UTC)
	for _, d := range []int{-1, 1} {
		c := best.AddDate(0, 0, d)
		if c.Sub(now).Abs() < best.Sub(now).Abs() {
			best = c
		}
	}
	return best
}

// storedTexts returns the records of list by their text field.
func storedTexts(t *testing.T, s *sitrep, inc created, list, field string) map[string]map[string]any {
	t.Helper()
	_, records := apiIncident(t, s, inc.ID, inc.EditToken)
	out := map[string]map[string]any{}
	for _, r := range records {
		if r["list"] != list {
			continue
		}
		f, _ := r["fields"].(map[string]any)
		text, _ := f[field].(string)
		r["fields"] = f
		out[text] = r
	}
	return out
}

func TestQuickEntryByKeyboardAlone(t *testing.T) {
	s := startSitrep(t)
	inc := declare(t, s, "Quick entry from the keyboard", "P1")
	w := newWindow(t, 1280, 1000)
	if err := openBoard(w, s.url(), inc.EditURL, "sonia"); err != nil {
		t.Fatal(err)
	}
	run(t, w, "leave every field", chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`))

	entries := []struct {
		key, line, list, field, text string
		at                           time.Time
	}{
		{"n", "14:42 Rolled back payments-api to v2.14.0", "timeline", "text", "Rolled back payments-api to v2.14.0", nearestUTC(14, 42)},
		{"h", "Retries leak connections from the pool", "hypotheses", "text", "Retries leak connections from the pool", time.Time{}},
		{"n", "h Stripe answers slowly", "hypotheses", "text", "Stripe answers slowly", time.Time{}},
		{"a", "Restarted the payments-api pods", "actions", "action", "Restarted the payments-api pods", time.Time{}},
		{"t", "a 09:05 Paged the database team", "actions", "action", "Paged the database team", nearestUTC(9, 5)},
		{"i", "Write the runbook for pool exhaustion", "actionItems", "action", "Write the runbook for pool exhaustion", time.Time{}},
		{"n", "! 14:50 payments-api 5xx above 5%", "timeline", "text", "payments-api 5xx above 5%", nearestUTC(14, 50)},
	}
	for _, e := range entries {
		run(t, w, "open quick entry with "+e.key, press(rune(e.key[0])), chromedp.WaitVisible(chromedp.CSS(QuickEntry)))
		if got := focusedTest(t, w); !strings.Contains(got, "quick-text") {
			t.Fatalf("after %q the focus is on %q, want the quick entry text", e.key, got)
		}
		run(t, w, "type "+e.line, keys(e.line), keys(kb.Enter), chromedp.WaitNotVisible(chromedp.CSS(QuickEntry)))
		waitJS(t, w, "the "+e.list+" row appears",
			`[...document.querySelectorAll(`+jsString(Section(e.list)+" "+Row+" "+Field(e.field))+`)].some((f) => f.value === `+jsString(e.text)+`)`)
		if got := focusedTest(t, w); got != "body" {
			t.Errorf("after adding %q the focus is on %q, want it back where it was", e.text, got)
		}
	}
	waitSent(t, w)
	// The ! prefix adds a timeline entry of kind alert.
	alert := storedTexts(t, s, inc, "timeline", "text")["payments-api 5xx above 5%"]
	if kind, _ := alert["fields"].(map[string]any)["kind"].(string); kind != "alert" {
		t.Errorf("the entry typed with ! has kind %q, want alert", kind)
	}
	for _, e := range entries {
		r, ok := storedTexts(t, s, inc, e.list, e.field)[e.text]
		if !ok {
			t.Errorf("%s %q is not stored", e.list, e.text)
			continue
		}
		if e.at.IsZero() {
			continue
		}
		at, _ := r["fields"].(map[string]any)["at"].(string)
		if got, err := time.Parse(time.RFC3339, at); err != nil || !got.Equal(e.at) {
			t.Errorf("%q is at %q, want %s", e.text, at, e.at.Format(time.RFC3339))
		}
	}

	// An invalid time keeps the dialog open with the error on the time field.
	run(t, w, "type an invalid time", press('n'), chromedp.WaitVisible(chromedp.CSS(QuickEntry)),
		keys("25:99 Not a time"), keys(kb.Enter), chromedp.WaitVisible(chromedp.CSS(QuickTime+`[aria-invalid="true"]`)))
	if got := focusedTest(t, w); !strings.Contains(got, "quick-time") {
		t.Errorf("after an invalid time the focus is on %q, want the time field", got)
	}
	run(t, w, "close quick entry with Escape", keys(kb.Escape), chromedp.WaitNotVisible(chromedp.CSS(QuickEntry)))
	if n := len(storedTexts(t, s, inc, "timeline", "text")); n != 3 {
		t.Errorf("the timeline holds %d entries after the invalid one, want 3", n)
	}
}

func TestShortcutsReorderDeleteTickHistory(t *testing.T) {
	s := startSitrep(t)
	inc := seedExample(t, s)
	w := newWindow(t, 1280, 1000)
	if err := openBoard(w, s.url(), inc.EditURL, "sonia"); err != nil {
		t.Fatal(err)
	}
	run(t, w, "leave every field", chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`))

	// "?" opens the list of shortcuts as a modal dialog, and Escape closes it.
	run(t, w, "open the shortcut list", press('?'), chromedp.WaitVisible(chromedp.CSS(HelpDialog)))
	if text := pageText(t, w, HelpDialog); !strings.Contains(text, "Keyboard shortcuts") || !strings.Contains(text, "Alt+↑") {
		t.Errorf("the shortcut list reads %q", text)
	}
	if got := focusedTest(t, w); !strings.HasPrefix(got, "help-dialog") {
		t.Errorf("the open shortcut list leaves the focus on %q", got)
	}
	run(t, w, "close the shortcut list", keys(kb.Escape), chromedp.WaitNotVisible(chromedp.CSS(HelpDialog)))

	order := func() string {
		got, err := chromedp.Run(w, chromedp.Evaluate[string](`[...document.querySelectorAll(`+
			jsString(Section("hypotheses")+" "+Rows+" > "+Row)+`)].map((r) => r.dataset.id).join(' ')`))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	before := strings.Fields(order())
	if len(before) != 4 {
		t.Fatalf("hypotheses %v, want four", before)
	}

	// Section 4 is the hypotheses, and Tab enters its first row.
	run(t, w, "go to the hypotheses", press('4'), keys(kb.Tab))
	if got := focusedTest(t, w); got != " hypotheses "+before[0]+" field text" {
		t.Fatalf("focus on %q, want the first hypothesis's text", got)
	}
	run(t, w, "move the first hypothesis down", keys(kb.ArrowDown, alt))
	want := strings.Join([]string{before[1], before[0], before[2], before[3]}, " ")
	waitJS(t, w, "the hypothesis moves down", `[...document.querySelectorAll(`+
		jsString(Section("hypotheses")+" "+Rows+" > "+Row)+`)].map((r) => r.dataset.id).join(' ') === `+jsString(want))
	run(t, w, "move it back up", keys(kb.ArrowUp, alt))
	waitJS(t, w, "the hypothesis moves up", `[...document.querySelectorAll(`+
		jsString(Section("hypotheses")+" "+Rows+" > "+Row)+`)].map((r) => r.dataset.id).join(' ') === `+jsString(strings.Join(before, " ")))
	if got := focusedTest(t, w); got != " hypotheses "+before[0]+" field text" {
		t.Errorf("after moving, focus on %q, want still the moved hypothesis", got)
	}

	// Alt+Backspace deletes the focused row and moves to the next one. The
	// deleted row is restored from the "Show deleted" list, reached with Tab.
	row := Section("hypotheses") + " " + RowByID(before[0])
	// A deleted row moves to the "Show deleted" list, which stays closed.
	run(t, w, "delete with Alt+Backspace", keys(kb.Backspace, alt), chromedp.WaitReady(chromedp.CSS(row+"[data-deleted]")))
	if visible, err := chromedp.Run(w, chromedp.Evaluate[bool](`!!document.querySelector(`+jsString(row)+`).offsetParent`)); err != nil || visible {
		t.Errorf("the deleted hypothesis shows before Show deleted is ticked (%v)", err)
	}
	if got := focusedTest(t, w); got != " hypotheses "+before[1]+" field text" {
		t.Errorf("after deleting, focus on %q, want the next hypothesis", got)
	}
	for i := 0; i < 60 && !strings.HasSuffix(focusedTest(t, w), "show-deleted "); i++ {
		run(t, w, "press Tab", keys(kb.Tab))
	}
	run(t, w, "show the deleted hypotheses", keys(" "), keys(kb.Tab))
	if got := focusedTest(t, w); got != " hypotheses "+before[0]+" restore " {
		t.Fatalf("focus on %q, want the deleted hypothesis's Restore button", got)
	}
	run(t, w, "restore with Alt+R", keys("r", alt), chromedp.WaitNotPresent(chromedp.CSS(row+"[data-deleted]")))
	waitJS(t, w, "the restored hypothesis is back in the list", `!!document.querySelector(`+jsString(Section("hypotheses")+" "+Rows+" > "+RowByID(before[0]))+`)`)

	// j walks to the next row, and Tab and Space tick a checklist item.
	run(t, w, "go to the next row with j", chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`), press('j'))
	if got := focusedTest(t, w); !strings.HasPrefix(got, " timeline ") {
		t.Errorf("j from nowhere goes to %q, want the first timeline row", got)
	}
	// The example ticks the first four checklist items, so Tab walks past
	// their controls to the fifth item's box.
	run(t, w, "go to the checklist", chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`), press('9'))
	for i := 0; i < 40 && focusedTest(t, w) != " checklist check-5 field done"; i++ {
		run(t, w, "press Tab", keys(kb.Tab))
	}
	if got := focusedTest(t, w); got != " checklist check-5 field done" {
		t.Fatalf("focus on %q, want the fifth checklist item's box", got)
	}
	run(t, w, "tick with Space", keys(" "))
	waitSent(t, w)
	checklist := storedTexts(t, s, inc, "checklist", "label")
	for _, r := range checklist {
		if r["id"] == "check-5" && r["fields"].(map[string]any)["done"] != true {
			t.Errorf("check-5 is not ticked: %v", r["fields"])
		}
	}

	// Alt+Y opens the history of the focused field.
	run(t, w, "open the history with Alt+Y", keys("y", alt),
		chromedp.WaitVisible(chromedp.CSS(Section("checklist")+" "+RowByID("check-5")+" "+History+"[open] "+HistoryEntry)))
}
