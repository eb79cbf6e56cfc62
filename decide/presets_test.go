package decide_test

import (
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/dauys/dauys/decide"
)

func TestPresets(t *testing.T) {
	want := map[string]struct {
		kind      decide.Kind
		seats     int
		threshold string
		base      decide.ThresholdBase
	}{
		"kz-mazhilis-2021":             {decide.KindList, 98, "7", decide.BaseVotes},
		"kz-mazhilis-2023":             {decide.KindList, 69, "5", decide.BaseVotesAgainstAll},
		"kz-maslikhat-2023-regional":   {decide.KindList, 0, "5", decide.BaseVotesAgainstAll},
		"kz-maslikhat-2023-district":   {decide.KindPlurality, 1, "", ""},
		"kz-akim-rural-2021":           {decide.KindPlurality, 1, "", ""},
		"kz-akim-district-2023":        {decide.KindPlurality, 1, "", ""},
		"kz-by-election-smd":           {decide.KindPlurality, 1, "", ""},
		"kz-kurultai-2026":             {decide.KindList, 145, "5", decide.BaseVotesAgainstAll},
		"kz-president":                 {decide.KindMajority, 0, "", ""},
		"kz-referendum-constitutional": {decide.KindReferendum, 0, "", ""},
		"kz-referendum-ordinary":       {decide.KindReferendum, 0, "", ""},
	}
	all := decide.Presets()
	if len(all) != len(want) {
		t.Errorf("%d presets, want %d", len(all), len(want))
	}
	for _, p := range all {
		t.Run(p.ID, func(t *testing.T) {
			w, ok := want[p.ID]
			if !ok {
				t.Fatalf("unexpected preset %q", p.ID)
			}
			if p.Title == "" || p.Source == "" {
				t.Error("a preset must have a title and cite its source")
			}
			r := p.Rules
			if r.Kind != w.kind || r.Seats != w.seats || r.ThresholdBase != w.base {
				t.Errorf("rules = %+v", r)
			}
			if got := ratString(r.Threshold); got != w.threshold {
				t.Errorf("threshold = %q, want %q", got, w.threshold)
			}
			if r.Kind == decide.KindList && (!r.ThresholdInclusive || r.Method != decide.MethodHare) {
				t.Errorf("list presets are inclusive Hare: %+v", r)
			}
			err := r.Validate()
			if p.ID == "kz-maslikhat-2023-regional" {
				// The seats differ per maslikhat: there is no default and the rules are incomplete without them.
				var de *decide.Error
				if !errors.As(err, &de) || de.Field != "seats" {
					t.Errorf("Validate = %v, want a seats error", err)
				}
				r.Seats = 15
				err = r.Validate()
			}
			if err != nil {
				t.Errorf("Validate = %v", err)
			}
			got, err := decide.LookupPreset(p.ID)
			if err != nil || got.ID != p.ID {
				t.Errorf("LookupPreset = %+v, %v", got, err)
			}
		})
	}
}

func TestPresetsUnconfirmedPointsAreDocumented(t *testing.T) {
	// The tie rule and runner-up admission after 2022 are UNCONFIRMED (KAZAKHSTAN.md §2): every post-2022 list
	// preset must say so and name the field that changes it.
	for _, id := range []string{"kz-mazhilis-2023", "kz-maslikhat-2023-regional", "kz-kurultai-2026"} {
		p, err := decide.LookupPreset(id)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(p.Unconfirmed, " ")
		for _, field := range []string{"tie", "admit_runner_up"} {
			if !strings.Contains(text, field) {
				t.Errorf("%s: unconfirmed points %q do not mention %s", id, p.Unconfirmed, field)
			}
		}
		if p.Rules.Tie != decide.TieRegistration || !p.Rules.AdmitRunnerUp {
			t.Errorf("%s: documented defaults are registration and runner-up admitted, got %+v", id, p.Rules)
		}
	}
}

func TestPresetsAreFreshCopies(t *testing.T) {
	a, _ := decide.LookupPreset("kz-mazhilis-2023")
	a.Rules.Threshold.SetInt64(50)
	b, _ := decide.LookupPreset("kz-mazhilis-2023")
	if b.Rules.Threshold.Cmp(big.NewRat(5, 1)) != 0 {
		t.Errorf("changing a returned preset changed the next one: threshold %s", b.Rules.Threshold)
	}
}

func TestLookupUnknownPreset(t *testing.T) {
	_, err := decide.LookupPreset("kz-mazhilis-1999")
	var de *decide.Error
	if !errors.As(err, &de) || !strings.Contains(de.Message, "kz-mazhilis-2021") {
		t.Errorf("err = %v, want an *Error listing the known presets", err)
	}
}

func ratString(r *big.Rat) string {
	if r == nil {
		return ""
	}
	return r.RatString()
}

func TestPresetsStateTheirBases(t *testing.T) {
	// Every preset says what turnout and each share are of, and on what evidence; a preset whose bases
	// are not reproduced from published figures says so among its unconfirmed points.
	for _, p := range decide.Presets() {
		b := p.Bases
		if b.Turnout == "" || b.Share == "" || b.Evidence == "" {
			t.Errorf("%s: bases %+v lack the turnout, share or evidence", p.ID, b)
		}
		if p.Rules.Kind == decide.KindList && p.Rules.Threshold != nil && b.Threshold == "" {
			t.Errorf("%s: the threshold's base is not stated", p.ID)
		}
		if (p.Rules.Kind == decide.KindMajority || p.Rules.Kind == decide.KindReferendum) && b.Majority == "" {
			t.Errorf("%s: the majority's base is not stated", p.ID)
		}
		if !b.Confirmed && len(p.Unconfirmed) == 0 {
			t.Errorf("%s: bases not confirmed by published figures, and no unconfirmed point says so", p.ID)
		}
	}
}

func TestPresidentDecidesOnThePublishedBase(t *testing.T) {
	// The CEC publishes and declares the winner on the votes for candidates plus against all
	// (KAZAKHSTAN.md §4; 2022: Tokayev 81.31%); the stricter reading is an override, and says so.
	p, err := decide.LookupPreset("kz-president")
	if err != nil {
		t.Fatal(err)
	}
	if p.Rules.MajorityBase != decide.BaseVotesAgainstAll {
		t.Errorf("majority base %q, want votes+against_all", p.Rules.MajorityBase)
	}
	if text := strings.Join(p.Unconfirmed, " "); !strings.Contains(text, "majority_base") || !strings.Contains(text, "took_part") {
		t.Errorf("the unconfirmed points %q do not say how to take the stricter reading", p.Unconfirmed)
	}
}
