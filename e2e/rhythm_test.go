package e2e

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// waitJS polls a JavaScript condition in the window for up to 20 seconds.
func waitJS(t *testing.T, ctx context.Context, what, cond string) {
	t.Helper()
	waitCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if _, err := chromedp.Run(waitCtx, chromedp.Poll[bool](cond, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// timelineHas returns a condition that holds once a timeline row shows text
// in its text field and has an entry-kind badge of kind.
func timelineHas(text, kind string) string {
	return `(() => [...document.querySelectorAll(` + jsString(Section("timeline")+" "+Row) + `)].some((row) => {
		const f = row.querySelector(` + jsString(Field("text")) + `);
		const k = row.querySelector(` + jsString(EntryKind) + `);
		return f && f.value.includes(` + jsString(text) + `) && k && k.dataset.kind === ` + jsString(kind) + `;
	}))()`
}

// postUpdate types text into a next update's post form and posts it.
func postUpdate(t *testing.T, ctx context.Context, updateID, text string) {
	t.Helper()
	scope := Section("updates") + " " + RowByID(updateID) + " "
	run(t, ctx, "post an update to "+updateID,
		chromedp.SendKeys(chromedp.CSS(scope+PostText), text),
		chromedp.Click(chromedp.CSS(scope+PostSubmit)))
}

// fetchWithToken reads one of the incident's files with the edit token.
func fetchWithToken(t *testing.T, s *sitrep, inc created, name string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.url()+"/api/incidents/"+inc.ID+"/"+name, nil)
	req.Header.Set("Authorization", "Bearer "+inc.EditToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s answered %d: %s", name, resp.StatusCode, body)
	}
	return string(body)
}

func TestPostUpdateMovesDeadline(t *testing.T) {
	s := startSitrep(t)
	inc := declare(t, s, "Checkout returning 503", "P0")
	ctx := newWindow(t, 1280, 1000)
	if err := openBoard(ctx, s.url(), inc.EditURL, "sonia"); err != nil {
		t.Fatal(err)
	}
	posted := time.Now()
	postUpdate(t, ctx, "update-1", "Still investigating elevated 503s on checkout")
	internal := Section("updates") + " " + RowByID("update-1") + " "
	waitJS(t, ctx, "last posted shows the text",
		`document.querySelector(`+jsString(internal+LastPosted)+`).textContent.includes("Still investigating elevated 503s")`)
	waitJS(t, ctx, "the update appears in the timeline", timelineHas("Still investigating elevated 503s", "update"))

	// The P0 internal sync comes round every 15 minutes from the post.
	dueText, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(`+jsString(internal+Countdown)+`).dataset.due || ""`))
	if err != nil {
		t.Fatal(err)
	}
	due, err := time.Parse(time.RFC3339, dueText)
	if err != nil {
		t.Fatalf("countdown due %q: %v", dueText, err)
	}
	if got := due.Sub(posted); got < 14*time.Minute || got > 16*time.Minute {
		t.Errorf("next internal sync due %s after posting, want 15 minutes", got)
	}

	// A deadline that passed shows overdue, and for how long.
	exec := Section("updates") + " " + RowByID("update-3") + " "
	if err := editField(ctx, "updates", "update-3", "due", utcClock(time.Now().Add(-5*time.Minute))); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the exec update shows overdue", `(() => {
		const c = document.querySelector(`+jsString(exec+Countdown)+`);
		return c.dataset.overdue === "true" && /^overdue by (4|5)m \d+s$/.test(c.textContent);
	})()`)

	// The stakeholder view shows the post as the latest update.
	viewer := newWindow(t, 1280, 900)
	run(t, viewer, "open the stakeholder view",
		chromedp.Navigate(s.url()+inc.ViewURL),
		chromedp.WaitVisible(chromedp.CSS(LatestUpdateText)))
	if got := pageText(t, viewer, LatestUpdateText); got != "Still investigating elevated 503s on checkout" {
		t.Errorf("stakeholder latest update = %q", got)
	}
	screenshot(t, ctx, "rhythm-post")
}

func TestAutomaticEntriesAndResolution(t *testing.T) {
	s := startSitrep(t)
	inc := declare(t, s, "Checkout returning 503", "P1")
	ctx := newWindow(t, 1280, 1000)
	if err := openBoard(ctx, s.url(), inc.EditURL, "sonia"); err != nil {
		t.Fatal(err)
	}
	if err := addItem(ctx, "timeline", field{"text", "payments-api p99 latency above 8s"},
		field{"at", utcClock(time.Now().Add(-5 * time.Minute))}, field{"kind", "alert"}); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the alert is marked", timelineHas("payments-api p99 latency", "alert"))
	waitJS(t, ctx, "the backdated alert shows amended",
		`[...document.querySelectorAll(`+jsString(Section("timeline")+" "+EntryAmended)+`)].some((e) => !e.hidden && /^logged (\d{4}-\d{2}-\d{2} )?\d{2}:\d{2} UTC$/.test(e.textContent))`)

	steps := []struct{ list, row, field, value, entry string }{
		{"header", "", "severity", "P0", "Severity changed from P1 to P0"},
		{"header", "", "status", "identified", "Status changed from investigating to identified"},
		{"roles", "role-1", "person", "sonia", "Owner of Incident commander: sonia (was nobody)"},
	}
	for _, st := range steps {
		if err := editField(ctx, st.list, st.row, st.field, st.value); err != nil {
			t.Fatal(err)
		}
		waitJS(t, ctx, "automatic entry "+st.entry, timelineHas(st.entry, "auto"))
	}
	if err := addItem(ctx, "hypotheses", field{"text", "Memory leak in v2.14.1"}); err != nil {
		t.Fatal(err)
	}
	hyp, err := rowWith(ctx, "hypotheses", "text", "Memory leak in v2.14.1")
	if err != nil {
		t.Fatal(err)
	}
	if err := editField(ctx, "hypotheses", hyp, "state", "ruled-out"); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "ruling out writes an entry", timelineHas("Hypothesis ruled out: Memory leak in v2.14.1", "auto"))
	waitJS(t, ctx, "time to identify is shown",
		`/^\d+m$/.test(document.querySelector(`+jsString(KeyTime+`[data-name="Time to identify"]`)+`).textContent)`)

	// Closing before resolving, or without a postmortem owner, is refused.
	if err := editField(ctx, "header", "", "status", "resolved"); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "resolving posts the all-clear", timelineHas("All clear", "all-clear"))
	waitJS(t, ctx, "the update clocks stop",
		`[...document.querySelectorAll(`+jsString(Section("updates")+" "+Countdown)+`)].every((c) => c.textContent === "stopped")`)
	waitJS(t, ctx, "the summary clock runs",
		`/^due in 1h 5\dm/.test(document.querySelector(`+jsString(Section("followUp")+" "+RowByID("follow-2")+" "+Countdown)+`).textContent)`)
	if err := editField(ctx, "header", "", "status", "closed"); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "closing without an owner is rejected",
		`[...document.querySelectorAll(`+jsString(Notice+`[data-kind="error"]`)+`)].some((n) => n.textContent.includes("postmortem owner"))`)
	if err := editField(ctx, "roles", "role-5", "person", "raj"); err != nil {
		t.Fatal(err)
	}
	waitSent(t, ctx)
	if err := editField(ctx, "header", "", "status", "closed"); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the incident closes", timelineHas("Status changed from resolved to closed", "auto"))
	waitSent(t, ctx)

	// The handoff brief and the export carry what the board recorded.
	run(t, ctx, "open the handoff brief",
		chromedp.Click(chromedp.CSS(HandoffOpen)),
		chromedp.WaitVisible(chromedp.CSS(HandoffDialog+`[data-loaded="true"]`)))
	brief, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(`+jsString(HandoffText)+`).value`))
	if err != nil {
		t.Fatal(err)
	}
	if missing := containsAll(brief, "Handoff: "+inc.ID, "(P0), closed", "[ruled out] Memory leak in v2.14.1",
		"- Postmortem owner: raj", "next stopped (incident resolved)"); len(missing) > 0 {
		t.Errorf("handoff brief lacks %q:\n%s", missing, brief)
	}
	run(t, ctx, "close the brief", chromedp.Click(chromedp.CSS(`[data-test="handoff-close"]`)))
	run(t, ctx, "download the Markdown export", chromedp.Click(chromedp.CSS(ExportMarkdown)))
	waitJS(t, ctx, "the export downloads",
		`document.querySelector(`+jsString(ToolsStatus)+`).textContent === "`+inc.ID+`-postmortem.md downloaded."`)
	md := fetchWithToken(t, s, inc, "export.md")
	if missing := containsAll(md, "~~Memory leak in v2.14.1~~", "[alert]", "Severity changed from P1 to P0",
		"- Time to identify:", "```mermaid"); len(missing) > 0 {
		t.Errorf("export lacks %q:\n%s", missing, md)
	}
	ics := fetchWithToken(t, s, inc, "postmortem.ics")
	if !strings.HasPrefix(ics, "BEGIN:VCALENDAR\r\n") || !strings.Contains(ics, "DTSTART:") {
		t.Errorf("calendar file:\n%s", ics)
	}
	run(t, ctx, "download the calendar file", chromedp.Click(chromedp.CSS(ExportICS)))
	waitJS(t, ctx, "the calendar downloads",
		`document.querySelector(`+jsString(ToolsStatus)+`).textContent === "`+inc.ID+`-postmortem.ics downloaded."`)
	var marks int
	marks, err = chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+jsString(Picture+` [data-test="mark"]`)+`).length`))
	if err != nil || marks < 6 {
		t.Errorf("the picture shows %d marks (%v), want one per timeline entry", marks, err)
	}
	screenshot(t, ctx, "rhythm-resolved")
}

