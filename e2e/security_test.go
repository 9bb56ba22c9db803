package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// scriptPayloads are texts that run script if a page renders them as HTML
// or as a link.
var scriptPayloads = []string{
	`<img src=x onerror=alert(1)>`,
	`<script>alert(1)</script>`,
	`<svg onload=alert(1)>`,
}

// watchDialogs counts the JavaScript dialogs (alert, confirm, prompt) that
// open in the window and dismisses each, so a page that runs alert(1) fails
// the test instead of hanging it.
func watchDialogs(t *testing.T, ctx context.Context) *atomic.Int32 {
	t.Helper()
	var count atomic.Int32
	opened := make(chan struct{}, 64)
	err := chromedp.Listen(ctx, func(ev any) {
		if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			count.Add(1)
			select {
			case opened <- struct{}{}:
			default:
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-opened:
				_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
			}
		}
	}()
	return &count
}

// unsafeMarkupJS counts what user text must never become: elements with
// event handler attributes, script elements beyond the page's own module,
// and javascript: links. The CSP would block most of them from running, so
// the test looks for them directly.
const unsafeMarkupJS = `(() => {
	const handlers = document.querySelectorAll('[onerror],[onload],[onclick]').length;
	const scripts = [...document.querySelectorAll('script')].filter((s) => !(s.type === 'module' && s.src.includes('/static/js/'))).length;
	const jsLinks = [...document.querySelectorAll('a[href]')].filter((a) => a.protocol !== 'http:' && a.protocol !== 'https:').length;
	return handlers + scripts + jsLinks;
})()`

func checkNoScript(t *testing.T, ctx context.Context, where string, dialogs *atomic.Int32) {
	t.Helper()
	unsafe, err := chromedp.Run(ctx, chromedp.Evaluate[int](unsafeMarkupJS))
	if err != nil {
		t.Fatal(err)
	}
	if unsafe != 0 {
		t.Errorf("%s holds %d elements made from user text (handlers, scripts or non-http links)", where, unsafe)
	}
	if n := dialogs.Load(); n != 0 {
		t.Errorf("%s opened %d JavaScript dialogs", where, n)
	}
}

type schemaList struct {
	Name   string `json:"name"`
	Single bool   `json:"single"`
	System bool   `json:"system"`
	Fields []struct {
		Name       string `json:"name"`
		Kind       string `json:"kind"`
		ServerOnly bool   `json:"serverOnly"`
	} `json:"fields"`
}

func boardSchema(t *testing.T, s *sitrep) []schemaList {
	t.Helper()
	resp, err := http.Get(s.url() + "/api/schema")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Lists []schemaList }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out.Lists
}

