package rla_test

import (
	"crypto/sha256"
	"errors"
	"math/big"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/dauys/dauys/internal/rla"
)

// TestRivestSampleKnownOutputs checks RivestSample against the test cases of
// cjerdonek/rivest-sampler-tests (tests.json), which were generated with
// Rivest's sampler.py: ranges 1..total, with replacement.
func TestRivestSampleKnownOutputs(t *testing.T) {
	cases := []struct {
		seed  string
		total int64
		want  []int64
	}{
		{"0", 1000, []int64{905, 573, 160}},
		{"0", 2, []int64{1, 1, 2}},
		{"1", 1000, []int64{97, 89, 163}},
		{"0000000000", 1000, []int64{978, 359, 132}},
		{"999999999999999999999999", 1000, []int64{544, 800, 654}},
		{"abcde", 1000, []int64{247, 427, 157}},
	}
	for _, c := range cases {
		got, err := rla.SampleBallots(c.seed, 3, c.total)
		if err != nil || !equal(got, c.want) {
			t.Errorf("seed %q total %d: %v, %v; want %v", c.seed, c.total, got, err, c.want)
		}
	}
}

// TestRivestSampleTranscript reproduces the transcript in the docstring of
// Rivest's sampler.py (version of November 14, 2011): seed
// 3546311556112163624615351222, range 1..876, 47 values without replacement;
// pick 32 (611) is a duplicate and is rejected.
func TestRivestSampleTranscript(t *testing.T) {
	want := []int64{740, 180, 264, 789, 238, 448, 272, 611, 761, 208, 596, 88, 160, 113, 766, 427, 184, 816,
		653, 411, 779, 331, 339, 487, 594, 235, 65, 527, 821, 490, 461, 251, 471, 414, 174, 567, 300, 134, 144,
		357, 786, 792, 218, 550, 787, 537, 197}
	got, err := rla.RivestSample("3546311556112163624615351222", 1, 876, 47, 0, false)
	if err != nil || !equal(got, want) {
		t.Fatalf("got %v, %v\nwant %v", got, err, want)
	}
	// An expanded sample skips the first round and continues.
	more, err := rla.RivestSample("3546311556112163624615351222", 1, 876, 7, 40, false)
	if err != nil || !equal(more, want[40:]) {
		t.Errorf("expansion: %v, %v; want %v", more, err, want[40:])
	}
	if _, err := rla.RivestSample("s", 1, 3, 4, 0, false); !errors.Is(err, rla.ErrInvalid) {
		t.Errorf("4 distinct of 3: %v", err)
	}
}

// TestConsistentSampler checks the examples of Rivest's consistent_sampler
// package (consistent_sampler.py docstrings and test_consistent_sampler.py,
// seed 314159 printed by Python as the string "314159", 9 digits).
func TestConsistentSampler(t *testing.T) {
	if got := rla.FirstFraction("AB-130", "01382438112797316654"); got !=
		"0.26299714122838008416507544297546663599715395525154425586041245287750224561854" {
		t.Errorf("first_fraction = %s", got)
	}
	next, err := rla.NextFraction("0.26299714122838008416507544297546663599715395525154425586041245287750224561854")
	if err != nil || next != "0.8232357229934205790595761924514048157652891124687533667363938813600770093316" {
		t.Errorf("next_ticket = %s, %v", next, err)
	}
	if got, _ := rla.NextFraction("0.25471"); got !=
		"0.642853261655004694691182528114375607701032283189922170593838029306715548381901" {
		t.Errorf("next_fraction('0.25471') = %s", got)
	}
	if got, _ := rla.NextFraction("0.234"); got !=
		"0.547830802749402616364646686795722512609112766306951592422621788875312684400211" {
		t.Errorf("next_fraction('0.234') = %s", got)
	}
	if got, _ := rla.TrimFraction("0.9991234567890", 4); got != "0.9991234" {
		t.Errorf("trim = %s", got)
	}

	six := []string{"A-1", "A-2", "A-3", "B-1", "B-2", "B-3"}
	// Example X4: the six tickets in sampling order.
	x4 := []rla.Ticket{{"0.410310858", "B-2", 1}, {"0.470960291", "B-3", 1}, {"0.471438751", "A-3", 1},
		{"0.567089805", "A-2", 1}, {"0.9781715679", "B-1", 1}, {"0.9828515724", "A-1", 1}}
	got, err := rla.ConsistentSample("314159", six, 100, false, 9)
	if err != nil || !equalTickets(got, x4) {
		t.Errorf("X4: %v, %v", got, err)
	}
	// Example X6: 16 draws with replacement from six ids.
	x6 := []rla.Ticket{{"0.410310858", "B-2", 1}, {"0.470960291", "B-3", 1}, {"0.471438751", "A-3", 1},
		{"0.567089805", "A-2", 1}, {"0.659534619", "A-2", 2}, {"0.765106651", "A-2", 3},
		{"0.796265241", "B-3", 2}, {"0.872112726", "A-2", 4}, {"0.893337722", "B-2", 2},
		{"0.9026656781", "A-3", 2}, {"0.9105083805", "A-3", 3}, {"0.9200375234", "B-2", 3},
		{"0.9257009021", "B-3", 3}, {"0.9357740622", "A-3", 4}, {"0.9425889093", "B-3", 4},
		{"0.9501908345", "B-2", 4}}
	got, err = rla.ConsistentSample("314159", six, 16, true, 9)
	if err != nil || !equalTickets(got, x6) {
		t.Errorf("X6: %v, %v", got, err)
	}
	// Example X8: one id drawn 16 times shows the leading-9s handling.
	x8 := []string{"0.9781715679", "0.99820529419", "0.999816322794", "0.9999155113816", "0.9999740105535",
		"0.9999889761394", "0.9999894745680", "0.99999518448838", "0.99999770648841", "0.999999324301596",
		"0.999999588760690", "0.999999659277522", "0.999999835543910", "0.99999999723005422",
		"0.99999999859359985", "0.999999999540636137"}
	got, err = rla.ConsistentSample("314159", []string{"B-1"}, 16, true, 9)
	if err != nil || len(got) != 16 {
		t.Fatalf("X8: %v, %v", got, err)
	}
	for i, tk := range got {
		if tk.Number != x8[i] || tk.Generation != i+1 {
			t.Errorf("X8 draw %d: %+v, want %s", i+1, tk, x8[i])
		}
	}
	// The package docstring: sampler(['A#2', 'B#7', 'C#1', 'D#4'], with_replacement=True, take=8, seed=314159).
	ids := []string{}
	got, _ = rla.ConsistentSample("314159", []string{"A#2", "B#7", "C#1", "D#4"}, 8, true, 9)
	for _, tk := range got {
		ids = append(ids, tk.ID)
	}
	if strings.Join(ids, " ") != "D#4 C#1 C#1 B#7 A#2 C#1 D#4 B#7" {
		t.Errorf("docstring example: %v", ids)
	}
	if _, err := rla.ConsistentSample("1", []string{"a", "a"}, 1, false, 9); !errors.Is(err, rla.ErrInvalid) {
		t.Errorf("duplicate ids: %v", err)
	}
}

