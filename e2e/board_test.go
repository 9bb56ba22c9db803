package e2e

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// step is one thing a person does on the board.
type step func(ctx context.Context) error

// together runs each person's steps in their own browser at the same time,
// as on a real call, and fails the test with every error seen.
func together(t *testing.T, people map[context.Context][]step) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for ctx, steps := range people {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, s := range steps {
				if err := s(ctx); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		t.FailNow()
	}
}

func add(list string, fields ...field) step {
	return func(ctx context.Context) error { return addItem(ctx, list, fields...) }
}

func edit(list, rowID, name, value string) step {
	return func(ctx context.Context) error { return editField(ctx, list, rowID, name, value) }
}

// editRow edits a field of the row of list whose match field holds value.
func editRow(list, matchField, matchValue, name, value string) step {
	return func(ctx context.Context) error {
		id, err := rowWith(ctx, list, matchField, matchValue)
		if err != nil {
			return fmt.Errorf("finding %s %q: %w", list, matchValue, err)
		}
		return editField(ctx, list, id, name, value)
	}
}

func tickItem(list, rowID string) step {
	return func(ctx context.Context) error { return tick(ctx, list, rowID) }
}

// TestExampleIncidentTwoEditorsAndStakeholder runs a whole incident call:
// two editors enter every section at the same time, the server restarts in
// the middle, and a stakeholder follows along read-only.
func TestExampleIncidentTwoEditorsAndStakeholder(t *testing.T) {
	s := startSitrep(t)
	inc := declare(t, s, "Checkout flow returning 503", "P0")
	sonia := newWindow(t, 1280, 1600)
	raj := newWindow(t, 1280, 1600)
	stakeholder := newWindow(t, 1024, 1200)

	if err := openBoard(sonia, s.url(), inc.EditURL, "sonia"); err != nil {
		t.Fatal(err)
	}
	if err := openBoard(raj, s.url(), inc.EditURL, "raj"); err != nil {
		t.Fatal(err)
	}
	run(t, stakeholder, "open the stakeholder view",
		chromedp.Navigate(s.url()+inc.ViewURL),
		chromedp.WaitVisible(chromedp.CSS(View+`[data-loaded="true"]`)))

	// The example's clock, laid out around the moment the test declared.
	base := time.Now().UTC().Truncate(time.Minute).Add(-10 * time.Minute)
	at := func(minutes int) string { return utcClock(base.Add(time.Duration(minutes) * time.Minute)) }

	together(t, map[context.Context][]step{
		sonia: {
			edit("header", "", "customerImpact", "Checkout answers 503 for about 40% of users, around 2,400 transactions an hour"),
			edit("header", "", "affectedServices", "payments-api, order-service"),
			edit("header", "", "statusPageText", "Investigating elevated checkout errors"),
			// Recording when it went out makes the text public.
			edit("header", "", "statusPagePostedAt", at(7)),
			add("timeline", field{"at", at(0)}, field{"text", "Alert: payments-api p99 latency above 8s"}),
			add("timeline", field{"at", at(3)}, field{"text", "@raj on call, acknowledged the alert"}),
			add("timeline", field{"at", at(5)}, field{"text", "Declared P0 by @raj, @sonia takes command"}),
			add("timeline", field{"at", at(7)}, field{"text", "@raj sees 503s only on /v1/checkout"}),
		},
		raj: {
			add("services", field{"name", "payments-api"}, field{"state", "degraded"}, field{"note", "503 on about 40% of checkout calls, pool at 100%"}),
			add("services", field{"name", "order-service"}, field{"state", "degraded"}, field{"note", "errors follow from payments-api"}),
			add("services", field{"name", "auth-service"}, field{"state", "healthy"}),
			add("services", field{"name", "catalog-service"}, field{"state", "healthy"}),
			add("hypotheses", field{"text", "Slow queries exhaust the connection pool"}, field{"owner", "@raj"}),
			add("hypotheses", field{"text", "Memory leak in v2.14.1"}, field{"owner", "@kim"}),
		},
	})
	windows := map[string]window{"sonia": {sonia, Board}, "raj": {raj, Board}, "stakeholder": {stakeholder, View}}
	converge(t, s, inc, windows)

	// The server restarts in the middle of the call; every window comes
	// back on its own and the call goes on.
	s.restart()
	for name, ctx := range map[string]context.Context{"sonia": sonia, "raj": raj} {
		waitCtx, cancel := context.WithTimeout(ctx, 45*time.Second)
		if err := chromedp.Do(waitCtx, chromedp.WaitVisible(chromedp.CSS(ConnectionLive))); err != nil {
			t.Fatalf("%s's board is not live after the restart: %v", name, err)
		}
		cancel()
	}

	together(t, map[context.Context][]step{
		sonia: {
			add("timeline", field{"at", at(12)}, field{"text", "Status page updated, incident channel opened"}),
			add("timeline", field{"at", at(17)}, field{"text", "Pool exhaustion found in payments-api logs"}),
			add("timeline", field{"at", at(24)}, field{"text", "@kim raised the pool size by config, no change"}),
			edit("roles", "role-1", "person", "@sonia"),
			edit("roles", "role-2", "person", "@raj"),
			edit("roles", "role-3", "person", "@support-lead"),
			edit("roles", "role-4", "person", "@sonia"),
			edit("updates", "update-1", "due", at(57)),
			edit("updates", "update-2", "due", at(42)),
			add("actionItems", field{"owner", "@raj"}, field{"action", "Add the orders.customer_id index and check it in staging"}, field{"due", "ASAP"}, field{"status", "in-progress"}),
			add("actionItems", field{"owner", "@sonia"}, field{"action", "Post the next status page update"}, field{"due", at(42)}),
			add("actionItems", field{"owner", "TBD"}, field{"action", "Book the postmortem within 48 hours of resolving"}, field{"due", "after resolution"}),
			tickItem("checklist", "check-1"),
			tickItem("checklist", "check-2"),
			edit("checklist", "check-3", "link", "https://chat.example.com/incident-0312"),
			tickItem("checklist", "check-3"),
		},
		raj: {
			add("hypotheses", field{"text", "Stripe rate limits our calls"}, field{"owner", "@kim"}),
			add("hypotheses", field{"text", "Traffic above what the pool can hold"}, field{"owner", "@raj"}),
			editRow("hypotheses", "text", "Memory leak in v2.14.1", "state", "ruled-out"),
			editRow("hypotheses", "text", "Memory leak in v2.14.1", "note", "heap stays flat in the metrics"),
			editRow("hypotheses", "text", "Slow queries exhaust the connection pool", "state", "investigating"),
			add("actions", field{"at", at(24)}, field{"action", "Raised the DB pool size to 200"}, field{"owner", "@kim"}, field{"result", "No change, the pool stays exhausted"}),
			add("actions", field{"at", at(32)}, field{"action", "Pulled the slow query log"}, field{"owner", "@raj"}, field{"result", "Three queries average 12s"}),
			add("actions", field{"at", at(37)}, field{"action", "Found the missing index on orders.customer_id"}, field{"owner", "@raj"}, field{"result", "Likely cause, fix in preparation"}),
			tickItem("followUp", "follow-4"),
		},
	})

	seq := converge(t, s, inc, windows)
	_, records := apiIncident(t, s, inc.ID, inc.EditToken)

	soniaSees, rajSees := boardContents(t, sonia), boardContents(t, raj)
	if !reflect.DeepEqual(soniaSees, rajSees) {
		t.Errorf("the two editors' boards differ:\nsonia: %v\nraj:   %v", soniaSees, rajSees)
	}
	counts := map[string]int{}
	written := 0 // timeline entries people wrote, without the declaration and the others the server added
	for _, r := range records {
		if r["deleted"] != true {
			counts[r["list"].(string)]++
			if kind := r["fields"].(map[string]any)["kind"]; r["list"] == "timeline" && (kind == "note" || kind == "alert") {
				written++
			}
		}
	}
	if written != 7 {
		t.Errorf("timeline holds %d entries people wrote, want 7", written)
	}
	for list, rows := range soniaSees {
		if list != "header" && len(rows) != counts[list] {
			t.Errorf("%s: the board shows %d rows, the server holds %d", list, len(rows), counts[list])
		}
	}
	wantCounts := map[string]int{"services": 4, "hypotheses": 4, "actions": 3, "actionItems": 3}
	for list, n := range wantCounts {
		if counts[list] != n {
			t.Errorf("%s holds %d records, want %d", list, counts[list], n)
		}
	}
	ruledOut, err := rowWith(raj, "hypotheses", "text", "Memory leak in v2.14.1")
	if err != nil {
		t.Fatal(err)
	}
	if state := pageText(t, sonia, Section("hypotheses")+" "+RowByID(ruledOut)+" "+HypothesisState); !strings.Contains(state, "ruled out") {
		t.Errorf("the ruled-out hypothesis shows %q", state)
	}

	// The stakeholder saw every public edit and has nothing to edit with.
	viewText := pageText(t, stakeholder, View)
	if missing := containsAll(viewText, "Checkout flow returning 503", "about 40% of users", "payments-api",
		"Investigating elevated checkout errors", "Alert: payments-api p99 latency above 8s",
		"@kim raised the pool size by config, no change", "Internal sync"); len(missing) > 0 {
		t.Errorf("the stakeholder view lacks %q", missing)
	}
	if missing := containsAll(viewText, "Slow queries exhaust"); len(missing) == 0 {
		t.Error("the stakeholder view shows hypotheses")
	}
	controls, err := chromedp.Run(stakeholder, chromedp.Evaluate[int](
		`document.querySelectorAll('input, textarea, select, button, form, [contenteditable]').length`))
	if err != nil {
		t.Fatal(err)
	}
	if controls != 0 {
		t.Errorf("the stakeholder view has %d controls", controls)
	}
	html, err := chromedp.Run(stakeholder, chromedp.Evaluate[string](
		`document.documentElement.outerHTML + JSON.stringify(Object.assign({}, localStorage)) + location.href`))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(html, inc.EditToken) {
		t.Error("the stakeholder's page holds the edit token")
	}

	screenshot(t, sonia, "board")
	screenshot(t, stakeholder, "stakeholder")

	// A reload after the restart brings back the same board.
	run(t, raj, "reload raj's board", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(ConnectionLive)))
	waitSeq(t, raj, Board, seq)
	if again := boardContents(t, raj); !reflect.DeepEqual(again, soniaSees) {
		t.Errorf("after a reload raj's board differs:\nbefore: %v\nafter:  %v", soniaSees, again)
	}
}
