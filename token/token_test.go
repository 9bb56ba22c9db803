package token

import (
	"encoding/base64"
	"testing"
)

func TestNewTokensAreRandomAndLongEnough(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		tok := New()
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil {
			t.Fatalf("token %q is not base64url: %v", tok, err)
		}
		if len(raw)*8 < 128 {
			t.Fatalf("token has %d bits, want at least 128", len(raw)*8)
		}
		if seen[tok] {
			t.Fatal("the same token came twice")
		}
		seen[tok] = true
	}
}

func TestMatches(t *testing.T) {
	tok := New()
	h := Hash(tok)
	if !Matches(tok, h) {
		t.Error("a token does not match its own hash")
	}
	if Matches(New(), h) {
		t.Error("another token matches")
	}
	if Matches("", h) || Matches(tok, nil) {
		t.Error("an empty token or hash matches")
	}
}
