package board

import (
	"strconv"
	"strings"
	"time"
)

// Apply validates change c against the board and returns what it would
// produce as change number b.Seq+1, without modifying the board. The caller
// stores the result and then calls Commit, so the board only ever shows what
// the database holds. author is the display name of the person sending it.
func (b *Board) Apply(c Change, author string, now time.Time) (*Applied, *Error) {
	now = now.UTC().Truncate(time.Millisecond)
	if !ValidID(c.ID) {
		return nil, errorf("id", "must be 1 to %d letters, digits, '-' or '_'", MaxIDLength)
	}
	list, ok := LookupList(c.List)
	if !ok {
		return nil, errorf("list", "%q is not a list, use one of %s", c.List, strings.Join(ListNames(), ", "))
	}
	if list.System && !c.System {
		return nil, errorf("list", "%s is written by the server only", c.List)
	}
	if !ValidID(c.Item) {
		return nil, errorf("item", "must be 1 to %d letters, digits, '-' or '_'", MaxIDLength)
	}
	if err := checkClientFields(c); err != nil {
		return nil, err
	}
	a := &Applied{Seq: b.Seq + 1, ID: c.ID, By: author, At: now, Op: c.Op, List: c.List, Item: c.Item}

	var rec *Record
	var err *Error
	switch c.Op {
	case OpAdd:
		rec, err = b.add(list, c, a)
	case OpUpdate:
		rec, err = b.update(list, c, a)
	case OpDelete, OpRestore:
		rec, err = b.setDeleted(list, c, a)
	case OpMove:
		rec, err = b.move(list, c, a)
	case OpPost:
		rec, err = b.post(list, c, a)
	default:
		return nil, errorf("op", "%q is not an operation, use one of %s", c.Op, strings.Join(Ops, ", "))
	}
	if err != nil {
		return nil, err
	}
	// The change's own record comes first; the records it implies, such as
	// automatic timeline entries, follow.
	out := &changeSet{board: b, applied: a, byKey: map[string]*Record{rec.Key(): rec}, order: []*Record{rec}}
	if err := b.consequences(c, out); err != nil {
		return nil, err
	}
	for _, r := range out.order {
		r.Seq = a.Seq
		r.UpdatedBy = author
		r.UpdatedAt = now
		a.Records = append(a.Records, *r)
	}
	return a, nil
}

// Commit makes an applied change part of the board. Changes must be
// committed in sequence order, one after another.
func (b *Board) Commit(a *Applied) {
	for i := range a.Records {
		r := a.Records[i]
		b.records[r.Key()] = &r
	}
	b.Seq = a.Seq
}

func (b *Board) add(list *List, c Change, a *Applied) (*Record, *Error) {
	if list.Single {
		return nil, errorf("op", "records cannot be added to %s, use update", list.Name)
	}
	if _, exists := b.Get(c.List, c.Item); exists {
		return nil, errorf("item", "%s %q already exists", c.List, c.Item)
	}
	if len(b.records) >= MaxRecords {
		return nil, errorf("item", "the incident holds the maximum of %d records", MaxRecords)
	}
	if c.Before != "" {
		return nil, errorf("before", "is only allowed with op move")
	}
	rec := &Record{List: c.List, ID: c.Item, Fields: map[string]any{}, Meta: map[string]FieldMeta{},
		CreatedSeq: a.Seq, CreatedBy: a.By, CreatedAt: a.At}
	for _, f := range list.Fields {
		if _, given := c.Fields[f.Name]; given {
			continue
		}
		switch {
		case f.Default == "now":
			c.Fields = withField(c.Fields, f.Name, FormatTime(a.At))
		case f.Kind == KindInt && f.Default != "":
			n, _ := strconv.ParseInt(f.Default, 10, 64)
			c.Fields = withField(c.Fields, f.Name, n)
		case f.Default != "":
			c.Fields = withField(c.Fields, f.Name, f.Default)
		case f.Required:
			return nil, errorf("fields."+f.Name, "is required when adding to %s", c.List)
		}
	}
	if err := b.setFields(list, rec, c, a); err != nil {
		return nil, err
	}
	if list.Ranked {
		rec.Rank = b.lastRank(c.List) + 1
	}
	return rec, nil
}

func withField(fields map[string]any, name string, v any) map[string]any {
	out := make(map[string]any, len(fields)+1)
	for k, x := range fields {
		out[k] = x
	}
	out[name] = v
	return out
}

func (b *Board) update(list *List, c Change, a *Applied) (*Record, *Error) {
	cur, ok := b.Get(c.List, c.Item)
	if !ok {
		return nil, errorf("item", "%s %q not found", c.List, c.Item)
	}
	if len(c.Fields) == 0 {
		return nil, errorf("fields", "must name at least one field of %s: %s", c.List, fieldNames(list))
	}
	if c.Before != "" {
		return nil, errorf("before", "is only allowed with op move")
	}
	rec := cur.Clone()
	if err := b.setFields(list, rec, c, a); err != nil {
		return nil, err
	}
	return rec, nil
}

