package e2e

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/coder/websocket"
)

// BenchmarkViewFirstPaint measures how long the stakeholder view of an
// incident with many timeline entries takes to show in Chromium, from the
// start of the navigation to the frame after the first full render, which
// the page's "sitrep-first-paint" performance mark records. One op is one
// page load, and the reported ms/paint is the median.
func BenchmarkViewFirstPaint(b *testing.B) {
	for _, entries := range []int{10, 5000} {
		b.Run(fmt.Sprintf("entries=%d", entries), func(b *testing.B) {
			s, inc, _ := startLongIncident(b, "Stakeholder view", entries)
			ctx := newWindow(b, 1280, 900)

			var paints []float64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				run(b, ctx, "loading the stakeholder view",
					chromedp.Navigate(s.url()+inc.ViewURL),
					chromedp.WaitVisible(chromedp.CSS(View+`[data-loaded="true"]`)))
				paints = append(paints, firstPaintMs(b, ctx))
				// Each load starts from a blank page. The records the view
				// cached in localStorage stay, as for a stakeholder who
				// opens the link again.
				run(b, ctx, "leaving the stakeholder view", chromedp.Navigate("about:blank"))
			}
			b.StopTimer()
			slices.Sort(paints)
			b.ReportMetric(paints[len(paints)/2], "ms/paint")
		})
	}
}

// BenchmarkViewRemoteChange measures how long the stakeholder view of a
// 5,000-entry incident takes to show one edit of a timeline entry that
// another person made. The page records it as "sitrep-view-update", from
// the start of the render to the frame after it, and "sitrep-view-render",
// the render's script alone. One op is one edit, and the reported figures
// are the medians.
func BenchmarkViewRemoteChange(b *testing.B) {
	const entries = 5000
	s, inc, responder := startLongIncident(b, "Stakeholder view", entries)
	ctx := newWindow(b, 1280, 900)
	run(b, ctx, "loading the stakeholder view",
		chromedp.Navigate(s.url()+inc.ViewURL),
		chromedp.WaitVisible(chromedp.CSS(View+`[data-loaded="true"]`)))
	// Every row is built before the first edit, so the edits measure a
	// page at rest, not one still building rows after its first paint.
	waitAllTimelineRows(b, ctx, entries)

	var updates, renders []float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		seqText, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(`+jsString(View)+`).dataset.seq`))
		if err != nil {
			b.Fatal(err)
		}
		seq, err := strconv.Atoi(seqText)
		if err != nil {
			b.Fatalf("the view's data-seq is %q: %v", seqText, err)
		}
		item := fmt.Sprintf("fp-item-%d", entries/2)
		change := fmt.Sprintf(`{"type":"change","id":"bench-edit-%d","op":"update","list":"timeline","item":"%s","fields":{"text":"Edit %d: rollback done"},"base":%d}`, i, item, i, seq)
		writeCtx, cancelWrite := context.WithTimeout(context.Background(), 10*time.Second)
		err = responder.Write(writeCtx, websocket.MessageText, []byte(change))
		cancelWrite()
		if err != nil {
			b.Fatal(err)
		}
		pollCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
		ms, err := chromedp.Run(pollCtx, chromedp.Poll[[]float64](fmt.Sprintf(`(() => {
			const find = (name) => performance.getEntriesByName(name).find((m) => m.detail && m.detail.seq === %d);
			const update = find('sitrep-view-update');
			const render = find('sitrep-view-render');
			return update && render ? [update.duration, render.duration] : null;
		})()`, seq+1), chromedp.WithPollingInterval(5*time.Millisecond)))
		cancel()
		if err != nil {
			b.Fatalf("reading the measure of seq %d: %v", seq+1, err)
		}
		updates = append(updates, ms[0])
		renders = append(renders, ms[1])
	}
	b.StopTimer()
	slices.Sort(updates)
	slices.Sort(renders)
	b.ReportMetric(updates[len(updates)/2], "ms/change")
	b.ReportMetric(renders[len(renders)/2], "script-ms/change")
}
