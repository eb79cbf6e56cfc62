package integrity_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/demo"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/integrity"
	"github.com/dauys/dauys/internal/rla"
)

var auditNow = time.Date(2022, 6, 7, 10, 0, 0, 0, time.UTC)

// paperChoice is what the paper ballot at a 1-based position of a precinct
// shows when the paper matches the protocol exactly: the yes ballots first,
// then no, both marked and invalid.
func paperChoice(lines map[string]int64, index int64) string {
	for _, ch := range []string{"yes", "no", "both_marked", "invalid"} {
		if index <= lines[ch] {
			return ch
		}
		index -= lines[ch]
	}
	return "invalid"
}

// TestAuditReferendum audits a referendum with a wide margin by both
// methods, recording paper that matches the protocols, through a JSON round
// trip of the state after every step as the command does.
func TestAuditReferendum(t *testing.T) {
	ctx := context.Background()
	v := mustExample(t, "kz-referendum-2022")
	subs := v.night(3, demo.Baseline{Invalid: 1, Yes: 77})
	v.submit(t, subs[:len(subs)-1])
	if _, err := integrity.PlanAudit(ctx, v.store, v.e, "constitution", integrity.AuditOptions{Method: rla.MethodBravo, RiskLimit: 0.05, Now: auditNow}); dauys.ErrorCode(err) != dauys.EINVALID || !strings.Contains(dauys.ErrorMessage(err), "final results") {
		t.Errorf("plan with a precinct missing: %v, want invalid", err)
	}
	v.submit(t, subs[len(subs)-1:])
	lines := map[string]map[string]int64{}
	var inBoxes int64 // the ballots found in the boxes, the audit's ballots
	for _, s := range subs {
		lines[s.Area] = s.Lines
		inBoxes += s.Lines["found_stationary"] + s.Lines["found_mobile"]
	}

	for _, method := range []rla.Method{rla.MethodBravo, rla.MethodMacro} {
		t.Run(string(method), func(t *testing.T) {
			a, err := integrity.PlanAudit(ctx, v.store, v.e, "constitution", integrity.AuditOptions{Method: method, RiskLimit: 0.05, Now: auditNow})
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{"yes", "no", "both_marked", "invalid"}; !reflect.DeepEqual(a.Choices, want) {
				t.Errorf("choices %v, want %v", a.Choices, want)
			}
			c := a.Plan.Contests[0]
			if c.BallotsCast != inBoxes {
				t.Errorf("%d ballots cast, want the %d found in the boxes", c.BallotsCast, inBoxes)
			}
			if !reflect.DeepEqual(c.Winners, []string{"yes"}) || !reflect.DeepEqual(c.Losers, []string{"no"}) || a.Plan.SampleSize <= 0 {
				t.Fatalf("plan %+v", a.Plan.Contests)
			}
			a = roundTrip(t, a)
			if err := a.Record("KZ-11-01-0001", map[string]int64{"yes": 1}, auditNow); err == nil {
				t.Error("recorded before the sample was drawn")
			}
			if err := a.Draw("", 0, auditNow); dauys.ErrorCode(err) != dauys.EINVALID {
				t.Errorf("empty seed: %v", err)
			}
			if err := a.Draw("31415926535897932384", 0, auditNow); err != nil {
				t.Fatal(err)
			}
			if a.SampleSize() != a.Plan.SampleSize {
				t.Errorf("drew %d, the plan says %d", a.SampleSize(), a.Plan.SampleSize)
			}
			if err := a.Draw("27182818284590452353", 0, auditNow); dauys.ErrorCode(err) != dauys.EINVALID {
				t.Errorf("a second seed: %v, want refused", err)
			}
			a = roundTrip(t, a)

			found := map[string]map[string]int64{}
			if method == rla.MethodBravo {
				for _, b := range a.Sample.Ballots {
					if found[b.Batch] == nil {
						found[b.Batch] = map[string]int64{}
					}
					found[b.Batch][paperChoice(lines[b.Batch], b.Index)]++
				}
			} else {
				for _, d := range a.Sample.Draws {
					l := lines[d.BatchID]
					found[d.BatchID] = map[string]int64{"yes": l["yes"], "no": l["no"], "both_marked": l["both_marked"], "invalid": l["invalid"]}
				}
			}
			var first string
			for id := range found {
				first = id
				break
			}
			if err := a.Record(first, map[string]int64{"maybe": 1}, auditNow); err == nil || !strings.Contains(dauys.ErrorMessage(err), "unknown choice") {
				t.Errorf("unknown choice: %v", err)
			}
			if err := a.Record("nowhere", found[first], auditNow); err == nil {
				t.Error("recorded a batch that is not in the manifest")
			}
			if method == rla.MethodBravo {
				var n int64
				for _, k := range found[first] {
					n += k
				}
				wrong := map[string]int64{"yes": n + 1}
				if err := a.Record(first, wrong, auditNow); err == nil || !strings.Contains(dauys.ErrorMessage(err), "were drawn") {
					t.Errorf("counts that do not match the draws: %v", err)
				}
			}
			progress, st, err := a.Evaluate()
			if err != nil || st != nil || len(progress.Waiting) != len(found) {
				t.Fatalf("nothing recorded: %+v %v %v", progress, st, err)
			}
			for id, counts := range found {
				if err := a.Record(id, counts, auditNow); err != nil {
					t.Fatal(err)
				}
			}
			a = roundTrip(t, a)
			progress, st, err = a.Evaluate()
			if err != nil {
				t.Fatal(err)
			}
			if len(progress.Waiting) != 0 || progress.Recorded != progress.Drawn || progress.Drawn != int64(a.SampleSize()) {
				t.Errorf("progress %+v after recording everything", progress)
			}
			if len(st) != 1 || !st[0].Finished || st[0].Risk.Measured > 0.05 {
				t.Fatalf("status %+v, want the risk limit met", st)
			}
			t.Logf("%s: %d drawn, measured risk %.3g: %s", method, a.SampleSize(), st[0].Risk.Measured, st[0].Message)
		})
	}
}

