package dauys_test

import (
	"strings"
	"testing"

	"github.com/dauys/dauys"
)

func electionForm() (*dauys.Form, *dauys.Contest) {
	f := &dauys.Form{
		ID: "election",
		Lines: []dauys.Line{
			{Name: "registered"}, {Name: "received"}, {Name: "issued"}, {Name: "cancelled"},
			{Name: "took_part"}, {Name: "invalid"}, {Name: "against_all"},
		},
		OptionLines: true,
		Relations: []dauys.Relation{
			{Code: "E_BALLOTS", Expr: "took_part = @options + against_all + invalid"},
			{Code: "E_RECEIVED", Expr: "received = issued + cancelled"},
			{Code: "E_FOUND", Expr: "took_part <= issued"},
		},
		Checks: []dauys.Relation{
			{Code: "W_TURNOUT", Expr: "took_part > 95% registered"},
			{Code: "W_INVALID", Expr: "invalid > 5% took_part"},
		},
	}
	c := &dauys.Contest{ID: "list", Kind: dauys.KindList, Options: []dauys.Option{{ID: "a"}, {ID: "b"}}}
	return f, c
}

func goodLines() map[string]int64 {
	return map[string]int64{"registered": 1000, "received": 1020, "issued": 600, "cancelled": 420,
		"took_part": 598, "invalid": 8, "against_all": 20, "option:a": 400, "option:b": 170}
}

func TestValidator(t *testing.T) {
	f, c := electionForm()
	v, err := dauys.NewValidator(f, c)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		change func(map[string]int64)
		errs   []string
		warns  []string
	}{
		{"consistent", func(map[string]int64) {}, nil, nil},
		{"sum off by one", func(l map[string]int64) { l["option:a"]++ }, []string{"E_BALLOTS"}, nil},
		{"received", func(l map[string]int64) { l["cancelled"] = 0 }, []string{"E_RECEIVED"}, nil},
		{"more found than issued", func(l map[string]int64) {
			l["took_part"], l["option:a"], l["issued"], l["cancelled"] = 601, 403, 600, 420
		}, []string{"E_FOUND"}, nil},
		{"negative", func(l map[string]int64) { l["invalid"] = -1 }, []string{"E_NEGATIVE"}, nil},
		{"missing", func(l map[string]int64) { delete(l, "option:b") }, []string{"E_MISSING_LINE"}, nil},
		{"unknown", func(l map[string]int64) { l["option:zz"] = 1 }, []string{"E_UNKNOWN_LINE"}, nil},
		// 950 of 1000 is exactly 95%: not more than 95%, so no warning.
		{"turnout exactly 95%", func(l map[string]int64) {
			l["took_part"], l["issued"], l["cancelled"], l["option:a"] = 950, 950, 70, 752
		}, nil, nil},
		{"turnout above 95%", func(l map[string]int64) {
			l["took_part"], l["issued"], l["cancelled"], l["option:a"] = 951, 951, 69, 753
		}, nil, []string{"W_TURNOUT"}},
		{"invalid above 5%", func(l map[string]int64) { l["invalid"], l["option:a"] = 30, 378 }, nil, []string{"W_INVALID"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := goodLines()
			tt.change(l)
			errs, warns := v.Complete(l)
			if got := codes(errs); got != strings.Join(tt.errs, ",") {
				t.Errorf("errors = %q, want %q (%v)", got, strings.Join(tt.errs, ","), errs)
			}
			if got := codes(warns); got != strings.Join(tt.warns, ",") {
				t.Errorf("warnings = %q, want %q", got, strings.Join(tt.warns, ","))
			}
		})
	}
}

