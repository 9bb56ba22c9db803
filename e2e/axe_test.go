package e2e

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// axeVersion is the axe-core release the accessibility test runs, and .ci/run
// fetches the same one.
const axeVersion = "4.14.1"

// axeDir is where .ci/run, or the test itself through npm, puts axe.min.js.
// Git ignores it.
var axeDir = filepath.Join("testdata", "axe")

var (
	axeOnce   sync.Once
	axeSource string
	axeErr    error
)

// axeScript returns axe-core's source. It reads SITREP_AXE (a path to
// axe.min.js) or testdata/axe/axe.min.js, and when neither exists fetches
// the package with `npm pack` into testdata/axe. It fails the test, never
// skips it, when axe-core cannot be found or fetched.
func axeScript(t *testing.T) string {
	t.Helper()
	axeOnce.Do(func() { axeSource, axeErr = loadAxe() })
	if axeErr != nil {
		t.Fatalf("axe-core is missing, so the accessibility check cannot run: %v\n"+
			"Run `bash .ci/run`, or fetch it by hand: cd e2e/testdata/axe && npm pack axe-core@%s && "+
			"tar -xzf axe-core-%s.tgz --strip-components=1 package/axe.min.js", axeErr, axeVersion, axeVersion)
	}
	return axeSource
}

func loadAxe() (string, error) {
	path := os.Getenv("SITREP_AXE")
	if path == "" {
		path = filepath.Join(axeDir, "axe.min.js")
	}
	if data, err := os.ReadFile(path); err == nil {
		return string(data), nil
	} else if os.Getenv("SITREP_AXE") != "" {
		return "", fmt.Errorf("reading SITREP_AXE: %w", err)
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return "", fmt.Errorf("%s does not exist and npm is not installed (apt-get install -y npm)", path)
	}
	if err := os.MkdirAll(axeDir, 0o755); err != nil {
		return "", err
	}
	cmd := exec.Command(npm, "pack", "--silent", "axe-core@"+axeVersion)
	cmd.Dir = axeDir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("npm pack axe-core@%s failed: %v\n%s", axeVersion, err, out)
	}
	tgz := filepath.Join(axeDir, "axe-core-"+axeVersion+".tgz")
	defer os.Remove(tgz)
	source, err := extractFile(tgz, "package/axe.min.js")
	if err != nil {
		return "", fmt.Errorf("reading axe.min.js from %s: %w", tgz, err)
	}
	if err := os.WriteFile(path, source, 0o644); err != nil {
		return "", err
	}
	return string(source), nil
}

// extractFile returns the contents of the file name inside a .tgz archive.
func extractFile(archive, name string) ([]byte, error) {
	f, err := os.Open(archive)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s not found in the archive", name)
		}
		if err != nil {
			return nil, err
		}
		if h.Name == name {
			return io.ReadAll(tr)
		}
	}
}

// axeViolation is one failed axe-core rule with up to five of its elements.
type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

// runAxe injects axe-core through the DevTools protocol, which the page's
// Content-Security-Policy does not govern, and returns the serious and
// critical violations of the WCAG 2.0, 2.1 and 2.2 A and AA rules.
func runAxe(t *testing.T, ctx context.Context) []axeViolation {
	t.Helper()
	run(t, ctx, "inject axe-core", chromedp.Evaluate[chromedp.Void](axeScript(t)))
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, {
		runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']},
		resultTypes: ['violations'],
	}).then((r) => JSON.stringify(r.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => ({id: v.id, impact: v.impact, help: v.help,
			targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ' ' + (n.failureSummary || '').split('\n').slice(1).join(' '))}))))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("running axe-core: %v", err)
	}
	var out []axeViolation
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// colorScheme makes the window's pages see prefers-color-scheme as scheme.
func colorScheme(scheme string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdpCall(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		return err
	})
}

func TestAccessibilityEveryView(t *testing.T) {
	axeScript(t)
	s := startSitrep(t)
	inc := seedExample(t, s)
	locked := startSitrep(t, "SITREP_ACCESS_KEY=correct horse battery staple")

	views := []struct {
		name string
		open []chromedp.Action[chromedp.Void]
	}{
		{"home", []chromedp.Action[chromedp.Void]{chromedp.Navigate(s.url() + "/"), chromedp.WaitVisible(chromedp.CSS(Incident))}},
		{"signin", []chromedp.Action[chromedp.Void]{chromedp.Navigate(locked.url() + "/signin"), chromedp.WaitVisible(chromedp.CSS(SignInKey))}},
		{"board", []chromedp.Action[chromedp.Void]{chromedp.Navigate(s.url() + inc.EditURL), chromedp.WaitVisible(chromedp.CSS(ConnectionLive)),
			chromedp.WaitVisible(chromedp.CSS(Board + `[data-loaded="true"]`))}},
		{"board with quick entry", []chromedp.Action[chromedp.Void]{chromedp.Click(chromedp.CSS(QuickOpen)), chromedp.WaitVisible(chromedp.CSS(QuickEntry))}},
		{"board with shortcuts", []chromedp.Action[chromedp.Void]{chromedp.KeyEvent(kb.Escape), chromedp.WaitNotVisible(chromedp.CSS(QuickEntry)),
			chromedp.Click(chromedp.CSS(HelpOpen)), chromedp.WaitVisible(chromedp.CSS(HelpDialog))}},
		{"stakeholder view", []chromedp.Action[chromedp.Void]{chromedp.Navigate(s.url() + inc.ViewURL), chromedp.WaitVisible(chromedp.CSS(View + `[data-loaded="true"]`))}},
		{"countdown", []chromedp.Action[chromedp.Void]{chromedp.Navigate(s.url() + inc.CountdownURL), chromedp.WaitVisible(chromedp.CSS(ConnectionLive))}},
	}
	for _, scheme := range []string{"light", "dark"} {
		t.Run(scheme, func(t *testing.T) {
			w := newWindow(t, 1280, 900)
			// The board asks for a display name once per browser.
			if err := openBoard(w, s.url(), inc.EditURL, "sonia"); err != nil {
				t.Fatal(err)
			}
			run(t, w, "emulate "+scheme, colorScheme(scheme))
			for _, v := range views {
				run(t, w, "open the "+v.name, v.open...)
				for _, violation := range runAxe(t, w) {
					t.Errorf("%s, %s: %s %s (%s):\n  %s", v.name, scheme, violation.Impact, violation.ID, violation.Help,
						strings.Join(violation.Targets, "\n  "))
				}
			}
		})
	}
}
