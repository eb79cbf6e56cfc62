package decide_test

import (
	"encoding/json"
	"math/big"
	"os"
	"strings"
	"testing"

	"github.com/dauys/dauys/decide"
)

// officialEvent is one vote of testdata/official.json: the counts as published, each percentage the
// CEC (or the CRC, or a territorial commission) published with its source, and the outcome.
type officialEvent struct {
	ID             string          `json:"id"`
	What           string          `json:"what"`
	Preset         string          `json:"preset"`
	SeatsTotal     int             `json:"seats_total"`
	TerritorialOff string          `json:"territorial_off"`
	Options        []string        `json:"options"`
	Counts         officialCounts  `json:"counts"`
	Units          []officialUnit  `json:"units"`
	Published      []officialShare `json:"published"`
	Seats          map[string]int  `json:"seats"`
	SeatsSource    string          `json:"seats_source"`
	Elected        string          `json:"elected"`
	ElectedSource  string          `json:"elected_source"`
	Valid          *bool           `json:"valid"`
	Adopted        *bool           `json:"adopted"`
	OutcomeSource  string          `json:"outcome_source"`
}

type officialCounts struct {
	decide.Counts
	Source string `json:"source"`
}

type officialUnit struct {
	Name   string         `json:"name"`
	Counts officialCounts `json:"counts"`
	Source string         `json:"source"`
}

type officialShare struct {
	Figure  string `json:"figure"`
	Percent string `json:"percent"`
	Source  string `json:"source"`
}

func loadOfficial(t *testing.T) []officialEvent {
	t.Helper()
	data, err := os.ReadFile("testdata/official.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		About  string          `json:"about"`
		Events []officialEvent `json:"events"`
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		t.Fatalf("testdata/official.json: %v", err)
	}
	if len(f.Events) == 0 {
		t.Fatal("testdata/official.json has no events")
	}
	return f.Events
}

// officialOutcome decides an event under its preset, as published.
func officialOutcome(t *testing.T, ev officialEvent) *decide.Outcome {
	t.Helper()
	p, err := decide.LookupPreset(ev.Preset)
	if err != nil {
		t.Fatal(err)
	}
	r := p.Rules
	if ev.SeatsTotal > 0 {
		r.Seats = ev.SeatsTotal
	}
	if ev.TerritorialOff != "" {
		r.Territorial = nil
	}
	in := decide.Input{Options: ev.Options, Total: ev.Counts.Counts}
	for _, u := range ev.Units {
		in.Units = append(in.Units, decide.Unit{Name: u.Name, Counts: u.Counts.Counts})
	}
	return MustDecide(t, r, in)
}

// publishedFigure finds the share the outcome shows for a figure of testdata/official.json: "turnout",
// "option:NAME", "against_all", "yes", "no", "both_marked", "invalid" or "unit:NAME:yes".
func publishedFigure(t *testing.T, o *decide.Outcome, figure string) decide.Fraction {
	t.Helper()
	ex := o.Explanation
	switch figure {
	case "turnout":
		if ex.Turnout == nil {
			t.Fatalf("%s: the outcome shows no turnout", figure)
		}
		return *ex.Turnout
	case "against_all":
		switch o.Kind {
		case decide.KindList:
			if ex.AgainstAll == nil {
				t.Fatalf("%s: the list outcome shows no against-all share", figure)
			}
			return ex.AgainstAll.Share
		case decide.KindMajority:
			return ex.Majority.AgainstAllShareValid
		}
	case "yes":
		return ex.Referendum.YesShare
	case "no":
		return ex.Referendum.NoShare
	case "both_marked":
		return ex.Referendum.BothMarkedShare
	case "invalid":
		return ex.Referendum.InvalidShare
	}
	if name, ok := strings.CutPrefix(figure, "option:"); ok {
		for _, l := range ex.Lists {
			if l.Option == name {
				return l.Share
			}
		}
		for _, c := range ex.Candidates {
			if c.Option == name {
				return c.Share
			}
		}
	}
	if rest, ok := strings.CutPrefix(figure, "unit:"); ok {
		name, _ := strings.CutSuffix(rest, ":yes")
		for _, u := range ex.Units {
			if u.Name == name {
				return u.YesShare
			}
		}
	}
	t.Fatalf("figure %q is not in the outcome", figure)
	return decide.Fraction{}
}