func TestScriptPayloadsShowAsText(t *testing.T) {
	s := startSitrep(t)
	inc := declare(t, s, scriptPayloads[1], "P1")
	ctx := newWindow(t, 1280, 900)
	dialogs := watchDialogs(t, ctx)
	if err := openBoard(ctx, s.url(), inc.EditURL, scriptPayloads[0]); err != nil {
		t.Fatal(err)
	}

	// Every text field of every list's add form, and of the header.
	next := 0
	payload := func() string {
		p := scriptPayloads[next%len(scriptPayloads)]
		next++
		return p
	}
	for _, l := range boardSchema(t, s) {
		// People cannot write system lists or server-only fields; the
		// server fills them from what people wrote elsewhere.
		if l.System {
			continue
		}
		var texts []string
		for _, f := range l.Fields {
			if f.Kind == "text" && !f.ServerOnly {
				texts = append(texts, f.Name)
			}
		}
		if l.Single {
			for _, name := range texts {
				if err := editField(ctx, l.Name, "", name, payload()); err != nil {
					t.Fatal(err)
				}
			}
			continue
		}
		// The add form holds some of the fields; the rest are edited on
		// the added row, found by a text unique to the list.
		inForm := addFormFields(t, ctx, l.Name)
		var fields, later []field
		for _, name := range texts {
			if inForm[name] {
				fields = append(fields, field{name, payload()})
			} else {
				later = append(later, field{name, payload()})
			}
		}
		if len(fields) == 0 {
			t.Fatalf("the add form of %s has no text field", l.Name)
		}
		fields[0].value += " " + l.Name
		if err := addItem(ctx, l.Name, fields...); err != nil {
			t.Fatal(err)
		}
		rowID, err := rowWith(ctx, l.Name, fields[0].name, fields[0].value)
		if err != nil {
			t.Fatalf("the %s row added with %q: %v", l.Name, fields[0].value, err)
		}
		for _, f := range later {
			if err := editField(ctx, l.Name, rowID, f.name, f.value); err != nil {
				t.Fatal(err)
			}
		}
	}
	// A javascript: link is refused before it is sent.
	if err := editField(ctx, "checklist", "check-1", "link", "javascript:alert(1)"); err != nil {
		t.Fatal(err)
	}
	waitSent(t, ctx)
	seq, records := apiIncident(t, s, inc.ID, inc.EditToken)
	for _, r := range records {
		if r["list"] == "checklist" && r["id"] == "check-1" {
			if link := r["fields"].(map[string]any)["link"]; link != "" {
				t.Errorf("the javascript: link was stored as %q", link)
			}
		}
	}
	waitSeq(t, ctx, Board, seq)
	checkNoScript(t, ctx, "the board", dialogs)
	contents := boardContents(t, ctx)
	if got := contents["header"][0]["values"].(map[string]any)["title"]; got != scriptPayloads[0] && got != scriptPayloads[1] && got != scriptPayloads[2] {
		t.Errorf("the header title shows %q, want a payload as typed", got)
	}
	boardText := pageText(t, ctx, Board)
	if missing := containsAll(boardText, scriptPayloads[0]); len(missing) > 0 {
		t.Errorf("the board's text lacks %q (presence shows the display name)", missing)
	}
	screenshot(t, ctx, "script-payloads-board")

	// The stakeholder view and the countdown screen show the same texts.
	viewCtx := newWindow(t, 1280, 900)
	viewDialogs := watchDialogs(t, viewCtx)
	run(t, viewCtx, "open the stakeholder view",
		chromedp.Navigate(s.url()+inc.ViewURL),
		chromedp.WaitVisible(chromedp.CSS(View+`[data-loaded="true"]`)))
	waitSeq(t, viewCtx, View, seq)
	checkNoScript(t, viewCtx, "the stakeholder view", viewDialogs)
	if missing := containsAll(pageText(t, viewCtx, View), scriptPayloads...); len(missing) > 0 {
		t.Errorf("the stakeholder view does not show %q as text", missing)
	}
	run(t, viewCtx, "open the countdown screen",
		chromedp.Navigate(s.url()+inc.CountdownURL),
		chromedp.WaitVisible(chromedp.CSS(CountdownPage+`[data-loaded="true"]`)))
	waitSeq(t, viewCtx, CountdownPage, seq)
	checkNoScript(t, viewCtx, "the countdown screen", viewDialogs)
	if text := pageText(t, viewCtx, CountdownPage); !strings.Contains(text, "<") {
		t.Errorf("the countdown screen shows no payload as text: %q", text)
	}

	// The home page lists the incident's title.
	run(t, viewCtx, "open the home page",
		chromedp.Navigate(s.url()+"/"),
		chromedp.WaitVisible(chromedp.CSS(Incident)))
	checkNoScript(t, viewCtx, "the home page", viewDialogs)
	title := ""
	for _, r := range records {
		if r["list"] == "header" {
			title, _ = r["fields"].(map[string]any)["title"].(string)
		}
	}
	if text := pageText(t, viewCtx, IncidentList); title == "" || !strings.Contains(text, title) {
		t.Errorf("the incident list does not show the title %q as text: %q", title, text)
	}
}

