package cdf_test

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/cdf"
	"github.com/dauys/dauys/internal/intake"
)

// minimal is testdata/minimal.json: a county of two precincts, a vote-for-2
// council race counted by vote type with a write-in, and a yes/no measure.
func minimal(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/minimal.json")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// edit decodes a report, lets f change it and encodes it again.
func edit(t testing.TB, data []byte, f func(doc map[string]any)) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	f(doc)
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// at walks a decoded document: at(doc, "Election", 0, "Contest", 1).
func at(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			v = v.(map[string]any)[k]
		case int:
			v = v.([]any)[k]
		}
	}
	return v
}

func TestCDFImportMinimal(t *testing.T) {
	data := minimal(t)
	if err := cdf.Validate(data); err != nil {
		t.Fatalf("testdata/minimal.json does not validate: %v", err)
	}
	im, err := cdf.Decode(data, cdf.ImportOptions{ID: "example"})
	if err != nil {
		t.Fatal(err)
	}
	e := im.Election
	var tree []string
	for _, a := range e.Areas {
		tree = append(tree, a.Parent+">"+a.ID+":"+a.Level)
	}
	if want := []string{">county:county", "county>p1:precinct", "county>p2:precinct"}; !slices.Equal(tree, want) {
		t.Errorf("areas %v, want %v", tree, want)
	}
	if e.Status != dauys.StatusComplete || e.Date != "2024-11-05" {
		t.Errorf("status %s, date %s", e.Status, e.Date)
	}

	council := e.Contest("council")
	if council == nil || council.Kind != dauys.KindPlurality || council.Rules.Seats != 2 {
		t.Fatalf("council: %+v", council)
	}
	var opts []string
	for _, o := range council.Options {
		opts = append(opts, o.ID+"="+o.Name.EN+"/"+o.Party)
	}
	// Counted by vote type: '-' becomes '_' so that relations can name the
	// lines; the write-in is an option.
	if want := []string{"cs_a=Ann Archer/par-x", "cs_b=Ben Baker/", "cs_c=Cy Cole/", "cs_wi=Write-in/"}; !slices.Equal(opts, want) {
		t.Errorf("options %v, want %v", opts, want)
	}
	form := e.Form(council.Form)
	var relations []string
	for _, r := range form.Relations {
		relations = append(relations, r.Expr)
	}
	if want := "option:cs_a = option:cs_a.absentee + option:cs_a.election_day"; !slices.Contains(relations, want) {
		t.Errorf("relations %v lack %q", relations, want)
	}
	m1 := e.Contest("m1")
	if m1 == nil || m1.Kind != dauys.KindReferendum {
		t.Fatalf("measure: %+v", m1)
	}

	v := mustEnv(t)
	if _, err := im.Store(context.Background(), v.store, v.intake); err != nil {
		t.Fatal(err)
	}
	res, err := v.tally.Area(context.Background(), "example", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Contests {
		switch c.Contest {
		case "council":
			if got := c.Lines["option:cs_a"]; got != 67 {
				t.Errorf("council: cs_a %d, want 67", got)
			}
			if got := c.Lines["option:cs_b.absentee"]; got != 19 {
				t.Errorf("council: cs_b absentee %d, want 19", got)
			}
			if c.Lines["took_part"] != 139 || c.Lines["overvotes"] != 2 || c.Lines["undervotes"] != 22 {
				t.Errorf("council: took_part %d, overvotes %d, undervotes %d", c.Lines["took_part"], c.Lines["overvotes"], c.Lines["undervotes"])
			}
			if w := c.Outcome.Winners; !slices.Equal(w, []string{"cs_b", "cs_a"}) {
				t.Errorf("council winners %v, want [cs_b cs_a] (vote for 2)", w)
			}
		case "m1":
			if c.Lines["yes"] != 75 || c.Lines["no"] != 58 || c.Lines["took_part"] != 133 {
				t.Errorf("measure lines %v", c.Lines)
			}
			if !c.Outcome.Adopted {
				t.Error("measure: 75 yes to 58 no is not adopted")
			}
		}
	}

	// The form checks types against totals in protocols sent later too.
	r, err := v.intake.Submit(context.Background(), "example", []intake.Submission{{Contest: "council", Area: "p1",
		Amendment: true, Reason: "test", Lines: map[string]int64{
			"option:cs_a": 43, "option:cs_a.election_day": 30, "option:cs_a.absentee": 12,
			"option:cs_b": 35, "option:cs_b.election_day": 25, "option:cs_b.absentee": 10,
			"option:cs_c": 12, "option:cs_c.election_day": 8, "option:cs_c.absentee": 4,
			"option:cs_wi": 1, "option:cs_wi.election_day": 1, "option:cs_wi.absentee": 0,
			"took_part": 64, "overvotes": 2, "undervotes": 10,
		}}})
	if err != nil {
		t.Fatal(err)
	}
	if r[0].Err == nil || !strings.Contains(dauys.ErrorMessage(r[0].Err), "E_TYPES") {
		t.Errorf("a total that is not the sum of its types: %v, want a refusal for E_TYPES", r[0].Err)
	}

	// Vote types come back out as the format's count types.
	out := v.mustExport(t, "example", cdf.LevelPrecinct)
	var doc map[string]any
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	types := map[string]bool{}
	for _, s := range at(doc, "Election", 0, "Contest", 0, "ContestSelection").([]any) {
		for _, c := range at(s, "VoteCounts").([]any) {
			types[at(c, "Type").(string)] = true
		}
	}
	if want := []string{"absentee", "election-day", "seats", "total"}; !slices.Equal(slices.Sorted(maps.Keys(types)), want) {
		t.Errorf("count types %v, want %v", slices.Sorted(maps.Keys(types)), want)
	}
	if got := at(doc, "Election", 0, "Contest", 1, "@type"); got != "ElectionResults.BallotMeasureContest" {
		t.Errorf("the measure is exported as %v", got)
	}
	again := mustEnv(t)
	again.mustImport(t, out, cdf.ImportOptions{})
	equalTotals(t, "minimal", v.totals(t, "example"), again.totals(t, "example"))
}

// TestCDFImportTypesWithoutTotal: where a report gives only the vote types,
// the option's total is derived from them.
func TestCDFImportTypesWithoutTotal(t *testing.T) {
	data := edit(t, minimal(t), func(doc map[string]any) {
		for _, s := range at(doc, "Election", 0, "Contest", 0, "ContestSelection").([]any) {
			var keep []any
			for _, c := range at(s, "VoteCounts").([]any) {
				if at(c, "Type") != "total" || at(c, "GpUnitId") == "county" {
					keep = append(keep, c)
				}
			}
			s.(map[string]any)["VoteCounts"] = keep
		}
	})
	v := mustEnv(t)
	v.mustImport(t, data, cdf.ImportOptions{ID: "example"})
	def, err := v.store.Election(context.Background(), "example")
	if err != nil {
		t.Fatal(err)
	}
	f := def.Form(def.Contest("council").Form)
	derived := map[string]string{}
	for _, l := range f.Lines {
		derived[l.Name] = l.Derived
	}
	if got := derived["option:cs_a"]; got != "option:cs_a.absentee + option:cs_a.election_day" {
		t.Errorf("option:cs_a derived %q", got)
	}
	if got := v.totals(t, "example")["council"]["option:cs_a"]; got != 67 {
		t.Errorf("cs_a %d, want 67", got)
	}
}

// TestCDFImportErrors: a malformed report gets a clear error that names the
// object by its path and id; nothing panics.
func TestCDFImportErrors(t *testing.T) {
	base := minimal(t)
	set := func(path []any, key string, v any) func(map[string]any) {
		return func(doc map[string]any) { at(doc, path...).(map[string]any)[key] = v }
	}
	council := []any{"Election", 0, "Contest", 0}
	firstCount := []any{"Election", 0, "Contest", 0, "ContestSelection", 0, "VoteCounts", 0}
	tests := []struct {
		name    string
		data    []byte
		lenient bool
		want    []string
	}{
		{"not JSON", []byte(`{"@type": `), true, []string{"not a JSON document"}},
		{"not an object", []byte(`[1, 2]`), true, []string{"an ERR report is a JSON object"}},
		{"trailing data", append(slices.Clone(base), []byte(`{}`)...), true, []string{"more after its end"}},
		{"not a report", edit(t, base, set(nil, "@type", "ElectionResults.Election")), true,
			[]string{"ElectionReport.@type", "not an ERR v2 election report"}},
		{"no election", edit(t, base, func(d map[string]any) { delete(d, "Election") }), true,
			[]string{"the report holds no election"}},
		{"dangling unit", edit(t, base, set(firstCount, "GpUnitId", "nowhere")), true,
			[]string{`Contest[0](council).ContestSelection[0](cs-a).VoteCounts[0].GpUnitId: GpUnit "nowhere" does not exist`}},
		{"dangling candidate", edit(t, base, set([]any{"Election", 0, "Contest", 0, "ContestSelection", 1}, "CandidateIds", []any{"ghost"})), true,
			[]string{`ContestSelection[1](cs-b).CandidateIds[0]: candidate "ghost" does not exist`}},
		{"dangling party", edit(t, base, set([]any{"Election", 0, "Candidate", 1}, "PartyId", "par-none")), true,
			[]string{`Candidate[1](can-b).PartyId: party "par-none" does not exist`}},
		{"dangling district", edit(t, base, set(council, "ElectionDistrictId", "mars")), true,
			[]string{`Contest[0](council).ElectionDistrictId: GpUnit "mars" does not exist`}},
		{"dangling scope", edit(t, base, set([]any{"Election", 0}, "ElectionScopeId", "atlantis")), true,
			[]string{`ElectionScopeId: GpUnit "atlantis" does not exist`}},
		{"dangling composition", edit(t, base, set([]any{"GpUnit", 0}, "ComposingGpUnitIds", []any{"p1", "p9"})), true,
			[]string{`GpUnit[0](county).ComposingGpUnitIds[1]: GpUnit "p9" does not exist`}},
		{"negative count", edit(t, base, set(firstCount, "Count", -5)), true,
			[]string{"VoteCounts[0].Count: is negative (-5)"}},
		{"fractional count", edit(t, base, set(firstCount, "Count", 2.5)), true,
			[]string{"VoteCounts[0].Count: expected a whole number, found the number 2.5"}},
		{"negative overvotes", edit(t, base, set([]any{"Election", 0, "Contest", 0, "OtherCounts", 1}, "Overvotes", -1)), true,
			[]string{"Contest[0](council).OtherCounts[1].Overvotes: is negative (-1)"}},
		{"count as text", edit(t, base, set(firstCount, "Count", "12")), true,
			[]string{`expected a whole number, found the string "12"`}},
		{"duplicate unit", edit(t, base, func(d map[string]any) {
			d["GpUnit"] = append(d["GpUnit"].([]any), at(d, "GpUnit", 1))
		}), true, []string{"GpUnit p1 is defined twice"}},
		{"two elections", edit(t, base, func(d map[string]any) {
			d["Election"] = append(d["Election"].([]any), at(d, "Election", 0))
		}), true, []string{"2 elections"}},
		{"suppressed", edit(t, base, set(firstCount, "IsSuppressedForPrivacy", true)), true,
			[]string{"suppressed for privacy"}},
		{"schema", edit(t, base, set(council, "VotesAllowed", "two")), false,
			[]string{"does not follow the NIST ERR v2 schema", "/Election/0/Contest/0/VotesAllowed"}},
		{"schema, unknown property", edit(t, base, set(council, "Colour", "red")), false,
			[]string{"/Election/0/Contest/0", "Colour"}},
		{"bad extension", edit(t, base, set(council, "ExternalIdentifier", []any{map[string]any{
			"@type": "ElectionResults.ExternalIdentifier", "Type": "other", "OtherType": "dauys-contest", "Value": "{not json"}})), false,
			[]string{"Contest[0](council).ExternalIdentifier[0]: dauys-contest extension"}},
		{"bad election id", base, false, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opt := cdf.ImportOptions{Lenient: tc.lenient}
			if tc.name == "bad election id" {
				opt.ID, tc.want = "no spaces/here", []string{`election id "no spaces/here" is not URL-safe`}
			}
			_, err := cdf.Decode(tc.data, opt)
			if err == nil {
				t.Fatal("no error")
			}
			if dauys.ErrorCode(err) != dauys.EINVALID {
				t.Errorf("code %s, want %s: %v", dauys.ErrorCode(err), dauys.EINVALID, err)
			}
			msg := dauys.ErrorMessage(err)
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not say %q", msg, w)
				}
			}
		})
	}
}

