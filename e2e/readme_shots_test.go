package e2e

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// TestReadmeScreenshots regenerates the README's pictures from the real
// binary in headless Chromium. It runs only when SITREP_README_SHOTS is set:
// "1" writes into docs/images, any other value names the folder to write to.
//
//	SITREP_README_SHOTS=1 go test ./e2e -run TestReadmeScreenshots
func TestReadmeScreenshots(t *testing.T) {
	dir := os.Getenv("SITREP_README_SHOTS")
	if dir == "" {
		t.Skip("set SITREP_README_SHOTS=1 to regenerate docs/images")
	}
	if dir == "1" {
		dir = filepath.Join("..", "docs", "images")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s := startSitrep(t)
	inc := seedExample(t, s)

	shots := []struct {
		name          string
		width, height int
		open          func(ctx context.Context) error
	}{
		{"board", 1440, 1360, func(ctx context.Context) error { return openBoard(ctx, s.url(), inc.EditURL, "sonia") }},
		{"board-phone", 360, 740, func(ctx context.Context) error { return openBoard(ctx, s.url(), inc.EditURL, "raj") }},
		{"stakeholder", 1024, 1000, func(ctx context.Context) error {
			return chromedp.Do(ctx, chromedp.Navigate(s.url()+inc.ViewURL), chromedp.WaitVisible(chromedp.CSS(View+`[data-loaded="true"]`)))
		}},
		{"countdown", 1280, 720, func(ctx context.Context) error {
			return chromedp.Do(ctx, chromedp.Navigate(s.url()+inc.CountdownURL),
				chromedp.WaitVisible(chromedp.CSS(CountdownPage+`[data-loaded="true"]`)), chromedp.WaitVisible(chromedp.CSS(ConnectionLive)))
		}},
	}
	for _, shot := range shots {
		w := newWindow(t, shot.width, shot.height)
		// The window alone does not go below about 500 px wide, so the
		// viewport is set exactly.
		run(t, w, "size the "+shot.name, chromedp.EmulateViewport(int64(shot.width), int64(shot.height)))
		run(t, w, "open the "+shot.name, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error { return shot.open(ctx) }))
		// Move focus and the pointer out of the picture, so no control shows
		// a focus ring or hover state.
		run(t, w, "blur the "+shot.name, chromedp.Evaluate[chromedp.Void](`document.activeElement && document.activeElement.blur()`),
			chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, 0, 0))
		png, err := chromedp.Run(w, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatalf("screenshot of the %s: %v", shot.name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, shot.name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
