package board

import (
	"maps"
	"sort"
	"time"
)

// Record is one item of the board: the header, a timeline entry, a
// hypothesis, a role and so on. A change replaces whole records, so a screen
// that receives a record can show it without knowing how it was changed.
type Record struct {
	List   string         `json:"list" bson:"list"`
	ID     string         `json:"id" bson:"id"`
	Fields map[string]any `json:"fields" bson:"fields"`
	// Meta says who last set each field, when and in which change.
	Meta map[string]FieldMeta `json:"meta,omitempty" bson:"meta,omitempty"`
	// History keeps the values each field had before, oldest first.
	History map[string][]Past `json:"history,omitempty" bson:"history,omitempty"`
	// Rank orders the records of a ranked list, lowest first.
	Rank    float64 `json:"rank,omitempty" bson:"rank,omitempty"`
	Deleted bool    `json:"deleted,omitempty" bson:"deleted,omitempty"`
	// CreatedSeq is the sequence number of the change that added the record.
	// Records that sort equal keep this order on every screen.
	CreatedSeq int64     `json:"createdSeq" bson:"createdSeq"`
	CreatedBy  string    `json:"createdBy" bson:"createdBy"`
	CreatedAt  time.Time `json:"createdAt" bson:"createdAt"`
	// Seq is the sequence number of the last change to the record.
	Seq       int64     `json:"seq" bson:"seq"`
	UpdatedBy string    `json:"updatedBy" bson:"updatedBy"`
	UpdatedAt time.Time `json:"updatedAt" bson:"updatedAt"`
}

// FieldMeta records the change that set a field's current value.
type FieldMeta struct {
	By  string    `json:"by" bson:"by"`
	At  time.Time `json:"at" bson:"at"`
	Seq int64     `json:"seq" bson:"seq"`
}

// Past is a value a field held before a later change replaced it.
type Past struct {
	Value any       `json:"value" bson:"value"`
	By    string    `json:"by" bson:"by"`
	At    time.Time `json:"at" bson:"at"`
	Seq   int64     `json:"seq" bson:"seq"`
}

// Key identifies a record within its incident.
func (r *Record) Key() string { return RecordKey(r.List, r.ID) }

// RecordKey joins a list name and an item id into a record key.
func RecordKey(list, id string) string { return list + "/" + id }

// Clone returns a deep copy, so a change can be built without touching the
// record that screens and snapshots still share.
func (r *Record) Clone() *Record {
	c := *r
	c.Fields = make(map[string]any, len(r.Fields))
	for k, v := range r.Fields {
		c.Fields[k] = v
	}
	c.Meta = make(map[string]FieldMeta, len(r.Meta))
	for k, v := range r.Meta {
		c.Meta[k] = v
	}
	c.History = make(map[string][]Past, len(r.History))
	for k, v := range r.History {
		c.History[k] = append([]Past(nil), v...)
	}
	return &c
}

// Text returns a field's value as a string, or "" when it is missing or not text.
func (r *Record) Text(field string) string {
	s, _ := r.Fields[field].(string)
	return s
}

// Board is the in-memory state of one incident: every record and the
// sequence number of the last change applied to it.
type Board struct {
	ID        string
	CreatedAt time.Time
	Seq       int64
	records   map[string]*Record
}

// NewBoard returns a board holding the given records as of sequence number seq.
func NewBoard(id string, createdAt time.Time, seq int64, records []Record) *Board {
	b := &Board{ID: id, CreatedAt: createdAt.UTC(), Seq: seq, records: make(map[string]*Record, len(records))}
	for i := range records {
		r := records[i]
		b.records[r.Key()] = &r
	}
	return b
}

// Get returns the record with the given list and id.
func (b *Board) Get(list, id string) (*Record, bool) {
	r, ok := b.records[RecordKey(list, id)]
	return r, ok
}

// Copy returns a copy of the board that later commits do not change, in
// time proportional to the number of records but without copying them. It
// lets a caller read a large board, for example to sort it, without holding
// the lock that guards the original. Sharing the records is safe because a
// committed record is never changed in place: Apply changes clones and
// Commit replaces records.
func (b *Board) Copy() *Board {
	return &Board{ID: b.ID, CreatedAt: b.CreatedAt, Seq: b.Seq, records: maps.Clone(b.records)}
}

// Len returns the number of records, deleted ones included.
func (b *Board) Len() int { return len(b.records) }

// Header returns the incident's header record.
func (b *Board) Header() *Record {
	return b.records[RecordKey(ListHeader, HeaderID)]
}

// Records returns copies of all records in board order: lists in schema
// order, and within a list the order every screen shows.
func (b *Board) Records() []Record {
	out := make([]Record, 0, len(b.records))
	for _, r := range b.records {
		out = append(out, *r)
	}
	SortRecords(out)
	return out
}

// SortRecords sorts records into board order. Timeline entries and actions
// taken go by time, next updates by due time, ranked lists by rank, and the
// rest by when they were added. Ties fall back to the order of adding, then
// to the id, so every screen agrees.
func SortRecords(rs []Record) {
	order := make(map[string]int, len(Lists))
	for i, l := range Lists {
		order[l.Name] = i
	}
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := &rs[i], &rs[j]
		if a.List != b.List {
			return order[a.List] < order[b.List]
		}
		switch a.List {
		case ListTimeline, ListActions:
			if ta, tb := a.Text("at"), b.Text("at"); ta != tb {
				return ta < tb
			}
		case ListHypotheses:
			if a.Rank != b.Rank {
				return a.Rank < b.Rank
			}
		case ListUpdates:
			// The soonest due first; "~" sorts after every RFC 3339 time,
			// so updates without a due time come last.
			if da, db := dueKey(a), dueKey(b); da != db {
				return da < db
			}
		}
		if a.CreatedSeq != b.CreatedSeq {
			return a.CreatedSeq < b.CreatedSeq
		}
		return a.ID < b.ID
	})
}

func dueKey(r *Record) string {
	if due := r.Text("due"); due != "" {
		return due
	}
	return "~"
}

// Resolved reports whether the incident's status is resolved or closed.
func (b *Board) Resolved() bool {
	h := b.Header()
	return h != nil && IsResolvedStatus(h.Text("status"))
}

// IsResolvedStatus reports whether status ends the incident's response:
// "resolved" or "closed".
func IsResolvedStatus(status string) bool {
	return status == "resolved" || status == "closed"
}

// PublicRecords returns the records the stakeholder view may see, in board order.
func (b *Board) PublicRecords() []Record {
	all := b.Records()
	out := all[:0]
	for _, r := range all {
		if IsPublic(r.List) {
			out = append(out, PublicView(r))
		}
	}
	return out
}

// IsPublic reports whether the stakeholder view shows records of the list.
func IsPublic(list string) bool {
	l, ok := LookupList(list)
	return ok && l.Public
}