// TestRejectedCloseShowsAtTheField closes an incident whose postmortem
// owner is still TBD, twice: the reason must show under the Status field,
// without the role's internal id, and as one notice, not one per attempt.
func TestRejectedCloseShowsAtTheField(t *testing.T) {
	s := startSitrep(t)
	inc := declare(t, s, "Checkout returning 503", "P1")
	w := newWindow(t, 1280, 900)
	if err := openBoard(w, s.url(), inc.EditURL, "sonia"); err != nil {
		t.Fatal(err)
	}
	if err := editField(w, "header", "", "status", "resolved"); err != nil {
		t.Fatal(err)
	}
	waitSent(t, w)

	statusError := Section("header") + ` .field[data-field="status"] .field-error`
	for attempt := 1; attempt <= 2; attempt++ {
		if err := editField(w, "header", "", "status", "closed"); err != nil {
			t.Fatal(err)
		}
		waitJS(t, w, "the status field shows why closing failed",
			`(document.querySelector(`+jsString(statusError)+`).textContent || '').includes('postmortem owner')`)
		if attempt == 1 {
			run(t, w, "blank the shown reason, so the second rejection must write it again", chromedp.Evaluate[chromedp.Void](
				`document.querySelector(`+jsString(statusError)+`).textContent = ''`))
		}
	}

	reason := pageText(t, w, statusError)
	if strings.Contains(reason, "role-") {
		t.Errorf("the reason %q names an internal id", reason)
	}
	notices, err := chromedp.Run(w, chromedp.Evaluate[int](`[...document.querySelectorAll(`+jsString(Notice)+`)]
		.filter((n) => n.textContent.includes('postmortem owner')).length`))
	if err != nil {
		t.Fatal(err)
	}
	if notices != 1 {
		t.Errorf("%d notices for two identical rejections, want one", notices)
	}
}