// setFields validates c.Fields and writes them into rec, keeping each
// replaced value in the field's history.
func (b *Board) setFields(list *List, rec *Record, c Change, a *Applied) *Error {
	// Editing the status page text is drafting. Only posting an update to
	// the status page audience, or setting statusPagePostedAt, records when
	// it went out.
	fields := c.Fields
	for name, raw := range fields {
		f, ok := list.Field(name)
		if !ok {
			return errorf("fields."+name, "is not a field of %s, use one of %s", list.Name, fieldNames(list))
		}
		if f.ServerOnly && !c.System {
			return errorf("fields."+name, "is set by the server and cannot be changed")
		}
		v, err := f.normalize("fields."+name, raw, a.At, b.CreatedAt)
		if err != nil {
			return err
		}
		if f.Required && isEmpty(v) {
			return errorf("fields."+name, "must not be empty")
		}
		old, had := rec.Fields[name]
		if had && old == v {
			continue
		}
		if had {
			meta := rec.Meta[name]
			if c.Op == OpUpdate && meta.Seq > c.Base && meta.By != a.By {
				a.Replaced = append(a.Replaced, Replaced{List: rec.List, Item: rec.ID, Field: name, Value: old, By: meta.By, New: v})
			}
			h := append(rec.History[name], Past{Value: old, By: meta.By, At: meta.At, Seq: meta.Seq})
			if len(h) > MaxHistory {
				h = h[len(h)-MaxHistory:]
			}
			if rec.History == nil {
				rec.History = map[string][]Past{}
			}
			rec.History[name] = h
		}
		rec.Fields[name] = v
		rec.Meta[name] = FieldMeta{By: a.By, At: a.At, Seq: a.Seq}
		if f.Stamp {
			if on, _ := v.(bool); on {
				rec.Fields[name+StampBy] = a.By
				rec.Fields[name+StampAt] = FormatTime(a.At)
			} else {
				delete(rec.Fields, name+StampBy)
				delete(rec.Fields, name+StampAt)
			}
		}
	}
	return nil
}

func (b *Board) setDeleted(list *List, c Change, a *Applied) (*Record, *Error) {
	if list.Single {
		return nil, errorf("op", "%s cannot be deleted or restored", list.Name)
	}
	cur, ok := b.Get(c.List, c.Item)
	if !ok {
		return nil, errorf("item", "%s %q not found", c.List, c.Item)
	}
	if len(c.Fields) != 0 || c.Before != "" {
		return nil, errorf("fields", "must be empty for op %s", c.Op)
	}
	deleting := c.Op == OpDelete
	if cur.Deleted == deleting {
		state := "deleted"
		if !deleting {
			state = "not deleted"
		}
		return nil, errorf("item", "%s %q is already %s", c.List, c.Item, state)
	}
	if !deleting && b.Resolved() {
		return nil, errorf("op", "deleted items cannot be restored once the incident is resolved")
	}
	rec := cur.Clone()
	rec.Deleted = deleting
	return rec, nil
}

func (b *Board) move(list *List, c Change, a *Applied) (*Record, *Error) {
	if !list.Ranked {
		return nil, errorf("list", "%s is not ranked, only hypotheses can be moved", list.Name)
	}
	cur, ok := b.Get(c.List, c.Item)
	if !ok {
		return nil, errorf("item", "%s %q not found", c.List, c.Item)
	}
	if len(c.Fields) != 0 {
		return nil, errorf("fields", "must be empty for op move")
	}
	if c.Before == c.Item {
		return nil, errorf("before", "must name another item than the one moved")
	}
	rec := cur.Clone()
	if c.Before == "" {
		rec.Rank = b.lastRank(c.List) + 1
		return rec, nil
	}
	next, ok := b.Get(c.List, c.Before)
	if !ok {
		return nil, errorf("before", "%s %q not found", c.List, c.Before)
	}
	// The new rank lies halfway between the item placed before and the one
	// ahead of it, so one record changes whatever the list's length.
	prev := next.Rank - 2
	for _, r := range b.records {
		if r.List == c.List && r.ID != c.Item && r.Rank < next.Rank && r.Rank > prev {
			prev = r.Rank
		}
	}
	rec.Rank = (prev + next.Rank) / 2
	return rec, nil
}

func (b *Board) lastRank(list string) float64 {
	var last float64
	for _, r := range b.records {
		if r.List == list && r.Rank > last {
			last = r.Rank
		}
	}
	return last
}
