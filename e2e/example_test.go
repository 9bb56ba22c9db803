package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/sitrep/sitrep/board"
)

// seedExample declares the worked example incident (checkout answering 503
// because payments-api runs out of database connections) and fills every
// section through the websocket, so browser tests and the README screenshots
// start from a realistic board. Times are laid out around now, so the next
// updates count down.
func seedExample(t *testing.T, s *sitrep) created {
	t.Helper()
	inc := declare(t, s, "Checkout flow returning 503", "P0")
	client, err := dialClient(t, s, inc.ID, inc.EditToken, "sonia")
	if err != nil {
		t.Fatalf("connecting the seeding client: %v", err)
	}
	start := time.Now().UTC().Truncate(time.Minute).Add(-38 * time.Minute)
	at := func(minutes int) string { return board.FormatTime(start.Add(time.Duration(minutes) * time.Minute)) }

	var changes []map[string]any
	n := 0
	change := func(op, list, item string, fields map[string]any) {
		n++
		c := map[string]any{"id": fmt.Sprintf("seed-%03d", n), "op": op, "list": list, "item": item}
		if fields != nil {
			c["fields"] = fields
		}
		changes = append(changes, c)
	}
	add := func(list string, fields map[string]any) string {
		item := fmt.Sprintf("%s-%d", list, n+1)
		change("add", list, item, fields)
		return item
	}

	change("update", "header", "header", map[string]any{
		"customerImpact":     "About 40% of checkout attempts fail with a 503, roughly 2,400 transactions an hour",
		"affectedServices":   "payments-api, order-service",
		"statusPageText":     "We are looking into raised error rates at checkout. Next update within 30 minutes.",
		"statusPagePostedAt": at(12),
		"declaredAt":         at(5),
	})
	change("update", "timeline", "declared", map[string]any{"at": at(5), "text": "Declared P0 by @raj, @sonia is incident commander"})
	for _, e := range []struct {
		min  int
		text string
	}{
		{-5, "Alert fired: payments-api p99 latency over 8 s"},
		{-2, "@raj (on call) acknowledged the alert"},
		{4, "@raj: the 503s come only from /v1/checkout, other routes are clean"},
		{12, "Status page posted, #incident-0312 channel opened"},
		{17, "payments-api logs show the database connection pool exhausted"},
		{24, "@kim raised the pool size by config: no improvement"},
	} {
		add("timeline", map[string]any{"at": at(e.min), "text": e.text})
	}
	for _, svc := range [][3]string{
		{"payments-api", "degraded", "503 on about 40% of checkout calls, connection pool at 100%"},
		{"order-service", "degraded", "Errors follow from payments-api, not the cause"},
		{"auth-service", "healthy", ""},
		{"catalog-service", "healthy", ""},
	} {
		add("services", map[string]any{"name": svc[0], "state": svc[1], "note": svc[2]})
	}
	for _, h := range [][4]string{
		{"Slow queries hold connections until the pool runs dry", "@raj", "investigating", "Three queries average 12 s"},
		{"Memory leak in v2.14.1", "@kim", "ruled-out", "Heap stays flat in the metrics"},
		{"Stripe is rate-limiting our calls", "@kim", "open", "Checking the Stripe dashboard"},
		{"More traffic than the pool can serve", "", "ruled-out", "Load balancer shows normal volume"},
	} {
		add("hypotheses", map[string]any{"text": h[0], "owner": h[1], "state": h[2], "note": h[3]})
	}
	for _, a := range []struct {
		min                   int
		action, owner, result string
	}{
		{24, "Raised the DB pool size to 200", "@kim", "No change, the pool stays exhausted"},
		{32, "Pulled the slow query log", "@raj", "Three queries average 12 s"},
		{37, "Found the missing index on orders.customer_id", "@raj", "Likely cause, fix in preparation"},
	} {
		add("actions", map[string]any{"at": at(a.min), "action": a.action, "owner": a.owner, "result": a.result})
	}
	for id, person := range map[string]string{"role-1": "@sonia", "role-2": "@raj", "role-3": "@support-lead", "role-4": "@sonia"} {
		change("update", "roles", id, map[string]any{"person": person})
	}
	change("update", "updates", "update-1", map[string]any{"due": at(38 + 12)})
	change("update", "updates", "update-2", map[string]any{"due": at(38 + 4)})
	change("update", "updates", "update-3", map[string]any{"due": at(38 - 1)})
	for _, item := range [][4]string{
		{"@raj", "Add the orders.customer_id index and check it in staging", "ASAP", "in-progress"},
		{"@sonia", "Post the next status page update", "on the hour", "open"},
		{"", "Book the postmortem within 48 hours of resolving", "after resolution", "open"},
	} {
		add("actionItems", map[string]any{"owner": item[0], "action": item[1], "due": item[2], "status": item[3]})
	}
	for _, id := range []string{"check-1", "check-2", "check-3", "check-4"} {
		change("update", "checklist", id, map[string]any{"done": true})
	}
	if err := client.sendAll(changes, 30*time.Second); err != nil {
		t.Fatalf("seeding the example incident: %v", err)
	}
	return inc
}
