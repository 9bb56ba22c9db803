package board

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// Operations a change can carry.
const (
	OpAdd     = "add"
	OpUpdate  = "update"
	OpDelete  = "delete"
	OpRestore = "restore"
	OpMove    = "move"
	// OpPost posts an update to a next update's audience: fields.text is
	// what was sent. See Board.post.
	OpPost = "post"
)

// Ops lists the operations a change can carry.
var Ops = []string{OpAdd, OpUpdate, OpDelete, OpRestore, OpMove, OpPost}

// Change is an edit a person sends: one operation on one record.
type Change struct {
	// ID is chosen by the client and makes the change idempotent: a change
	// whose id was already accepted is not applied again.
	ID     string         `json:"id"`
	Op     string         `json:"op"`
	List   string         `json:"list"`
	Item   string         `json:"item"`
	Fields map[string]any `json:"fields,omitempty"`
	// Before is, for a move, the id of the record to place this one before;
	// empty moves it to the end.
	Before string `json:"before,omitempty"`
	// Base is the incident sequence number the author's screen showed when
	// the edit was made. Values set by others after Base that this change
	// overwrites are reported in Applied.Replaced.
	Base int64 `json:"base,omitempty"`
	// System marks a change the server makes itself, such as recording a
	// webhook delivery. Only it may set ServerOnly fields; clients cannot
	// set it because it has no JSON name.
	System bool `json:"-"`
}

// Applied is a change as the incident accepted it: its sequence number, its
// author and time, and the records it produced.
type Applied struct {
	Seq      int64      `json:"seq" bson:"seq"`
	ID       string     `json:"id" bson:"changeId"`
	By       string     `json:"by" bson:"by"`
	At       time.Time  `json:"at" bson:"at"`
	Op       string     `json:"op" bson:"op"`
	List     string     `json:"list" bson:"list"`
	Item     string     `json:"item" bson:"item"`
	Records  []Record   `json:"records" bson:"records"`
	Replaced []Replaced `json:"replaced,omitempty" bson:"replaced,omitempty"`
}

// Replaced reports a value that a change overwrote although its author had
// not seen it, so the person who set it can be told.
type Replaced struct {
	List  string `json:"list" bson:"list"`
	Item  string `json:"item" bson:"item"`
	Field string `json:"field" bson:"field"`
	Value any    `json:"value" bson:"value"`
	By    string `json:"by" bson:"by"`
	New   any    `json:"new" bson:"new"`
}

// Error is a rejected change or request. Field names what was wrong in the
// message's own terms, such as "fields.severity"; Message says what is allowed.
type Error struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e *Error) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

func errorf(field, format string, args ...any) *Error {
	return &Error{Field: field, Message: fmt.Sprintf(format, args...)}
}

// ValidID reports whether s can be a change or item id: 1 to MaxIDLength
// letters, digits, '-' or '_'.
func ValidID(s string) bool {
	if s == "" || len(s) > MaxIDLength {
		return false
	}
	for _, c := range s {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
		if !ok {
			return false
		}
	}
	return true
}

// CheckText returns an error naming field when s is not valid UTF-8, holds a
// control character other than tab and newline, or is longer than max bytes.
func CheckText(field, s string, max int) *Error {
	if !utf8.ValidString(s) {
		return errorf(field, "must be valid UTF-8")
	}
	if len(s) > max {
		return errorf(field, "is %d bytes long, the maximum is %d", len(s), max)
	}
	for _, c := range s {
		if c < 0x20 && c != '\n' && c != '\t' && c != '\r' || c == 0x7f {
			return errorf(field, "must not contain control character U+%04X", c)
		}
	}
	return nil
}

// FormatTime formats t the way the board stores times: UTC to the second.
func FormatTime(t time.Time) string {
	return t.UTC().Truncate(time.Second).Format(time.RFC3339)
}

// normalize checks one field value against its schema and returns it in
// stored form. now and created bound the accepted times.
func (f *Field) normalize(path string, v any, now, created time.Time) (any, *Error) {
	switch f.Kind {
	case KindBool:
		b, ok := v.(bool)
		if !ok {
			return nil, errorf(path, "must be true or false")
		}
		return b, nil
	case KindInt:
		return f.normalizeInt(path, v)
	}
	s, ok := v.(string)
	if !ok {
		return nil, errorf(path, "must be a string")
	}
	switch f.Kind {
	case KindText:
		if err := CheckText(path, s, f.Max); err != nil {
			return nil, err
		}
		return s, nil
	case KindEnum:
		for _, allowed := range f.Values {
			if s == allowed {
				return s, nil
			}
		}
		return nil, errorf(path, "%q is not allowed, use one of %s", s, strings.Join(f.Values, ", "))
	case KindTime:
		if s == "" && !f.Required {
			return "", nil
		}
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return nil, errorf(path, "must be an RFC 3339 time such as 2026-03-12T14:23:00Z")
		}
		window := TimeWindowDays * 24 * time.Hour
		earliest := created.Add(-window)
		latest := now.Add(window)
		if t.Before(earliest) || t.After(latest) {
			return nil, errorf(path, "%s is outside the allowed range %s to %s (%d days around the incident)",
				FormatTime(t), FormatTime(earliest), FormatTime(latest), TimeWindowDays)
		}
		return FormatTime(t), nil
	case KindURL:
		if err := CheckText(path, s, f.Max); err != nil {
			return nil, err
		}
		if s == "" {
			return "", nil
		}
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, errorf(path, "must be an absolute http:// or https:// URL")
		}
		return s, nil
	}
	return nil, errorf(path, "has an unknown kind")
}

// normalizeInt accepts a whole JSON number, or a Go integer from the
// server's own changes and from documents read back from the database.
func (f *Field) normalizeInt(path string, v any) (any, *Error) {
	var n int64
	switch x := v.(type) {
	case float64:
		if x != float64(int64(x)) {
			return nil, errorf(path, "must be a whole number from %d to %d", f.Min, f.MaxInt)
		}
		n = int64(x)
	case int:
		n = int64(x)
	case int32:
		n = int64(x)
	case int64:
		n = x
	default:
		return nil, errorf(path, "must be a whole number from %d to %d", f.Min, f.MaxInt)
	}
	if n < f.Min || n > f.MaxInt {
		return nil, errorf(path, "%d is outside %d to %d", n, f.Min, f.MaxInt)
	}
	return n, nil
}

// IntField returns an int field's value, converting the number types JSON
// and BSON decode to; 0 when it is missing.
func (r *Record) IntField(field string) int64 {
	switch x := r.Fields[field].(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case int:
		return int64(x)
	case float64:
		return int64(x)
	}
	return 0
}

func isEmpty(v any) bool {
	s, ok := v.(string)
	return ok && strings.TrimSpace(s) == ""
}

func fieldNames(l *List) string {
	names := make([]string, len(l.Fields))
	for i, f := range l.Fields {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}
