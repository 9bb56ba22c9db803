package hub

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/sitrep/sitrep/board"
)

// Role is what a connection's token allows.
type Role string

const (
	RoleEdit Role = "edit"
	RoleView Role = "view"
)

// Error codes sent in error messages; docs/api.md explains each.
const (
	CodeInvalid     = "invalid"
	CodeForbidden   = "forbidden"
	CodeBadMessage  = "bad-message"
	CodeUnavailable = "unavailable"
	CodeRateLimited = "rate-limited"
)

// Message types a client may send.
const (
	typeHello  = "hello"
	typeChange = "change"
	typeName   = "name"
	typeTime   = "time"
)

var clientTypes = []string{typeHello, typeChange, typeName, typeTime}

type envelope struct {
	Type string `json:"type"`
}

type helloMsg struct {
	Type  string `json:"type"`
	Token string `json:"token"`
	Name  string `json:"name"`
	Since int64  `json:"since"`
}

type changeMsg struct {
	Type string `json:"type"`
	board.Change
}

type nameMsg struct {
	Type string `json:"type"`
	Name string `json:"name"`
}

type timeMsg struct {
	Type   string `json:"type"`
	T      int64  `json:"t"`
	Server int64  `json:"server,omitempty"`
}

type welcomeMsg struct {
	welcomeHead
	// Exactly one of Records and Changes is non-null: Records holds the
	// whole incident, Changes the changes after the client's since.
	Records []board.Record  `json:"records"`
	Changes []board.Applied `json:"changes"`
}

// welcomeHead is a welcome message without records and changes, for a
// welcome whose records are encoded separately.
type welcomeHead struct {
	Type       string `json:"type"`
	Conn       string `json:"conn"`
	Role       Role   `json:"role"`
	Incident   string `json:"incident"`
	Seq        int64  `json:"seq"`
	ServerTime int64  `json:"serverTime"`
}

type appliedMsg struct {
	Type string `json:"type"`
	*board.Applied
}

type ackMsg struct {
	Type      string `json:"type"`
	ID        string `json:"id"`
	Seq       int64  `json:"seq"`
	Duplicate bool   `json:"duplicate"`
}

type errorMsg struct {
	Type    string `json:"type"`
	ID      string `json:"id,omitempty"`
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

type person struct {
	Conn string `json:"conn"`
	Name string `json:"name"`
}

type presenceMsg struct {
	Type    string   `json:"type"`
	Editors []person `json:"editors"`
	Viewers int      `json:"viewers"`
}

// decodeError is a message that could not be read; it names what was wrong.
type decodeError struct {
	field, message string
}

func (e *decodeError) Error() string { return e.field + ": " + e.message }

// decode checks that data is one valid UTF-8 JSON object of a known type
// with no unknown fields, and returns its type and the decoded message.
// encoding/json would silently replace invalid UTF-8, so it is checked first.
func decode(data []byte) (string, any, *decodeError) {
	if !utf8.Valid(data) {
		return "", nil, &decodeError{"message", "must be valid UTF-8"}
	}
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil {
		return "", nil, &decodeError{"message", "must be a JSON object: " + err.Error()}
	}
	var msg any
	switch env.Type {
	case typeHello:
		msg = &helloMsg{}
	case typeChange:
		msg = &changeMsg{}
	case typeName:
		msg = &nameMsg{}
	case typeTime:
		msg = &timeMsg{}
	default:
		return env.Type, nil, &decodeError{"type", fmt.Sprintf("%q is not a message type, use one of %v", env.Type, clientTypes)}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(msg); err != nil {
		return env.Type, nil, &decodeError{"message", "invalid " + env.Type + " message: " + err.Error()}
	}
	if dec.More() {
		return env.Type, nil, &decodeError{"message", "must hold one JSON object only"}
	}
	return env.Type, msg, nil
}

func encode(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Every message is built from plain structs, strings and numbers;
		// a failure here is a programming error.
		panic(fmt.Sprintf("hub: encode %T: %v", v, err))
	}
	return b
}

// forView returns the change as the stakeholder view receives it: records of
// lists it does not show are left out, and so are replaced values.
func forView(a *board.Applied) *board.Applied {
	v := *a
	v.Replaced = nil
	v.Records = nil
	for _, r := range a.Records {
		if board.IsPublic(r.List) {
			v.Records = append(v.Records, board.PublicView(r))
		}
	}
	if v.Records == nil {
		v.Records = []board.Record{}
	}
	return &v
}

// validName returns an error message when name cannot be a display name.
func validName(name string) string {
	if err := board.CheckText("name", name, board.MaxNameLength*4); err != nil {
		return err.Message
	}
	n := utf8.RuneCountInString(name)
	if n < 1 || n > board.MaxNameLength || len(bytes.TrimSpace([]byte(name))) == 0 {
		return fmt.Sprintf("must be 1 to %d characters", board.MaxNameLength)
	}
	if bytes.ContainsAny([]byte(name), "\n\r\t") {
		return "must be one line"
	}
	return ""
}
