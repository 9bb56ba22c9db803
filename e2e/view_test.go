package e2e

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/coder/websocket"
)

// viewEntries is the size of the timeline in these tests: more rows than
// the first screen builds, so the view also builds rows after its first
// paint before the tests change them.
const viewEntries = 300

// timelineRows is the selector of the stakeholder view's timeline rows.
var timelineRows = Section("timeline") + " " + Rows + " > " + Row

// openLongView declares an incident with viewEntries timeline entries (item
// ids fp-item-0 and up), opens its stakeholder view and waits until every
// row is built. It returns the window and the editor connection that added
// the entries, which stays open for sending changes.
func openLongView(t *testing.T) (context.Context, *websocket.Conn) {
	t.Helper()
	s, inc, responder := startLongIncident(t, "Stakeholder timeline", viewEntries)
	w := newWindow(t, 1280, 900)
	run(t, w, "loading the stakeholder view",
		chromedp.Navigate(s.url()+inc.ViewURL),
		chromedp.WaitVisible(chromedp.CSS(View+`[data-loaded="true"]`)))
	// The incident's own "declared" entry comes on top of the added ones.
	pollTrue(t, w, 20*time.Second, "the view shows every timeline entry",
		`document.querySelectorAll(`+jsString(timelineRows)+`).length === `+strconv.Itoa(viewEntries+1))
	return w, responder
}

// sendChange sends one change to the item of list from conn, based on the
// sequence number the view shows, and returns the sequence number the view
// shows once the server applied it. fields is a JSON object or "".
func sendChange(t *testing.T, w context.Context, conn *websocket.Conn, op, list, item, fields string) int {
	t.Helper()
	seqText, err := chromedp.Run(w, chromedp.Evaluate[string](`document.querySelector(`+jsString(View)+`).dataset.seq`))
	if err != nil {
		t.Fatal(err)
	}
	seq, err := strconv.Atoi(seqText)
	if err != nil {
		t.Fatalf("the view's data-seq is %q: %v", seqText, err)
	}
	change := fmt.Sprintf(`{"type":"change","id":"view-%s-%s-%d","op":"%s","list":"%s","item":"%s","base":%d`, op, item, seq, op, list, item, seq)
	if fields != "" {
		change += `,"fields":` + fields
	}
	change += `}`
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := conn.Write(ctx, websocket.MessageText, []byte(change)); err != nil {
		t.Fatal(err)
	}
	return seq + 1
}

// rowText returns the expression for the text of the view's row of item,
// or null when there is no such row.
func rowText(item string) string {
	return `(() => {
		const row = document.querySelector(` + jsString(timelineRows+`[data-id="`+item+`"]`) + `);
		return row ? row.querySelector('.ro-text').textContent : null;
	})()`
}

func TestViewShowsRemoteEdit(t *testing.T) {
	w, responder := openLongView(t)
	const newText = "Rollback of payments-api finished; p99 back under 300 ms"
	item := fmt.Sprintf("fp-item-%d", viewEntries-1)

	sendChange(t, w, responder, "update", "timeline", item, `{"text":"`+newText+`"}`)

	pollTrue(t, w, 10*time.Second, "the edited entry shows its new text",
		rowText(item)+` === `+jsString(newText))
}

func TestViewHidesDeletedEntry(t *testing.T) {
	w, responder := openLongView(t)
	item := fmt.Sprintf("fp-item-%d", viewEntries/2)
	row := jsString(timelineRows + `[data-id="` + item + `"]`)

	sendChange(t, w, responder, "delete", "timeline", item, "")
	pollTrue(t, w, 10*time.Second, "the deleted entry leaves the view",
		`!document.querySelector(`+row+`)`)
	count, err := chromedp.Run(w, chromedp.Evaluate[int](`document.querySelectorAll(`+jsString(timelineRows)+`).length`))
	if err != nil {
		t.Fatal(err)
	}
	if count != viewEntries {
		t.Errorf("the view shows %d timeline rows after the delete, want %d", count, viewEntries)
	}

	sendChange(t, w, responder, "restore", "timeline", item, "")
	pollTrue(t, w, 10*time.Second, "the restored entry is back in its place", `(() => {
		const row = document.querySelector(`+row+`);
		const before = document.querySelector(`+jsString(timelineRows+`[data-id="fp-item-`+strconv.Itoa(viewEntries/2-1)+`"]`)+`);
		return !!row && row.previousElementSibling === before;
	})()`)
}

func TestViewMovesEntryWhenTimeChanges(t *testing.T) {
	w, responder := openLongView(t)
	item := fmt.Sprintf("fp-item-%d", viewEntries/2)
	order := `[...document.querySelectorAll(` + jsString(timelineRows) + `)].map((row) => row.dataset.id)`
	before, err := chromedp.Run(w, chromedp.Evaluate[[]string](order))
	if err != nil {
		t.Fatal(err)
	}

	// An hour before every other entry, the "declared" one included.
	earlier := time.Now().UTC().Add(-time.Hour).Format(time.RFC3339)
	sendChange(t, w, responder, "update", "timeline", item, `{"at":"`+earlier+`"}`)
	pollTrue(t, w, 10*time.Second, "the entry moves to the top of the timeline",
		`document.querySelector(`+jsString(timelineRows)+`).dataset.id === `+jsString(item))

	after, err := chromedp.Run(w, chromedp.Evaluate[[]string](order))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{item}
	for _, id := range before {
		if id != item {
			want = append(want, id)
		}
	}
	if !equalJSON(after, want) {
		t.Errorf("after the move the timeline reads %v..., want %v...", head(after, 5), head(want, 5))
	}
}

