package intake_test

import (
	"context"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/sqlite"
)

// testElection is a small election: a country with two regions, three
// precincts, a list contest everywhere and a district contest in region r1.
func testElection(double bool) *dauys.Election {
	return &dauys.Election{
		ID: "e", Name: dauys.T("Test"), Date: "2026-03-15", Status: dauys.StatusCounting, DoubleEntry: double,
		Areas: []dauys.Area{
			{ID: "kz", Level: dauys.LevelCountry},
			{ID: "r1", Parent: "kz", Level: dauys.LevelRegion},
			{ID: "r2", Parent: "kz", Level: dauys.LevelRegion},
			{ID: "p1", Parent: "r1", Level: dauys.LevelPrecinct, Registered: 1000},
			{ID: "p2", Parent: "r1", Level: dauys.LevelPrecinct, Registered: 800},
			{ID: "p3", Parent: "r2", Level: dauys.LevelPrecinct, Registered: 1200},
		},
		Contests: []dauys.Contest{
			{ID: "list", Kind: dauys.KindList, Form: "f", Rules: dauys.Rules{Preset: "kz-kurultai-2026"},
				Options: []dauys.Option{{ID: "a"}, {ID: "b"}}},
			{ID: "smd1", Kind: dauys.KindPlurality, Form: "f", Areas: []string{"r1"}, Rules: dauys.Rules{Seats: 1},
				Options: []dauys.Option{{ID: "x"}, {ID: "y"}}},
		},
		Forms: []dauys.Form{{
			ID:          "f",
			Lines:       []dauys.Line{{Name: "registered"}, {Name: "took_part"}, {Name: "invalid"}, {Name: "against_all"}},
			OptionLines: true,
			Relations: []dauys.Relation{
				{Code: "E_BALLOTS", Expr: "took_part = @options + against_all + invalid"},
				{Code: "E_TURNOUT", Expr: "took_part <= registered"},
			},
			Checks: []dauys.Relation{{Code: "W_TURNOUT", Expr: "took_part > 95% registered"}},
		}},
	}
}

func lines(reg, took, inv, against int64, opts ...int64) map[string]int64 {
	l := map[string]int64{"registered": reg, "took_part": took, "invalid": inv, "against_all": against}
	names := []string{"option:a", "option:b"}
	if len(opts) > 2 {
		names = []string{"option:x", "option:y"}
		opts = opts[1:]
	}
	for i, v := range opts {
		l[names[i]] = v
	}
	return l
}

type env struct {
	store  *sqlite.Store
	intake *intake.Service
}

func newEnv(t *testing.T, e *dauys.Election) *env {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.CreateElection(ctx, e); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 15, 20, 0, 0, 0, time.UTC)
	return &env{store: s, intake: intake.New(s, func() time.Time { now = now.Add(time.Second); return now })}
}

func (v *env) submit(t *testing.T, subs ...intake.Submission) []intake.Result {
	t.Helper()
	res, err := v.intake.Submit(context.Background(), "e", subs)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestSubmit(t *testing.T) {
	v := newEnv(t, testElection(false))
	ctx := context.Background()
	good := intake.Submission{Contest: "list", Area: "p1", Lines: lines(1000, 600, 10, 20, 400, 170)}

	res := v.submit(t, good)
	if res[0].Err != nil || res[0].Outcome != dauys.OutcomeAccepted || res[0].Protocol.Version != 1 {
		t.Fatalf("first: %+v", res[0])
	}
	res = v.submit(t, good)
	if res[0].Err != nil || res[0].Outcome != dauys.OutcomeDuplicate {
		t.Fatalf("again: %+v", res[0])
	}

	changed := good
	changed.Lines = lines(1000, 600, 10, 20, 390, 180)
	res = v.submit(t, changed)
	if dauys.ErrorCode(res[0].Err) != dauys.ECONFLICT {
		t.Fatalf("different without amendment: %+v", res[0])
	}
	changed.Amendment, changed.Reason = true, "recount"
	res = v.submit(t, changed)
	if res[0].Err != nil || res[0].Outcome != dauys.OutcomeAmended || res[0].Protocol.Version != 2 {
		t.Fatalf("amendment: %+v", res[0])
	}
	versions, err := v.store.ProtocolVersions(ctx, "e", "list", "p1")
	if err != nil || len(versions) != 2 || versions[0].Lines["option:a"] != 400 || versions[1].Reason != "recount" {
		t.Fatalf("versions = %+v, %v", versions, err)
	}
	tot, err := v.store.Totals(ctx, "e", "list", []string{"kz", "r1"})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"kz", "r1"} {
		if tot[a]["option:a"] != 390 || tot[a][dauys.ReportedLine] != 1 {
			t.Errorf("%s totals = %v", a, tot[a])
		}
	}
	refusals, err := v.store.Refusals(ctx, "e")
	if err != nil || len(refusals) != 1 || refusals[0].Code != dauys.ECONFLICT {
		t.Errorf("refusals = %+v, %v", refusals, err)
	}
}

