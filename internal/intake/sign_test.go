package intake_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/postgres"
	"github.com/dauys/dauys/internal/postgres/pgtest"
	"github.com/dauys/dauys/internal/sqlite"
)

func TestSignatures(t *testing.T) {
	e := testElection(false)
	e.Signed = true
	v := newEnv(t, e)
	ctx := context.Background()
	pub, priv, _ := ed25519.GenerateKey(bytes.NewReader(bytes.Repeat([]byte{1}, 64)))
	pub2, priv2, _ := ed25519.GenerateKey(bytes.NewReader(bytes.Repeat([]byte{2}, 64)))
	for _, k := range []*dauys.Key{
		{ID: dauys.KeyID(pub), Election: "e", Area: "r1", PublicKey: pub, CreatedAt: time.Now()},
		{ID: dauys.KeyID(pub2), Election: "e", Area: "r2", PublicKey: pub2, CreatedAt: time.Now()},
	} {
		if err := v.store.CreateKey(ctx, k); err != nil {
			t.Fatal(err)
		}
	}
	signed := func(priv ed25519.PrivateKey, sub intake.Submission) intake.Submission {
		sub.KeyID = dauys.KeyID(priv.Public().(ed25519.PublicKey))
		sub.Signature = ed25519.Sign(priv, dauys.SignedBytes("e", sub.Contest, sub.Area, sub.Lines))
		return sub
	}
	base := intake.Submission{Contest: "list", Area: "p1", Lines: lines(1000, 600, 10, 20, 400, 170)}
	tampered := signed(priv, base)
	tampered.Lines = lines(1000, 600, 10, 20, 390, 180)
	tests := []struct {
		name string
		sub  intake.Submission
		code string
	}{
		{"unsigned", base, dauys.EINVALID},
		{"tampered after signing", tampered, dauys.EINVALID},
		{"key of another area", signed(priv2, base), dauys.EFORBIDDEN},
		{"unknown key", func() intake.Submission { s := signed(priv, base); s.KeyID = "0000"; return s }(), dauys.EINVALID},
		{"signed", signed(priv, base), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := v.submit(t, tt.sub)
			if got := dauys.ErrorCode(res[0].Err); got != tt.code {
				t.Fatalf("code %q (%v), want %q", got, res[0].Err, tt.code)
			}
		})
	}
	p, err := v.store.Protocol(ctx, "e", "list", "p1")
	if err != nil || p.KeyID != dauys.KeyID(pub) || !ed25519.Verify(pub, dauys.SignedBytes("e", "list", "p1", base.Lines), p.Signature) {
		t.Fatalf("stored %+v, %v", p, err)
	}
	if err := v.store.RevokeKey(ctx, "e", dauys.KeyID(pub), time.Date(2026, 3, 15, 19, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	res := v.submit(t, signed(priv, intake.Submission{Contest: "smd1", Area: "p2", Lines: lines(800, 500, 5, 15, 0, 300, 180)}))
	if dauys.ErrorCode(res[0].Err) != dauys.EINVALID {
		t.Errorf("revoked key: %v", res[0].Err)
	}
}

// TestSignedAmendments holds a commission's signature to its one place in
// a precinct's history, on both stores: a signed original sent again as an
// amendment, an amendment of a version that is no longer current, and an
// amendment replayed after a later one restored what it amended are
// refused; the same signed amendment sent twice is one version.
func TestSignedAmendments(t *testing.T) {
	stores := map[string]func(t *testing.T) dauys.Store{
		"sqlite": func(t *testing.T) dauys.Store {
			s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "signed.db"))
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
		"postgres": func(t *testing.T) dauys.Store {
			url := pgtest.SchemaURL(t)
			if url == "" {
				t.Skip("DAUYS_TEST_POSTGRES is not set")
			}
			s, err := postgres.Open(t.Context(), url)
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
	}
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() { s.Close() })
			testSignedAmendments(t, s)
		})
	}
}

