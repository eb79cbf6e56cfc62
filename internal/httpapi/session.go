package httpapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/dauys/dauys"
)

// SessionCookie is the name of the session cookie. The __Host- prefix makes
// browsers keep it only when it is Secure, for the whole site and for this
// host alone, so that no sibling domain can plant one.
const SessionCookie = "__Host-dauys-session"

// identity is a principal proven by a credential.
type identity struct {
	principal  dauys.Principal
	credential string    // token:ID or session:<hash prefix>
	expires    time.Time // when the credential stops working; zero for never
}

// authenticate reads the credential of a request: a Bearer token, or else
// the session cookie. A request that sends a token is judged by the token
// alone.
func (s *Server) authenticate(r *http.Request) (*identity, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		return s.authenticateToken(r, h)
	}
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		return s.authenticateSession(r, c.Value)
	}
	return nil, dauys.Errorf(dauys.EUNAUTHORIZED, "sign in, or send a Bearer token")
}

func (s *Server) authenticateToken(r *http.Request, header string) (*identity, error) {
	secret, ok := bearerToken(header)
	if !ok || s.cfg.Tokens == nil {
		return nil, dauys.Errorf(dauys.EUNAUTHORIZED, "a Bearer token is required")
	}
	t, err := s.cfg.Tokens.TokenByHash(r.Context(), dauys.HashToken(secret))
	if dauys.ErrorCode(err) == dauys.ENOTFOUND {
		return nil, s.tokenRefused(r, "", "unknown token", dauys.Errorf(dauys.EUNAUTHORIZED, "the token is not valid"))
	} else if err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	if !t.RevokedAt.IsZero() || (!t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt)) {
		return nil, s.tokenRefused(r, t.ID, "expired or revoked token of "+t.Principal.Subject,
			dauys.Errorf(dauys.EUNAUTHORIZED, "the token has expired or was revoked"))
	}
	return &identity{principal: t.Principal, credential: "token:" + t.ID, expires: t.ExpiresAt}, nil
}

// bearerToken returns the token of an Authorization header that uses the
// Bearer scheme. Schemes are case-insensitive (RFC 9110, section 11.1) and
// one or more spaces separate the scheme from the token, so "bearer  T"
// is as good as "Bearer T".
func bearerToken(header string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", false
	}
	return token, true
}

// tokenRefused counts a refused token against the client's address, as a
// failed sign-in, and records it. Once the address is locked, its further
// refusals are answered without writing anything, so that a flood of
// guesses cannot fill the audit trail.
func (s *Server) tokenRefused(r *http.Request, id, detail string, cause error) error {
	if s.cfg.Users == nil {
		if err := s.audit.record(r.Context(), s.tokenEvent(r, id, detail)); err != nil {
			return err
		}
		return cause
	}
	ctx, now, addr := r.Context(), s.cfg.Now(), "addr:"+s.clientAddr(r)
	th, err := s.cfg.Users.LoginThrottle(ctx, addr)
	if err != nil {
		return err
	}
	if th.Locked(now) {
		return lockedError(th, now)
	}
	events := []*dauys.AuditEvent{s.tokenEvent(r, id, detail)}
	th, err = s.cfg.Users.RecordLoginFailure(ctx, addr, now, s.cfg.AddressPolicy)
	if err != nil {
		return err
	}
	if th.Locked(now) {
		events = append(events, s.lockoutEvent(r, th))
	}
	if err := s.audit.record(ctx, events...); err != nil {
		return err
	}
	return cause
}

func (s *Server) tokenEvent(r *http.Request, id, detail string) *dauys.AuditEvent {
	e := s.event(r, nil, dauys.AuditTokenRefused, dauys.EUNAUTHORIZED)
	if id != "" {
		e.Credential = "token:" + id
	}
	e.Detail = detail
	return e
}

func (s *Server) lockoutEvent(r *http.Request, th *dauys.LoginThrottle) *dauys.AuditEvent {
	e := s.event(r, nil, dauys.AuditLockout, dauys.ELOCKED)
	e.Object = th.Key
	e.Detail = fmt.Sprintf("%d failures; locked until %s", th.Failures, th.LockedUntil.UTC().Format(time.RFC3339))
	return e
}

