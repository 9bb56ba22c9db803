package main

import (
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/time/rate"
)

// addressLimiter bounds how often each client address may do one thing,
// such as open a websocket. Each address gets a token bucket that refills
// perMinute tokens a minute and holds at most perMinute.
//
// The address is the one clientAddresses gives, so behind trusted proxies
// each client has a bucket of its own.
type addressLimiter struct {
	what      string // what is limited, in the plural, for the error message
	perMinute int
	addressOf func(*fiber.Ctx) string

	mu        sync.Mutex
	buckets   map[string]*rate.Limiter
	lastPrune time.Time
}

func newAddressLimiter(what string, perMinute int, addressOf func(*fiber.Ctx) string) *addressLimiter {
	return &addressLimiter{what: what, perMinute: perMinute, addressOf: addressOf, buckets: map[string]*rate.Limiter{}}
}

// allow takes one token from addr's bucket and reports whether there was one.
func (l *addressLimiter) allow(addr string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.prune(now)
	b, ok := l.buckets[addr]
	if !ok {
		b = rate.NewLimiter(rate.Limit(float64(l.perMinute)/60), l.perMinute)
		l.buckets[addr] = b
	}
	return b.AllowN(now, 1)
}

// prune drops, at most once a minute, the buckets that have refilled. A
// bucket refills in a minute, so a dropped address loses nothing, and the
// map keeps only addresses seen in the last two minutes. Callers hold mu.
func (l *addressLimiter) prune(now time.Time) {
	if now.Sub(l.lastPrune) < time.Minute {
		return
	}
	l.lastPrune = now
	for addr, b := range l.buckets {
		if b.TokensAt(now) >= float64(l.perMinute) {
			delete(l.buckets, addr)
		}
	}
}

// limit is middleware that returns 429 with a JSON error once the client's
// address has used up its bucket.
func (l *addressLimiter) limit(c *fiber.Ctx) error {
	addr := l.addressOf(c)
	if l.allow(addr, time.Now()) {
		return c.Next()
	}
	wait := (60 + l.perMinute - 1) / l.perMinute
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(wait))
	return &apiError{Status: fiber.StatusTooManyRequests, Code: "rate-limited", Field: "address",
		Message: fmt.Sprintf("more than %d %s per minute from address %s; wait %d s and try again", l.perMinute, l.what, addr, wait)}
}
