package dauys_test

import (
	"strings"
	"testing"
	"time"

	"github.com/dauys/dauys"
)

func TestPassword(t *testing.T) {
	p := dauys.PasswordParams{Time: 1, Memory: 64, Threads: 1}
	h := dauys.HashPassword("correct horse battery staple", p)
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("hash %q", h)
	}
	if h2 := dauys.HashPassword("correct horse battery staple", p); h2 == h {
		t.Error("two hashes of one password are equal: no salt")
	}
	for _, tc := range []struct {
		password string
		want     bool
	}{
		{"correct horse battery staple", true},
		{"correct horse battery stapl", false},
		{"", false},
		{"Correct horse battery staple", false},
	} {
		if ok, err := dauys.CheckPassword(h, tc.password); err != nil || ok != tc.want {
			t.Errorf("CheckPassword(%q) = %v, %v; want %v", tc.password, ok, err, tc.want)
		}
	}
	// A hash made by the reference implementation, libargon2:
	// argon2id_hash_encoded(t=2, m=65536, p=4, "password", "somesalt", 32).
	ref := "$argon2id$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$GpZ3sK/oH9p7VIiV56G/64Zo/8GaUw434IimaPqxwCo"
	if ok, err := dauys.CheckPassword(ref, "password"); err != nil || !ok {
		t.Errorf("the reference hash: %v, %v", ok, err)
	}
	for _, bad := range []string{
		"",
		"plain",
		"$argon2i$v=19$m=64,t=1,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2id$v=16$m=64,t=1,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2id$v=19$m=64,t=0,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2id$v=19$m=99999999,t=1,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2id$v=19$m=64,t=1,p=1$!!!$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$c2hvcnQ",
	} {
		if _, err := dauys.CheckPassword(bad, "password"); err == nil {
			t.Errorf("CheckPassword accepted the hash %q", bad)
		}
	}
}

func TestUserValidate(t *testing.T) {
	ok := dauys.User{Name: "op-r1", Role: dauys.RoleOperator, Election: "e", Area: "r1", PasswordHash: "h"}
	for _, tc := range []struct {
		name  string
		edit  func(u *dauys.User)
		valid bool
	}{
		{"operator of an area", func(*dauys.User) {}, true},
		{"global admin", func(u *dauys.User) { u.Role, u.Election, u.Area = dauys.RoleAdmin, "", "" }, true},
		{"Cyrillic name", func(u *dauys.User) { u.Name = "Айгүл" }, true},
		{"no name", func(u *dauys.User) { u.Name = "" }, false},
		{"space in the name", func(u *dauys.User) { u.Name = "op r1" }, false},
		{"control character", func(u *dauys.User) { u.Name = "op\x1b[31m" }, false},
		{"long name", func(u *dauys.User) { u.Name = strings.Repeat("x", 65) }, false},
		{"unknown role", func(u *dauys.User) { u.Role = "superuser" }, false},
		{"no password", func(u *dauys.User) { u.PasswordHash = "" }, false},
		{"area without election", func(u *dauys.User) { u.Election = "" }, false},
		{"precinct without its area", func(u *dauys.User) { u.Role, u.Area = dauys.RolePrecinct, "" }, false},
	} {
		u := ok
		tc.edit(&u)
		if err := u.Validate(); (err == nil) != tc.valid {
			t.Errorf("%s: %v, want valid %v", tc.name, err, tc.valid)
		} else if err != nil && dauys.ErrorCode(err) != dauys.EINVALID {
			t.Errorf("%s: code %s", tc.name, dauys.ErrorCode(err))
		}
	}
}

func TestLoginPolicy(t *testing.T) {
	p := dauys.LoginPolicy{Threshold: 3, Lockout: time.Minute, MaxLockout: 5 * time.Minute, Forget: time.Hour}
	t0 := time.Date(2026, 3, 15, 20, 0, 0, 0, time.UTC)
	var th dauys.LoginThrottle
	for i, lock := range []time.Duration{0, 0, 1, 2, 4, 5, 5} {
		at := t0.Add(time.Duration(i) * time.Second)
		th = p.Fail(th, at)
		if th.Failures != i+1 || !th.LastFailure.Equal(at) {
			t.Errorf("failure %d: %+v", i+1, th)
		}
		if lock == 0 {
			if th.Locked(at) || !th.LockedUntil.IsZero() {
				t.Errorf("failure %d locks: %+v", i+1, th)
			}
		} else if want := at.Add(lock * time.Minute); !th.LockedUntil.Equal(want) || !th.Locked(at) || th.Locked(want) {
			t.Errorf("failure %d: locked until %v, want %v", i+1, th.LockedUntil, want)
		}
	}
	later := t0.Add(2 * time.Hour)
	if th = p.Fail(th, later); th.Failures != 1 || th.Locked(later) {
		t.Errorf("after an idle hour: %+v", th)
	}
	// Many failures never overflow the lock.
	huge := dauys.LoginPolicy{Threshold: 1, Lockout: time.Hour}
	var h dauys.LoginThrottle
	for range 200 {
		h = huge.Fail(h, t0)
	}
	if !h.LockedUntil.After(t0) {
		t.Errorf("after 200 failures: locked until %v", h.LockedUntil)
	}
	for _, def := range []dauys.LoginPolicy{dauys.AccountLoginPolicy(), dauys.AddressLoginPolicy()} {
		if def.Threshold < 3 || def.Lockout <= 0 || def.MaxLockout < def.Lockout || def.Forget <= 0 {
			t.Errorf("default policy %+v", def)
		}
	}
}
