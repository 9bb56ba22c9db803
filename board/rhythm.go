package board

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Follow-up clocks that resolving an incident starts.
const (
	SummaryWithin    = 2 * time.Hour
	PostmortemWithin = 48 * time.Hour
	// autoQuote bounds how much of a person's text an automatic timeline
	// entry quotes, so the entry stays within MaxText.
	autoQuote = 300
)

// PostmortemRole is the role whose person must be named before an incident
// can be closed.
const PostmortemRole = "Postmortem owner"

// statusStamps maps a status to the header field that records when the
// incident first reached it.
var statusStamps = map[string]string{
	"identified": "identifiedAt",
	"monitoring": "mitigatedAt",
	"resolved":   "resolvedAt",
	"closed":     "closedAt",
}

// changeSet collects the records one change produces: the record it names
// first, then the records it implies. Each record is cloned once, so several
// consequences can build on one another.
type changeSet struct {
	board   *Board
	applied *Applied
	byKey   map[string]*Record
	order   []*Record
	added   int
}

// touch returns the record as the change leaves it so far, cloning it from
// the board on first use.
func (s *changeSet) touch(list, id string) (*Record, bool) {
	if r, ok := s.byKey[RecordKey(list, id)]; ok {
		return r, true
	}
	cur, ok := s.board.Get(list, id)
	if !ok {
		return nil, false
	}
	r := cur.Clone()
	s.byKey[r.Key()] = r
	s.order = append(s.order, r)
	return r, true
}

// set writes server-computed fields into r, keeping history like any edit.
func (s *changeSet) set(r *Record, fields map[string]any) *Error {
	list, _ := LookupList(r.List)
	return s.board.setFields(list, r, Change{Op: "derived", Fields: fields, System: true}, s.applied)
}

// create adds a new record of list with the given fields. It returns nil
// without adding when the incident already holds MaxRecords records.
func (s *changeSet) create(list, prefix string, fields map[string]any) (*Record, *Error) {
	if s.board.Len()+s.added+1 >= MaxRecords {
		return nil, nil
	}
	id := fmt.Sprintf("%s-%d-%02d", prefix, s.applied.Seq, s.added+1)
	for i := 0; i < 10; i++ {
		if _, taken := s.board.Get(list, id); !taken {
			break
		}
		id += "x"
	}
	a := s.applied
	r := &Record{List: list, ID: id, Fields: map[string]any{}, Meta: map[string]FieldMeta{},
		CreatedSeq: a.Seq, CreatedBy: a.By, CreatedAt: a.At}
	if err := s.set(r, fields); err != nil {
		return nil, err
	}
	s.added++
	s.byKey[r.Key()] = r
	s.order = append(s.order, r)
	return r, nil
}

// entry adds a timeline entry of kind at the change's time.
func (s *changeSet) entry(kind, text, audience string) *Error {
	fields := map[string]any{"at": FormatTime(s.applied.At), "text": clip(text, MaxText), "kind": kind}
	if audience != "" {
		fields["audience"] = clip(audience, MaxShortText)
	}
	_, err := s.create(ListTimeline, "auto", fields)
	return err
}

// clip shortens s to at most n bytes on a character boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// quote returns a person's text for an automatic entry, cut to autoQuote bytes.
func quote(s string) string { return clip(strings.TrimSpace(s), autoQuote) }

// Quote returns s without surrounding space, cut to at most n bytes on a
// character boundary with "…" marking the cut.
func Quote(s string, n int) string { return clip(strings.TrimSpace(s), n) }

// checkClientFields rejects what only the server may write: timeline entry
// kinds other than note and alert.
func checkClientFields(c Change) *Error {
	if c.System || c.List != ListTimeline {
		return nil
	}
	kind, given := c.Fields["kind"]
	if !given {
		return nil
	}
	if kind != EntryNote && kind != EntryAlert {
		return errorf("fields.kind", "%v is set by the server only, people add %q or %q entries", kind, EntryNote, EntryAlert)
	}
	return nil
}

