package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/httpapi"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/sqlite"
	"github.com/dauys/dauys/internal/tally"
)

// cheap are password costs for tests: the parameters are read from each
// hash, so a test need not pay for production ones.
var cheap = dauys.PasswordParams{Time: 1, Memory: 64, Threads: 1}

// accounts is a TLS server with users, sessions and an audit trail, on a
// clock the test moves.
type accounts struct {
	srv   *httptest.Server
	store *sqlite.Store
	now   time.Time
}

func newAccounts(t *testing.T) *accounts {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "api.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.CreateElection(ctx, election()); err != nil {
		t.Fatal(err)
	}
	a := &accounts{store: s, now: time.Date(2026, 3, 15, 21, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return a.now }
	in := intake.New(s, clock)
	api := httpapi.New(httpapi.Config{Store: s, Tokens: s, Users: s, Audit: s, Intake: in, Tally: tally.New(s, in.Elections()), Now: clock,
		PasswordParams: cheap, SessionTTL: time.Hour,
		AccountPolicy:  dauys.LoginPolicy{Threshold: 3, Lockout: time.Minute, MaxLockout: 10 * time.Minute, Forget: time.Hour},
		AddressPolicy:  dauys.LoginPolicy{Threshold: 8, Lockout: time.Minute, MaxLockout: 10 * time.Minute, Forget: time.Hour},
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	a.srv = httptest.NewTLSServer(api)
	t.Cleanup(a.srv.Close)
	for _, u := range []*dauys.User{
		{Name: "op-r1", Role: dauys.RoleOperator, Election: "e", Area: "r1"},
		{Name: "uik-p1", Role: dauys.RolePrecinct, Election: "e", Area: "p1"},
		{Name: "observer", Role: dauys.RoleObserver, Election: "e"},
		{Name: "cec", Role: dauys.RoleAdmin},
	} {
		u.PasswordHash, u.CreatedAt = dauys.HashPassword("password of "+u.Name, cheap), a.now
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	return a
}

// browser returns a client with its own cookie jar, as one person's
// browser, coming from the address from (through the trusted proxy at
// 127.0.0.1).
func (a *accounts) browser(t *testing.T, from string) *client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := *a.srv.Client()
	c.Jar = jar
	return &client{t: t, a: a, c: &c, from: from}
}

type client struct {
	t    *testing.T
	a    *accounts
	c    *http.Client
	from string
}

// do sends a request and returns the answer with its body decoded.
func (c *client) do(method, path, body string, header ...string) (*http.Response, map[string]any) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.a.srv.URL+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if c.from != "" {
		req.Header.Set("X-Forwarded-For", c.from)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var out map[string]any
	json.Unmarshal(data, &out)
	return resp, out
}

func (c *client) login(user, password string) (*http.Response, map[string]any) {
	c.t.Helper()
	return c.do("POST", "/api/v1/login", `{"user":"`+user+`","password":"`+password+`"}`)
}

func (c *client) mustLogin(user string) {
	c.t.Helper()
	if resp, body := c.login(user, "password of "+user); resp.StatusCode != 200 {
		c.t.Fatalf("login %s: %d %v", user, resp.StatusCode, body)
	}
}

// events returns the audit trail, checked.
func (a *accounts) events(t *testing.T) []*dauys.AuditEvent {
	t.Helper()
	var out []*dauys.AuditEvent
	v := dauys.AuditVerifier{Contiguous: true}
	if err := a.store.AuditEvents(t.Context(), "", func(e *dauys.AuditEvent) error {
		out = append(out, e)
		return v.Check(e)
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// lastEvent returns the last audit event with the action.
func (a *accounts) lastEvent(t *testing.T, action string) *dauys.AuditEvent {
	t.Helper()
	events := a.events(t)
	for i := len(events) - 1; i >= 0; i-- {
		if events[i].Action == action {
			return events[i]
		}
	}
	t.Fatalf("no %s event in %v", action, events)
	return nil
}

func TestLogin(t *testing.T) {
	a := newAccounts(t)
	b := a.browser(t, "203.0.113.5")

	resp, body := b.do("GET", "/api/v1/me", "")
	if resp.StatusCode != 401 {
		t.Fatalf("me before signing in: %d %v", resp.StatusCode, body)
	}
	resp, body = b.login("op-r1", "password of op-r1")
	if resp.StatusCode != 200 || body["subject"] != "op-r1" || body["role"] != "operator" || body["area"] != "r1" {
		t.Fatalf("login: %d %v", resp.StatusCode, body)
	}
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == httpapi.SessionCookie {
			cookie = c
		}
	}
	if cookie == nil || !cookie.Secure || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || cookie.Path != "/" ||
		cookie.MaxAge != 3600 || len(cookie.Value) < 40 {
		t.Fatalf("session cookie %+v", cookie)
	}
	if resp.Header.Get("Strict-Transport-Security") == "" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("headers %v", resp.Header)
	}
	// Only the hash of the cookie is stored.
	if _, err := a.store.SessionByHash(t.Context(), cookie.Value); dauys.ErrorCode(err) != dauys.ENOTFOUND {
		t.Errorf("the session is stored under its secret: %v", err)
	}
	if sess, err := a.store.SessionByHash(t.Context(), dauys.HashToken(cookie.Value)); err != nil || sess.Client != "203.0.113.5" {
		t.Errorf("stored session %+v, %v", sess, err)
	}
	resp, body = b.do("GET", "/api/v1/me", "")
	if resp.StatusCode != 200 || body["subject"] != "op-r1" || !strings.HasPrefix(body["credential"].(string), "session:") {
		t.Errorf("me: %d %v", resp.StatusCode, body)
	}
	in := a.lastEvent(t, dauys.AuditLogin)
	if in.Actor != "op-r1" || in.Client != "203.0.113.5" || in.Election != "e" || in.Outcome != dauys.AuditOK {
		t.Errorf("login event %+v", in)
	}

	// The session cookie writes protocols as a token does, under the same
	// rules, and the audit trail says who.
	resp, body = b.do("POST", "/api/v1/elections/e/protocols", good)
	if resp.StatusCode != 201 {
		t.Fatalf("submit with the cookie: %d %v", resp.StatusCode, body)
	}
	sub := a.lastEvent(t, dauys.AuditSubmit)
	if sub.Actor != "op-r1" || sub.Credential != in.Credential || sub.Object != "list/p1" || sub.Outcome != dauys.OutcomeAccepted ||
		sub.Client != "203.0.113.5" || !strings.Contains(sub.Detail, "version 1") {
		t.Errorf("submit event %+v", sub)
	}
	resp, body = b.do("POST", "/api/v1/elections/e/protocols", strings.Replace(good, `"p1"`, `"p2"`, 1))
	if resp.StatusCode != 403 {
		t.Fatalf("outside the area with the cookie: %d %v", resp.StatusCode, body)
	}
	if ref := a.lastEvent(t, dauys.AuditRefusal); ref.Actor != "op-r1" || ref.Outcome != dauys.EFORBIDDEN || ref.Area != "p2" {
		t.Errorf("refusal event %+v", ref)
	}

	// Logging out ends the session on the server, not only in the browser.
	resp, _ = b.do("POST", "/api/v1/logout", "")
	if resp.StatusCode != 204 {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	if _, err := a.store.SessionByHash(t.Context(), dauys.HashToken(cookie.Value)); dauys.ErrorCode(err) != dauys.ENOTFOUND {
		t.Errorf("the session outlived the logout: %v", err)
	}
	stolen := a.browser(t, "198.51.100.9")
	resp, _ = stolen.do("GET", "/api/v1/me", "", "Cookie", httpapi.SessionCookie+"="+cookie.Value)
	if resp.StatusCode != 401 {
		t.Errorf("the old cookie after the logout: %d", resp.StatusCode)
	}
	if out := a.lastEvent(t, dauys.AuditLogout); out.Actor != "op-r1" {
		t.Errorf("logout event %+v", out)
	}
}

func TestSessionExpiresAndDisabling(t *testing.T) {
	a := newAccounts(t)
	b := a.browser(t, "203.0.113.5")
	b.mustLogin("op-r1")
	a.now = a.now.Add(59 * time.Minute)
	if resp, _ := b.do("GET", "/api/v1/me", ""); resp.StatusCode != 200 {
		t.Errorf("a minute before the end: %d", resp.StatusCode)
	}
	a.now = a.now.Add(time.Minute)
	if resp, body := b.do("GET", "/api/v1/me", ""); resp.StatusCode != 401 {
		t.Errorf("at the end of the session: %d %v", resp.StatusCode, body)
	}

	b.mustLogin("op-r1")
	if err := a.store.DisableUser(t.Context(), "op-r1", a.now); err != nil {
		t.Fatal(err)
	}
	if resp, _ := b.do("GET", "/api/v1/me", ""); resp.StatusCode != 401 {
		t.Errorf("a disabled user's session: %d", resp.StatusCode)
	}
	resp, _ := b.login("op-r1", "password of op-r1")
	if resp.StatusCode != 401 {
		t.Errorf("a disabled user signs in: %d", resp.StatusCode)
	}
	if ev := a.lastEvent(t, dauys.AuditLoginFailed); ev.Object != "op-r1" || ev.Detail != "disabled user" {
		t.Errorf("event %+v", ev)
	}
}

func TestLoginLockout(t *testing.T) {
	a := newAccounts(t)
	b := a.browser(t, "203.0.113.5")
	for i := range 3 {
		resp, body := b.login("op-r1", "guess "+strconv.Itoa(i))
		if resp.StatusCode != 401 || body["detail"] != "wrong user name or password" {
			t.Fatalf("guess %d: %d %v", i, resp.StatusCode, body)
		}
	}
	// Locked: even the right password is refused, with when to retry, and
	// nothing more is written while the lock lasts.
	before := len(a.events(t))
	resp, body := b.login("op-r1", "password of op-r1")
	if resp.StatusCode != 429 || body["code"] != dauys.ELOCKED || resp.Header.Get("Retry-After") != "60" {
		t.Fatalf("locked: %d %v %v", resp.StatusCode, body, resp.Header)
	}
	if after := len(a.events(t)); after != before {
		t.Errorf("%d events written during the lock", after-before)
	}
	lock := a.lastEvent(t, dauys.AuditLockout)
	if lock.Object != "user:op-r1" || lock.Client != "203.0.113.5" {
		t.Errorf("lockout event %+v", lock)
	}
	// Another account from the same address is not locked.
	b.mustLogin("cec")

	// The lock doubles with each further failure, and a success clears
	// the count.
	a.now = a.now.Add(time.Minute)
	b.login("op-r1", "another guess")
	resp, _ = b.login("op-r1", "password of op-r1")
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "120" {
		t.Fatalf("after a fourth failure: %d %v", resp.StatusCode, resp.Header)
	}
	a.now = a.now.Add(2 * time.Minute)
	b.mustLogin("op-r1")
	if th, _ := a.store.LoginThrottle(t.Context(), "user:op-r1"); th.Failures != 0 {
		t.Errorf("after a success: %+v", th)
	}

	// Unknown names count too, so a lock does not tell which names exist,
	// and enough failures lock the address.
	for i := 0; ; i++ {
		resp, _ := b.login("nobody"+strconv.Itoa(i), "x")
		if resp.StatusCode == 429 {
			break
		}
		if i > 10 {
			t.Fatal("the address was never locked")
		}
	}
	if resp, _ := b.login("cec", "password of cec"); resp.StatusCode != 429 {
		t.Errorf("a locked address signs in: %d", resp.StatusCode)
	}
	if resp, _ := a.browser(t, "203.0.113.6").login("cec", "password of cec"); resp.StatusCode != 200 {
		t.Errorf("another address: %d", resp.StatusCode)
	}
	if lock := a.lastEvent(t, dauys.AuditLockout); lock.Object != "addr:203.0.113.5" {
		t.Errorf("lockout event %+v", lock)
	}
}

func TestCrossOrigin(t *testing.T) {
	a := newAccounts(t)
	b := a.browser(t, "")
	b.mustLogin("op-r1")
	for _, h := range [][]string{
		{"Sec-Fetch-Site", "cross-site"},
		{"Origin", "https://evil.example"},
	} {
		resp, body := b.do("POST", "/api/v1/elections/e/protocols", good, h...)
		if resp.StatusCode != 403 || body["code"] != dauys.EFORBIDDEN {
			t.Errorf("%s: %d %v", h, resp.StatusCode, body)
		}
		resp, _ = b.do("POST", "/api/v1/login", `{"user":"cec","password":"password of cec"}`, h...)
		if resp.StatusCode != 403 {
			t.Errorf("login with %s: %d", h, resp.StatusCode)
		}
	}
	resp, body := b.do("POST", "/api/v1/elections/e/protocols", good, "Sec-Fetch-Site", "same-origin", "Origin", a.srv.URL)
	if resp.StatusCode != 201 {
		t.Errorf("same origin: %d %v", resp.StatusCode, body)
	}
	// Reads are not writes: a link from elsewhere still opens a page.
	if resp, _ := b.do("GET", "/api/v1/me", "", "Sec-Fetch-Site", "cross-site"); resp.StatusCode != 200 {
		t.Errorf("cross-site read: %d", resp.StatusCode)
	}
}

func TestRoleRules(t *testing.T) {
	a := newAccounts(t)
	amend := strings.Replace(strings.Replace(good, `"option:a":400,"option:b":170`, `"option:a":390,"option:b":180`, 1),
		`{`, `{"amendment":true,"reason":"recount",`, 1)
	precinct := a.browser(t, "203.0.113.7")
	precinct.mustLogin("uik-p1")
	for _, tc := range []struct {
		name   string
		body   string
		status int
	}{
		{"acknowledging warnings is for the territorial commission", strings.Replace(good, `{`, `{"acknowledge_warnings":true,`, 1), 403},
		{"its own precinct", good, 201},
		{"an amendment is for the territorial commission", amend, 403},
		{"another precinct", strings.Replace(good, `"p1"`, `"p2"`, 1), 403},
	} {
		if resp, body := precinct.do("POST", "/api/v1/elections/e/protocols", tc.body); resp.StatusCode != tc.status {
			t.Errorf("precinct: %s: %d %v, want %d", tc.name, resp.StatusCode, body, tc.status)
		}
	}
	op := a.browser(t, "203.0.113.8")
	op.mustLogin("op-r1")
	if resp, body := op.do("POST", "/api/v1/elections/e/protocols", amend); resp.StatusCode != 201 {
		t.Errorf("operator amends: %d %v", resp.StatusCode, body)
	}
	if ev := a.lastEvent(t, dauys.AuditAmend); ev.Actor != "op-r1" || ev.Outcome != dauys.OutcomeAmended || !strings.Contains(ev.Detail, "reason: recount") {
		t.Errorf("amend event %+v", ev)
	}
	if resp, _ := op.do("GET", "/api/v1/elections/e/audit-log", ""); resp.StatusCode != 403 {
		t.Errorf("an operator reads the audit trail: %d", resp.StatusCode)
	}

	// In an election whose form warns of a turnout over half, the
	// operator's acknowledgement is recorded besides the submission.
	w := election()
	w.ID = "w"
	w.Forms[0].Checks = []dauys.Relation{{Code: "W_TURNOUT", Expr: "took_part > 50% registered"}}
	if err := a.store.CreateElection(t.Context(), w); err != nil {
		t.Fatal(err)
	}
	if err := a.store.CreateUser(t.Context(), &dauys.User{Name: "op-w", Role: dauys.RoleOperator, Election: "w", Area: "r1",
		PasswordHash: dauys.HashPassword("password of op-w", cheap), CreatedAt: a.now}); err != nil {
		t.Fatal(err)
	}
	opw := a.browser(t, "203.0.113.10")
	opw.mustLogin("op-w")
	if resp, body := opw.do("POST", "/api/v1/elections/w/protocols", good); resp.StatusCode != 422 {
		t.Errorf("warnings not acknowledged: %d %v", resp.StatusCode, body)
	}
	if ev := a.lastEvent(t, dauys.AuditSubmit); ev.Election != "w" || ev.Outcome != dauys.EINVALID {
		t.Errorf("refused submit event %+v", ev)
	}
	if resp, body := opw.do("POST", "/api/v1/elections/w/protocols", strings.Replace(good, `{`, `{"acknowledge_warnings":true,`, 1)); resp.StatusCode != 201 {
		t.Errorf("warnings acknowledged: %d %v", resp.StatusCode, body)
	}
	if ev := a.lastEvent(t, dauys.AuditAcknowledge); ev.Actor != "op-w" || ev.Object != "list/p1" || !strings.Contains(ev.Detail, "W_TURNOUT") {
		t.Errorf("acknowledge event %+v", ev)
	}

	obs := a.browser(t, "203.0.113.9")
	obs.mustLogin("observer")
	if resp, body := obs.do("POST", "/api/v1/elections/e/protocols", good); resp.StatusCode != 403 {
		t.Errorf("an observer writes: %d %v", resp.StatusCode, body)
	}
	resp, body := obs.do("GET", "/api/v1/elections/e/audit-log", "")
	events, _ := body["events"].([]any)
	if resp.StatusCode != 200 || len(events) == 0 {
		t.Fatalf("the observer reads the audit trail: %d %v", resp.StatusCode, body)
	}
	for _, e := range events {
		if e.(map[string]any)["election"] != "e" {
			t.Errorf("an event of another election: %v", e)
		}
	}
	resp, body = obs.do("GET", "/api/v1/elections/e/refusals", "")
	refusals, _ := body["refusals"].([]any)
	if resp.StatusCode != 200 || refusals == nil {
		t.Errorf("the observer reads the refusals: %d %v", resp.StatusCode, body)
	}
	if ev := a.lastEvent(t, dauys.AuditReadAudit); ev.Actor != "observer" || ev.Object != "refusals" {
		t.Errorf("read event %+v", ev)
	}
}

func TestTokenRefusals(t *testing.T) {
	a := newAccounts(t)
	b := a.browser(t, "203.0.113.5")
	for i := range 8 {
		resp, _ := b.do("POST", "/api/v1/elections/e/protocols", good, "Authorization", "Bearer guess-"+strconv.Itoa(i))
		if resp.StatusCode != 401 {
			t.Fatalf("guess %d: %d", i, resp.StatusCode)
		}
	}
	refused := 0
	for _, e := range a.events(t) {
		if e.Action == dauys.AuditTokenRefused && e.Client == "203.0.113.5" {
			refused++
		}
	}
	if refused != 8 {
		t.Errorf("%d refused tokens recorded, want 8", refused)
	}
	before := len(a.events(t))
	resp, _ := b.do("POST", "/api/v1/elections/e/protocols", good, "Authorization", "Bearer guess-9")
	if resp.StatusCode != 429 || len(a.events(t)) != before {
		t.Errorf("a locked address guesses: %d, %d events written", resp.StatusCode, len(a.events(t))-before)
	}
}

func TestClientAddr(t *testing.T) {
	a := newAccounts(t)
	for _, tc := range []struct {
		name, xff, want string
	}{
		{"no header: the proxy", "", "127.0.0.1"},
		{"one hop", "203.0.113.5", "203.0.113.5"},
		{"the client's own claim is not believed", "10.9.9.9, 203.0.113.5", "203.0.113.5"},
		{"through two trusted proxies", "203.0.113.5, 127.0.0.1", "203.0.113.5"},
		{"garbage from the proxy", "not an address", "127.0.0.1"},
		{"IPv6", "2001:db8::1", "2001:db8::1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := a.browser(t, tc.xff)
			b.login("nobody-"+tc.name, "x") // one name each, so that no account locks
			if ev := a.lastEvent(t, dauys.AuditLoginFailed); ev.Client != tc.want {
				t.Errorf("client %q, want %q", ev.Client, tc.want)
			}
		})
	}
}

// TestUntrustedProxy checks that X-Forwarded-For from a peer that is not a
// trusted proxy is ignored.
func TestUntrustedProxy(t *testing.T) {
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "api.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	in := intake.New(s, nil)
	api := httpapi.New(httpapi.Config{Store: s, Users: s, Audit: s, Intake: in, Tally: tally.New(s, in.Elections()), PasswordParams: cheap})
	srv := httptest.NewServer(api)
	defer srv.Close()
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/login", bytes.NewBufferString(`{"user":"x","password":"y"}`))
	req.Header.Set("X-Forwarded-For", "203.0.113.5")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var client string
	s.AuditEvents(t.Context(), "", func(e *dauys.AuditEvent) error { client = e.Client; return nil })
	if client != "127.0.0.1" {
		t.Errorf("client %q, want the peer 127.0.0.1", client)
	}
	if resp.Header.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS over plain HTTP")
	}
}

// TestConcurrentAudit sends many requests at once: their events are
// appended together, none is lost, and the chain stays whole.
func TestConcurrentAudit(t *testing.T) {
	a := newAccounts(t)
	const n = 24
	var wg sync.WaitGroup
	for i := range n {
		b := a.browser(t, "203.0.113."+strconv.Itoa(i+1))
		wg.Go(func() {
			req, _ := http.NewRequest("POST", a.srv.URL+"/api/v1/login", strings.NewReader(`{"user":"nobody-`+strconv.Itoa(i)+`","password":"x"}`))
			req.Header.Set("X-Forwarded-For", b.from)
			resp, err := b.c.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
		})
	}
	wg.Wait()
	clients := map[string]bool{}
	for _, e := range a.events(t) {
		if e.Action == dauys.AuditLoginFailed {
			clients[e.Client] = true
		}
	}
	if len(clients) != n {
		t.Errorf("%d failed sign-ins recorded, want %d", len(clients), n)
	}
}
