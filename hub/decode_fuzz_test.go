package hub

import (
	"encoding/json"
	"testing"
	"unicode/utf8"
)

// FuzzDecode feeds arbitrary bytes to the decoder of client messages. It
// must never panic, must accept only valid UTF-8 JSON objects of a known
// type, and must say which field was wrong when it rejects a message.
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		`{"type":"hello","token":"abc","name":"sonia","since":3}`,
		`{"type":"change","id":"c1","op":"add","list":"timeline","item":"e1","fields":{"text":"Alert fires"},"base":2}`,
		`{"type":"change","id":"c2","op":"move","list":"hypotheses","item":"h1","before":"h2"}`,
		`{"type":"name","name":"raj"}`,
		`{"type":"time","t":1764859802000}`,
		`{"type":"change","id":"c3","op":"update","list":"header","item":"header","fields":{"severity":"P5"},"extra":1}`,
		`{"type":"nope"}`,
		`[1,2,3]`,
		`{"type":"hello"} {"type":"hello"}`,
		"{\"type\":\"name\",\"name\":\"\xff\"}",
		``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		typ, msg, err := decode(data)
		if err != nil {
			if err.field == "" || err.message == "" {
				t.Fatalf("rejection without field or message: %+v", err)
			}
			return
		}
		if !utf8.Valid(data) {
			t.Fatal("accepted invalid UTF-8")
		}
		known := false
		for _, k := range clientTypes {
			known = known || k == typ
		}
		if !known {
			t.Fatalf("accepted unknown type %q", typ)
		}
		if _, err := json.Marshal(msg); err != nil {
			t.Fatalf("accepted message does not encode again: %v", err)
		}
	})
}
