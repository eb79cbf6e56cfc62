package intake_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"testing"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/intake"
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
