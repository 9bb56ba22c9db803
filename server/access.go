package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// accessCookie is the cookie a browser holds after signing in with the
// access key. Its value is "EXPIRY.MAC": the expiry in Unix seconds and an
// HMAC-SHA256 of it keyed with the access key, so it never holds the key,
// and changing the key signs every browser out.
const (
	accessCookie    = "sitrep_access"
	accessLifetime  = 30 * 24 * time.Hour
	accessMACPrefix = "sitrep access cookie v1 "
)

// accessMAC returns the cookie MAC of expiry under key.
func accessMAC(key string, expiry int64) []byte {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(accessMACPrefix + strconv.FormatInt(expiry, 10)))
	return m.Sum(nil)
}

// newAccessCookieValue returns a cookie value valid until now+accessLifetime.
func newAccessCookieValue(key string, now time.Time) string {
	expiry := now.Add(accessLifetime).Unix()
	return strconv.FormatInt(expiry, 10) + "." + base64.RawURLEncoding.EncodeToString(accessMAC(key, expiry))
}

// validAccessCookie reports whether value was signed with key and has not expired.
func validAccessCookie(key, value string, now time.Time) bool {
	expiryText, macText, ok := strings.Cut(value, ".")
	if !ok {
		return false
	}
	expiry, err := strconv.ParseInt(expiryText, 10, 64)
	if err != nil || now.Unix() >= expiry {
		return false
	}
	mac, err := base64.RawURLEncoding.DecodeString(macText)
	if err != nil {
		return false
	}
	return hmac.Equal(mac, accessMAC(key, expiry))
}

// sameKey compares a presented key with the access key in constant time.
// Both are hashed first, so the time does not reveal the key's length.
func sameKey(presented, key string) bool {
	a, b := sha256.Sum256([]byte(presented)), sha256.Sum256([]byte(key))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

// hasAccess reports whether the request carries a valid access cookie or
// the access key as a bearer token.
func (s *server) hasAccess(c *fiber.Ctx) bool {
	if v := c.Cookies(accessCookie); v != "" && validAccessCookie(s.cfg.AccessKey, v, time.Now()) {
		return true
	}
	tok, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	return ok && tok != "" && sameKey(tok, s.cfg.AccessKey)
}

// requireAccess lets requests through when no access key is configured or
// the request carries it. Otherwise pages redirect to the sign-in page and
// the API returns 401.
func (s *server) requireAccess(c *fiber.Ctx) error {
	if s.cfg.AccessKey == "" || s.hasAccess(c) {
		return c.Next()
	}
	if strings.HasPrefix(c.Path(), "/api/") {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="sitrep"`)
		return &apiError{Status: fiber.StatusUnauthorized, Field: "Authorization",
			Message: "this server requires its access key: sign in at /signin, or send the key as Authorization: Bearer KEY"}
	}
	return c.Redirect("/signin", fiber.StatusSeeOther)
}

type signInRequest struct {
	Key string `json:"key"`
}

// signIn checks the access key and, when it is right, sets the access cookie.
func (s *server) signIn(c *fiber.Ctx) error {
	if s.cfg.AccessKey == "" {
		return &apiError{Status: fiber.StatusNotFound, Message: "this server has no access key, so there is nothing to sign in to"}
	}
	var req signInRequest
	if err := decodeJSON(c.Body(), &req); err != nil {
		return err
	}
	if req.Key == "" {
		return badRequest("key", "is required")
	}
	if !sameKey(req.Key, s.cfg.AccessKey) {
		s.log.Info("sign-in failed", "address", s.clients.of(c))
		return &apiError{Status: fiber.StatusUnauthorized, Field: "key", Message: "invalid access key; ask the person who runs this sitrep for the current key"}
	}
	now := time.Now()
	c.Cookie(&fiber.Cookie{
		Name:     accessCookie,
		Value:    newAccessCookieValue(s.cfg.AccessKey, now),
		Path:     "/",
		Expires:  now.Add(accessLifetime),
		Secure:   c.Protocol() == "https" || strings.HasPrefix(s.cfg.PublicURL, "https://"),
		HTTPOnly: true,
		SameSite: fiber.CookieSameSiteStrictMode,
	})
	return c.JSON(fiber.Map{"signedIn": true})
}

// signInPage serves the sign-in page, or sends the browser home when the
// server needs no key or the browser is already signed in.
func (s *server) signInPage() fiber.Handler {
	page := s.page("signin.html")
	return func(c *fiber.Ctx) error {
		if s.cfg.AccessKey == "" || s.hasAccess(c) {
			return c.Redirect("/", fiber.StatusSeeOther)
		}
		return page(c)
	}
}