func TestSubmitRefusals(t *testing.T) {
	tests := []struct {
		name    string
		sub     intake.Submission
		code    string
		finding string
		in      string // a word the Russian message must contain
	}{
		{"inconsistent", intake.Submission{Contest: "list", Area: "p1", Lines: lines(1000, 600, 10, 20, 401, 170)}, dauys.EINVALID, "E_BALLOTS", "соотношение"},
		{"negative", intake.Submission{Contest: "list", Area: "p1", Lines: lines(1000, 600, -10, 20, 420, 170)}, dauys.EINVALID, "E_NEGATIVE", "отрицательна"},
		{"warning not acknowledged", intake.Submission{Contest: "list", Area: "p1", Lines: lines(1000, 990, 10, 20, 790, 170)}, dauys.EINVALID, "W_TURNOUT", "подтвердить"},
		{"unknown precinct", intake.Submission{Contest: "list", Area: "p9", Lines: lines(1000, 600, 10, 20, 400, 170)}, dauys.ENOTFOUND, "", "участка"},
		{"not a precinct", intake.Submission{Contest: "list", Area: "r1", Lines: lines(1000, 600, 10, 20, 400, 170)}, dauys.EINVALID, "", "участок"},
		{"precinct outside the district", intake.Submission{Contest: "smd1", Area: "p3", Lines: lines(1200, 600, 10, 20, 0, 400, 170)}, dauys.EINVALID, "", "голосует"},
		{"unknown contest", intake.Submission{Contest: "nope", Area: "p1", Lines: lines(1000, 600, 10, 20, 400, 170)}, dauys.ENOTFOUND, "", "нет"},
		{"amendment without reason", intake.Submission{Contest: "list", Area: "p1", Amendment: true, Lines: lines(1000, 600, 10, 20, 400, 170)}, dauys.EINVALID, "", "причина"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newEnv(t, testElection(false))
			res := v.submit(t, tt.sub)
			err := res[0].Err
			if dauys.ErrorCode(err) != tt.code {
				t.Fatalf("code = %q (%v), want %q", dauys.ErrorCode(err), err, tt.code)
			}
			de := err.(*dauys.Error)
			if tt.finding != "" && (len(de.Findings) == 0 || de.Findings[0].Code != tt.finding) {
				t.Errorf("findings = %+v, want %s", de.Findings, tt.finding)
			}
			if !strings.Contains(strings.ToLower(de.Text.RU), tt.in) || de.Text.KK == "" || de.Text.EN == "" {
				t.Errorf("message %+v lacks %q or a language", de.Text, tt.in)
			}
			refusals, _ := v.store.Refusals(context.Background(), "e")
			if len(refusals) != 1 {
				t.Errorf("refusal not recorded: %+v", refusals)
			}
		})
	}
}

func TestAcknowledgedWarningsAreStored(t *testing.T) {
	v := newEnv(t, testElection(false))
	res := v.submit(t, intake.Submission{Contest: "list", Area: "p1", Lines: lines(1000, 990, 10, 20, 790, 170), AcknowledgeWarnings: true})
	if res[0].Err != nil {
		t.Fatal(res[0].Err)
	}
	p, err := v.store.Protocol(context.Background(), "e", "list", "p1")
	if err != nil || !p.Acknowledged || len(p.Warnings) != 1 || p.Warnings[0].Code != "W_TURNOUT" {
		t.Fatalf("stored %+v, %v", p, err)
	}
}

func TestDoubleEntry(t *testing.T) {
	v := newEnv(t, testElection(true))
	ctx := context.Background()
	one := intake.Submission{Contest: "list", Area: "p1", Lines: lines(1000, 600, 10, 20, 400, 170), Entry: 1, Submitter: "alice"}
	two := one
	two.Entry, two.Submitter = 2, "bob"
	two.Lines = lines(1000, 600, 10, 20, 390, 180)

	if res := v.submit(t, one); res[0].Err != nil || res[0].Outcome != intake.OutcomeEntered {
		t.Fatalf("first entry: %+v", res[0])
	}
	if _, err := v.store.Protocol(ctx, "e", "list", "p1"); dauys.ErrorCode(err) != dauys.ENOTFOUND {
		t.Fatalf("accepted after one entry: %v", err)
	}
	res := v.submit(t, two)
	if res[0].Outcome != intake.OutcomeDisputed || strings.Join(res[0].Differences, ",") != "option:a,option:b" {
		t.Fatalf("differing entries: %+v", res[0])
	}
	heads, _ := v.store.Heads(ctx, "e")
	if len(heads) != 1 || heads[0].Status != dauys.ProtocolDisputed {
		t.Errorf("heads = %+v", heads)
	}
	two.Lines = one.Lines
	res = v.submit(t, two)
	if res[0].Err != nil || res[0].Outcome != dauys.OutcomeAccepted {
		t.Fatalf("agreeing entries: %+v", res[0])
	}
	same := one
	same.Entry, same.Submitter = 2, "alice"
	v2 := newEnv(t, testElection(true))
	v2.submit(t, one)
	if res := v2.submit(t, same); dauys.ErrorCode(res[0].Err) != dauys.EINVALID {
		t.Errorf("one operator entering twice: %+v", res[0])
	}
}