func TestViewKeepsUnchangedRows(t *testing.T) {
	w, responder := openLongView(t)
	edited := fmt.Sprintf("fp-item-%d", viewEntries/3)

	// Each row and its text get a property that a rebuilt element lacks.
	run(t, w, "marking every row", chromedp.Evaluate[chromedp.Void](`
		for (const row of document.querySelectorAll(`+jsString(timelineRows)+`)) {
			row.sitrepMark = row.dataset.id;
			row.querySelector('.ro-text').sitrepMark = row.dataset.id;
		}`))

	seq := sendChange(t, w, responder, "update", "timeline", edited, `{"text":"Cache warmed, error rate falling"}`)
	waitSeq(t, w, View, int64(seq))
	pollTrue(t, w, 10*time.Second, "the edited entry shows its new text",
		rowText(edited)+` === "Cache warmed, error rate falling"`)

	rebuilt, err := chromedp.Run(w, chromedp.Evaluate[[]string](`[...document.querySelectorAll(`+jsString(timelineRows)+`)]
		.filter((row) => row.dataset.id !== `+jsString(edited)+`)
		.filter((row) => row.sitrepMark !== row.dataset.id || row.querySelector('.ro-text').sitrepMark !== row.dataset.id)
		.map((row) => row.dataset.id)`))
	if err != nil {
		t.Fatal(err)
	}
	if len(rebuilt) > 0 {
		t.Errorf("an edit of %s rebuilt %d other rows, such as %v", edited, len(rebuilt), head(rebuilt, 5))
	}
}

func TestViewPrintsEveryRow(t *testing.T) {
	w, _ := openLongView(t)
	run(t, w, "switching to print media", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdpCall(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	}))
	hidden, err := chromedp.Run(w, chromedp.Evaluate[[]string](`[...document.querySelectorAll(`+jsString(timelineRows)+`)]
		.filter((row) => !row.querySelector('.ro-text').checkVisibility({contentVisibilityAuto: true}))
		.map((row) => row.dataset.id)`))
	if err != nil {
		t.Fatal(err)
	}
	if len(hidden) > 0 {
		t.Errorf("print media skips the contents of %d timeline rows, such as %v", len(hidden), head(hidden, 5))
	}
}

// TestViewAnnouncesCountdownMoments gives the three next updates due times
// that pass 5 minutes, 1 minute and 0 a few seconds apart, and listens to
// the live region that announces those moments.
func TestViewAnnouncesCountdownMoments(t *testing.T) {
	s := startSitrep(t)
	inc := declare(t, s, "Countdown moments", "P1")
	editor := addEntries(t, s, inc, 0)
	t.Cleanup(func() { editor.CloseNow() })
	w := newWindow(t, 1280, 900)
	run(t, w, "loading the stakeholder view",
		chromedp.Navigate(s.url()+inc.ViewURL),
		chromedp.WaitVisible(chromedp.CSS(View+`[data-loaded="true"]`)))

	// Each countdown is first seen above its moment, which is not
	// announced, and reaches it 5, 10 and 15 seconds later.
	now := time.Now().UTC()
	dues := []struct {
		item  string
		due   time.Time
		sound string
	}{
		{"update-1", now.Add(5*time.Minute + 5*time.Second), "is due in less than 5 minutes."},
		{"update-2", now.Add(time.Minute + 10*time.Second), "is due in less than 1 minute."},
		{"update-3", now.Add(15 * time.Second), "is overdue."},
	}
	for _, d := range dues {
		seq := sendChange(t, w, editor, "update", "updates", d.item, `{"due":"`+d.due.Format(time.RFC3339)+`"}`)
		waitSeq(t, w, View, int64(seq))
	}
	announced, err := chromedp.Run(w, chromedp.Evaluate[string](`document.querySelector(`+jsString(CountdownAnnouncer)+`).textContent`))
	if err != nil {
		t.Fatal(err)
	}
	if announced != "" {
		t.Errorf("the view announced %q before any countdown reached a moment", announced)
	}
	for _, d := range dues {
		name := pageText(t, w, Section("updates")+" "+RowByID(d.item)+" .ro-name")
		pollTrue(t, w, 15*time.Second, "the view announces that "+name+" "+d.sound,
			`document.querySelector(`+jsString(CountdownAnnouncer)+`).textContent === `+jsString(name+" "+d.sound))
	}
}

// head returns the first n items of s, or all of s when it is shorter.
func head(s []string, n int) []string {
	return s[:min(n, len(s))]
}

// TestResolvedViewSaysStoppedOnce resolves an incident and checks that the
// stakeholder view names each stopped update once, not in both its time
// and its countdown.
func TestResolvedViewSaysStoppedOnce(t *testing.T) {
	s := startSitrep(t)
	inc := declare(t, s, "Checkout returning 503", "P1")
	client, err := dialClient(t, s, inc.ID, inc.EditToken, "sonia")
	if err != nil {
		t.Fatal(err)
	}
	resolve := map[string]any{"type": "change", "id": "resolve", "op": "update", "list": "header", "item": "header",
		"fields": map[string]any{"status": "resolved"}}
	if err := client.sendAll([]map[string]any{resolve}, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	w := newWindow(t, 360, 740)
	run(t, w, "open the view", chromedp.Navigate(s.url()+inc.ViewURL), chromedp.WaitVisible(chromedp.CSS(View+`[data-loaded="true"]`)))
	rows, err := chromedp.Run(w, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.view [data-list="updates"] .ro-row')].map((r) => r.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatal("the view lists no next updates")
	}
	for _, r := range rows {
		if n := strings.Count(r, "stopped"); n != 1 {
			t.Errorf("update row %q says stopped %d times, want once", r, n)
		}
	}
}
