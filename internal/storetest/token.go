package storetest

import (
	"testing"
	"time"

	"github.com/dauys/dauys"
)

// tokenStore returns s as a dauys.TokenStore, or skips the test for a store
// that keeps no tokens: dauys.Store does not require it.
// The suite takes any dauys.Store, so it asks; both real stores keep tokens,
// which internal/backend checks at compile time (var _ backend.Backend).
func tokenStore(t *testing.T, s dauys.Store) dauys.TokenStore {
	t.Helper()
	ts, ok := s.(dauys.TokenStore)
	if !ok {
		t.Skipf("%T keeps no tokens", s)
	}
	return ts
}

// newToken returns a token of an operator, created at the i-th instant of
// polling night and valid for a day. Its hash is that of a secret made from
// id, as the API stores it.
func newToken(id string, i int) *dauys.Token {
	return &dauys.Token{
		ID:        id,
		Hash:      dauys.HashToken("secret of " + id),
		Principal: dauys.Principal{Subject: "Айгүл", Role: dauys.RoleOperator, Election: fixtureID, Area: "r1"},
		CreatedAt: at(i),
		ExpiresAt: at(i).Add(24 * time.Hour),
	}
}

// mustCreateToken stores a token and fails on any error.
func mustCreateToken(t *testing.T, ts dauys.TokenStore, tok *dauys.Token) {
	t.Helper()
	if err := ts.CreateToken(t.Context(), tok); err != nil {
		t.Fatalf("create token %s: %v", tok.ID, err)
	}
}

// checkToken compares a token read from the store with the expected one;
// times compare as instants.
func checkToken(t *testing.T, what string, got, want *dauys.Token) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s: no token", what)
	}
	for _, tm := range []struct {
		name      string
		got, want time.Time
	}{
		{"CreatedAt", got.CreatedAt, want.CreatedAt},
		{"ExpiresAt", got.ExpiresAt, want.ExpiresAt},
		{"RevokedAt", got.RevokedAt, want.RevokedAt},
	} {
		if !tm.got.Equal(tm.want) {
			t.Errorf("%s: %s %v, want %v", what, tm.name, tm.got, tm.want)
		}
	}
	g, w := *got, *want
	g.CreatedAt, g.ExpiresAt, g.RevokedAt = time.Time{}, time.Time{}, time.Time{}
	w.CreatedAt, w.ExpiresAt, w.RevokedAt = time.Time{}, time.Time{}, time.Time{}
	if g != w {
		t.Errorf("%s:\n got %+v\nwant %+v", what, g, w)
	}
}

func testTokens(t *testing.T, fresh func(*testing.T) dauys.Store) {
	t.Run("by hash", func(t *testing.T) {
		ts := tokenStore(t, fresh(t))
		tok := newToken("tok-1", 1)
		mustCreateToken(t, ts, tok)
		mustCreateToken(t, ts, newToken("tok-2", 2))
		forever := newToken("tok-3", 3)
		forever.ExpiresAt = time.Time{}
		mustCreateToken(t, ts, forever)
		for _, want := range []*dauys.Token{tok, forever} {
			got, err := ts.TokenByHash(t.Context(), want.Hash)
			if err != nil {
				t.Fatalf("token %s: %v", want.ID, err)
			}
			checkToken(t, "token "+want.ID, got, want)
		}
	})
	t.Run("unknown hash", func(t *testing.T) {
		ts := tokenStore(t, fresh(t))
		mustCreateToken(t, ts, newToken("tok-1", 1))
		got, err := ts.TokenByHash(t.Context(), dauys.HashToken("a secret nobody was given"))
		checkCode(t, "token", err, dauys.ENOTFOUND)
		if got != nil {
			t.Errorf("token %+v with the error", got)
		}
	})
	t.Run("conflict", func(t *testing.T) {
		ts := tokenStore(t, fresh(t))
		tok := newToken("tok-1", 1)
		mustCreateToken(t, ts, tok)
		for _, tc := range []struct {
			name string
			tok  *dauys.Token
		}{
			{"same id", func() *dauys.Token { d := newToken("tok-1", 5); d.Hash = dauys.HashToken("other"); return d }()},
			{"same hash", func() *dauys.Token { d := newToken("tok-2", 5); d.Hash = tok.Hash; return d }()},
			{"same id and hash", newToken("tok-1", 5)},
		} {
			t.Run(tc.name, func(t *testing.T) {
				checkCode(t, "create token", ts.CreateToken(t.Context(), tc.tok), dauys.ECONFLICT)
				got, err := ts.TokenByHash(t.Context(), tok.Hash)
				if err != nil {
					t.Fatal(err)
				}
				checkToken(t, "the stored token after the refusal", got, tok)
			})
		}
		_, err := ts.TokenByHash(t.Context(), dauys.HashToken("other"))
		checkCode(t, "the refused token", err, dauys.ENOTFOUND)
	})
	t.Run("revoke", func(t *testing.T) {
		ts := tokenStore(t, fresh(t))
		tok, other := newToken("tok-1", 1), newToken("tok-2", 2)
		mustCreateToken(t, ts, tok)
		mustCreateToken(t, ts, other)
		if err := ts.RevokeToken(t.Context(), tok.ID, at(10)); err != nil {
			t.Fatalf("revoke: %v", err)
		}
		want := *tok
		want.RevokedAt = at(10)
		got, err := ts.TokenByHash(t.Context(), tok.Hash)
		if err != nil {
			t.Fatal(err)
		}
		checkToken(t, "revoked token", got, &want)

		checkCode(t, "revoke again", ts.RevokeToken(t.Context(), tok.ID, at(11)), dauys.ENOTFOUND)
		got, err = ts.TokenByHash(t.Context(), tok.Hash)
		if err != nil {
			t.Fatal(err)
		}
		checkToken(t, "token revoked twice", got, &want)

		checkCode(t, "revoke unknown", ts.RevokeToken(t.Context(), "nope", at(12)), dauys.ENOTFOUND)
		got, err = ts.TokenByHash(t.Context(), other.Hash)
		if err != nil {
			t.Fatal(err)
		}
		checkToken(t, "the other token", got, other)
	})
}
