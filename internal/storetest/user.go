package storetest

import (
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/dauys/dauys"
)

// userStore returns s as a dauys.UserStore, or skips the test for a store
// that keeps no users: dauys.Store does not require it.
// The suite takes any dauys.Store, so it asks; both real stores keep users,
// which internal/backend checks at compile time (var _ backend.Backend).
func userStore(t *testing.T, s dauys.Store) dauys.UserStore {
	t.Helper()
	us, ok := s.(dauys.UserStore)
	if !ok {
		t.Skipf("%T keeps no users", s)
	}
	return us
}

// somePasswordHash stands for a password hash: the store keeps it as it
// is, and computing a real one would only slow the suite down.
const somePasswordHash = "$argon2id$v=19$m=8,t=1,p=1$c29tZXNhbHQ$c29tZWtleXNvbWVrZXlzb21la2V5"

// newUser returns an operator of region r1 of the fixture, created at the
// i-th instant of polling night.
func newUser(name string, i int) *dauys.User {
	return &dauys.User{Name: name, Role: dauys.RoleOperator, Election: fixtureID, Area: "r1",
		PasswordHash: somePasswordHash, CreatedAt: at(i)}
}

func mustCreateUser(t *testing.T, us dauys.UserStore, u *dauys.User) {
	t.Helper()
	if err := us.CreateUser(t.Context(), u); err != nil {
		t.Fatalf("create user %s: %v", u.Name, err)
	}
}

// checkUser compares a user read from the store with the expected one;
// times compare as instants.
func checkUser(t *testing.T, what string, got, want *dauys.User) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s: no user", what)
	}
	if !got.CreatedAt.Equal(want.CreatedAt) || !got.DisabledAt.Equal(want.DisabledAt) {
		t.Errorf("%s: created %v disabled %v, want %v and %v", what, got.CreatedAt, got.DisabledAt, want.CreatedAt, want.DisabledAt)
	}
	g, w := *got, *want
	g.CreatedAt, g.DisabledAt, w.CreatedAt, w.DisabledAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if g != w {
		t.Errorf("%s:\n got %+v\nwant %+v", what, g, w)
	}
}

