package e2e

import (
	"slices"
	"testing"

	"github.com/chromedp/chromedp"
)

// BenchmarkCountdownTick measures one tick of the countdown ticker on the
// board and on the stakeholder view of a 5,000-entry incident, once every
// row is built. It imports the page's own ticker module and calls its
// tick 20 times in a row. One op is those 20 calls, and the reported
// ms/tick is the median of the ops' means.
func BenchmarkCountdownTick(b *testing.B) {
	const entries = 5000
	for _, page := range []struct{ name, root string }{{"board", Board}, {"view", View}} {
		b.Run(page.name, func(b *testing.B) {
			s, inc, _ := startLongIncident(b, "Countdown tick", entries)
			ctx := newWindow(b, 1280, 900)
			link := inc.ViewURL
			if page.root == Board {
				link = inc.EditURL
				run(b, ctx, "storing a display name",
					chromedp.Navigate(s.url()+"/"),
					chromedp.Evaluate[chromedp.Void](`localStorage.setItem('sitrep.name', 'bench')`))
			}
			run(b, ctx, "loading the page",
				chromedp.Navigate(s.url()+link),
				chromedp.WaitVisible(chromedp.CSS(page.root+`[data-loaded="true"]`)))
			waitAllTimelineRows(b, ctx, entries)

			var ticks []float64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				ms, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`(async () => {
					const ticker = await import('/static/js/ticker.js');
					const start = performance.now();
					for (let i = 0; i < 20; i++) ticker.tick();
					return (performance.now() - start) / 20;
				})()`, chromedp.EvalAsValue, chromedp.EvalAwaitPromise))
				if err != nil {
					b.Fatalf("timing the ticker: %v", err)
				}
				ticks = append(ticks, ms)
			}
			b.StopTimer()
			slices.Sort(ticks)
			b.ReportMetric(ticks[len(ticks)/2], "ms/tick")
		})
	}
}
