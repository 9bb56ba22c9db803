// Package token makes and checks the capability tokens in incident links.
package token

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
)

// Bytes is the number of random bytes in a token: 256 bits, twice the 128
// that make guessing hopeless, so a token stays safe even if half leaked.
const Bytes = 32

// New returns a fresh random token, base64url-encoded without padding.
func New() string {
	b := make([]byte, Bytes)
	// crypto/rand.Read never returns an error on the platforms Go supports
	// since Go 1.24, and crashes the program rather than return weak bytes.
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Hash returns the SHA-256 of a token, the only form the database keeps.
// A fast hash is enough because tokens are random, not chosen by people.
func Hash(tok string) []byte {
	sum := sha256.Sum256([]byte(tok))
	return sum[:]
}

// Matches reports, in constant time, whether tok hashes to hash.
func Matches(tok string, hash []byte) bool {
	if tok == "" || len(hash) != sha256.Size {
		return false
	}
	return subtle.ConstantTimeCompare(Hash(tok), hash) == 1
}