func testUsers(t *testing.T, fresh func(*testing.T) dauys.Store) {
	t.Run("create and read", func(t *testing.T) {
		s := fresh(t)
		us := userStore(t, s)
		newFixture(t, s)
		op := newUser("Айгүл", 1)
		admin := &dauys.User{Name: "cec-admin", Role: dauys.RoleAdmin, PasswordHash: somePasswordHash, CreatedAt: at(2)}
		precinct := &dauys.User{Name: "uik-001", Role: dauys.RolePrecinct, Election: fixtureID, Area: "p1", PasswordHash: somePasswordHash, CreatedAt: at(3)}
		for _, u := range []*dauys.User{op, admin, precinct} {
			mustCreateUser(t, us, u)
		}
		for _, want := range []*dauys.User{op, admin, precinct} {
			got, err := us.User(t.Context(), want.Name)
			if err != nil {
				t.Fatalf("user %s: %v", want.Name, err)
			}
			checkUser(t, "user "+want.Name, got, want)
		}
		list, err := us.Users(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, u := range list {
			names = append(names, u.Name)
		}
		// Byte order: ASCII before Cyrillic, whatever the database's locale.
		if want := []string{"cec-admin", "uik-001", "Айгүл"}; !reflect.DeepEqual(names, want) {
			t.Errorf("users %v, want %v", names, want)
		}
		_, err = us.User(t.Context(), "nobody")
		checkCode(t, "unknown user", err, dauys.ENOTFOUND)
	})
	t.Run("refused", func(t *testing.T) {
		s := fresh(t)
		us := userStore(t, s)
		newFixture(t, s)
		first := newUser("op", 1)
		mustCreateUser(t, us, first)
		for _, tc := range []struct {
			name string
			user *dauys.User
			code string
		}{
			{"same name", func() *dauys.User {
				u := newUser("op", 2)
				u.Role = dauys.RoleAdmin
				u.Area, u.Election = "", ""
				return u
			}(), dauys.ECONFLICT},
			{"no name", newUser("", 2), dauys.EINVALID},
			{"unknown role", func() *dauys.User { u := newUser("x", 2); u.Role = "root"; return u }(), dauys.EINVALID},
			{"no password", func() *dauys.User { u := newUser("x", 2); u.PasswordHash = ""; return u }(), dauys.EINVALID},
			{"precinct without area", func() *dauys.User { u := newUser("x", 2); u.Role, u.Area = dauys.RolePrecinct, ""; return u }(), dauys.EINVALID},
			{"missing election", func() *dauys.User { u := newUser("x", 2); u.Election = "nowhere"; return u }(), dauys.ENOTFOUND},
		} {
			t.Run(tc.name, func(t *testing.T) {
				checkCode(t, "create user", us.CreateUser(t.Context(), tc.user), tc.code)
			})
		}
		got, err := us.User(t.Context(), "op")
		if err != nil {
			t.Fatal(err)
		}
		checkUser(t, "the first user after the refusals", got, first)
		if list, _ := us.Users(t.Context()); len(list) != 1 {
			t.Errorf("%d users after the refusals, want 1", len(list))
		}
	})
	t.Run("disable", func(t *testing.T) {
		s := fresh(t)
		us := userStore(t, s)
		newFixture(t, s)
		u, other := newUser("op", 1), newUser("other", 2)
		mustCreateUser(t, us, u)
		mustCreateUser(t, us, other)
		sess := newSession("op", 3)
		otherSess := newSession("other", 3)
		for _, x := range []*dauys.Session{sess, otherSess} {
			if err := us.CreateSession(t.Context(), x); err != nil {
				t.Fatal(err)
			}
		}
		if err := us.DisableUser(t.Context(), "op", at(10)); err != nil {
			t.Fatal(err)
		}
		want := *u
		want.DisabledAt = at(10)
		got, err := us.User(t.Context(), "op")
		if err != nil {
			t.Fatal(err)
		}
		checkUser(t, "disabled user", got, &want)
		_, err = us.SessionByHash(t.Context(), sess.Hash)
		checkCode(t, "the disabled user's session", err, dauys.ENOTFOUND)
		if _, err := us.SessionByHash(t.Context(), otherSess.Hash); err != nil {
			t.Errorf("another user's session after the disabling: %v", err)
		}
		checkCode(t, "disable again", us.DisableUser(t.Context(), "op", at(11)), dauys.ENOTFOUND)
		checkCode(t, "disable unknown", us.DisableUser(t.Context(), "nobody", at(11)), dauys.ENOTFOUND)
		got, _ = us.User(t.Context(), "op")
		checkUser(t, "user disabled twice", got, &want)
	})
}

// newSession returns a session of the user created at the i-th instant
// and valid for twelve hours.
func newSession(user string, i int) *dauys.Session {
	return &dauys.Session{Hash: dauys.HashToken(fmt.Sprintf("session of %s at %d", user, i)), User: user,
		Client: "192.0.2.7", CreatedAt: at(i), ExpiresAt: at(i).Add(12 * time.Hour)}
}

func checkSession(t *testing.T, what string, got, want *dauys.Session) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s: no session", what)
	}
	if !got.CreatedAt.Equal(want.CreatedAt) || !got.ExpiresAt.Equal(want.ExpiresAt) {
		t.Errorf("%s: created %v expires %v, want %v and %v", what, got.CreatedAt, got.ExpiresAt, want.CreatedAt, want.ExpiresAt)
	}
	if got.Hash != want.Hash || got.User != want.User || got.Client != want.Client {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

func testSessions(t *testing.T, fresh func(*testing.T) dauys.Store) {
	s := fresh(t)
	us := userStore(t, s)
	newFixture(t, s)
	mustCreateUser(t, us, newUser("op", 0))
	ctx := t.Context()

	first := newSession("op", 1)
	if err := us.CreateSession(ctx, first); err != nil {
		t.Fatal(err)
	}
	got, err := us.SessionByHash(ctx, first.Hash)
	if err != nil {
		t.Fatal(err)
	}
	checkSession(t, "session", got, first)

	checkCode(t, "same hash", us.CreateSession(ctx, &dauys.Session{Hash: first.Hash, User: "op", CreatedAt: at(2), ExpiresAt: at(3)}), dauys.ECONFLICT)
	checkCode(t, "unknown user", us.CreateSession(ctx, newSession("nobody", 2)), dauys.ENOTFOUND)
	_, err = us.SessionByHash(ctx, dauys.HashToken("a cookie nobody was given"))
	checkCode(t, "unknown session", err, dauys.ENOTFOUND)

	// An expired session is returned (the caller refuses it) until a
	// session created after its expiry drops it.
	short := newSession("op", 3)
	short.ExpiresAt = at(4)
	if err := us.CreateSession(ctx, short); err != nil {
		t.Fatal(err)
	}
	later := newSession("op", 5)
	later.CreatedAt = at(3).Add(time.Second / 2) // before short expires
	if err := us.CreateSession(ctx, later); err != nil {
		t.Fatal(err)
	}
	if _, err := us.SessionByHash(ctx, short.Hash); err != nil {
		t.Errorf("a session not yet expired when another was created: %v", err)
	}
	last := newSession("op", 6)
	if err := us.CreateSession(ctx, last); err != nil {
		t.Fatal(err)
	}
	_, err = us.SessionByHash(ctx, short.Hash)
	checkCode(t, "a session expired when another was created", err, dauys.ENOTFOUND)
	if got, err := us.SessionByHash(ctx, first.Hash); err != nil {
		t.Errorf("a live session was dropped: %v", err)
	} else {
		checkSession(t, "the first session", got, first)
	}

	if err := us.DeleteSession(ctx, first.Hash); err != nil {
		t.Fatal(err)
	}
	_, err = us.SessionByHash(ctx, first.Hash)
	checkCode(t, "deleted session", err, dauys.ENOTFOUND)
	checkCode(t, "delete again", us.DeleteSession(ctx, first.Hash), dauys.ENOTFOUND)
	if _, err := us.SessionByHash(ctx, last.Hash); err != nil {
		t.Errorf("another session after a logout: %v", err)
	}
}

func testLoginThrottle(t *testing.T, fresh func(*testing.T) dauys.Store) {
	policy := dauys.LoginPolicy{Threshold: 3, Lockout: time.Minute, MaxLockout: 4 * time.Minute, Forget: time.Hour}
	t.Run("counts and locks", func(t *testing.T) {
		us := userStore(t, fresh(t))
		ctx := t.Context()
		zero, err := us.LoginThrottle(ctx, "user:op")
		if err != nil || zero.Key != "user:op" || zero.Failures != 0 || !zero.LockedUntil.IsZero() || !zero.LastFailure.IsZero() {
			t.Fatalf("a key that never failed: %+v, %v", zero, err)
		}
		for i, lock := range []time.Duration{0, 0, time.Minute, 2 * time.Minute, 4 * time.Minute, 4 * time.Minute} {
			got, err := us.RecordLoginFailure(ctx, "user:op", at(i), policy)
			if err != nil {
				t.Fatal(err)
			}
			var until time.Time
			if lock > 0 {
				until = at(i).Add(lock)
			}
			if got.Failures != i+1 || !got.LastFailure.Equal(at(i)) || !got.LockedUntil.Equal(until) {
				t.Errorf("failure %d: %+v, want locked until %v", i+1, got, until)
			}
			read, err := us.LoginThrottle(ctx, "user:op")
			if err != nil || read.Failures != got.Failures || !read.LastFailure.Equal(got.LastFailure) || !read.LockedUntil.Equal(got.LockedUntil) {
				t.Errorf("failure %d read back: %+v, %v; want %+v", i+1, read, err, got)
			}
		}
		if other, _ := us.LoginThrottle(ctx, "addr:192.0.2.7"); other.Failures != 0 {
			t.Errorf("another key counted: %+v", other)
		}
		// Failures are forgotten after an hour without one.
		got, err := us.RecordLoginFailure(ctx, "user:op", at(5).Add(2*time.Hour), policy)
		if err != nil || got.Failures != 1 || got.Locked(at(5).Add(2*time.Hour)) {
			t.Errorf("after an idle hour: %+v, %v", got, err)
		}
		if err := us.ClearLoginFailures(ctx, "user:op"); err != nil {
			t.Fatal(err)
		}
		if got, err := us.LoginThrottle(ctx, "user:op"); err != nil || got.Failures != 0 || !got.LockedUntil.IsZero() {
			t.Errorf("after clearing: %+v, %v", got, err)
		}
		if err := us.ClearLoginFailures(ctx, "user:never"); err != nil {
			t.Errorf("clearing a key that never failed: %v", err)
		}
	})
	t.Run("concurrent failures all count", func(t *testing.T) {
		us := userStore(t, fresh(t))
		const n = 16
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Go(func() {
				_, err := us.RecordLoginFailure(t.Context(), "addr:198.51.100.1", at(i), dauys.LoginPolicy{Threshold: 100, Forget: time.Hour})
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if got, err := us.LoginThrottle(t.Context(), "addr:198.51.100.1"); err != nil || got.Failures != n {
			t.Errorf("after %d concurrent failures: %+v, %v", n, got, err)
		}
	})
}