// post records that an update went out to a next update's audience: the
// update's last text and time, and its next due time one cadence later.
// consequences adds the timeline entry and, for the status page, the
// header's status page text.
func (b *Board) post(list *List, c Change, a *Applied) (*Record, *Error) {
	if list.Name != ListUpdates {
		return nil, errorf("op", "post is only allowed on %s, not %s", ListUpdates, list.Name)
	}
	cur, ok := b.Get(c.List, c.Item)
	if !ok {
		return nil, errorf("item", "%s %q not found", c.List, c.Item)
	}
	if cur.Deleted {
		return nil, errorf("item", "%s %q is deleted; restore it before posting to it", c.List, c.Item)
	}
	for name := range c.Fields {
		if name != "text" {
			return nil, errorf("fields."+name, "is not allowed with op post, which takes fields.text only")
		}
	}
	text, ok := c.Fields["text"].(string)
	if !ok {
		return nil, errorf("fields.text", "is required with op post: the text of the update that went out")
	}
	if err := CheckText("fields.text", text, MaxText); err != nil {
		return nil, err
	}
	if isEmpty(text) {
		return nil, errorf("fields.text", "must not be empty")
	}
	if c.Before != "" {
		return nil, errorf("before", "is only allowed with op move")
	}
	rec := cur.Clone()
	fields := map[string]any{"lastPostedAt": FormatTime(a.At), "lastText": text, "due": b.nextDue(rec, a.At)}
	if err := b.setFields(list, rec, Change{Op: OpPost, Fields: fields, System: true}, a); err != nil {
		return nil, err
	}
	return rec, nil
}

// nextDue returns when an update falls due next if one is posted at from:
// one cadence later, or "" once the incident is resolved or without a cadence.
func (b *Board) nextDue(update *Record, from time.Time) string {
	cadence := update.IntField("cadence")
	if b.Resolved() || cadence <= 0 {
		return ""
	}
	return FormatTime(from.Add(time.Duration(cadence) * time.Minute))
}

// consequences adds to s what the change's own record implies: automatic
// timeline entries, status time stamps, update deadlines and follow-up
// clocks. It runs in Apply, so the records arrive on every screen together.
func (b *Board) consequences(c Change, s *changeSet) *Error {
	rec := s.order[0]
	if c.Op == OpPost {
		return b.postConsequences(rec, s)
	}
	if c.Op != OpAdd && c.Op != OpUpdate {
		return nil
	}
	var before *Record
	if cur, ok := b.Get(rec.List, rec.ID); ok {
		before = cur
	}
	old := func(field string) any {
		if before == nil {
			return nil
		}
		return before.Fields[field]
	}
	changed := func(field string) bool {
		_, now := rec.Fields[field]
		return now && old(field) != rec.Fields[field]
	}
	switch rec.List {
	case ListHeader:
		return b.headerConsequences(c, before, rec, s)
	case ListRoles:
		was := strings.TrimSpace(fmt.Sprint(orEmpty(old("person"))))
		if changed("person") && strings.TrimSpace(rec.Text("person")) != was {
			if was == "" {
				was = "nobody"
			}
			now := strings.TrimSpace(rec.Text("person"))
			if now == "" {
				now = "nobody"
			}
			return s.entry(EntryAuto, fmt.Sprintf("Owner of %s: %s (was %s)", quote(rec.Text("role")), quote(now), quote(was)), "")
		}
	case ListHypotheses:
		if changed("state") {
			switch rec.Text("state") {
			case "ruled-out":
				return s.entry(EntryAuto, "Hypothesis ruled out: "+quote(rec.Text("text")), "")
			case "confirmed":
				return s.entry(EntryAuto, "Hypothesis confirmed: "+quote(rec.Text("text")), "")
			}
		}
	case ListActionItems:
		if changed("status") && rec.Text("status") == "done" {
			return s.entry(EntryAuto, "Action item done: "+quote(rec.Text("action")), "")
		}
	case ListUpdates:
		_, dueGiven := c.Fields["due"]
		if !dueGiven && (changed("cadence") || c.Op == OpAdd) {
			return b.rescheduleOnCadence(c.Op, rec, s)
		}
	}
	return nil
}

func orEmpty(v any) any {
	if v == nil {
		return ""
	}
	return v
}

