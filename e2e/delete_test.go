package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestDeleteRestoreUntilResolved deletes an action item on one board, sees
// it leave the other, restores it, and finds restoring refused once the
// incident is resolved.
func TestDeleteRestoreUntilResolved(t *testing.T) {
	s := startSitrep(t)
	inc := declare(t, s, "Delete and restore", "P2")
	sonia := newWindow(t, 1280, 1400)
	raj := newWindow(t, 1280, 1400)
	for name, ctx := range map[string]context.Context{"sonia": sonia, "raj": raj} {
		if err := openBoard(ctx, s.url(), inc.EditURL, name); err != nil {
			t.Fatal(err)
		}
	}
	if err := addItem(sonia, "actionItems", field{"owner", "@raj"}, field{"action", "Add the missing index"}); err != nil {
		t.Fatal(err)
	}
	id, err := rowWith(raj, "actionItems", "action", "Add the missing index")
	if err != nil {
		t.Fatal(err)
	}
	items := Section("actionItems") + " "
	run(t, raj, "delete the item on raj's board",
		chromedp.Click(chromedp.CSS(items+Rows+" "+RowByID(id)+" "+Delete)))
	run(t, sonia, "the item leaves sonia's list",
		chromedp.WaitNotPresent(chromedp.CSS(items+Rows+" "+RowByID(id))))
	run(t, sonia, "restore it from the deleted items",
		chromedp.Click(chromedp.CSS(items+ShowDeleted)),
		chromedp.Click(chromedp.CSS(items+DeletedRows+" "+RowByID(id)+" "+Restore)),
		chromedp.WaitVisible(chromedp.CSS(items+Rows+" "+RowByID(id))))
	run(t, raj, "the item is back on raj's board",
		chromedp.WaitVisible(chromedp.CSS(items+Rows+" "+RowByID(id))))

	run(t, raj, "delete it again", chromedp.Click(chromedp.CSS(items+Rows+" "+RowByID(id)+" "+Delete)))
	if err := editField(sonia, "header", "", "status", "resolved"); err != nil {
		t.Fatal(err)
	}
	converge(t, s, inc, map[string]window{"sonia": {sonia, Board}, "raj": {raj, Board}})
	run(t, sonia, "try to restore after resolving",
		chromedp.Click(chromedp.CSS(items+DeletedRows+" "+RowByID(id)+" "+Restore)),
		chromedp.WaitVisible(chromedp.CSS(Notice+`[data-kind="error"]`)))
	notice := pageText(t, sonia, Notices)
	if !strings.Contains(notice, "resolved") {
		t.Errorf("the refusal says %q, want it to mention the resolved incident", notice)
	}
	waitCtx, cancel := context.WithTimeout(sonia, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(waitCtx, chromedp.WaitNotPresent(chromedp.CSS(items+Rows+" "+RowByID(id)))); err != nil {
		t.Errorf("the refused restore left the item in the list: %v", err)
	}
}
