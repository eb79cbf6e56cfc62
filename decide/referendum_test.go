package decide_test

import (
	"math/big"
	"strings"
	"testing"

	"github.com/dauys/dauys/decide"
)

// units2022 are the 17 territorial units of the referendum of 5 June 2022 (KAZAKHSTAN.md §5).
var units2022 = []string{
	"Akmola", "Aktobe", "Almaty Region", "Atyrau", "West Kazakhstan", "Jambyl", "Karaganda", "Kostanay",
	"Kyzylorda", "Mangystau", "Pavlodar", "North Kazakhstan", "Turkistan", "East Kazakhstan",
	"Nur-Sultan", "Almaty", "Shymkent",
}

// ballots is one unit's referendum protocol; took part is the sum of its ballots.
type ballots struct{ registered, yes, no, both, invalid int64 }

func (b ballots) counts() decide.Counts {
	return decide.Counts{
		Registered: b.registered, TookPart: b.yes + b.no + b.both + b.invalid,
		Yes: b.yes, No: b.no, BothMarked: b.both, Invalid: b.invalid,
	}
}

// referendumInput gives the first `with` units a yes majority (60% of participants) and the others none
// (40%); the national total is the sum of the units. Synthetic, shaped like 2022 (17 units, turnout 2/3).
func referendumInput(with int, override map[int]ballots) decide.Input {
	in := decide.Input{}
	for i, name := range units2022 {
		b := ballots{registered: 1500, yes: 600, no: 340, both: 20, invalid: 40}
		if i >= with {
			b = ballots{registered: 1500, yes: 400, no: 540, both: 20, invalid: 40}
		}
		if o, ok := override[i]; ok {
			b = o
		}
		c := b.counts()
		in.Units = append(in.Units, decide.Unit{Name: name, Counts: c})
		in.Total.Registered += c.Registered
		in.Total.TookPart += c.TookPart
		in.Total.Yes += c.Yes
		in.Total.No += c.No
		in.Total.BothMarked += c.BothMarked
		in.Total.Invalid += c.Invalid
	}
	return in
}

func TestReferendumConstitutional(t *testing.T) {
	p, err := decide.LookupPreset("kz-referendum-constitutional")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		in        decide.Input
		valid     bool
		national  bool
		units     int
		adopted   bool
		noteMatch string
	}{
		{"all 17 units", referendumInput(17, nil), true, true, 17, true, ""},
		{"exactly 12 of 17 units", referendumInput(12, nil), true, true, 12, true, ""},
		// National yes is 9,000 of 17,000 (52.9%), but only 11 units: not adopted.
		{"11 of 17 units", referendumInput(11, nil), true, true, 11, false, "Units without a yes majority: North Kazakhstan, Turkistan"},
		{
			// In Akmola yes is 500 of 1,000 participants: 55.6% of yes+no, but exactly half of all
			// participants (both marked and invalid count as participants), so no majority there.
			"half of participants is no unit majority",
			referendumInput(12, map[int]ballots{0: {registered: 1500, yes: 500, no: 400, both: 60, invalid: 40}}),
			true, true, 11, false, "Akmola",
		},
		{
			// Turnout exactly one half is not more than half: the referendum is not valid.
			"turnout of exactly half",
			referendumInput(17, func() map[int]ballots {
				m := map[int]ballots{}
				for i := range units2022 {
					m[i] = ballots{registered: 2000, yes: 600, no: 340, both: 20, invalid: 40}
				}
				return m
			}()),
			false, true, 17, false, "does not exceed",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := MustDecide(t, p.Rules, tc.in)
			if o.Valid != tc.valid || o.NationalMajority != tc.national || o.UnitsWithMajority != tc.units || o.Adopted != tc.adopted {
				t.Errorf("valid %v national %v units %d adopted %v; want %v %v %d %v",
					o.Valid, o.NationalMajority, o.UnitsWithMajority, o.Adopted, tc.valid, tc.national, tc.units, tc.adopted)
			}
			if o.UnitsRequired != 12 {
				t.Errorf("units required = %d, want ceil(2*17/3) = 12", o.UnitsRequired)
			}
			if tc.noteMatch != "" && !strings.Contains(strings.Join(o.Explanation.Notes, " "), tc.noteMatch) {
				t.Errorf("notes %q do not mention %q", o.Explanation.Notes, tc.noteMatch)
			}
		})
	}
}

func TestReferendumShares(t *testing.T) {
	p, err := decide.LookupPreset("kz-referendum-constitutional")
	if err != nil {
		t.Fatal(err)
	}
	o := MustDecide(t, p.Rules, referendumInput(17, nil))
	re := o.Explanation.Referendum
	// Yes 600 of 1,000 participants per unit: the share is of all participants, invalid included.
	if re.YesShare.Percent != "60.0000" || re.NoShare.Percent != "34.0000" || re.BothMarkedShare.Percent != "2.0000" || re.InvalidShare.Percent != "4.0000" {
		t.Errorf("shares = yes %s no %s both %s invalid %s", re.YesShare.Percent, re.NoShare.Percent, re.BothMarkedShare.Percent, re.InvalidShare.Percent)
	}
	if re.Turnout.Exact != "17000/25500" {
		t.Errorf("turnout = %+v", re.Turnout)
	}
}

func TestUnitsRequired(t *testing.T) {
	// ceil(2n/3): 12 of 17 (2022), 14 of 20 (today), 2 of 3, 1 of 1.
	for n, want := range map[int]int{17: 12, 20: 14, 3: 2, 1: 1, 18: 12} {
		in := decide.Input{}
		for i := range n {
			c := ballots{registered: 10, yes: 6, no: 4}.counts()
			in.Units = append(in.Units, decide.Unit{Name: string(rune('A' + i)), Counts: c})
		}
		in.Total = ballots{registered: int64(10 * n), yes: int64(6 * n), no: int64(4 * n)}.counts()
		o := MustDecide(t, decide.Rules{Kind: decide.KindReferendum, Territorial: big.NewRat(2, 3)}, in)
		if o.UnitsRequired != want {
			t.Errorf("n = %d: required %d, want %d", n, o.UnitsRequired, want)
		}
	}
}

func TestReferendumOrdinary(t *testing.T) {
	p, err := decide.LookupPreset("kz-referendum-ordinary")
	if err != nil {
		t.Fatal(err)
	}
	in := referendumInput(11, nil)
	o := MustDecide(t, p.Rules, in)
	if !o.Adopted || o.UnitsRequired != 0 || o.UnitsWithMajority != 11 {
		t.Errorf("ordinary: adopted %v required %d with %d", o.Adopted, o.UnitsRequired, o.UnitsWithMajority)
	}
	// The regional rule is configurable.
	p.Rules.Territorial = big.NewRat(2, 3)
	if o := MustDecide(t, p.Rules, in); o.Adopted {
		t.Error("with the territorial rule 11 of 17 units should not adopt")
	}
}

func TestReferendumRejectsInconsistentCounts(t *testing.T) {
	in := referendumInput(17, nil)
	in.Units[3].Counts.TookPart -= 1
	_, err := decide.Decide(decide.Rules{Kind: decide.KindReferendum}, in)
	if err == nil || !strings.Contains(err.Error(), "Atyrau") {
		t.Errorf("err = %v, want one naming Atyrau", err)
	}
	_, err = decide.Decide(decide.Rules{Kind: decide.KindReferendum, Territorial: big.NewRat(2, 3)}, decide.Input{Total: ballots{registered: 10, yes: 6}.counts()})
	if err == nil {
		t.Error("the territorial rule without units should fail")
	}
}