// TestOfficialFigures reproduces the percentages the CEC published for the 2021 and 2023 Mazhilis, the
// 2022 presidential election, the 2022, 2024 and 2026 referendums and three 2023 maslikhat lists, to the
// hundredth, from the official totals under each preset, and the published outcomes: the seats, the
// president elected without a runoff, each referendum valid and adopted. The figures and their sources
// are in testdata/official.json.
func TestOfficialFigures(t *testing.T) {
	for _, ev := range loadOfficial(t) {
		t.Run(ev.ID, func(t *testing.T) {
			if ev.Counts.Source == "" {
				t.Fatal("the counts have no source")
			}
			o := officialOutcome(t, ev)
			checkBases(t, o, ev)
			for _, pub := range ev.Published {
				if pub.Source == "" {
					t.Errorf("%s: no source", pub.Figure)
				}
				got := publishedFigure(t, o, pub.Figure)
				if got.PercentHundredths != pub.Percent {
					t.Errorf("%s = %s%% (exact %s), the CEC published %s%%", pub.Figure, got.PercentHundredths, got.Exact, pub.Percent)
				}
				// The exported function gives the same string from the same fraction.
				num, den, _ := strings.Cut(got.Exact, "/")
				n, _ := new(big.Int).SetString(num, 10)
				d, _ := new(big.Int).SetString(den, 10)
				if p := decide.PercentBig(n, d); p != pub.Percent {
					t.Errorf("%s: PercentBig(%s) = %s, want %s", pub.Figure, got.Exact, p, pub.Percent)
				}
			}
			switch {
			case ev.Seats != nil:
				if ev.SeatsSource == "" {
					t.Error("the seats have no source")
				}
				for _, s := range o.Seats {
					want, ok := ev.Seats[s.Option]
					if !ok {
						t.Errorf("%s: no published seats", s.Option)
					}
					if s.Seats != want {
						t.Errorf("%s: %d seats, the CEC gave %d", s.Option, s.Seats, want)
					}
				}
			case ev.Elected != "":
				if ev.ElectedSource == "" {
					t.Error("the winner has no source")
				}
				if o.Elected == nil || *o.Elected != ev.Elected || o.Runoff != nil {
					t.Errorf("elected %v, runoff %v; the CEC declared %s elected in the first round", o.Elected, o.Runoff, ev.Elected)
				}
			case ev.Valid != nil && ev.Adopted != nil:
				if ev.OutcomeSource == "" {
					t.Error("the outcome has no source")
				}
				if o.Valid != *ev.Valid || o.Adopted != *ev.Adopted {
					t.Errorf("valid %v, adopted %v; the commission declared valid %v, adopted %v", o.Valid, o.Adopted, *ev.Valid, *ev.Adopted)
				}
			default:
				t.Error("the event states no outcome to check")
			}
		})
	}
}

// checkBases checks that the explanation names the base the CEC's percentages were found to use:
// registered voters for turnout; the threshold base for lists (party votes in 2021, parties plus against
// all since); candidates plus against all for the president; all who took part for a referendum.
func checkBases(t *testing.T, o *decide.Outcome, ev officialEvent) {
	t.Helper()
	of := map[string]string{}
	for _, b := range o.Explanation.Bases {
		if b.Text == "" {
			t.Errorf("base %s has no words", b.Figure)
		}
		of[b.Figure] = b.Of
	}
	want := map[decide.Kind]string{
		decide.KindList:       string(o.Rules.ThresholdBase),
		decide.KindMajority:   string(decide.BaseVotesAgainstAll),
		decide.KindReferendum: string(decide.BaseTookPart),
	}[o.Kind]
	if of["share"] != want {
		t.Errorf("share base %q, want %q", of["share"], want)
	}
	if ev.Counts.Registered > 0 && of["turnout"] != "registered" {
		t.Errorf("turnout base %q, want registered", of["turnout"])
	}
}

// TestOfficialRounding checks what the published figures say about the CEC's rounding: none of them is an
// exact half of a hundredth, so they cannot tell half-up from half-even (decide rounds half up, as
// research/official/check.py does); but some of them differ from the truncated value, so the CEC rounds
// to nearest and does not cut (Tokayev 81.3099...% was published as 81.31).
func TestOfficialRounding(t *testing.T) {
	rounded := 0
	for _, ev := range loadOfficial(t) {
		o := officialOutcome(t, ev)
		for _, pub := range ev.Published {
			f := publishedFigure(t, o, pub.Figure)
			exact, ok := new(big.Rat).SetString(f.Exact)
			if !ok {
				t.Fatalf("%s %s: exact %q", ev.ID, pub.Figure, f.Exact)
			}
			// 10000*exact is the percent in hundredths; its fractional part is 1/2 at a tie.
			h := new(big.Rat).Mul(exact, big.NewRat(10000, 1))
			floor := new(big.Int).Quo(h.Num(), h.Denom())
			frac := new(big.Rat).Sub(h, new(big.Rat).SetInt(floor))
			if frac.Cmp(big.NewRat(1, 2)) == 0 {
				t.Errorf("%s %s: %s is an exact half; the rounding rule decides it", ev.ID, pub.Figure, f.Exact)
			}
			if frac.Cmp(big.NewRat(1, 2)) > 0 {
				rounded++
			}
		}
	}
	if rounded == 0 {
		t.Error("no published figure was rounded up: the data would not tell rounding from truncation")
	}
}

// TestPresidentShareOfTookPartIsNotPublished shows the 2022 regression: over all who took part, as the
// kz-president preset did before, Tokayev's share is 77.79% (derived, research/official/kz-president-2022.md),
// which the CEC never published; it is still shown beside the published 81.31%.
func TestPresidentShareOfTookPartIsNotPublished(t *testing.T) {
	for _, ev := range loadOfficial(t) {
		if ev.ID != "kz-president-2022" {
			continue
		}
		o := officialOutcome(t, ev)
		c := o.Explanation.Candidates[0]
		if c.Option != "Tokayev" || c.Share.PercentHundredths != "81.31" || c.ShareOfTookPart.PercentHundredths != "77.79" {
			t.Errorf("Tokayev: share %s, of took part %s; want 81.31 and 77.79 beside it", c.Share.PercentHundredths, c.ShareOfTookPart.PercentHundredths)
		}
		if m := o.Explanation.Majority; m.Base != decide.BaseVotesAgainstAll || m.Denominator != 7940478 {
			t.Errorf("majority base %s of %d, want votes+against_all of 7940478", m.Base, m.Denominator)
		}
		return
	}
	t.Fatal("kz-president-2022 is not in testdata/official.json")
}
