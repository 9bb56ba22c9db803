package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestHomePageDeclaresAndLists(t *testing.T) {
	s := startSitrep(t)
	other := declare(t, s, "Search results are stale", "P2")
	w := newWindow(t, 1280, 1000)
	run(t, w, "declare an incident on the home page",
		chromedp.Navigate(s.url()+"/"),
		chromedp.WaitVisible(chromedp.CSS(Incident+`[data-id="`+other.ID+`"]`)),
		chromedp.SendKeys(chromedp.CSS(DeclareTitle), "Checkout flow returning 503"),
		chromedp.Click(chromedp.CSS(DeclareSeverityOption+`[value="P1"]`)),
		chromedp.SendKeys(chromedp.CSS(DeclareBy), "sonia"),
		chromedp.Click(chromedp.CSS(DeclareSubmit)),
		chromedp.WaitVisible(chromedp.CSS(Board+`[data-loaded="true"]`)),
	)
	loc, err := chromedp.Run(w, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(loc, "/incidents/INC-") || !strings.Contains(loc, "#key=") {
		t.Fatalf("declaring led to %s, want the new board's edit link", loc)
	}
	if sev := pageText(t, w, Section("header")+" "+SeverityMeaning); !strings.HasPrefix(sev, "Major") {
		t.Errorf("severity meaning %q, want the P1 meaning", sev)
	}

	// Back home, the new incident is listed with a link this browser
	// holds; the other one, declared elsewhere, says to ask for its link.
	run(t, w, "open the home page again",
		chromedp.Navigate(s.url()+"/"),
		chromedp.WaitVisible(chromedp.CSS(Incident+" "+OpenBoard)),
		chromedp.WaitVisible(chromedp.CSS(Incident+`[data-id="`+other.ID+`"] `+NoLink)))
	list := pageText(t, w, IncidentList)
	if missing := containsAll(list, "Checkout flow returning 503", "Search results are stale", other.ID); len(missing) > 0 {
		t.Errorf("the incident list lacks %q", missing)
	}
}

// TestDeclareShowsActiveLookalike declares an outage that is
// already active under a longer title: the first press must point to the
// existing incident and stay on the page, and a second press declares.
func TestDeclareShowsActiveLookalike(t *testing.T) {
	s := startSitrep(t)
	existing := declare(t, s, "Checkout returning 503 for card payments", "P0")
	w := newWindow(t, 1280, 1000)
	run(t, w, "declare a lookalike",
		chromedp.Navigate(s.url()+"/"),
		chromedp.WaitVisible(chromedp.CSS(Incident+`[data-id="`+existing.ID+`"]`)),
		chromedp.SendKeys(chromedp.CSS(DeclareTitle), "checkout returning  503"),
		chromedp.SendKeys(chromedp.CSS(DeclareBy), "sonia"),
		chromedp.Click(chromedp.CSS(DeclareSubmit)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="duplicate"][data-id="`+existing.ID+`"]`)))
	loc, err := chromedp.Run(w, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(loc, "/incidents/") {
		t.Fatalf("the first press declared and opened %s, want the lookalike shown first", loc)
	}
	run(t, w, "declare it anyway",
		chromedp.Click(chromedp.CSS(DeclareSubmit)),
		chromedp.WaitVisible(chromedp.CSS(Board+`[data-loaded="true"]`)))
	if loc, _ = chromedp.Run(w, chromedp.Location()); strings.Contains(loc, existing.ID) {
		t.Errorf("declaring anyway opened the existing incident %s", loc)
	}
}
