package integrity_test

import (
	"context"
	"reflect"
	"sort"
	"testing"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/demo"
	"github.com/dauys/dauys/internal/forensics"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/integrity"
)

// TestForensicsMatchesDirectComputation stores half of a generated
// referendum night in SQLite and checks that the report read from the store
// is exactly the report of the same protocols handed to forensics directly.
func TestForensicsMatchesDirectComputation(t *testing.T) {
	ctx := context.Background()
	v := mustExample(t, "kz-referendum-2022")
	var in []intake.Submission
	for i, s := range v.night(7, demo.Baseline{Invalid: 1, Yes: 77}) {
		if i%2 == 0 {
			in = append(in, s)
		}
	}
	v.submit(t, in)

	sort.Slice(in, func(i, j int) bool { return in[i].Area < in[j].Area })
	direct := forensics.Input{Options: []string{"yes", "no", "both_marked"}}
	for _, s := range in {
		l := s.Lines
		direct.Precincts = append(direct.Precincts, forensics.Precinct{
			Area: s.Area, Region: v.region(s.Area), Registered: l["registered"], Issued: l["took_part"],
			Cast: l["found_stationary"] + l["found_mobile"], Invalid: l["invalid"], Options: []int64{l["yes"], l["no"], l["both_marked"]},
		})
	}
	cfg := forensics.Config{Seed: 42}
	want, err := forensics.Analyze(direct, cfg)
	if err != nil {
		t.Fatal(err)
	}
	got, err := integrity.Forensics(ctx, v.store, v.e, "", cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("report from the store differs from the direct computation:\ngot  %+v\nwant %+v", got.Totals, want.Totals)
	}
	if got.Totals.Precincts != len(in) || got.Totals.Inconsistent != 0 || got.LeaderName != "yes" {
		t.Errorf("totals %+v, leader %q: want %d consistent precincts led by yes", got.Totals, got.LeaderName, len(in))
	}
	if got.IntegerPercent.Included == 0 || len(got.Regions) != 17 {
		t.Errorf("%d precincts in the integer test, %d regions; want some and 17", got.IntegerPercent.Included, len(got.Regions))
	}
	named, err := integrity.Forensics(ctx, v.store, v.e, "constitution", cfg)
	if err != nil || !reflect.DeepEqual(named, got) {
		t.Errorf("naming the default contest changes the report (%v)", err)
	}
}