// rescheduleOnCadence sets an update's due time after its cadence changed:
// one cadence after it was last posted, else after declaring (or after now
// for an update just added), or none for a cadence of 0 or a resolved incident.
func (b *Board) rescheduleOnCadence(op string, rec *Record, s *changeSet) *Error {
	if b.Resolved() {
		return s.set(rec, map[string]any{"due": "", "stopped": true})
	}
	from := s.applied.At
	if t, err := time.Parse(time.RFC3339, rec.Text("lastPostedAt")); err == nil {
		from = t
	} else if t, err := time.Parse(time.RFC3339, b.Header().Text("declaredAt")); err == nil && op == OpUpdate {
		from = t
	}
	return s.set(rec, map[string]any{"due": b.nextDue(rec, from)})
}

// postConsequences adds the timeline entry of a posted update and, for the
// status page audience, sets the header's status page text.
func (b *Board) postConsequences(update *Record, s *changeSet) *Error {
	text := update.Text("lastText")
	if err := s.entry(EntryUpdate, text, update.Text("name")); err != nil {
		return err
	}
	if update.Text("audience") != AudienceStatusPage {
		return nil
	}
	header, _ := s.touch(ListHeader, HeaderID)
	return s.set(header, map[string]any{"statusPageText": text, "statusPagePostedAt": FormatTime(s.applied.At)})
}

// headerConsequences handles severity and status changes: the automatic
// entries, the status time stamps, and the clocks that resolving stops and
// starts.
func (b *Board) headerConsequences(c Change, before, rec *Record, s *changeSet) *Error {
	oldSev, newSev := before.Text("severity"), rec.Text("severity")
	if oldSev != newSev {
		moved, err := b.followSeverity(oldSev, newSev, s)
		if err != nil {
			return err
		}
		// The entry names the cadences that followed the severity, so that
		// a countdown that jumped has a visible reason.
		text := fmt.Sprintf("Severity changed from %s to %s", oldSev, newSev)
		if len(moved) > 0 {
			text += "; now " + strings.Join(moved, ", ")
		}
		if err := s.entry(EntryAuto, text, ""); err != nil {
			return err
		}
	}
	oldStatus, newStatus := before.Text("status"), rec.Text("status")
	if oldStatus == newStatus {
		return nil
	}
	if newStatus == "closed" {
		if oldStatus != "resolved" {
			return errorf("fields.status", "closed follows resolved: set the status to resolved first (it is %s)", oldStatus)
		}
		if err := b.checkPostmortemOwner(); err != nil {
			return err
		}
	}
	if err := s.entry(EntryAuto, fmt.Sprintf("Status changed from %s to %s", oldStatus, newStatus), ""); err != nil {
		return err
	}
	stamps := map[string]any{}
	if field, ok := statusStamps[newStatus]; ok && rec.Text(field) == "" {
		if _, given := c.Fields[field]; !given {
			stamps[field] = FormatTime(s.applied.At)
		}
	}
	wasOver, isOver := IsResolvedStatus(oldStatus), IsResolvedStatus(newStatus)
	switch {
	case !wasOver && isOver:
		if err := s.entry(EntryAllClear, "All clear: the incident is resolved.", ""); err != nil {
			return err
		}
		if err := b.stopUpdateClocks(s); err != nil {
			return err
		}
		if err := b.startFollowUpClocks(s); err != nil {
			return err
		}
	case wasOver && !isOver:
		// Reopened: the update clocks run again and the next resolution
		// is stamped afresh.
		stamps["resolvedAt"], stamps["closedAt"] = "", ""
		if err := b.restartUpdateClocks(s); err != nil {
			return err
		}
	case oldStatus == "closed" && newStatus == "resolved":
		stamps["closedAt"] = ""
	}
	if len(stamps) == 0 {
		return nil
	}
	return s.set(rec, stamps)
}