func TestImportCSV(t *testing.T) {
	v := newEnv(t, testElection(false))
	ctx := context.Background()
	csv := "area,contest,registered,took_part,invalid,against_all,option:a,option:b,option:x,option:y\n" +
		"p1,list,1000,600,10,20,400,170,,\n" +
		"p2,list,800,500,5,15,300,181,,\n" + // 501 votes for 500 ballots: refused
		"p3,list,1200,700,7,13,500,180,,\n" +
		"p1,smd1,1000,600,10,20,,,300,270\n" +
		"p2,list,800,500,5,15,abc,180,,\n" + // not a number
		"p2,smd1,800,500,5,15,1,,300,180\n" // a value in a column of another contest
	var rejected []intake.RowError
	rep, err := v.intake.ImportCSV(ctx, "e", strings.NewReader(csv), "night.csv", intake.ImportOptions{
		Rejected: func(r intake.RowError) { rejected = append(rejected, r) }})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows != 6 || rep.Accepted != 3 || rep.Rejected != 3 {
		t.Errorf("report = %+v", rep)
	}
	sort.Slice(rejected, func(i, j int) bool { return rejected[i].Row < rejected[j].Row })
	want := []struct {
		row  int
		text string
	}{{3, "night.csv:3: precinct p2, contest list: E_BALLOTS"}, {6, `night.csv:6: column "option:a" (line option:a): "abc" is not a whole number`}, {7, `column "option:a" has a value`}}
	if len(rejected) != len(want) {
		t.Fatalf("rejected = %+v", rejected)
	}
	for i, w := range want {
		if rejected[i].Row != w.row || !strings.Contains(rejected[i].Reason, w.text) {
			t.Errorf("rejected[%d] = %d %q, want row %d with %q", i, rejected[i].Row, rejected[i].Reason, w.row, w.text)
		}
	}
	// Importing the same file again resumes it: nothing changes.
	rep, err = v.intake.ImportCSV(ctx, "e", strings.NewReader(csv), "night.csv", intake.ImportOptions{})
	if err != nil || rep.Duplicates != 3 || rep.Accepted != 0 {
		t.Errorf("re-import: %+v, %v", rep, err)
	}
	tot, _ := v.store.Totals(ctx, "e", "list", []string{"kz"})
	if tot["kz"]["option:a"] != 900 || tot["kz"][dauys.ReportedLine] != 2 {
		t.Errorf("totals = %v", tot["kz"])
	}
}

func TestImportCSVCreatesAreas(t *testing.T) {
	e := testElection(false)
	e.Areas = e.Areas[:1]
	e.Contests = e.Contests[:1]
	e.Import = dauys.CSVImport{Contest: "list", AreaColumns: []dauys.AreaColumn{{Column: "region", Level: "region"}, {Column: "uik", Level: "precinct"}}}
	v := newEnv(t, e)
	ctx := context.Background()
	csv := "region,uik,registered,took_part,invalid,against_all,option:a,option:b\n" +
		"North,1,1000,600,10,20,400,170\n" +
		"North,2,900,500,10,20,300,170\n" +
		"South,1,800,400,10,20,200,170\n"
	rep, err := v.intake.ImportCSV(ctx, "e", strings.NewReader(csv), "ru.csv", intake.ImportOptions{BatchSize: 2})
	if err != nil || rep.Accepted != 3 || rep.AreasAdded != 5 {
		t.Fatalf("report %+v, %v", rep, err)
	}
	got, err := v.store.Election(ctx, "e")
	if err != nil || len(got.Areas) != 6 {
		t.Fatalf("areas = %d, %v", len(got.Areas), err)
	}
	tot, _ := v.store.Totals(ctx, "e", "list", []string{"kz", "kz/North"})
	if tot["kz"]["registered"] != 2700 || tot["kz/North"]["option:a"] != 700 {
		t.Errorf("totals = %v", tot)
	}
	var reg int64
	for _, a := range got.Areas {
		if a.ID == "kz/North/2" {
			reg = a.Registered
		}
	}
	if reg != 900 {
		t.Errorf("created precinct registered = %d, want 900 from its protocol", reg)
	}
}

func TestImportCSVHeaderProblems(t *testing.T) {
	v := newEnv(t, testElection(false))
	_, err := v.intake.ImportCSV(context.Background(), "e", strings.NewReader("area,registered\np1,5\n"), "bad.csv", intake.ImportOptions{})
	if dauys.ErrorCode(err) != dauys.EINVALID || !strings.Contains(dauys.ErrorMessage(err), `bad.csv:1: the header lacks the column(s) "contest"`) {
		t.Errorf("err = %v", err)
	}
}
