package board

import (
	"encoding/json"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzApply applies arbitrary changes to a fresh incident. Apply must never
// panic, must leave the board untouched when it rejects a change, and every
// record it accepts must hold only schema fields of the right kind.
func FuzzApply(f *testing.F) {
	for _, seed := range []string{
		`{"id":"c1","op":"add","list":"timeline","item":"e1","fields":{"text":"Alert fires","at":"2026-03-12T14:18:00Z"}}`,
		`{"id":"c2","op":"update","list":"header","item":"header","fields":{"severity":"P1","status":"identified"}}`,
		`{"id":"c3","op":"add","list":"hypotheses","item":"h1","fields":{"text":"Pool exhausted","state":"ruled-out"}}`,
		`{"id":"c4","op":"move","list":"hypotheses","item":"h1","before":""}`,
		`{"id":"c5","op":"delete","list":"roles","item":"role-1"}`,
		`{"id":"c6","op":"restore","list":"roles","item":"role-1"}`,
		`{"id":"c7","op":"update","list":"checklist","item":"check-3","fields":{"done":true,"link":"https://chat.example.com/x"}}`,
		`{"id":"c8","op":"update","list":"checklist","item":"check-3","fields":{"link":"javascript:alert(1)"}}`,
		`{"id":"c9","op":"add","list":"timeline","item":"e2","fields":{"text":5}}`,
		`{"id":"","op":"add","list":"","item":""}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var c Change
		if json.Unmarshal(data, &c) != nil {
			return
		}
		b := newTestBoard(t)
		before := len(b.Records())
		a, err := b.Apply(c, "fuzzer", declared.Add(time.Hour))
		if err != nil {
			if err.Message == "" {
				t.Fatal("rejection without a message")
			}
			if b.Seq != 0 || len(b.Records()) != before {
				t.Fatal("a rejected change modified the board")
			}
			return
		}
		b.Commit(a)
		for _, r := range a.Records {
			list, ok := LookupList(r.List)
			if !ok {
				t.Fatalf("accepted a record of unknown list %q", r.List)
			}
			for name, v := range r.Fields {
				checkField(t, list, name, v)
			}
		}
		_ = b.Records()
	})
}

func checkField(t *testing.T, list *List, name string, v any) {
	t.Helper()
	f, ok := list.Field(name)
	if !ok {
		base := name
		for _, stamp := range []string{StampBy, StampAt} {
			if len(name) > len(stamp) && name[len(name)-len(stamp):] == stamp {
				base = name[:len(name)-len(stamp)]
			}
		}
		if sf, ok := list.Field(base); !ok || !sf.Stamp {
			t.Fatalf("%s holds unknown field %q", list.Name, name)
		}
		return
	}
	switch f.Kind {
	case KindBool:
		if _, ok := v.(bool); !ok {
			t.Fatalf("%s.%s holds %T, want bool", list.Name, name, v)
		}
	case KindInt:
		n, ok := v.(int64)
		if !ok {
			t.Fatalf("%s.%s holds %T, want int64", list.Name, name, v)
		}
		if n < f.Min || n > f.MaxInt {
			t.Fatalf("%s.%s holds %d, outside %d to %d", list.Name, name, n, f.Min, f.MaxInt)
		}
	default:
		s, ok := v.(string)
		if !ok {
			t.Fatalf("%s.%s holds %T, want string", list.Name, name, v)
		}
		if !utf8.ValidString(s) {
			t.Fatalf("%s.%s holds invalid UTF-8", list.Name, name)
		}
		if f.Max > 0 && len(s) > f.Max {
			t.Fatalf("%s.%s holds %d bytes, the limit is %d", list.Name, name, len(s), f.Max)
		}
	}
}
