package dauys_test

import (
	"fmt"
	"math"
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

// FuzzParseExpression parses arbitrary expressions and evaluates those
// that parse, as a form's relation over two lines, on arbitrary counts: no
// panic, and a count outside 0..MaxCount is always refused, whatever the
// relation's sums would wrap to.
func FuzzParseExpression(f *testing.F) {
	for _, s := range []string{"a = b + c", "took_part > 95% registered", "2*a - b >= 0", "a=b=c", "%%%", "- - a = 1"} {
		f.Add(s, int64(1), int64(2))
	}
	f.Add("a + a + a + a = b", int64(1<<62), int64(0))
	f.Add("a = b", int64(math.MaxInt64), int64(math.MaxInt64))
	f.Add("a - b = 1", int64(math.MinInt64), int64(math.MaxInt64))
	f.Add("2147483647*a = 9223372036854775807", int64(dauys.MaxCount), int64(0))
	f.Add("a > 99.5% b", int64(math.MaxInt64), int64(math.MinInt64))
	f.Fuzz(func(t *testing.T, s string, a, b int64) {
		e, err := dauys.ParseExpression(s)
		if err != nil {
			return
		}
		if len(e.Left) == 0 || len(e.Right) == 0 {
			t.Fatalf("%q parsed with an empty side", s)
		}
		form := &dauys.Form{ID: "f", Lines: []dauys.Line{{Name: "a"}, {Name: "b"}}, Relations: []dauys.Relation{{Code: "E_X", Expr: s}}}
		v, err := dauys.NewValidator(form, &dauys.Contest{ID: "c"})
		if err != nil {
			return
		}
		errs, _ := v.Complete(map[string]int64{"a": a, "b": b})
		if out := a < 0 || a > dauys.MaxCount || b < 0 || b > dauys.MaxCount; out && len(errs) == 0 {
			t.Fatalf("%q with a=%d b=%d: accepted", s, a, b)
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

// TestValidatorRefusesOverflow is the regression test of issue #13's
// first defect: four option counts of 2^62 add up to 2^64, which wrapped
// to 0 in an int64 and made took_part = @options + ... hold. Every count
// above dauys.MaxCount is refused, naming its line, whatever the sums.
func TestValidatorRefusesOverflow(t *testing.T) {
	f := &dauys.Form{ID: "f", Lines: []dauys.Line{{Name: "took_part"}, {Name: "invalid"}}, OptionLines: true,
		Relations: []dauys.Relation{{Code: "E_BALLOTS", Expr: "took_part = @options + invalid"}}}
	c := &dauys.Contest{ID: "c", Options: []dauys.Option{{ID: "a"}, {ID: "b"}, {ID: "c"}, {ID: "d"}}}
	v, err := dauys.NewValidator(f, c)
	if err != nil {
		t.Fatal(err)
	}
	const big = 1 << 62
	tests := []struct {
		name  string
		lines map[string]int64
		codes string
	}{
		{"four times 2^62", map[string]int64{"took_part": 0, "invalid": 0, "option:a": big, "option:b": big, "option:c": big, "option:d": big},
			"E_TOO_LARGE,E_TOO_LARGE,E_TOO_LARGE,E_TOO_LARGE"},
		{"max int64", map[string]int64{"took_part": math.MaxInt64, "invalid": 0, "option:a": math.MaxInt64, "option:b": 0, "option:c": 0, "option:d": 0},
			"E_TOO_LARGE,E_TOO_LARGE"},
		{"min int64", map[string]int64{"took_part": 0, "invalid": math.MinInt64, "option:a": 0, "option:b": 0, "option:c": 0, "option:d": 0},
			"E_NEGATIVE"},
		{"one over the bound", map[string]int64{"took_part": dauys.MaxCount + 1, "invalid": 1, "option:a": dauys.MaxCount, "option:b": 0, "option:c": 0, "option:d": 0},
			"E_TOO_LARGE"},
		{"at the bound", map[string]int64{"took_part": dauys.MaxCount, "invalid": 0, "option:a": dauys.MaxCount, "option:b": 0, "option:c": 0, "option:d": 0},
			""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs, _ := v.Complete(tt.lines)
			if got := codes(errs); got != tt.codes {
				t.Fatalf("errors = %q, want %q (%v)", got, tt.codes, errs)
			}
			for _, e := range errs {
				if len(e.Lines) != 1 || e.Message.KK == "" || e.Message.RU == "" || !strings.Contains(e.Message.EN, e.Lines[0]) {
					t.Errorf("finding %+v does not name its line in three languages", e)
				}
			}
		})
	}
}

// TestValidatorOverflowingRelation: a form whose coefficients make a side
// too large for an int64 gets a finding, never a wrapped comparison.
func TestValidatorOverflowingRelation(t *testing.T) {
	f := &dauys.Form{ID: "f", Lines: []dauys.Line{{Name: "a"}, {Name: "b"}, {Name: "s", Derived: "2147483647*a + 2147483647*b"}},
		Relations: []dauys.Relation{{Code: "E_X", Expr: "2147483647*a + 2147483647*a + 2147483647*a + 2147483647*a + 2147483647*a = b"}}}
	v, err := dauys.NewValidator(f, &dauys.Contest{ID: "c"})
	if err != nil {
		t.Fatal(err)
	}
	errs, _ := v.Complete(map[string]int64{"a": dauys.MaxCount, "b": 0})
	if got := codes(errs); got != "E_TOO_LARGE" {
		t.Fatalf("derived line: errors = %q (%v)", got, errs)
	}
	f.Lines = f.Lines[:2]
	if v, err = dauys.NewValidator(f, &dauys.Contest{ID: "c"}); err != nil {
		t.Fatal(err)
	}
	errs, _ = v.Complete(map[string]int64{"a": dauys.MaxCount, "b": 0})
	if got := codes(errs); got != "E_OVERFLOW" {
		t.Fatalf("relation: errors = %q (%v)", got, errs)
	}
}

// TestValidatorCapsFindings is the regression test of issue #13's seventh
// defect: forty thousand unknown lines made forty thousand findings. A
// protocol with far more lines than its form is refused as a whole, and
// no protocol gets more than MaxFindings findings and a count of the rest.
func TestValidatorCapsFindings(t *testing.T) {
	f, c := electionForm()
	v, _ := dauys.NewValidator(f, c)
	l := goodLines()
	for i := range 40000 {
		l[fmt.Sprintf("junk%05d", i)] = 1
	}
	errs, _ := v.Complete(l)
	if len(errs) != 1 || errs[0].Code != "E_TOO_MANY_LINES" || !strings.Contains(errs[0].Message.EN, "40009") {
		t.Fatalf("errors = %v", errs)
	}

	// Within the line bound, but with more findings than are kept: a form
	// of 60 lines, none of them sent.
	many := &dauys.Form{ID: "many"}
	for i := range 60 {
		many.Lines = append(many.Lines, dauys.Line{Name: fmt.Sprintf("l%02d", i)})
	}
	v, _ = dauys.NewValidator(many, &dauys.Contest{ID: "c"})
	errs, _ = v.Complete(map[string]int64{strings.Repeat("x", 10000): 1})
	if len(errs) != dauys.MaxFindings+1 {
		t.Fatalf("%d findings, want %d", len(errs), dauys.MaxFindings+1)
	}
	last := errs[dauys.MaxFindings]
	if last.Code != "E_MORE_FINDINGS" || last.Message.EN != "and 41 more" || last.Message.RU != "и ещё 41" || last.Message.KK == "" {
		t.Errorf("summary finding %+v", last)
	}
	for _, e := range errs {
		if e.Code == "E_UNKNOWN_LINE" && (len(e.Message.EN) > 200 || len(e.Lines[0]) > 100) {
			t.Errorf("a finding quotes a whole 10,000-byte name: %d bytes", len(e.Message.EN))
		}
	}
}

func TestClipText(t *testing.T) {
	for _, tt := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"abcdefghij", 6, "abc…"},
		{"ааааа", 6, "а…"}, // never cuts a character in two
	} {
		if got := dauys.ClipText(tt.in, tt.n); got != tt.want || len(got) > max(tt.n, len(tt.in)) {
			t.Errorf("ClipText(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
