package storetest

import (
	"bytes"
	"crypto/ed25519"
	"testing"

	"github.com/dauys/dauys"
)

// testKeys checks commission keys and the signatures protocols carry.
func testKeys(t *testing.T, fresh func(*testing.T) dauys.Store) {
	s := fresh(t)
	var ks dauys.KeyStore = s // every Store keeps keys
	ctx := t.Context()
	f := newFixture(t, s)
	pub, priv, _ := ed25519.GenerateKey(bytes.NewReader(bytes.Repeat([]byte{7}, 64)))
	k := &dauys.Key{ID: dauys.KeyID(pub), Election: fixtureID, Area: "d1", Holder: "TEC 1", PublicKey: pub, CreatedAt: at(0)}

	if err := ks.CreateKey(ctx, k); err != nil {
		t.Fatal(err)
	}
	if err := ks.CreateKey(ctx, k); dauys.ErrorCode(err) != dauys.ECONFLICT {
		t.Errorf("second CreateKey: %v, want ECONFLICT", err)
	}
	other := *k
	other.Election = "nowhere"
	if err := ks.CreateKey(ctx, &other); dauys.ErrorCode(err) != dauys.ENOTFOUND {
		t.Errorf("CreateKey in a missing election: %v, want ENOTFOUND", err)
	}
	got, err := ks.Key(ctx, fixtureID, k.ID)
	if err != nil || !got.PublicKey.Equal(pub) || got.Area != "d1" || got.Holder != "TEC 1" || !got.CreatedAt.Equal(at(0)) || !got.RevokedAt.IsZero() {
		t.Fatalf("Key = %+v, %v", got, err)
	}
	if _, err := ks.Key(ctx, fixtureID, "nope"); dauys.ErrorCode(err) != dauys.ENOTFOUND {
		t.Errorf("Key(nope): %v, want ENOTFOUND", err)
	}

	// A signed protocol keeps its signature and key id.
	p := f.original(contestMay, "p1", map[string]int64{"registered": 1200, "took_part": 500, "option:a": 300, "option:b": 200})
	p.KeyID, p.Signature = k.ID, ed25519.Sign(priv, p.CanonicalBytes())
	if _, err := s.SaveProtocols(ctx, []*dauys.Protocol{p}); err != nil {
		t.Fatal(err)
	}
	stored, err := s.Protocol(ctx, fixtureID, contestMay, "p1")
	if err != nil || stored.KeyID != k.ID || !bytes.Equal(stored.Signature, p.Signature) {
		t.Fatalf("stored %+v, %v", stored, err)
	}

	if err := ks.RevokeKey(ctx, fixtureID, k.ID, at(5)); err != nil {
		t.Fatal(err)
	}
	if err := ks.RevokeKey(ctx, fixtureID, k.ID, at(6)); dauys.ErrorCode(err) != dauys.ENOTFOUND {
		t.Errorf("second revoke: %v, want ENOTFOUND", err)
	}
	list, err := ks.Keys(ctx, fixtureID)
	if err != nil || len(list) != 1 || !list[0].RevokedAt.Equal(at(5)) {
		t.Errorf("Keys = %+v, %v", list, err)
	}
}