// TestAuditEscalation records paper that contradicts the protocols and
// checks that the audit asks for more, and that the sample then grows.
func TestAuditEscalation(t *testing.T) {
	ctx := context.Background()
	v := mustExample(t, "kz-referendum-2022")
	v.submit(t, v.night(3, demo.Baseline{Invalid: 1, Yes: 55}))
	a, err := integrity.PlanAudit(ctx, v.store, v.e, "constitution", integrity.AuditOptions{Method: rla.MethodBravo, RiskLimit: 0.05, Now: auditNow})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Draw("1234", 0, auditNow); err != nil {
		t.Fatal(err)
	}
	first := a.SampleSize()
	per := map[string]int64{}
	for _, b := range a.Sample.Ballots {
		per[b.Batch]++
	}
	for id, n := range per {
		// Half yes, half no: no evidence either way.
		if err := a.Record(id, map[string]int64{"yes": n / 2, "no": n - n/2}, auditNow); err != nil {
			t.Fatal(err)
		}
	}
	_, st, err := a.Evaluate()
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 1 || st[0].Finished || !st[0].Escalate {
		t.Fatalf("status %+v, want escalation", st)
	}
	next := a.NextSize()
	if next <= first {
		t.Fatalf("next size %d, first round %d", next, first)
	}
	before := append([]rla.Ballot(nil), a.Sample.Ballots...)
	if err := a.Draw("1234", 0, auditNow); err != nil {
		t.Fatal(err)
	}
	if a.SampleSize() != next || !reflect.DeepEqual(a.Sample.Ballots[:first], before) {
		t.Errorf("escalated sample of %d does not extend the first %d draws", a.SampleSize(), first)
	}
	if err := a.Draw("1234", first, auditNow); dauys.ErrorCode(err) != dauys.EINVALID {
		t.Errorf("shrinking the sample: %v", err)
	}
	progress, st, err := a.Evaluate()
	if err != nil || st != nil || len(progress.Waiting) == 0 {
		t.Errorf("after escalation: %+v %v %v, want batches waiting for the new draws", progress, st, err)
	}
}

func TestAuditRefusals(t *testing.T) {
	ctx := context.Background()
	form := dauys.Form{ID: "f", OptionLines: true,
		Lines:     []dauys.Line{{Name: "registered"}, {Name: "took_part"}, {Name: "invalid"}},
		Relations: []dauys.Relation{{Code: "E_BALANCE", Expr: "took_part = @options + invalid"}}}
	list := dauys.Contest{ID: "council", Kind: dauys.KindList, Form: "f", Rules: dauys.Rules{Method: "hare", Seats: 10},
		Options: []dauys.Option{{ID: "a"}, {ID: "b"}}}
	mayor := dauys.Contest{ID: "mayor", Kind: dauys.KindPlurality, Form: "f", Rules: dauys.Rules{Seats: 1},
		Options: []dauys.Option{{ID: "a"}, {ID: "b"}}}
	v := mustEnv(t, tiny([]dauys.Contest{list, mayor}, []dauys.Form{form}, 1000, 1000))
	tied := map[string]int64{"registered": 1000, "took_part": 600, "invalid": 0, "option:a": 300, "option:b": 300}
	var subs []intake.Submission
	for _, c := range []string{"council", "mayor"} {
		for _, p := range []string{"p1", "p2"} {
			subs = append(subs, intake.Submission{Contest: c, Area: p, Lines: tied})
		}
	}
	v.submit(t, subs)
	opt := integrity.AuditOptions{Method: rla.MethodBravo, RiskLimit: 0.05, Now: auditNow}
	for _, tt := range []struct {
		name, contest, want string
		opt                 integrity.AuditOptions
	}{
		{"list", "council", "seat allocation", opt},
		{"tie", "mayor", "tie", opt},
		{"risk limit", "mayor", "risk limit", integrity.AuditOptions{Method: rla.MethodBravo, RiskLimit: 5}},
		{"method", "mayor", "method", integrity.AuditOptions{Method: "recount", RiskLimit: 0.05}},
	} {
		_, err := integrity.PlanAudit(ctx, v.store, v.e, tt.contest, tt.opt)
		if dauys.ErrorCode(err) != dauys.EINVALID || !strings.Contains(dauys.ErrorMessage(err), tt.want) {
			t.Errorf("%s: %v, want an invalid error about %q", tt.name, err, tt.want)
		}
	}
}

func TestParseCounts(t *testing.T) {
	got, err := integrity.ParseCounts("yes=3, no=1,invalid=0")
	if err != nil || !reflect.DeepEqual(got, map[string]int64{"yes": 3, "no": 1, "invalid": 0}) {
		t.Errorf("got %v, %v", got, err)
	}
	for _, bad := range []string{"", "yes", "yes=-1", "yes=1,yes=2", "=3", "yes=x"} {
		if _, err := integrity.ParseCounts(bad); dauys.ErrorCode(err) != dauys.EINVALID {
			t.Errorf("%q: %v, want invalid", bad, err)
		}
	}
}

func roundTrip(t *testing.T, a *integrity.Audit) *integrity.Audit {
	t.Helper()
	data, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var b integrity.Audit
	if err := json.Unmarshal(data, &b); err != nil {
		t.Fatal(err)
	}
	if err := b.Check(); err != nil {
		t.Fatal(err)
	}
	return &b
}