// checkPostmortemOwner returns an error unless the role PostmortemRole names
// a person other than "TBD".
func (b *Board) checkPostmortemOwner() *Error {
	for _, r := range b.Records() {
		if r.List != ListRoles || r.Deleted || !strings.EqualFold(strings.TrimSpace(r.Text("role")), PostmortemRole) {
			continue
		}
		person := strings.TrimSpace(r.Text("person"))
		if person != "" && !strings.EqualFold(person, "TBD") {
			return nil
		}
		return errorf("fields.status", "closing needs a named postmortem owner: set the person of the role %q under Roles and owners (now %q)", PostmortemRole, person)
	}
	return errorf("fields.status", "closing needs a named postmortem owner: add the role %q with a person", PostmortemRole)
}

// activeUpdates returns the ids of the next updates that are not deleted.
func (b *Board) activeUpdates() []string {
	var ids []string
	for _, r := range b.Records() {
		if r.List == ListUpdates && !r.Deleted {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

func (b *Board) stopUpdateClocks(s *changeSet) *Error {
	for _, id := range b.activeUpdates() {
		r, _ := s.touch(ListUpdates, id)
		if err := s.set(r, map[string]any{"due": "", "stopped": true}); err != nil {
			return err
		}
	}
	return nil
}

func (b *Board) restartUpdateClocks(s *changeSet) *Error {
	for _, id := range b.activeUpdates() {
		r, _ := s.touch(ListUpdates, id)
		fields := map[string]any{"stopped": false, "due": ""}
		if cadence := r.IntField("cadence"); cadence > 0 {
			fields["due"] = FormatTime(s.applied.At.Add(time.Duration(cadence) * time.Minute))
		}
		if err := s.set(r, fields); err != nil {
			return err
		}
	}
	return nil
}

// startFollowUpClocks sets the due times of the summary and postmortem
// follow-up items, adding either item when no follow-up item carries its clock.
func (b *Board) startFollowUpClocks(s *changeSet) *Error {
	clocks := []struct {
		clock, label string
		within       time.Duration
	}{
		{ClockSummary, DefaultFollowUp[1], SummaryWithin},
		{ClockPostmortem, DefaultFollowUp[2], PostmortemWithin},
	}
	for _, k := range clocks {
		due := FormatTime(s.applied.At.Add(k.within))
		found := false
		for _, r := range b.Records() {
			if r.List != ListFollowUp || r.Deleted || r.Text("clock") != k.clock {
				continue
			}
			found = true
			rec, _ := s.touch(ListFollowUp, r.ID)
			if err := s.set(rec, map[string]any{"due": due}); err != nil {
				return err
			}
		}
		if found {
			continue
		}
		if _, err := s.create(ListFollowUp, "follow", map[string]any{"label": k.label, "done": false, "due": due, "clock": k.clock}); err != nil {
			return err
		}
	}
	return nil
}

// followSeverity moves the default audiences' cadences to the new
// severity's defaults, unless someone changed them for this incident, and
// brings their deadlines forward when the new cadence is shorter. It
// returns the updates it moved, as "Internal sync every 30 min".
func (b *Board) followSeverity(oldSev, newSev string, s *changeSet) ([]string, *Error) {
	oldCad, okOld := UpdateCadence[oldSev]
	newCad, okNew := UpdateCadence[newSev]
	if !okOld || !okNew {
		return nil, nil
	}
	var moved []string
	slot := map[string]int{AudienceInternal: 0, AudienceStatusPage: 1, AudienceExec: 2}
	for _, id := range b.activeUpdates() {
		cur, _ := b.Get(ListUpdates, id)
		i, ok := slot[cur.Text("audience")]
		if !ok || cur.IntField("cadence") != int64(oldCad[i]/time.Minute) {
			continue
		}
		r, _ := s.touch(ListUpdates, id)
		minutes := int64(newCad[i] / time.Minute)
		fields := map[string]any{"cadence": minutes}
		if !b.Resolved() {
			due := FormatTime(s.applied.At.Add(newCad[i]))
			if cur := r.Text("due"); cur != "" && cur < due {
				due = cur
			}
			fields["due"] = due
		}
		if err := s.set(r, fields); err != nil {
			return nil, err
		}
		if minutes != cur.IntField("cadence") {
			moved = append(moved, fmt.Sprintf("%s every %d min", cur.Text("name"), minutes))
		}
	}
	return moved, nil
}
