package verify_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/sigverify/sigtest"
	"github.com/dauys/dauys/internal/tlog"
	"github.com/dauys/dauys/internal/tlog/tlogtest"
	"github.com/dauys/dauys/internal/verify"
)

// TestSignatureVectors holds the verifier's signature check to the
// published edge cases, the same vectors intake's check runs
// (internal/intake).
func TestSignatureVectors(t *testing.T) {
	sigtest.Run(t, verify.CheckSignatures)
}

// TestVerifyBatchRefusesAlone: the replay verifies signatures in batches;
// in a log of 40 signed versions where one signature does not verify and
// a later version fails its form, exactly those two are reported, in the
// order of the log, and the 39 others count as signed.
func TestVerifyBatchRefusesAlone(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	key := &dauys.Key{ID: dauys.KeyID(pub), Election: tlogtest.FixtureID, Area: "D1", PublicKey: pub,
		CreatedAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	records := []*tlog.Record{tlog.KeyRecord(key)}
	var prev *dauys.Protocol
	for v := 1; v <= 40; v++ {
		lines := map[string]int64{"registered": 1000, "took_part": 715, "yes": 400, "no": 300, "both_marked": 5, "invalid": 10, "valid": 705}
		if v == 30 {
			lines["valid"] = 700
		}
		p := protocol("P1", v, lines)
		s := dauys.SignedProtocol{Election: p.Election, Contest: p.Contest, Area: p.Area, Lines: p.Lines, Reason: p.Reason}
		if prev != nil {
			s.SupersedesVersion, s.SupersedesHash = prev.Version, prev.ContentHash()
		}
		p.KeyID, p.Signature = key.ID, ed25519.Sign(priv, s.Bytes())
		if v == 17 {
			p.Signature[5] ^= 1
		}
		records = append(records, tlog.ProtocolRecord(p))
		prev = p
	}
	r := crafted(t, nil, records...)
	if len(r.Problems) != 2 || r.Signed != 39 {
		t.Fatalf("%d signed, problems:\n%s", r.Signed, r.Summary())
	}
	for i, want := range []string{"version 17: its signature does not verify with key " + key.ID, "version 30: line valid is 700"} {
		if !strings.Contains(r.Problems[i].String(), want) {
			t.Errorf("problem %d: %s\nwant it to say %s", i, r.Problems[i], want)
		}
	}
}

// TestVerifySmallOrderKey: a key of small order, under which one
// signature verifies for every protocol, is reported where the log
// registers it, and signatures by it are not counted.
func TestVerifySmallOrderKey(t *testing.T) {
	v := sigtest.Vectors(t)[12] // the first ZIP-215 vector: A and R of small order, S = 0
	key := &dauys.Key{ID: dauys.KeyID(v.Item.PublicKey), Election: tlogtest.FixtureID, Area: "D1", PublicKey: v.Item.PublicKey,
		CreatedAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	p := protocol("P1", 1, nil)
	p.KeyID, p.Signature = key.ID, v.Item.Signature
	r := crafted(t, nil, tlog.KeyRecord(key), tlog.ProtocolRecord(p))
	if r.OK() || !strings.Contains(r.Problems[0].String(), "is of small order") || r.Signed != 0 {
		t.Fatalf("%d signed:\n%s", r.Signed, r.Summary())
	}
}
