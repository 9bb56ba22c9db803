package main

import (
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"
)

const testAccessKey = "correct horse battery staple"

// noRedirects is an HTTP client that returns redirects instead of following them.
func noRedirects(jar http.CookieJar) *http.Client {
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func do(t *testing.T, client *http.Client, method, url, body string, header map[string]string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestAccessKeyGuardsListAndDeclare(t *testing.T) {
	_, base := startAppWith(t, "-access-key", testAccessKey)
	anon := noRedirects(nil)

	resp := do(t, anon, http.MethodGet, base+"/", "", nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/signin" {
		t.Errorf("home page without the key: %d to %q, want 303 to /signin", resp.StatusCode, resp.Header.Get("Location"))
	}
	status, out := getJSON(t, base+"/api/incidents", "")
	if status != http.StatusUnauthorized {
		t.Errorf("incident list without the key answered %d, want 401", status)
	}
	if e, _ := out["error"].(map[string]any); e["field"] != "Authorization" {
		t.Errorf("401 body %v does not name Authorization", out)
	}
	if status, _ := postJSON(t, base+"/api/incidents", `{"title":"x","severity":"P1"}`); status != http.StatusUnauthorized {
		t.Errorf("declaring without the key answered %d, want 401", status)
	}
	if resp := do(t, anon, http.MethodGet, base+"/signin", "", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("sign-in page answered %d", resp.StatusCode)
	}

	// Signing in.
	if resp := do(t, anon, http.MethodPost, base+"/signin", `{"key":"wrong"}`, nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a wrong key answered %d, want 401", resp.StatusCode)
	}
	jar, _ := cookiejar.New(nil)
	browser := noRedirects(jar)
	resp = do(t, browser, http.MethodPost, base+"/signin", `{"key":"`+testAccessKey+`"}`, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the right key answered %d", resp.StatusCode)
	}
	setCookie := resp.Header.Get("Set-Cookie")
	for _, want := range []string{"sitrep_access=", "HttpOnly", "SameSite=Strict"} {
		if !strings.Contains(strings.ToLower(setCookie), strings.ToLower(want)) {
			t.Errorf("Set-Cookie %q lacks %s", setCookie, want)
		}
	}
	if strings.Contains(strings.ToLower(setCookie), "secure") {
		t.Errorf("Set-Cookie %q is Secure on plain http", setCookie)
	}
	if strings.Contains(setCookie, "horse") {
		t.Error("the cookie holds the access key")
	}
	if resp := do(t, browser, http.MethodGet, base+"/", "", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("home page with the cookie answered %d", resp.StatusCode)
	}
	if resp := do(t, browser, http.MethodGet, base+"/api/incidents", "", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("incident list with the cookie answered %d", resp.StatusCode)
	}
	if resp := do(t, browser, http.MethodPost, base+"/api/incidents", `{"title":"With cookie","severity":"P1"}`, nil); resp.StatusCode != http.StatusCreated {
		t.Errorf("declaring with the cookie answered %d", resp.StatusCode)
	}
	bearer := map[string]string{"Authorization": "Bearer " + testAccessKey}
	if resp := do(t, anon, http.MethodGet, base+"/api/incidents", "", bearer); resp.StatusCode != http.StatusOK {
		t.Errorf("incident list with the key as bearer answered %d", resp.StatusCode)
	}
	forged := map[string]string{"Cookie": "sitrep_access=9999999999.AAAA"}
	if resp := do(t, anon, http.MethodGet, base+"/api/incidents", "", forged); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a forged cookie answered %d, want 401", resp.StatusCode)
	}
}

func TestIncidentLinksWorkWithoutAccessKey(t *testing.T) {
	_, base := startAppWith(t, "-access-key", testAccessKey)
	req, _ := http.NewRequest(http.MethodPost, base+"/api/incidents", strings.NewReader(`{"title":"Keyed","severity":"P1"}`))
	req.Header.Set("Authorization", "Bearer "+testAccessKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var created struct{ ID, EditToken, ViewToken string }
	err = json.NewDecoder(resp.Body).Decode(&created)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || err != nil {
		t.Fatalf("declaring with the key as bearer answered %d (%v)", resp.StatusCode, err)
	}

	anon := noRedirects(nil)
	for _, path := range []string{"/incidents/" + created.ID, "/incidents/" + created.ID + "/view", "/incidents/" + created.ID + "/countdown"} {
		if resp := do(t, anon, http.MethodGet, base+path, "", nil); resp.StatusCode != http.StatusOK {
			t.Errorf("%s without the key answered %d", path, resp.StatusCode)
		}
	}
	for _, tok := range []string{created.EditToken, created.ViewToken} {
		if status, _ := getJSON(t, base+"/api/incidents/"+created.ID, tok); status != http.StatusOK {
			t.Errorf("GET incident with its token and without the key answered %d", status)
		}
	}
	if _, welcome := hello(t, base, created.ID, created.ViewToken); welcome["role"] != "view" {
		t.Errorf("websocket with the view token opened as %v", welcome["role"])
	}
	if status, out := rotate(t, base, created.ID, created.EditToken, "view"); status != http.StatusOK {
		t.Errorf("rotating without the key answered %d: %v", status, out)
	}
}

func TestAccessCookieSecureWithHTTPSPublicURL(t *testing.T) {
	_, base := startAppWith(t, "-access-key", testAccessKey, "-public-url", "https://sitrep.example.com")
	resp := do(t, noRedirects(nil), http.MethodPost, base+"/signin", `{"key":"`+testAccessKey+`"}`, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("sign-in answered %d", resp.StatusCode)
	}
	if c := resp.Header.Get("Set-Cookie"); !strings.Contains(strings.ToLower(c), "secure") {
		t.Errorf("Set-Cookie %q is not Secure with an https public URL", c)
	}
}

func TestSignInAttemptsLimited(t *testing.T) {
	_, base := startAppWith(t, "-access-key", testAccessKey)
	client := noRedirects(nil)
	for i := 0; i < signInsPerMinute; i++ {
		if resp := do(t, client, http.MethodPost, base+"/signin", `{"key":"guess"}`, nil); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("guess %d answered %d, want 401", i+1, resp.StatusCode)
		}
	}
	if resp := do(t, client, http.MethodPost, base+"/signin", `{"key":"`+testAccessKey+`"}`, nil); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("attempt %d answered %d, want 429", signInsPerMinute+1, resp.StatusCode)
	}
}

func TestAccessCookieExpires(t *testing.T) {
	now := time.Date(2026, 3, 12, 14, 0, 0, 0, time.UTC)
	value := newAccessCookieValue(testAccessKey, now)
	if !validAccessCookie(testAccessKey, value, now.Add(29*24*time.Hour)) {
		t.Error("a cookie is invalid after 29 days")
	}
	if validAccessCookie(testAccessKey, value, now.Add(31*24*time.Hour)) {
		t.Error("a cookie is still valid after 31 days")
	}
	if validAccessCookie("another key", value, now) {
		t.Error("a cookie signed with another key is valid")
	}
}