// TestCDFImportNotes: what Dauys cannot represent is named.
func TestCDFImportNotes(t *testing.T) {
	data := edit(t, minimal(t), func(doc map[string]any) {
		at(doc, "Election", 0).(map[string]any)["ContactInformation"] = map[string]any{"@type": "ElectionResults.ContactInformation", "Name": "Clerk"}
		at(doc, "Election", 0, "Contest", 0).(map[string]any)["VoteVariation"] = "rcv"
		// Types that do not add up to the total: no relation, and a note.
		at(doc, "Election", 0, "Contest", 0, "ContestSelection", 0, "VoteCounts", 2).(map[string]any)["Count"] = 99
		doc["Status"] = "unofficial-partial"
	})
	im, err := cdf.Decode(data, cdf.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(im.Notes, "\n")
	for _, want := range []string{
		"Election.ContactInformation (once) is not imported",
		`vote variation "rcv" is not one Dauys decides`,
		"the vote types of option:cs_a do not add up to its total",
		"write-in selections cs-wi are imported as ordinary options",
		"candidates keep their party's id, not its name: par-x (Party X)",
	} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
	if im.Election.Status != dauys.StatusCounting {
		t.Errorf("status %s, want %s", im.Election.Status, dauys.StatusCounting)
	}
	if id := im.Election.ID; id != "example-general-election-2024-11-05" {
		t.Errorf("id %q made of the name and date", id)
	}
}

// TestCDFReadCSV: the flat layout's reader names the row of a problem.
func TestCDFReadCSV(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", "empty"},
		{"no count column", "area,contest,line\n", `no "count" column`},
		{"no line", "area,contest,count\n", `"line" or an "option"`},
		{"bad count", "area,contest,line,count\np1,c,took_part,many\n", `line 2: count "many"`},
		{"negative", "area,contest,line,count\np1,c,took_part,-1\n", `line 2: count "-1"`},
		{"twice", "area,contest,line,count\np1,c,took_part,1\np1,c,took_part,2\n", "took_part is given twice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := cdf.ReadCSV(strings.NewReader(tc.in))
			if err == nil {
				_, err = cdf.Submissions(rows)
			}
			if err == nil || !strings.Contains(dauys.ErrorMessage(err), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
	rows, err := cdf.ReadCSV(strings.NewReader("contest,area,option,count_type,count\nc,p1,amanat,absentee,5\nc,p1,amanat,total,9\n"))
	if err != nil {
		t.Fatal(err)
	}
	subs, err := cdf.Submissions(rows)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]int64{"option:amanat.absentee": 5, "option:amanat": 9}; len(subs) != 1 || !maps.Equal(subs[0].Lines, want) {
		t.Errorf("%+v, want one protocol with %v", subs, want)
	}
}

// TestReadCSVStrictCounts: the flat layout's counts are written in digits
// only, as a protocol's; a refusal names the line and quotes a prefix.
func TestReadCSVStrictCounts(t *testing.T) {
	for _, tc := range []struct{ count, reason string }{
		{"+900", `line 2: count "+900" has a sign`},
		{" 900", `line 2: count " 900" has spaces`},
		{"0900", `"0900" has a leading zero`},
		{"9e2", `"9e2" is not a whole number`},
		{"99999999999999999999", `"99999999999999999999" is too large`},
		{strings.Repeat("9", 5000), `"9999999999999999999999999999999999999999999999999999999999999999"... is too large`},
	} {
		t.Run(tc.count, func(t *testing.T) {
			_, err := cdf.ReadCSV(strings.NewReader("area,contest,line,count\np1,c,registered," + tc.count + "\n"))
			if msg := dauys.ErrorMessage(err); !strings.Contains(msg, tc.reason) || len(msg) > 300 {
				t.Errorf("err = %v, want %q", err, tc.reason)
			}
		})
	}
}