// lockedError tells the client when to try again.
func lockedError(th *dauys.LoginThrottle, now time.Time) error {
	wait := th.LockedUntil.Sub(now).Round(time.Second)
	return &lockError{until: th.LockedUntil, err: dauys.Errorf(dauys.ELOCKED, "too many failed attempts: try again in %s", max(wait, time.Second))}
}

// lockError carries the end of a lock to the Retry-After header.
type lockError struct {
	until time.Time
	err   *dauys.Error
}

func (e *lockError) Error() string { return e.err.Error() }
func (e *lockError) Unwrap() error { return e.err }

func (s *Server) authenticateSession(r *http.Request, secret string) (*identity, error) {
	ended := dauys.Errorf(dauys.EUNAUTHORIZED, "your session has ended: sign in again")
	if s.cfg.Users == nil {
		return nil, ended
	}
	hash := dauys.HashToken(secret)
	sess, err := s.cfg.Users.SessionByHash(r.Context(), hash)
	if dauys.ErrorCode(err) == dauys.ENOTFOUND {
		return nil, ended
	} else if err != nil {
		return nil, err
	}
	if !s.cfg.Now().Before(sess.ExpiresAt) {
		return nil, ended
	}
	u, err := s.cfg.Users.User(r.Context(), sess.User)
	if dauys.ErrorCode(err) == dauys.ENOTFOUND {
		return nil, ended
	} else if err != nil {
		return nil, err
	}
	if !u.DisabledAt.IsZero() {
		return nil, ended
	}
	return &identity{principal: u.Principal(), credential: sessionCredential(hash), expires: sess.ExpiresAt}, nil
}

// sessionCredential names a session in the audit trail by the first
// digits of its hash: enough to tell sessions apart, useless to sign in.
func sessionCredential(hash string) string { return "session:" + hash[:12] }

type loginRequest struct {
	User     string `json:"user"`
	Password string `json:"password"`
}

// login signs a user in with a password and sets the session cookie.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		s.Error(w, r, dauys.Errorf(dauys.EINVALID, "send {\"user\": ..., \"password\": ...}: %v", err))
		return
	}
	if req.User == "" || req.Password == "" || len(req.User) > 256 || len(req.Password) > 1024 {
		s.Error(w, r, dauys.Errorf(dauys.EINVALID, "send a user name and a password (at most 1024 bytes)"))
		return
	}
	ctx, now, us := r.Context(), s.cfg.Now(), s.cfg.Users
	type key struct {
		name   string
		policy dauys.LoginPolicy
	}
	keys := []key{{"user:" + req.User, s.cfg.AccountPolicy}, {"addr:" + s.clientAddr(r), s.cfg.AddressPolicy}}

	// A locked account or address is refused before its password is
	// looked at, so that guessing during a lock learns nothing, and
	// without writing, so that hammering it costs the server nothing.
	for _, k := range keys {
		th, err := us.LoginThrottle(ctx, k.name)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		if th.Locked(now) {
			s.Error(w, r, lockedError(th, now))
			return
		}
	}

	// An unknown user costs the same hash as a known one, so that the
	// time of the answer does not tell which names exist.
	u, err := us.User(ctx, req.User)
	if err != nil && dauys.ErrorCode(err) != dauys.ENOTFOUND {
		s.Error(w, r, err)
		return
	}
	hash, why := s.dummyHash(), "unknown user"
	if u != nil {
		hash, why = u.PasswordHash, "wrong password"
	}
	ok, err := s.checkPassword(ctx, hash, req.Password)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if ok && u != nil && !u.DisabledAt.IsZero() {
		ok, why = false, "disabled user"
	}
	if !ok || u == nil {
		failed := s.event(r, nil, dauys.AuditLoginFailed, dauys.EUNAUTHORIZED)
		failed.Object, failed.Detail, failed.Credential = req.User, why, "password"
		if u != nil {
			failed.Election, failed.Area = u.Election, u.Area
		}
		events := []*dauys.AuditEvent{failed}
		for _, k := range keys {
			th, err := us.RecordLoginFailure(ctx, k.name, now, k.policy)
			if err != nil {
				s.Error(w, r, err)
				return
			}
			if th.Locked(now) {
				lock := s.lockoutEvent(r, th)
				lock.Election = failed.Election
				events = append(events, lock)
			}
		}
		if err := s.audit.record(ctx, events...); err != nil {
			s.Error(w, r, err)
			return
		}
		s.Error(w, r, dauys.Errorf(dauys.EUNAUTHORIZED, "wrong user name or password"))
		return
	}

	if err := us.ClearLoginFailures(ctx, keys[0].name); err != nil {
		s.Error(w, r, err)
		return
	}
	secret := make([]byte, 32)
	if _, err := io.ReadFull(s.cfg.Rand, secret); err != nil {
		s.Error(w, r, fmt.Errorf("session secret: %w", err))
		return
	}
	value := base64.RawURLEncoding.EncodeToString(secret)
	sess := &dauys.Session{Hash: dauys.HashToken(value), User: u.Name, Client: s.clientAddr(r),
		CreatedAt: now.UTC(), ExpiresAt: now.Add(s.cfg.SessionTTL).UTC()}
	if err := us.CreateSession(ctx, sess); err != nil {
		s.Error(w, r, err)
		return
	}
	who := &identity{principal: u.Principal(), credential: sessionCredential(sess.Hash), expires: sess.ExpiresAt}
	in := s.event(r, who, dauys.AuditLogin, dauys.AuditOK)
	in.Election, in.Area, in.Object, in.Detail = u.Election, u.Area, u.Name, "signed in with a password until "+sess.ExpiresAt.Format(time.RFC3339)
	if err := s.audit.record(ctx, in); err != nil {
		s.Error(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: value, Path: "/", Expires: sess.ExpiresAt,
		MaxAge: int(s.cfg.SessionTTL / time.Second), Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, meOf(who))
}

