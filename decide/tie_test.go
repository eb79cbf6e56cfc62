package decide_test

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/dauys/dauys/decide"
)

func TestLotKey(t *testing.T) {
	// The vectors are the output of: printf '%s\0%s' "$SEED" "$NAME" | sha256sum
	tests := []struct {
		seed, name, want string
	}{
		{"kz-2023", "Ak Zhol", "f90436f2677a3fd2661ebc7f7a11b95ee0ec8cce0f93304b5461ccefd0068e9e"},
		{"kz-2023", "Auyl", "fc3a0719f12e90e22235566c9cc7b0345c268a3dad92f545a33d1252aa8375b3"},
		{"seed", "A", "4093c9dc68080acc58f8444fb23e6b4a9b01ff1b27d6937b2f26e7d01c4757ed"},
	}
	for _, tc := range tests {
		t.Run(tc.seed+"/"+tc.name, func(t *testing.T) {
			if got := decide.LotKey(tc.seed, tc.name); got != tc.want {
				t.Errorf("LotKey = %s, want %s", got, tc.want)
			}
		})
	}
	// The zero byte separates seed and name, so moving a character across the boundary changes the key.
	if decide.LotKey("ab", "c") == decide.LotKey("a", "bc") {
		t.Error("LotKey does not separate seed and name")
	}
}

// independentLotKey recomputes the documented procedure without the package, as an outside verifier would.
func independentLotKey(seed, name string) string {
	sum := sha256.Sum256([]byte(seed + "\x00" + name))
	return hex.EncodeToString(sum[:])
}

func TestTieRules(t *testing.T) {
	// Two lists with equal votes compete for one seat: their Hare remainders are both 1/2 of a quota.
	hare := func(tie decide.TieRule, seed string) decide.Rules {
		return decide.Rules{Kind: decide.KindList, Method: decide.MethodHare, Seats: 1, Tie: tie, Seed: seed}
	}
	tests := []struct {
		name    string
		rules   decide.Rules
		options []string
		want    string
	}{
		{"registration prefers the first on the ballot", hare(decide.TieRegistration, ""), []string{"Auyl", "Ak Zhol"}, "Auyl"},
		{"registration follows the ballot order", hare(decide.TieRegistration, ""), []string{"Ak Zhol", "Auyl"}, "Ak Zhol"},
		{"empty tie rule means registration", hare("", ""), []string{"Auyl", "Ak Zhol"}, "Auyl"},
		// LotKey("kz-2023", "Ak Zhol") = f904... < LotKey("kz-2023", "Auyl") = fc3a..., whatever the order.
		{"lot ignores the ballot order", hare(decide.TieLot, "kz-2023"), []string{"Auyl", "Ak Zhol"}, "Ak Zhol"},
		{"lot ignores the ballot order reversed", hare(decide.TieLot, "kz-2023"), []string{"Ak Zhol", "Auyl"}, "Ak Zhol"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := MustDecide(t, tc.rules, listInput(tc.options, []int64{1000, 1000}))
			if len(o.Ties) != 1 {
				t.Fatalf("ties = %+v, want exactly one", o.Ties)
			}
			tie := o.Ties[0]
			if !equalStrings(tie.Awarded, []string{tc.want}) || tie.Places != 1 || tie.Stage != decide.TieStageRemainder {
				t.Errorf("tie = %+v, want the seat for %s", tie, tc.want)
			}
			if !equalStrings(tie.Options, tc.options) {
				t.Errorf("tied options = %v, want %v in ballot order", tie.Options, tc.options)
			}
			for _, s := range o.Seats {
				if want := map[bool]int{true: 1, false: 0}[s.Option == tc.want]; s.Seats != want {
					t.Errorf("%s has %d seats, want %d", s.Option, s.Seats, want)
				}
			}
			if tie.Value != "1000/2000 of a quota (0.500000)" {
				t.Errorf("tie value = %q", tie.Value)
			}
			if tc.rules.Tie == decide.TieLot {
				if tie.Seed != "kz-2023" || len(tie.Lots) != 2 {
					t.Fatalf("lot not recorded: %+v", tie)
				}
				for _, l := range tie.Lots {
					if l.Key != independentLotKey("kz-2023", l.Option) {
						t.Errorf("lot key of %s = %s, not reproducible", l.Option, l.Key)
					}
				}
				if tie.Lots[0].Option != tc.want || tie.Lots[0].Key > tie.Lots[1].Key {
					t.Errorf("lots not smallest first: %+v", tie.Lots)
				}
				if !strings.Contains(tie.Explanation, "SHA-256") {
					t.Errorf("explanation does not state the procedure: %s", tie.Explanation)
				}
			}
		})
	}
}

func TestTieOnlyWhenDecisive(t *testing.T) {
	// Two equal remainders and two remainder seats: both get one, nothing was decided by the tie rule.
	r := decide.Rules{Kind: decide.KindList, Method: decide.MethodHare, Seats: 2}
	o := MustDecide(t, r, listInput([]string{"A", "B", "C"}, []int64{100, 100, 0}))
	if len(o.Ties) != 0 {
		t.Errorf("ties = %+v, want none", o.Ties)
	}
	if got := seatsOf(o); !equalInts(got, []int{1, 1, 0}) {
		t.Errorf("seats = %v", got)
	}
}

func TestLotNeedsSeed(t *testing.T) {
	r := decide.Rules{Kind: decide.KindList, Method: decide.MethodHare, Seats: 1, Tie: decide.TieLot}
	if err := r.Validate(); err == nil || !strings.Contains(err.Error(), "seed") {
		t.Errorf("Validate = %v, want an error about the seed", err)
	}
}