// TestForensicsLines checks which lines feed the turnout numerator and the
// options, form by form.
func TestForensicsLines(t *testing.T) {
	tests := []struct {
		name    string
		lines   []string
		kind    string
		options []string
		wantOpt []string
		values  map[string]int64
		want    forensics.Precinct
	}{
		{
			name:  "issued line",
			lines: []string{"registered", "issued", "took_part", "invalid", "against_all"}, kind: dauys.KindList, options: []string{"a", "b"},
			values: map[string]int64{"registered": 1000, "issued": 612, "took_part": 610, "invalid": 10, "against_all": 20,
				"option:a": 380, "option:b": 200},
			wantOpt: []string{"a", "b", "against_all"},
			want:    forensics.Precinct{Registered: 1000, Issued: 612, Cast: 610, Invalid: 10, Options: []int64{380, 200, 20}},
		},
		{
			// The Kazakh form: took_part is the voters who received
			// ballots, found the ballots in the boxes.
			name:  "took part and found",
			lines: []string{"registered", "took_part", "found", "invalid", "against_all"}, kind: dauys.KindList, options: []string{"a", "b"},
			values: map[string]int64{"registered": 1000, "took_part": 612, "found": 610, "invalid": 10, "against_all": 20,
				"option:a": 380, "option:b": 200},
			wantOpt: []string{"a", "b", "against_all"},
			want:    forensics.Precinct{Registered: 1000, Issued: 612, Cast: 610, Invalid: 10, Options: []int64{380, 200, 20}},
		},
		{
			name:  "issued in parts",
			lines: []string{"registered", "issued_early", "issued_station", "issued_outside", "took_part", "invalid"}, kind: dauys.KindMajority,
			options: []string{"a", "b"},
			values: map[string]int64{"registered": 1000, "issued_early": 12, "issued_station": 580, "issued_outside": 20, "took_part": 610,
				"invalid": 10, "option:a": 400, "option:b": 200},
			wantOpt: []string{"a", "b"},
			want:    forensics.Precinct{Registered: 1000, Issued: 612, Cast: 610, Invalid: 10, Options: []int64{400, 200}},
		},
		{
			name:  "ballots in the boxes",
			lines: []string{"registered", "took_part", "yes", "no", "both_marked", "invalid"}, kind: dauys.KindReferendum,
			values:  map[string]int64{"registered": 1000, "took_part": 610, "yes": 400, "no": 195, "both_marked": 5, "invalid": 10},
			wantOpt: []string{"yes", "no", "both_marked"},
			want:    forensics.Precinct{Registered: 1000, Issued: 610, Cast: 610, Invalid: 10, Options: []int64{400, 195, 5}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := dauys.Contest{ID: "c", Kind: tt.kind, Form: "f"}
			switch tt.kind {
			case dauys.KindReferendum:
				c.Rules = dauys.Rules{Preset: "kz-referendum-ordinary"}
			case dauys.KindList:
				c.Rules = dauys.Rules{Method: "hare", Seats: 5}
			}
			for _, o := range tt.options {
				c.Options = append(c.Options, dauys.Option{ID: o})
			}
			f := dauys.Form{ID: "f", OptionLines: len(tt.options) > 0}
			for _, l := range tt.lines {
				f.Lines = append(f.Lines, dauys.Line{Name: l})
			}
			v := mustEnv(t, tiny([]dauys.Contest{c}, []dauys.Form{f}, 1000))
			v.submit(t, []intake.Submission{{Contest: "c", Area: "p1", Lines: tt.values}})
			in, got, err := integrity.ForensicsInput(context.Background(), v.store, v.e, "c")
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Area, tt.want.Region = "p1", "r1"
			if got.ID != "c" || !reflect.DeepEqual(in.Options, tt.wantOpt) || len(in.Precincts) != 1 || !reflect.DeepEqual(in.Precincts[0], tt.want) {
				t.Errorf("got %v %+v, want %v %+v", in.Options, in.Precincts, tt.wantOpt, tt.want)
			}
		})
	}
}

// tiny is a small election: a country, two regions and one precinct per
// registered count given (p1, p2, ... alternating between the regions).
func tiny(contests []dauys.Contest, forms []dauys.Form, registered ...int64) *dauys.Election {
	e := &dauys.Election{ID: "tiny", Name: dauys.T("Tiny"), Date: "2026-03-15", Status: dauys.StatusCounting,
		Areas: []dauys.Area{
			{ID: "kz", Level: dauys.LevelCountry},
			{ID: "r1", Parent: "kz", Level: dauys.LevelRegion},
			{ID: "r2", Parent: "kz", Level: dauys.LevelRegion},
		},
		Contests: contests, Forms: forms}
	for i, n := range registered {
		e.Areas = append(e.Areas, dauys.Area{ID: "p" + string(rune('1'+i)), Parent: []string{"r1", "r2"}[i%2],
			Level: dauys.LevelPrecinct, Registered: n})
	}
	return e
}