func TestValidatorMessagesInThreeLanguages(t *testing.T) {
	f, c := electionForm()
	v, _ := dauys.NewValidator(f, c)
	l := goodLines()
	l["option:a"]++
	errs, _ := v.Complete(l)
	if len(errs) != 1 {
		t.Fatalf("errors = %v", errs)
	}
	m := errs[0].Message
	if m.KK == "" || m.RU == "" || m.EN == "" || m.KK == m.EN {
		t.Errorf("message not in three languages: %+v", m)
	}
	if !strings.Contains(errs[0].Detail, "599") || !strings.Contains(errs[0].Detail, "598") {
		t.Errorf("detail %q does not show both sides", errs[0].Detail)
	}
	if len(errs[0].Lines) == 0 {
		t.Error("finding names no lines")
	}
}

func TestDerivedLine(t *testing.T) {
	f := &dauys.Form{ID: "ru", Lines: []dauys.Line{{Name: "portable"}, {Name: "stationary"}, {Name: "took_part", Derived: "portable + stationary"}}}
	v, err := dauys.NewValidator(f, &dauys.Contest{ID: "c"})
	if err != nil {
		t.Fatal(err)
	}
	l := map[string]int64{"portable": 10, "stationary": 90}
	if errs, _ := v.Complete(l); len(errs) > 0 {
		t.Fatal(errs)
	}
	if l["took_part"] != 100 {
		t.Errorf("took_part = %d, want 100", l["took_part"])
	}
}

func TestNewValidatorNamesEveryProblem(t *testing.T) {
	f := &dauys.Form{ID: "bad", Lines: []dauys.Line{{Name: "a"}, {Name: "a"}},
		Relations: []dauys.Relation{{Code: "R1", Expr: "a = nope"}, {Code: "R2", Expr: "a"}},
		Checks:    []dauys.Relation{{Code: "C1", Expr: "a > 5% missing"}}}
	_, err := dauys.NewValidator(f, &dauys.Contest{ID: "c"})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{`"a": defined twice`, `R1: unknown line "nope"`, "R2", `C1: unknown line "missing"`} {
		if !strings.Contains(err.Error()+dauys.ErrorMessage(err), want) {
			t.Errorf("error %q does not name %q", dauys.ErrorMessage(err), want)
		}
	}
}

func TestParseExpression(t *testing.T) {
	tests := []struct {
		in      string
		terms   int
		op      string
		percent string
		bad     bool
	}{
		{in: "a = b + c", terms: 3, op: "="},
		{in: "received = early + station + outside + cancelled + lost - unaccounted", terms: 7, op: "="},
		{in: "2*a - b >= 0", terms: 3, op: ">="},
		{in: "took_part > 95% registered", terms: 2, op: ">", percent: "95"},
		{in: "x > 2.5% y", terms: 2, op: ">", percent: "5/2"},
		{in: "x = option:ak-zhol + b", terms: 3, op: "="},
		{in: "x = a - b", terms: 3, op: "="},
		{in: "x = -b + a", terms: 3, op: "="},
		{in: "a b", bad: true},
		{in: "a = ", bad: true},
		{in: "a = b = c", bad: true},
		{in: "a = 9x", bad: true},
		{in: "a > -5% b", bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			e, err := dauys.ParseExpression(tt.in)
			if tt.bad {
				if err == nil {
					t.Fatalf("parsed %q", tt.in)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if n := len(e.Left) + len(e.Right); n != tt.terms || e.Op != tt.op {
				t.Errorf("terms %d op %q, want %d %q", n, e.Op, tt.terms, tt.op)
			}
			if tt.percent != "" && (e.Percent == nil || e.Percent.RatString() != tt.percent) {
				t.Errorf("percent %v, want %s", e.Percent, tt.percent)
			}
		})
	}
}

func FuzzParseExpression(f *testing.F) {
	for _, s := range []string{"a = b + c", "took_part > 95% registered", "2*a - b >= 0", "a=b=c", "%%%", "- - a = 1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := dauys.ParseExpression(s)
		if err == nil && (len(e.Left) == 0 || len(e.Right) == 0) {
			t.Fatalf("%q parsed with an empty side", s)
		}
	})
}

func codes(fs []dauys.Finding) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return strings.Join(out, ",")
}