// logout ends the session of the cookie, if any, and clears the cookie.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		who, err := s.authenticateSession(r, c.Value)
		hash := dauys.HashToken(c.Value)
		switch derr := s.cfg.Users.DeleteSession(r.Context(), hash); {
		case derr == nil && err == nil:
			out := s.event(r, who, dauys.AuditLogout, dauys.AuditOK)
			out.Election, out.Area, out.Object = who.principal.Election, who.principal.Area, who.principal.Subject
			if err := s.audit.record(r.Context(), out); err != nil {
				s.Error(w, r, err)
				return
			}
		case derr != nil && dauys.ErrorCode(derr) != dauys.ENOTFOUND:
			s.Error(w, r, derr)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	w.WriteHeader(http.StatusNoContent)
}

type me struct {
	dauys.Principal
	Credential string    `json:"credential"`
	ExpiresAt  time.Time `json:"expires_at,omitzero"`
}

func meOf(who *identity) me {
	return me{Principal: who.principal, Credential: who.credential, ExpiresAt: who.expires}
}

// me answers who the request's credential proves.
func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	who, err := s.authenticate(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, meOf(who))
}

// checkPassword checks a password, with at most MaxPasswordChecks hashes
// at once: each takes tens of megabytes and a core for a tenth of a second.
func (s *Server) checkPassword(ctx context.Context, hash, password string) (bool, error) {
	select {
	case s.hashing <- struct{}{}:
		defer func() { <-s.hashing }()
	case <-ctx.Done():
		return false, ctx.Err()
	}
	ok, err := dauys.CheckPassword(hash, password)
	if err != nil {
		return false, fmt.Errorf("check password: %w", err)
	}
	return ok, nil
}

// dummyHash is a hash of no one's password made with the server's
// parameters, for unknown users. It is made on first use, since it costs
// as much as a sign-in.
func (s *Server) dummyHash() string {
	s.dummyOnce.Do(func() { s.dummy = dauys.HashPassword("no one's password", s.cfg.PasswordParams) })
	return s.dummy
}

// retryAfter sets Retry-After for a lock.
func retryAfter(w http.ResponseWriter, err error, now time.Time) {
	var le *lockError
	if errors.As(err, &le) {
		secs := int(le.until.Sub(now).Seconds() + 0.999)
		w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
	}
}
