package e2e

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// skewClock makes every page the window opens believe the clock is off by
// skew, as on a laptop whose clock drifted, and puts it in another time zone.
func skewClock(t *testing.T, ctx context.Context, skew time.Duration, zone string) {
	t.Helper()
	script := fmt.Sprintf(`(() => {
		const skew = %d;
		const RealDate = Date;
		const realNow = RealDate.now.bind(RealDate);
		class SkewedDate extends RealDate {
			constructor(...args) { if (args.length === 0) super(realNow() + skew); else super(...args); }
			static now() { return realNow() + skew; }
		}
		globalThis.Date = SkewedDate;
	})();`, skew.Milliseconds())
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdpCall(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: script}); err != nil {
			return err
		}
		_, err := cdpCall(ctx, tg, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: zone})
		return err
	}))
	if err != nil {
		t.Fatal(err)
	}
}

var durationText = regexp.MustCompile(`^(due in|overdue by) (?:(\d+)h )?(?:(\d+)m )?(\d+)s$`)

// countdowns returns the seconds each countdown on the page shows, in page
// order: positive while due, negative once overdue.
func countdowns(t *testing.T, ctx context.Context, sel string) []int {
	t.Helper()
	labels, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll(`+jsString(sel)+`)].map((e) => e.dataset.text || e.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for _, l := range labels {
		m := durationText.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("countdown shows %q", l)
		}
		h, _ := strconv.Atoi(m[2])
		min, _ := strconv.Atoi(m[3])
		s, _ := strconv.Atoi(m[4])
		secs := h*3600 + min*60 + s
		if m[1] == "overdue by" {
			secs = -secs
		}
		out = append(out, secs)
	}
	return out
}

func TestCountdownFollowsServerClock(t *testing.T) {
	s := startSitrep(t)
	inc := declare(t, s, "Countdown across clocks", "P0")
	declared := time.Now()
	honest := newWindow(t, 1280, 800)
	skewed := newWindow(t, 1280, 800)
	skewClock(t, skewed, 7*time.Minute, "Asia/Kolkata")
	for name, ctx := range map[string]context.Context{"honest": honest, "skewed": skewed} {
		run(t, ctx, "open the countdown page in the "+name+" window",
			chromedp.Navigate(s.url()+inc.CountdownURL),
			chromedp.WaitVisible(chromedp.CSS(CountdownPage+`[data-loaded="true"]`)),
			chromedp.WaitVisible(chromedp.CSS(ConnectionLive)))
	}
	if title := pageText(t, honest, `[data-test="countdown-incident"]`); title != inc.ID+": Countdown across clocks" {
		t.Errorf("the countdown page is titled %q, want the id and the incident's title", title)
	}
	skewedNow, err := chromedp.Run(skewed, chromedp.Evaluate[float64](`Date.now()`))
	if err != nil {
		t.Fatal(err)
	}
	if off := time.UnixMilli(int64(skewedNow)).Sub(time.Now()); off < 6*time.Minute {
		t.Fatalf("the skewed window's clock is only %v ahead", off)
	}

	a, b := countdowns(t, honest, CountdownPage+" "+Countdown), countdowns(t, skewed, CountdownPage+" "+Countdown)
	if len(a) != 3 || len(b) != 3 {
		t.Fatalf("countdowns: honest %v, skewed %v; want three each", a, b)
	}
	// The P0 internal sync is due 15 minutes after declaring.
	want := int((15*time.Minute - time.Since(declared)).Seconds())
	for i := range a {
		if diff := a[i] - b[i]; diff < -2 || diff > 2 {
			t.Errorf("countdown %d: honest window %ds, skewed window %ds", i, a[i], b[i])
		}
	}
	if a[0] < want-3 || a[0] > want+3 {
		t.Errorf("internal sync shows %ds, want about %ds", a[0], want)
	}

	// An update whose time has passed turns overdue on every screen, in
	// words and not only in colour.
	board := newWindow(t, 1280, 1200)
	if err := openBoard(board, s.url(), inc.EditURL, "sonia"); err != nil {
		t.Fatal(err)
	}
	if err := editField(board, "updates", "update-1", "due", utcClock(time.Now().Add(-3*time.Minute))); err != nil {
		t.Fatal(err)
	}
	for name, ctx := range map[string]context.Context{"honest": honest, "skewed": skewed} {
		run(t, ctx, "wait for OVERDUE in the "+name+" window",
			void(chromedp.Poll[bool](`[...document.querySelectorAll(`+jsString(CountdownOverdue)+`)].some((e) => e.textContent.includes('OVERDUE'))`,
				chromedp.WithPollingInterval(50*time.Millisecond))))
	}
	run(t, board, "wait for the board's overdue countdown",
		chromedp.WaitVisible(chromedp.CSS(Section("updates")+" "+RowByID("update-1")+" "+Countdown+`[data-overdue="true"]`)))
	if got := countdowns(t, board, Section("updates")+" "+RowByID("update-1")+" "+Countdown); got[0] > -170 {
		t.Errorf("the board shows the overdue update at %ds, want about -180s", got[0])
	}
}