func testSignedAmendments(t *testing.T, s dauys.Store) {
	ctx := t.Context()
	e := testElection(false)
	e.Signed = true
	if err := s.CreateElection(ctx, e); err != nil {
		t.Fatal(err)
	}
	pub, priv, _ := ed25519.GenerateKey(bytes.NewReader(bytes.Repeat([]byte{3}, 64)))
	if err := s.(dauys.KeyStore).CreateKey(ctx, &dauys.Key{ID: dauys.KeyID(pub), Election: "e", Area: "r1", PublicKey: pub,
		CreatedAt: time.Date(2026, 3, 15, 8, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 15, 20, 0, 0, 0, time.UTC)
	in := intake.New(s, func() time.Time { now = now.Add(time.Second); return now })
	submit := func(subs ...intake.Submission) []intake.Result {
		t.Helper()
		res, err := in.Submit(ctx, "e", subs)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	sign := func(sub intake.Submission) intake.Submission {
		sub.KeyID = dauys.KeyID(pub)
		sub.Signature = ed25519.Sign(priv, sub.Signed("e").Bytes())
		return sub
	}
	amendment := func(of *dauys.Protocol, reason string, l map[string]int64) intake.Submission {
		return sign(intake.Submission{Contest: "list", Area: "p1", Lines: l, Amendment: true, Reason: reason,
			SupersedesVersion: of.Version, SupersedesHash: of.Hash})
	}
	// want checks one submission's answer: its outcome and version, or its
	// error code and a part of its reason.
	want := func(what string, r intake.Result, outcome string, version int, code, reason string) {
		t.Helper()
		switch {
		case code != "" && (dauys.ErrorCode(r.Err) != code || !strings.Contains(dauys.ErrorMessage(r.Err), reason)):
			t.Errorf("%s: %v (%s), want %s saying %q", what, r.Err, dauys.ErrorCode(r.Err), code, reason)
		case code != "":
			var de *dauys.Error
			if !errors.As(r.Err, &de) || de.Text.KK == "" || de.Text.RU == "" {
				t.Errorf("%s: the reason is not in kk and ru: %#v", what, r.Err)
			}
		case r.Err != nil || r.Outcome != outcome || r.Protocol == nil || r.Protocol.Version != version:
			t.Errorf("%s: %+v, want %s version %d", what, r, outcome, version)
		}
	}

	original := sign(intake.Submission{Contest: "list", Area: "p1", Lines: lines(1000, 600, 10, 20, 400, 170)})
	res := submit(original)
	want("the signed original", res[0], dauys.OutcomeAccepted, 1, "", "")
	v1 := res[0].Protocol
	if v1 == nil {
		t.FailNow()
	}

	// The incident: an operator sends the commission's signed original
	// again as an amendment with a reason of its own.
	replay := original
	replay.Amendment, replay.Reason = true, "the operator's reason"
	want("an original replayed as an amendment", submit(replay)[0], "", 0, dauys.EINVALID, "must name the version it replaces")
	replay.SupersedesVersion, replay.SupersedesHash = v1.Version, v1.Hash
	want("an original replayed as an amendment of version 1", submit(replay)[0], "", 0, dauys.EINVALID, "signed this protocol as an original")
	replay.Lines = lines(1000, 600, 10, 20, 390, 180)
	want("an original's signature on other lines", submit(replay)[0], "", 0, dauys.EINVALID, "the signature does not match")

	recount := amendment(v1, "recount", lines(1000, 600, 10, 20, 390, 180))
	res = submit(recount, recount)
	want("the signed amendment", res[0], dauys.OutcomeAmended, 2, "", "")
	want("the same amendment in the same batch", res[1], dauys.OutcomeDuplicate, 2, "", "")
	want("the same amendment again", submit(recount)[0], dauys.OutcomeDuplicate, 2, "", "")
	v2 := res[0].Protocol
	if v2 == nil {
		t.FailNow()
	}
	otherReason := recount
	otherReason.Reason = "the operator's reason"
	want("a signed amendment with another reason", submit(otherReason)[0], "", 0, dauys.EINVALID, "the signature does not match")

	res = submit(amendment(v2, "second recount", lines(1000, 600, 10, 20, 380, 190)))
	want("an amendment of version 2", res[0], dauys.OutcomeAmended, 3, "", "")
	v3 := res[0].Protocol
	if v3 == nil {
		t.FailNow()
	}
	want("a stale amendment of version 2", submit(amendment(v2, "late", lines(1000, 600, 10, 20, 370, 200)))[0],
		"", 0, dauys.ECONFLICT, "the current version is 3")

	// A later amendment restores version 1's lines: the first amendment,
	// whose version 1 content is current again, still may not apply.
	res = submit(amendment(v3, "back to the original count", lines(1000, 600, 10, 20, 400, 170)))
	want("an amendment restoring version 1", res[0], dauys.OutcomeAmended, 4, "", "")
	want("the first amendment replayed", submit(recount)[0], "", 0, dauys.ECONFLICT, "replaces version 1")

	old := intake.Submission{Contest: "list", Area: "p2", Lines: lines(800, 500, 5, 15, 300, 180), KeyID: dauys.KeyID(pub)}
	old.Signature = ed25519.Sign(priv, (&dauys.Protocol{Election: "e", Contest: "list", Area: "p2", Lines: old.Lines}).CanonicalBytes())
	want("a signature in the old format", submit(old)[0], "", 0, dauys.EINVALID, "in the old format")

	vs := mustVersions(t, s)
	if len(vs) != 4 {
		t.Errorf("%d versions stored, want 4", len(vs))
	}
	for _, p := range vs {
		if p.Version > 1 && p.KeyID != dauys.KeyID(pub) {
			t.Errorf("version %d: key %q", p.Version, p.KeyID)
		}
	}
}

func mustVersions(t *testing.T, s dauys.Store) []*dauys.Protocol {
	t.Helper()
	vs, err := s.ProtocolVersions(t.Context(), "e", "list", "p1")
	if err != nil {
		t.Fatal(err)
	}
	return vs
}