func TestDefaultContest(t *testing.T) {
	smd := dauys.Contest{ID: "smd", Kind: dauys.KindPlurality, Form: "f", Rules: dauys.Rules{Seats: 1}, Options: []dauys.Option{{ID: "a"}, {ID: "b"}}}
	local := dauys.Contest{ID: "local", Kind: dauys.KindMajority, Form: "f", Areas: []string{"r1"}, Options: []dauys.Option{{ID: "a"}, {ID: "b"}}}
	national := dauys.Contest{ID: "national", Kind: dauys.KindMajority, Form: "f", Options: []dauys.Option{{ID: "a"}, {ID: "b"}}}
	form := []dauys.Form{{ID: "f", Lines: []dauys.Line{{Name: "registered"}, {Name: "took_part"}}, OptionLines: true}}
	v := mustEnv(t, tiny([]dauys.Contest{smd, local, national}, form, 100))
	if c, err := integrity.DefaultContest(v.e); err != nil || c.ID != "national" {
		t.Errorf("default contest %v, %v; want national", c, err)
	}
	w := mustEnv(t, tiny([]dauys.Contest{smd}, form, 100))
	if _, err := integrity.DefaultContest(w.e); dauys.ErrorCode(err) != dauys.EINVALID {
		t.Errorf("only a plurality contest: %v, want an invalid error asking for --contest", err)
	}
	if _, err := integrity.Forensics(context.Background(), v.store, v.e, "national", forensics.Config{}); dauys.ErrorCode(err) != dauys.EINVALID {
		t.Errorf("no protocols: %v, want invalid", err)
	}
	if _, err := integrity.Forensics(context.Background(), v.store, v.e, "nope", forensics.Config{}); dauys.ErrorCode(err) != dauys.ENOTFOUND {
		t.Errorf("unknown contest: %v, want not found", err)
	}
}

// TestCrossContest loads the Astana precincts of the 2023 elections, where
// every voter gets every ballot, and then amends one district protocol.
func TestCrossContest(t *testing.T) {
	ctx := context.Background()
	v := mustExample(t, "kz-2023")
	var astana []intake.Submission
	for _, s := range v.night(7, demo.Baseline{AgainstAll: 3, Invalid: 1}) {
		if v.region(s.Area) == "KZ-71" {
			astana = append(astana, s)
		}
	}
	v.submit(t, astana)

	rep, err := integrity.Forensics(ctx, v.store, v.e, "", forensics.Config{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Options[len(rep.Options)-1] != "against_all" || rep.Totals.Inconsistent != 0 {
		t.Errorf("options %v, %d inconsistent: want against all last and none inconsistent", rep.Options, rep.Totals.Inconsistent)
	}

	cc, err := integrity.CrossContestCheck(ctx, v.store, v.e, 0)
	if err != nil {
		t.Fatal(err)
	}
	if cc.Precincts == 0 || len(cc.Issued) != 0 || len(cc.TookPart) != 0 {
		t.Fatalf("before the amendment: %+v, want precincts and no differences", cc)
	}
	var smd intake.Submission
	for _, s := range astana {
		if c := v.e.Contest(s.Contest); c.Kind == dauys.KindPlurality && s.Lines["cancelled"] >= 5 && s.Lines["took_part"]+5 <= s.Lines["registered"] {
			smd = s
			break
		}
	}
	fix := smd
	fix.Lines = map[string]int64{}
	for k, n := range smd.Lines {
		fix.Lines[k] = n
	}
	fix.Lines["took_part"] += 5 // voters who received ballots
	fix.Lines["cancelled"] -= 5
	fix.Amendment, fix.Reason = true, "test: five more ballots issued in one contest"
	v.submit(t, []intake.Submission{fix})

	cc, err = integrity.CrossContestCheck(ctx, v.store, v.e, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(cc.Issued) != 1 || cc.Issued[0].Area != smd.Area || cc.Issued[0].Spread != 5 || len(cc.TookPart) != 0 {
		t.Errorf("after the amendment: %+v, want precinct %s with a spread of 5 ballots issued", cc, smd.Area)
	}
	if cc, _ = integrity.CrossContestCheck(ctx, v.store, v.e, 5); len(cc.Issued) != 0 {
		t.Errorf("a tolerance of 5 still lists %+v", cc.Issued)
	}
}
