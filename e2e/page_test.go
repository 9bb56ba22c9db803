package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
)

// created is the answer to POST /api/incidents.
type created struct {
	ID           string `json:"id"`
	EditURL      string `json:"editUrl"`
	ViewURL      string `json:"viewUrl"`
	CountdownURL string `json:"countdownUrl"`
	EditToken    string `json:"editToken"`
	ViewToken    string `json:"viewToken"`
}

// declare creates an incident through the HTTP API.
func declare(t testing.TB, s *sitrep, title, severity string) created {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"title": title, "severity": severity, "by": "sonia"})
	resp, err := http.Post(s.url()+"/api/incidents", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("declaring an incident answered %d", resp.StatusCode)
	}
	var c created
	if err := json.NewDecoder(resp.Body).Decode(&c); err != nil {
		t.Fatal(err)
	}
	return c
}

// apiIncident reads the incident as the token's holder sees it.
func apiIncident(t *testing.T, s *sitrep, id, tok string) (seq int64, records []map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.url()+"/api/incidents/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Seq     int64            `json:"seq"`
		Records []map[string]any `json:"records"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out.Seq, out.Records
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// openBoard opens an edit link, picks the display name and waits until the
// board is live.
func openBoard(ctx context.Context, base, link, name string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return chromedp.Do(ctx,
		chromedp.Navigate(base+link),
		chromedp.WaitVisible(chromedp.CSS(NameInput)),
		chromedp.SendKeys(chromedp.CSS(NameInput), name),
		chromedp.Click(chromedp.CSS(NameSave)),
		chromedp.WaitVisible(chromedp.CSS(ConnectionLive)),
		chromedp.WaitVisible(chromedp.CSS(Board+`[data-loaded="true"]`)),
	)
}

// field is one value to enter in a form: text is typed, a select is chosen
// and a checkbox ticked.
type field struct{ name, value string }

// addItem fills a section's add form and submits it, as a person would.
func addItem(ctx context.Context, list string, fields ...field) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	form := Section(list) + " " + AddForm + " "
	var steps []chromedp.Action[chromedp.Void]
	for _, f := range fields {
		sel := form + AddField(f.name)
		steps = append(steps, setControl(sel, f.value))
	}
	steps = append(steps, chromedp.Click(chromedp.CSS(form+AddSubmit)))
	if err := chromedp.Do(ctx, steps...); err != nil {
		return fmt.Errorf("adding to %s: %w", list, err)
	}
	return nil
}

// setControl enters value into the control matched by sel: it types into
// text inputs and text areas and chooses an option of a select.
func setControl(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		tag, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(`+jsString(sel)+`).tagName`))
		if err != nil {
			return err
		}
		if tag == "SELECT" {
			_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
				const el = document.querySelector(`+jsString(sel)+`);
				el.value = `+jsString(value)+`;
				el.dispatchEvent(new Event('input', {bubbles: true}));
				el.dispatchEvent(new Event('change', {bubbles: true}));
				return true;
			})()`))
			return err
		}
		return chromedp.Do(ctx,
			chromedp.WaitVisible(chromedp.CSS(sel)),
			chromedp.Evaluate[chromedp.Void](`document.querySelector(`+jsString(sel)+`).select()`),
			chromedp.SendKeys(chromedp.CSS(sel), value),
		)
	})
}

// editField changes a field of an existing row, or of the header when
// rowID is empty, and leaves the field so the change is sent.
func editField(ctx context.Context, list, rowID, name, value string) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	scope := Section(list) + " "
	if rowID != "" {
		scope += RowByID(rowID) + " "
	}
	sel := scope + Field(name)
	err := chromedp.Do(ctx,
		setControl(sel, value),
		chromedp.Evaluate[chromedp.Void](`document.querySelector(`+jsString(sel)+`).blur()`),
	)
	if err != nil {
		return fmt.Errorf("editing %s %s %s: %w", list, rowID, name, err)
	}
	return nil
}

// tick clicks the checkbox of a checklist or follow-up item.
func tick(ctx context.Context, list, rowID string) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	return chromedp.Do(ctx, chromedp.Click(chromedp.CSS(Section(list)+" "+RowByID(rowID)+" "+Field("done"))))
}

// rowWith returns the id of the row of list whose field holds value,
// waiting up to 20 seconds for it to appear.
func rowWith(ctx context.Context, list, name, value string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Poll[string](`(() => {
		for (const row of document.querySelectorAll(`+jsString(Section(list)+" "+Row)+`)) {
			const f = row.querySelector(`+jsString(Field(name))+`);
			if (f && f.value === `+jsString(value)+`) return row.dataset.id;
		}
		return null;
	})()`, chromedp.WithPollingInterval(50*time.Millisecond)))
}

// waitSeq waits until the page's root shows sequence number seq.
func waitSeq(t *testing.T, ctx context.Context, root string, seq int64) {
	t.Helper()
	waitCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	_, err := chromedp.Run(waitCtx, chromedp.Poll[bool](
		fmt.Sprintf(`(() => { const r = document.querySelector(%s); return !!r && r.dataset.seq === "%d"; })()`, jsString(root), seq),
		chromedp.WithPollingInterval(50*time.Millisecond)))
	if err != nil {
		got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector(`+jsString(root)+`) || {dataset: {}}).dataset.seq || ""`))
		t.Fatalf("%s did not reach seq %d (at %q): %v", root, seq, got, err)
	}
}

