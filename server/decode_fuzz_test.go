package main

import (
	"testing"
	"time"

	"github.com/sitrep/sitrep/board"
)

// FuzzCreateRequest feeds arbitrary bodies to the incident creation
// decoder and validation. Neither may panic, and every rejection names a
// field.
func FuzzCreateRequest(f *testing.F) {
	for _, seed := range []string{
		`{"title":"Checkout returning 503","severity":"P0","by":"sonia"}`,
		`{"title":"","severity":"P1"}`,
		`{"title":"x","severity":"P9"}`,
		`{"title":"x","severity":"P1","colour":"red"}`,
		`{"title":"x"} trailing`,
		"{\"title\":\"\xff\",\"severity\":\"P1\"}",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var req createRequest
		if err := decodeJSON(body, &req); err != nil {
			if err.Field == "" || err.Message == "" {
				t.Fatalf("rejection without field or message: %+v", err)
			}
			return
		}
		if _, verr := board.NewIncident(req.Title, req.Severity, "fuzzer", time.Now()); verr != nil && verr.Field == "" {
			t.Fatalf("validation error without field: %v", verr)
		}
	})
}