// addFormFields returns the names of the fields the add form of list holds.
func addFormFields(t *testing.T, ctx context.Context, list string) map[string]bool {
	t.Helper()
	sel := Section(list) + " " + AddForm + " " + AnyAddField
	names, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(`+jsString(sel)+`)].map((f) => f.dataset.field)`))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, n := range names {
		out[n] = true
	}
	return out
}

// waitText waits until the element matched by sel shows text containing want.
func waitText(t *testing.T, ctx context.Context, sel, want string) {
	t.Helper()
	waitCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	_, err := chromedp.Run(waitCtx, chromedp.Poll[bool](`(() => {
		const node = document.querySelector(`+jsString(sel)+`);
		return !!node && !node.hidden && node.textContent.includes(`+jsString(want)+`);
	})()`, chromedp.WithPollingInterval(50*time.Millisecond)))
	if err != nil {
		t.Fatalf("%s never showed %q: %v", sel, want, err)
	}
}

func TestRotateLinksFromBoard(t *testing.T) {
	s := startSitrep(t)
	inc := declare(t, s, "Links leaked to a public channel", "P1")
	ctx := newWindow(t, 1280, 900)
	if err := openBoard(ctx, s.url(), inc.EditURL, "sonia"); err != nil {
		t.Fatal(err)
	}
	viewer := newWindow(t, 1024, 768)
	run(t, viewer, "open the old stakeholder view",
		chromedp.Navigate(s.url()+inc.ViewURL),
		chromedp.WaitVisible(chromedp.CSS(View+`[data-loaded="true"]`)))
	colleague := newWindow(t, 1024, 768)
	if err := openBoard(colleague, s.url(), inc.EditURL, "raj"); err != nil {
		t.Fatal(err)
	}

	// New stakeholder link, with the keyboard.
	run(t, ctx, "issue a new stakeholder link",
		chromedp.Click(chromedp.CSS(Links+" > summary")),
		chromedp.Focus(chromedp.CSS(LinksNewView)),
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS(ShareViewURL)))
	viewURL, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(`+jsString(ShareViewURL)+`).value`))
	if err != nil {
		t.Fatal(err)
	}
	_, newView, _ := strings.Cut(viewURL, "#key=")
	if newView == "" || newView == inc.ViewToken {
		t.Fatalf("the Links area shows %q, want a new stakeholder link", viewURL)
	}
	waitText(t, viewer, Fatal, "link revoked")
	if status := apiStatus(t, s, inc.ID, inc.ViewToken); status != http.StatusNotFound {
		t.Errorf("the old view token answers %d, want 404", status)
	}

	// New edit link, after the confirm step.
	run(t, ctx, "issue a new edit link",
		chromedp.Click(chromedp.CSS(LinksNewEdit)),
		chromedp.WaitVisible(chromedp.CSS(LinksConfirmEdit)),
		chromedp.Click(chromedp.CSS(LinksConfirmEdit)))
	waitText(t, ctx, LinksStatus, "New edit link issued")
	location, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	_, newEdit, _ := strings.Cut(location, "#key=")
	if newEdit == "" || newEdit == inc.EditToken {
		t.Fatalf("the board's address is %q, want the new edit link", location)
	}
	waitText(t, colleague, Fatal, "link revoked")
	run(t, ctx, "wait until the board is live again", chromedp.WaitVisible(chromedp.CSS(ConnectionLive)))
	if err := addItem(ctx, "timeline", field{"text", "Rotated both links"}); err != nil {
		t.Fatal(err)
	}
	waitSent(t, ctx)
	_, records := apiIncident(t, s, inc.ID, newEdit)
	found := false
	for _, r := range records {
		if r["list"] == "timeline" && r["fields"].(map[string]any)["text"] == "Rotated both links" {
			found = true
		}
	}
	if !found {
		t.Error("the entry added after the rotation is not stored")
	}
	if status := apiStatus(t, s, inc.ID, inc.EditToken); status != http.StatusNotFound {
		t.Errorf("the old edit token answers %d, want 404", status)
	}
	stored, err := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.parse(localStorage.getItem('sitrep.links'))[`+jsString(inc.ID)+`].editUrl`))
	if err != nil || !strings.Contains(stored, newEdit) {
		t.Errorf("localStorage holds edit link %q (%v), want the new one", stored, err)
	}
}

// apiStatus returns the status of GET /api/incidents/{id} with tok.
func apiStatus(t *testing.T, s *sitrep, id, tok string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.url()+"/api/incidents/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestSignInWithAccessKey(t *testing.T) {
	s := startSitrep(t, "SITREP_ACCESS_KEY=correct horse battery staple")
	ctx := newWindow(t, 1024, 768)
	run(t, ctx, "open the home page without the key",
		chromedp.Navigate(s.url()+"/"),
		chromedp.WaitVisible(chromedp.CSS(SignInKey)),
		chromedp.SendKeys(chromedp.CSS(SignInKey), "wrong key"),
		chromedp.Click(chromedp.CSS(SignInSubmit)))
	waitText(t, ctx, SignInError, "invalid access key")
	run(t, ctx, "sign in with the right key",
		chromedp.Evaluate[chromedp.Void](`document.querySelector(`+jsString(SignInKey)+`).value = ''`),
		chromedp.SendKeys(chromedp.CSS(SignInKey), "correct horse battery staple\r"),
		chromedp.WaitVisible(chromedp.CSS(DeclareForm)))
	cookie, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.cookie`))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(cookie, "sitrep_access") {
		t.Error("page scripts can read the access cookie; it must be HTTP-only")
	}
}