// boardContents returns every row of every section of the board page with
// its field values, keyed by list, in the order shown.
const boardContentsJS = `(() => {
	const out = {};
	for (const section of document.querySelectorAll('[data-test="section"]')) {
		const list = section.dataset.list;
		const rows = [];
		const scopes = list === 'header' ? [section] : section.querySelectorAll('[data-test="rows"] > [data-test="row"]');
		for (const row of scopes) {
			const values = {};
			for (const f of row.querySelectorAll('[data-test="field"]')) {
				if (list === 'header' && f.closest('[data-test="row"]')) continue;
				values[f.dataset.field] = f.type === 'checkbox' ? String(f.checked) : f.value;
			}
			rows.push({id: row.dataset.id || 'header', values});
		}
		out[list] = rows;
	}
	return JSON.stringify(out);
})()`

func boardContents(t *testing.T, ctx context.Context) map[string][]map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](boardContentsJS))
	if err != nil {
		t.Fatal(err)
	}
	var out map[string][]map[string]any
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// pageText returns the visible text of the element matched by sel.
func pageText(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(`+jsString(sel)+`).innerText`))
	if err != nil {
		t.Fatal(err)
	}
	return text
}

// utcClock formats t the way a person types a full UTC time.
func utcClock(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") }

func containsAll(text string, parts ...string) []string {
	var missing []string
	for _, p := range parts {
		if !strings.Contains(text, p) {
			missing = append(missing, p)
		}
	}
	return missing
}

// waitSent waits until the board is live with no edit waiting for the
// server's confirmation.
func waitSent(t *testing.T, ctx context.Context) {
	t.Helper()
	waitCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	sel := ConnectionLive + `[data-pending-count="0"]`
	if err := chromedp.Do(waitCtx, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		t.Fatalf("edits still pending after 30s: %v", err)
	}
}

// screenshot saves a full-page PNG of the window into the folder named by
// SITREP_E2E_SHOTS, when it is set, for looking at what a test saw.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("SITREP_E2E_SHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Errorf("screenshot %s: %v", name, err)
	}
}

// pageState is what a page shows of its connection.
type pageState struct {
	Seq     string `json:"seq"`
	State   string `json:"state"`
	Pending string `json:"pending"`
}

func readPageState(ctx context.Context, root string) (pageState, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify((() => {
		const r = document.querySelector(`+jsString(root)+`);
		const c = document.querySelector(`+jsString(Connection)+`);
		return {seq: r ? r.dataset.seq || "" : "", state: c ? c.dataset.state || "" : "", pending: c ? c.dataset.pendingCount || "" : ""};
	})())`))
	if err != nil {
		return pageState{}, err
	}
	var st pageState
	err = json.Unmarshal([]byte(raw), &st)
	return st, err
}

// converge waits until no window has an edit pending and every window shows
// the sequence number the server holds, and returns that number. windows
// maps each window to the selector of its page's root.
func converge(t *testing.T, s *sitrep, inc created, windows map[string]window) int64 {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		seq, _ := apiIncident(t, s, inc.ID, inc.EditToken)
		want := strconv.FormatInt(seq, 10)
		states := map[string]pageState{}
		done := true
		for name, w := range windows {
			st, err := readPageState(w.ctx, w.root)
			if err != nil {
				t.Fatalf("reading %s's page: %v", name, err)
			}
			states[name] = st
			if st.Seq != want || st.State != "live" || (st.Pending != "0" && st.Pending != "") {
				done = false
			}
		}
		if done {
			return seq
		}
		if time.Now().After(deadline) {
			t.Fatalf("windows did not converge on seq %d within 30s: %+v", seq, states)
		}
		// Each round reads the server and every window again; the pause
		// only spaces the rounds.
		time.Sleep(100 * time.Millisecond)
	}
}

// window is a browser window and the root selector of the page it shows.
type window struct {
	ctx  context.Context
	root string
}

// void drops an action's value so it can run among other steps.
func void[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := a(ctx, t)
		return chromedp.Void{}, err
	}
}

// cdpCall sends one DevTools protocol command to the window's page.
func cdpCall[P, R any](ctx context.Context, t *chromedp.Target, c cdp.Command[P, R], params P) (R, error) {
	return cdp.Call(ctx, t, c, params)
}

// equalJSON reports whether two decoded JSON values are equal.
func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// TestStatusWaitsForTheName opens an edit link in a browser that holds no
// display name: while the name prompt is open the board has not connected,
// and its status must show that rather than "connecting…".
func TestStatusWaitsForTheName(t *testing.T) {
	s := startSitrep(t)
	inc := declare(t, s, "Checkout returning 503", "P1")
	w := newWindow(t, 1280, 900)
	run(t, w, "open the edit link", chromedp.Navigate(s.url()+inc.EditURL), chromedp.WaitVisible(chromedp.CSS(NameInput)))
	if got := pageText(t, w, `[data-test="connection"]`); got != "waiting for your name" {
		t.Errorf("status %q while the name prompt is open, want \"waiting for your name\"", got)
	}
}
