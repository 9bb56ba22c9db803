package e2e

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/coder/websocket"
)

// BenchmarkFirstPaint measures how long the board page of an incident with
// many timeline entries takes to show in Chromium. The time runs from the
// start of the navigation to the frame after the first full render, which
// the page's "sitrep-first-paint" performance mark records. One op is one
// page load, and the reported ms/paint is the median.
func BenchmarkFirstPaint(b *testing.B) {
	for _, entries := range []int{10, 5000} {
		b.Run(fmt.Sprintf("entries=%d", entries), func(b *testing.B) {
			// The connection that added the entries stays open, as the
			// responders' boards are during an incident, so the server
			// keeps the incident loaded and each page load measures the
			// page, not loading the incident from the database.
			s, inc, _ := startLongIncident(b, "First paint", entries)
			ctx := newWindow(b, 1280, 900)
			run(b, ctx, "storing a display name",
				chromedp.Navigate(s.url()+"/"),
				chromedp.Evaluate[chromedp.Void](`localStorage.setItem('sitrep.name', 'bench')`))

			var paints []float64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				run(b, ctx, "loading the board",
					chromedp.Navigate(s.url()+inc.EditURL),
					chromedp.WaitVisible(chromedp.CSS(Board+`[data-loaded="true"]`)))
				paints = append(paints, firstPaintMs(b, ctx))
				// Reload from a blank page, so each load starts cold.
				run(b, ctx, "leaving the board", chromedp.Navigate("about:blank"))
			}
			b.StopTimer()
			slices.Sort(paints)
			b.ReportMetric(paints[len(paints)/2], "ms/paint")
		})
	}
}

// startLongIncident starts a server, declares an incident with title and
// adds entries timeline entries (item ids fp-item-0 and up). It returns the
// editor connection that added them, which stays open until the test ends.
// The entries go in far faster than a person types, so the per-connection
// message limit is lifted for this server.
func startLongIncident(t testing.TB, title string, entries int) (*sitrep, created, *websocket.Conn) {
	t.Helper()
	s := startSitrep(t, "SITREP_MESSAGE_RATE=1000000", "SITREP_MESSAGE_BURST=1000000")
	inc := declare(t, s, title, "P1")
	responder := addEntries(t, s, inc, entries)
	t.Cleanup(func() { responder.CloseNow() })
	return s, inc, responder
}

// addEntries adds n timeline entries through the websocket API, keeping up
// to 32 unconfirmed, and returns the open connection once the server has
// broadcast the last. A goroutine keeps reading it, so that the client
// library replies to the server's pings.
func addEntries(b testing.TB, s *sitrep, inc created, n int) *websocket.Conn {
	b.Helper()
	ctx := context.Background()
	ws, _, err := websocket.Dial(ctx, "ws://"+s.addr+"/api/incidents/"+inc.ID+"/ws", nil)
	if err != nil {
		b.Fatal(err)
	}
	ws.SetReadLimit(64 << 20)
	hello := `{"type":"hello","token":"` + inc.EditToken + `","name":"bench"}`
	if err := ws.Write(ctx, websocket.MessageText, []byte(hello)); err != nil {
		b.Fatal(err)
	}
	confirmed := make(chan error, 1)
	window := make(chan struct{}, 32)
	go func() {
		for got := 0; got < n; {
			_, msg, err := ws.Read(ctx)
			if err != nil {
				confirmed <- err
				return
			}
			if strings.HasPrefix(string(msg), `{"type":"error"`) {
				confirmed <- fmt.Errorf("adding an entry failed: %s", msg)
				return
			}
			if strings.HasPrefix(string(msg), `{"type":"change"`) {
				got++
				<-window
			}
		}
		confirmed <- nil
	}()
	for i := 0; i < n; i++ {
		select {
		case window <- struct{}{}:
		case err := <-confirmed:
			b.Fatalf("after %d entries: %v", i, err)
		}
		change := fmt.Sprintf(`{"type":"change","id":"fp%d","op":"add","list":"timeline","item":"fp-item-%d","fields":{"text":"Entry %d: payments-api p99 latency above 8s after the 14:02 deploy; rolling back"}}`, i, i, i)
		if err := ws.Write(ctx, websocket.MessageText, []byte(change)); err != nil {
			b.Fatal(err)
		}
	}
	if err := <-confirmed; err != nil {
		b.Fatal(err)
	}
	go func() {
		for {
			if _, _, err := ws.Read(ctx); err != nil {
				return
			}
		}
	}()
	return ws
}

// firstPaintMs waits for the page's "sitrep-first-paint" mark and returns
// its time in milliseconds since the navigation started.
func firstPaintMs(b *testing.B, ctx context.Context) float64 {
	b.Helper()
	pollCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	ms, err := chromedp.Run(pollCtx, chromedp.Poll[float64](
		`(() => { const m = performance.getEntriesByName('sitrep-first-paint'); return m.length ? m[0].startTime : 0; })()`,
		chromedp.WithPollingInterval(10*time.Millisecond)))
	if err != nil {
		b.Fatalf("reading the first-paint mark: %v", err)
	}
	return ms
}

// waitAllTimelineRows waits until the page shows a row for each of the
// entries and the incident's own "declared" entry.
func waitAllTimelineRows(b *testing.B, ctx context.Context, entries int) {
	b.Helper()
	pollCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	_, err := chromedp.Run(pollCtx, chromedp.Poll[bool](
		`document.querySelectorAll(`+jsString(Section("timeline")+" "+Rows+" > "+Row)+`).length === `+strconv.Itoa(entries+1),
		chromedp.WithPollingInterval(50*time.Millisecond)))
	if err != nil {
		b.Fatalf("the page did not show all %d timeline rows: %v", entries+1, err)
	}
}
