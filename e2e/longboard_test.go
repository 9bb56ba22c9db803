package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/coder/websocket"
)

// longBoardEntries is the size of the timeline in these tests: far more
// rows than the first screen builds, so most are built after the first
// paint.
const longBoardEntries = 4000

// openLongBoard declares an incident with longBoardEntries timeline
// entries (item ids fp-item-0 and up), opens its board in a new window
// and waits for the first render. It returns the window, the incident and
// the editor connection that added the entries, which stays open.
func openLongBoard(t *testing.T, setup ...chromedp.Action[chromedp.Void]) (context.Context, *sitrep, created, *websocket.Conn) {
	t.Helper()
	s, inc, responder := startLongIncident(t, "Long timeline", longBoardEntries)
	w := newWindow(t, 1280, 900)
	if len(setup) > 0 {
		run(t, w, "preparing the window", setup...)
	}
	run(t, w, "storing a display name",
		chromedp.Navigate(s.url()+"/"),
		chromedp.Evaluate[chromedp.Void](`localStorage.setItem('sitrep.name', 'maya')`))
	run(t, w, "loading the board",
		chromedp.Navigate(s.url()+inc.EditURL),
		chromedp.WaitVisible(chromedp.CSS(Board+`[data-loaded="true"]`)))
	return w, s, inc, responder
}

// pollTrue evaluates expr until it returns true, for at most limit, and
// fails the test naming condition when it does not.
func pollTrue(t *testing.T, ctx context.Context, limit time.Duration, condition, expr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		t.Fatalf("%s: not within %v: %v", condition, limit, err)
	}
}

func TestLongTimelineShowsLastEntry(t *testing.T) {
	w, _, _, _ := openLongBoard(t)
	lastID := fmt.Sprintf("fp-item-%d", longBoardEntries-1)
	lastRow := jsString(Section("timeline") + " " + Rows + " > " + RowByID(lastID))
	wantText := jsString(fmt.Sprintf("Entry %d: payments-api p99 latency above 8s after the 14:02 deploy; rolling back", longBoardEntries-1))

	// A person scrolls down until the last entry is there and on screen.
	pollTrue(t, w, 20*time.Second, "the last entry shows after scrolling to it", `(() => {
		const row = document.querySelector(`+lastRow+`);
		if (!row) {
			window.scrollTo(0, document.scrollingElement.scrollHeight);
			return false;
		}
		row.scrollIntoView({block: 'center'});
		const text = row.querySelector(`+jsString(Field("text"))+`);
		const box = text.getBoundingClientRect();
		const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
		return text.value === `+wantText+` && text.checkVisibility({contentVisibilityAuto: true}) && row.contains(hit);
	})()`)

	// A printout shows every row, including those far off screen.
	run(t, w, "switching to print media", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdpCall(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	}))
	// Whether content-visibility skips a row is settled at the page's next
	// rendering update after the media change, so the count is polled.
	count := `(() => {
		const rows = [...document.querySelectorAll(` + jsString(Section("timeline")+" "+Rows+" > "+Row) + `)];
		const hidden = rows.filter((row) => !row.querySelector(` + jsString(Field("text")) + `).checkVisibility({contentVisibilityAuto: true}));
		return {rows: rows.length, hidden: hidden.length};
	})()`
	pollCtx, cancel := context.WithTimeout(w, 10*time.Second)
	_, _ = chromedp.Run(pollCtx, chromedp.Poll[bool](`(() => { const c = `+count+`; return c.hidden === 0 && c.rows === `+fmt.Sprint(longBoardEntries+1)+`; })()`,
		chromedp.WithPollingInterval(50*time.Millisecond)))
	cancel()
	printed, err := chromedp.Run(w, chromedp.Evaluate[map[string]any](count))
	if err != nil {
		t.Fatal(err)
	}
	// The incident's own "declared" entry comes on top of the added ones.
	if got := int(printed["rows"].(float64)); got != longBoardEntries+1 {
		t.Errorf("print media shows %d timeline rows, want %d", got, longBoardEntries+1)
	}
	if got := int(printed["hidden"].(float64)); got != 0 {
		t.Errorf("print media skips the contents of %d timeline rows, want 0", got)
	}
}

