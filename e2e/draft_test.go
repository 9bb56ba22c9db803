package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/sitrep/sitrep/board"
)

// TestDraftSurvivesRemoteChanges types into a timeline entry without
// leaving it while another editor adds entries before it, edits other
// rows, reorders the hypotheses and changes the same field. The draft, the
// focus and the caret stay, and the board catches up once the field is left.
func TestDraftSurvivesRemoteChanges(t *testing.T) {
	s := startSitrep(t)
	inc := seedExample(t, s)
	w := newWindow(t, 1280, 1000)
	if err := openBoard(w, s.url(), inc.EditURL, "sonia"); err != nil {
		t.Fatal(err)
	}
	target, err := rowWith(w, "timeline", "text", "Status page posted, #incident-0312 channel opened")
	if err != nil {
		t.Fatal(err)
	}
	sel := Section("timeline") + " " + RowByID(target) + " " + Field("text")
	const draft = " (draft: link the status page)"
	run(t, w, "type a draft without leaving the field",
		chromedp.Focus(chromedp.CSS(sel)),
		chromedp.Evaluate[chromedp.Void](`(() => { const f = document.querySelector(`+jsString(sel)+`); f.setSelectionRange(f.value.length, f.value.length); })()`),
		chromedp.KeyEvent(draft))
	want := "Status page posted, #incident-0312 channel opened" + draft

	raj, err := dialClient(t, s, inc.ID, inc.EditToken, "raj")
	if err != nil {
		t.Fatal(err)
	}
	hypotheses := storedTexts(t, s, inc, "hypotheses", "text")
	first := hypotheses["Slow queries hold connections until the pool runs dry"]["id"].(string)
	service := storedTexts(t, s, inc, "services", "name")["payments-api"]["id"].(string)
	early := board.FormatTime(time.Now().UTC().Add(-3 * time.Hour))
	var changes []map[string]any
	for i := range 5 {
		changes = append(changes, map[string]any{"id": fmt.Sprintf("raj-add-%d", i), "op": "add", "list": "timeline",
			"item": fmt.Sprintf("raj-entry-%d", i), "fields": map[string]any{"at": early, "text": fmt.Sprintf("Earlier entry %d", i)}})
	}
	changes = append(changes,
		map[string]any{"id": "raj-move", "op": "move", "list": "hypotheses", "item": first, "before": ""},
		map[string]any{"id": "raj-state", "op": "update", "list": "header", "item": "header", "fields": map[string]any{"status": "identified"}},
		map[string]any{"id": "raj-service", "op": "update", "list": "services", "item": service, "fields": map[string]any{"note": "Pool back to 60%"}},
		map[string]any{"id": "raj-same", "op": "update", "list": "timeline", "item": target, "fields": map[string]any{"text": "Status page posted"}},
	)
	if err := raj.sendAll(changes, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	seq, _ := apiIncident(t, s, inc.ID, inc.EditToken)
	waitSeq(t, w, Board, seq)

	state, err := chromedp.Run(w, chromedp.Evaluate[map[string]any](`(() => {
		const a = document.activeElement;
		const rows = [...document.querySelectorAll(`+jsString(Section("hypotheses")+" "+Rows+" > "+Row)+`)].map((r) => r.dataset.id);
		return {row: (a.closest('[data-test="row"]') || {dataset: {}}).dataset.id || '', field: a.dataset.field || '',
			value: a.value, caret: a.selectionStart, length: a.value.length, lastHypothesis: rows[rows.length - 1],
			changedBy: !!a.closest('.field').querySelector(`+jsString(ChangedBy)+`)};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if state["row"] != target || state["field"] != "text" {
		t.Errorf("focus moved to row %v field %v, want %s text", state["row"], state["field"], target)
	}
	if state["value"] != want {
		t.Errorf("the draft reads %q, want %q", state["value"], want)
	}
	if state["caret"] != state["length"] {
		t.Errorf("the caret is at %v of %v, want at the end of the draft", state["caret"], state["length"])
	}
	if state["lastHypothesis"] != first {
		t.Errorf("the moved hypothesis is not last: %v", state["lastHypothesis"])
	}
	if state["changedBy"] != true {
		t.Error("the field does not say raj changed it while it was being edited")
	}

	// Leaving the field sends the draft, which replaces raj's value.
	run(t, w, "leave the field", chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`))
	waitSent(t, w)
	if got := storedTexts(t, s, inc, "timeline", "text"); got[want] == nil {
		t.Errorf("the draft was not stored; the timeline holds %v", got)
	}
}