// TestConsistentSamplerIsConsistent is the defining property: sampling a
// subset gives the subset's elements in the order the full sample has them.
func TestConsistentSamplerIsConsistent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ids := rapid.SliceOfNDistinct(rapid.StringMatching(`[A-Z]-[0-9]{1,3}`), 1, 30, rapid.ID[string]).Draw(t, "ids")
		seed := rapid.StringMatching(`[0-9]{1,20}`).Draw(t, "seed")
		keep := map[string]bool{}
		var subset []string
		for _, id := range ids {
			if rapid.Bool().Draw(t, "keep") {
				keep[id] = true
				subset = append(subset, id)
			}
		}
		all, err := rla.ConsistentSample(seed, ids, len(ids), false, 9)
		if err != nil {
			t.Fatal(err)
		}
		part, err := rla.ConsistentSample(seed, subset, len(subset), false, 9)
		if err != nil {
			t.Fatal(err)
		}
		var filtered []rla.Ticket
		for _, tk := range all {
			if keep[tk.ID] {
				filtered = append(filtered, tk)
			}
		}
		if !equalTickets(filtered, part) {
			t.Fatalf("subset order %v differs from filtered %v", part, filtered)
		}
	})
}

func TestLocateBallots(t *testing.T) {
	manifest := []rla.ManifestBatch{{"P1", 3}, {"P2", 0}, {"P3", 5}}
	got, err := rla.LocateBallots(manifest, []int64{1, 3, 4, 8})
	want := []rla.Ballot{{1, "P1", 1}, {3, "P1", 3}, {4, "P3", 1}, {8, "P3", 5}}
	if err != nil || len(got) != len(want) {
		t.Fatalf("%v, %v", got, err)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("position %d: %+v, want %+v", want[i].Position, got[i], want[i])
		}
	}
	if _, err := rla.LocateBallots(manifest, []int64{9}); !errors.Is(err, rla.ErrInvalid) {
		t.Errorf("position past the end: %v", err)
	}
}

func FuzzNextFraction(f *testing.F) {
	f.Add("0.25471")
	f.Add("0.999")
	f.Add("0.")
	f.Add("1.5")
	f.Add("0.9x")
	f.Fuzz(func(t *testing.T, x string) {
		y, err := rla.NextFraction(x)
		if err != nil {
			if !errors.Is(err, rla.ErrInvalid) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		// The next ticket is strictly larger, still below 1, and well formed.
		if y <= x+"0" || !strings.HasPrefix(y, "0.") {
			t.Fatalf("NextFraction(%q) = %q is not larger", x, y)
		}
		if _, err := rla.TrimFraction(y, 9); err != nil {
			t.Fatalf("result %q does not parse: %v", y, err)
		}
	})
}

func FuzzRivestSample(f *testing.F) {
	f.Add("3546311556112163624615351222", int64(1), int64(876), uint8(10), false)
	f.Add("", int64(-5), int64(5), uint8(3), true)
	f.Fuzz(func(t *testing.T, seed string, a, b int64, n uint8, withReplacement bool) {
		got, err := rla.RivestSample(seed, a, b, int(n), 0, withReplacement)
		if err != nil {
			return
		}
		seen := map[int64]bool{}
		for _, v := range got {
			if v < a || v > b {
				t.Fatalf("pick %d outside %d..%d", v, a, b)
			}
			if !withReplacement && seen[v] {
				t.Fatalf("duplicate %d without replacement", v)
			}
			seen[v] = true
		}
		if len(got) != int(n) {
			t.Fatalf("got %d picks, want %d", len(got), n)
		}
	})
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func equalTickets(a, b []rla.Ticket) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// hashFraction returns SHA-256(s) / 2^256 exactly.
func hashFraction(s string) *big.Rat {
	sum := sha256.Sum256([]byte(s))
	return new(big.Rat).SetFrac(new(big.Int).SetBytes(sum[:]), new(big.Int).Lsh(big.NewInt(1), 256))
}