// holdIdleWork makes the pages of the window queue their idle callbacks in
// window.heldIdle instead of running them, so the rows the board builds
// after the first paint stay unbuilt until the test releases them with
// releaseIdleWork.
var holdIdleWork = chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
	_, err := cdpCall(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `window.heldIdle = []; window.requestIdleCallback = (fn) => window.heldIdle.push(fn);`})
	return err
})

// releaseIdleWork runs the idle callbacks held so far, each with a full
// idle period; callbacks they queue wait for the next release.
const releaseIdleWork = `window.heldIdle.splice(0).forEach((fn) => fn({didTimeout: false, timeRemaining: () => 50}))`

func TestRemoteEditReachesUnbuiltRow(t *testing.T) {
	// The rows past the first screen are built only when the test lets
	// idle work run, so the edits below surely reach rows not built yet.
	w, s, inc, responder := openLongBoard(t, holdIdleWork)
	seq, _ := apiIncident(t, s, inc.ID, inc.EditToken)
	lastID := fmt.Sprintf("fp-item-%d", longBoardEntries-1)
	deletedID := fmt.Sprintf("fp-item-%d", longBoardEntries-2)
	const newText = "Rollback of payments-api finished; p99 back under 300 ms"

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, change := range []string{
		`{"type":"change","id":"late-edit","op":"update","list":"timeline","item":"` + lastID + `","fields":{"text":"` + newText + `"},"base":` + fmt.Sprint(seq) + `}`,
		`{"type":"change","id":"late-delete","op":"delete","list":"timeline","item":"` + deletedID + `","base":` + fmt.Sprint(seq) + `}`,
	} {
		if err := responder.Write(ctx, websocket.MessageText, []byte(change)); err != nil {
			t.Fatal(err)
		}
	}

	// The edits must reach the page while the rows they change are not
	// built yet, or this test shows nothing about such rows. Idle work is
	// held, so nothing builds them meanwhile.
	waitCtx, cancelWait := context.WithTimeout(w, 10*time.Second)
	defer cancelWait()
	state, err := chromedp.Run(waitCtx, chromedp.Poll[string](`(() => {
		if (document.querySelector(`+jsString(Board)+`).dataset.seq !== "`+fmt.Sprint(seq+2)+`") return null;
		return document.querySelector(`+jsString(Section("timeline")+" "+RowByID(lastID))+`) ? 'built' : 'unbuilt';
	})()`, chromedp.WithPollingInterval(5*time.Millisecond)))
	if err != nil {
		t.Fatalf("the board did not apply the two edits: %v", err)
	}
	if state != "unbuilt" {
		t.Fatalf("the last row was built before the edits arrived, so they were applied to a built row")
	}

	pollTrue(t, w, 20*time.Second, "the edited entry shows its new text", `(() => {
		`+releaseIdleWork+`;
		const text = document.querySelector(`+jsString(Section("timeline")+" "+Rows+" > "+RowByID(lastID)+" "+Field("text"))+`);
		return !!text && text.value === `+jsString(newText)+`;
	})()`)
	pollTrue(t, w, 5*time.Second, "the deleted entry is among the deleted rows", `(() => {
		const section = document.querySelector(`+jsString(Section("timeline"))+`);
		return !!section.querySelector(`+jsString(DeletedRows+" > "+RowByID(deletedID))+`) &&
			!section.querySelector(`+jsString(Rows+" > "+RowByID(deletedID))+`);
	})()`)
	count, err := chromedp.Run(w, chromedp.Evaluate[string](`document.querySelector(`+jsString(Section("timeline")+` [data-test="section-count"]`)+`).textContent`))
	if err != nil {
		t.Fatal(err)
	}
	// The added entries and the incident's "declared" entry, less the deleted one.
	if want := fmt.Sprintf("(%d)", longBoardEntries); count != want {
		t.Errorf("the timeline count reads %s, want %s", count, want)
	}
}
