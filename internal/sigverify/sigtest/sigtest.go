// Package sigtest runs the published Ed25519 edge-case vectors through a
// signature check, so that intake's and the verifier's checks are held to
// the same answers: the 12 cases of "Taming the many EdDSAs" and the 196
// ZIP-215 small-order cases (testdata/README.md gives their sources).
//
// It is for tests only, and imports nothing of Dauys but sigverify.
package sigtest

import (
	"bytes"
	"crypto/ed25519"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/dauys/dauys/internal/sigverify"
)

//go:embed testdata/*.json
var testdata embed.FS

// Vector is one published case and what ZIP-215 makes of it.
type Vector struct {
	Name   string
	Item   sigverify.Item
	Accept bool
}

// speccheck names the 12 cases of "Taming the many EdDSAs", in the
// order of cases.json, with ZIP-215's answer: small-order and
// non-canonical A and R are accepted, the cofactored equation holds where
// the cofactorless one does not, and a non-canonical S (S >= L) is
// refused. Case 8 is refused because its R, read without reduction mod p
// before hashing (as ZIP-215 says), makes another challenge.
var speccheck = []struct {
	name   string
	accept bool
}{
	{"0: small order A, small order R", true},
	{"1: small order A, mixed order R", true},
	{"2: mixed order A, small order R", true},
	{"3: mixed order A, mixed order R", true},
	{"4: cofactored verify", true},
	{"5: cofactored verify computes 8(hA) instead of (8h mod L)A", true},
	{"6: non-canonical S (S > L)", false},
	{"7: non-canonical S (S >> L)", false},
	{"8: mixed order A, non-canonical small order R (accepted if R reduced before hashing)", false},
	{"9: mixed order A, non-canonical small order R (accepted if R not reduced before hashing)", true},
	{"10: non-canonical small order A, mixed order R (accepted if A reduced before hashing)", true},
	{"11: non-canonical small order A, mixed order R (accepted if A not reduced before hashing)", true},
}

// Vectors returns every vector: the 12 speccheck cases, then the 196
// ZIP-215 ones.
func Vectors(tb testing.TB) []Vector {
	tb.Helper()
	var cases []struct {
		Message   string `json:"message"`
		PublicKey string `json:"pub_key"`
		Signature string `json:"signature"`
	}
	load(tb, "testdata/speccheck_cases.json", &cases)
	if len(cases) != len(speccheck) {
		tb.Fatalf("speccheck_cases.json holds %d cases, want %d", len(cases), len(speccheck))
	}
	var out []Vector
	for i, c := range cases {
		out = append(out, Vector{Name: "speccheck " + speccheck[i].name, Accept: speccheck[i].accept,
			Item: sigverify.Item{PublicKey: unhex(tb, c.PublicKey), Message: unhex(tb, c.Message), Signature: unhex(tb, c.Signature)}})
	}
	var zip [][2]string
	load(tb, "testdata/zip215.json", &zip)
	if len(zip) != 196 {
		tb.Fatalf("zip215.json holds %d vectors, want 196", len(zip))
	}
	for i, z := range zip {
		out = append(out, Vector{Name: fmt.Sprintf("zip215 %d", i), Accept: true,
			Item: sigverify.Item{PublicKey: unhex(tb, z[0]), Message: []byte("Zcash"), Signature: unhex(tb, z[1])}})
	}
	return out
}

// Run holds check, which answers for each item whether its signature
// verifies, to the vectors: each alone; each among 63 honest signatures,
// so that a batch with one odd signature must still single it out; and
// all of them in one call. It also checks that every vector
// crypto/ed25519 accepts is accepted, so that signatures stored when Dauys
// verified with crypto/ed25519 still verify.
func Run(t *testing.T, check func([]sigverify.Item) []bool) {
	t.Helper()
	vectors := Vectors(t)
	honest := Honest(63)
	all := make([]sigverify.Item, len(vectors))
	for i, v := range vectors {
		all[i] = v.Item
		if got := check([]sigverify.Item{v.Item}); len(got) != 1 || got[0] != v.Accept {
			t.Errorf("%s alone: got %v, want %v", v.Name, got, v.Accept)
		}
		batch := append(append([]sigverify.Item{}, honest[:i%64]...), v.Item)
		batch = append(batch, honest[i%64:]...)
		got := check(batch)
		for j, ok := range got {
			if want := j != i%64 || v.Accept; ok != want {
				t.Errorf("%s among honest signatures: item %d got %v, want %v", v.Name, j, ok, want)
			}
		}
		if ed25519.Verify(v.Item.PublicKey, v.Item.Message, v.Item.Signature) && !v.Accept {
			t.Errorf("%s: crypto/ed25519 accepts it and ZIP-215 does not", v.Name)
		}
	}
	got := check(all)
	for i, v := range vectors {
		if got[i] != v.Accept {
			t.Errorf("%s in one call with all: got %v, want %v", v.Name, got[i], v.Accept)
		}
	}
}

// Honest returns n honest signatures by a few keys, over distinct
// messages.
func Honest(n int) []sigverify.Item {
	out := make([]sigverify.Item, n)
	for i := range out {
		priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{byte(i%5 + 1)}, ed25519.SeedSize))
		msg := fmt.Appendf(nil, "protocol %d", i)
		out[i] = sigverify.Item{PublicKey: priv.Public().(ed25519.PublicKey), Message: msg, Signature: ed25519.Sign(priv, msg)}
	}
	return out
}

func load(tb testing.TB, name string, v any) {
	tb.Helper()
	data, err := testdata.ReadFile(name)
	if err != nil {
		tb.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
}

func unhex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		tb.Fatalf("%q: %v", s, err)
	}
	return b
}
