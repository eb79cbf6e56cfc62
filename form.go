package dauys

import (
	"cmp"
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
)

// MaxCount is the largest number any line of a protocol may hold. No
// polling station holds a billion voters or ballots, and with every count
// at most 10^9 the running totals of all the precincts there could ever be
// stay far from what an int64 holds. A larger count is refused
// (E_TOO_LARGE), never wrapped around. A form's own relations may bound
// its lines further (took_part <= registered); none may raise the bound.
const MaxCount int64 = 1_000_000_000

// MaxFindings is the number of findings kept per protocol; the rest are
// summed up in one E_MORE_FINDINGS finding ("and 39,990 more"), so that
// a body of forty thousand bad lines makes a short answer and a short
// stored reason.
const MaxFindings = 20

// maxNameInMessage is how much of a line name a finding quotes: enough to
// recognise a real name, never a whole hostile one.
const maxNameInMessage = 64

// MaxReasonLength bounds, in bytes, a refusal's reason as intake stores
// it and the audit trail records it.
const MaxReasonLength = 4096

// Line kinds.
const (
	LineVoters  = "voters"
	LineBallots = "ballots"
	LineVotes   = "votes"
)

// OptionLinePrefix starts the name of the line that holds an option's votes:
// "option:amanat".
const OptionLinePrefix = "option:"

// OptionsTerm stands in an expression for the sum of all option lines.
const OptionsTerm = "@options"

// Form is a protocol form as data: its named lines, the control relations
// that must hold (blocking errors) and the plausibility checks that raise
// warnings. Line names with a meaning to the rules engine are registered,
// took_part, invalid, against_all, both_marked, yes and no; any other name
// is a line the form records and checks.
type Form struct {
	ID    string `json:"id"`
	Lines []Line `json:"lines"`
	// OptionLines adds a votes line "option:<id>" for every option of the
	// contest, in ballot order.
	OptionLines bool       `json:"option_lines,omitempty"`
	Relations   []Relation `json:"relations,omitempty"`
	Checks      []Relation `json:"checks,omitempty"`
}

// Line is a named line of a protocol.
type Line struct {
	Name  string `json:"name"`
	Kind  string `json:"kind,omitempty"`
	Title Text   `json:"title,omitempty"`
	// Column is the CSV header that holds the line; empty means the name.
	Column string `json:"column,omitempty"`
	// Derived computes the line from others ("portable + stationary")
	// instead of reading it.
	Derived string `json:"derived,omitempty"`
}

// Relation is a control relation (an error when it fails) or a plausibility
// check (a warning when it holds, written with a percentage: "took_part >
// 95% registered").
type Relation struct {
	Code    string `json:"code"`
	Expr    string `json:"expr"`
	Message Text   `json:"message,omitempty"`
}

// Finding is one failed control relation or raised warning.
type Finding struct {
	Code     string   `json:"code"`
	Severity string   `json:"severity"` // "error" or "warning"
	Lines    []string `json:"lines,omitempty"`
	Message  Text     `json:"message"`
	Detail   string   `json:"detail,omitempty"`
}

// Severities of a finding.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
)

// Term is one integer-weighted line of a linear expression.
type Term struct {
	Coef int64
	Line string
}

// Expression is a parsed relation: Left Op Right, where Percent, when not
// nil, scales Right (a plausibility check "a > 95% b").
type Expression struct {
	Left, Right []Term
	Op          string // "=", "<=", ">=", "<", ">", "!="
	Percent     *big.Rat
}

// ParseExpression parses "a + 2*b - c <= d", "x = @options + y" or
// "took_part > 95% registered".
func ParseExpression(s string) (*Expression, error) {
	var op string
	var at int
	for _, o := range []string{"<=", ">=", "!=", "=", "<", ">"} {
		if i := strings.Index(s, o); i >= 0 {
			op, at = o, i
			break
		}
	}
	if op == "" {
		return nil, fmt.Errorf("expression %q has no comparison (=, <=, >=, <, >, !=)", s)
	}
	left, right := s[:at], s[at+len(op):]
	if strings.ContainsAny(right, "<>=!") {
		return nil, fmt.Errorf("expression %q has more than one comparison", s)
	}
	e := &Expression{Op: op}
	if i := strings.Index(right, "%"); i >= 0 {
		p, ok := new(big.Rat).SetString(strings.TrimSpace(right[:i]))
		if !ok || p.Sign() < 0 {
			return nil, fmt.Errorf("expression %q: bad percentage %q", s, strings.TrimSpace(right[:i]))
		}
		e.Percent, right = p, right[i+1:]
	}
	var err error
	if e.Left, err = parseTerms(left); err != nil {
		return nil, fmt.Errorf("expression %q: %v", s, err)
	}
	if e.Right, err = parseTerms(right); err != nil {
		return nil, fmt.Errorf("expression %q: %v", s, err)
	}
	return e, nil
}

func parseTerms(s string) ([]Term, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("empty side")
	}
	var terms []Term
	sign := int64(1)
	for _, tok := range tokenize(s) {
		switch tok {
		case "+":
			continue
		case "-":
			sign = -sign
			continue
		}
		coef := int64(1)
		name := tok
		if i := strings.Index(tok, "*"); i >= 0 {
			c, err := strconv.ParseInt(tok[:i], 10, 32)
			if err != nil {
				return nil, fmt.Errorf("bad coefficient in %q", tok)
			}
			coef, name = c, tok[i+1:]
		} else if n, err := strconv.ParseInt(tok, 10, 64); err == nil {
			// A bare constant is a term on the pseudo-line "1".
			coef, name = n, "1"
		}
		if !validLineName(name) && name != "1" && name != OptionsTerm {
			return nil, fmt.Errorf("bad line name %q", name)
		}
		terms = append(terms, Term{Coef: sign * coef, Line: name})
		sign = 1
	}
	if len(terms) == 0 {
		return nil, fmt.Errorf("no terms in %q", s)
	}
	return terms, nil
}

// tokenize splits a side of an expression into terms and the operators +
// and -. A minus between two name characters belongs to the name
// ("option:ak-zhol"), so subtraction is written with a space or at the
// start: "a - b", "-b".
func tokenize(s string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r':
			flush()
		case ch == '+':
			flush()
			out = append(out, "+")
		case ch == '-' && !(cur.Len() > 0 && i+1 < len(s) && nameChar(s[i+1])):
			flush()
			out = append(out, "-")
		default:
			cur.WriteByte(ch)
		}
	}
	flush()
	return out
}

func nameChar(c byte) bool {
	return c == '_' || c == ':' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func validLineName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r == ':' || r == '.' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return !(s[0] >= '0' && s[0] <= '9')
}

// LinesFor returns the lines of the form for a contest: the form's own lines
// followed by one votes line per option when the form has option lines.
func (f *Form) LinesFor(c *Contest) []Line {
	lines := append([]Line(nil), f.Lines...)
	if f.OptionLines {
		for _, o := range c.Options {
			lines = append(lines, Line{Name: OptionLinePrefix + o.ID, Kind: LineVotes, Title: o.Name, Column: o.Column})
		}
	}
	return lines
}

// Validator checks protocols of one contest against its form. Build one per
// contest with NewValidator and reuse it: the expressions are parsed once.
type Validator struct {
	lines     []Line
	index     map[string]int
	derived   []derivedLine
	relations []compiled
	checks    []compiled
	options   []string
}

type derivedLine struct {
	name string
	expr []Term
}

type compiled struct {
	Relation
	expr *Expression
}

// NewValidator compiles the form for the contest, naming every problem.
func NewValidator(f *Form, c *Contest) (*Validator, error) {
	v := &Validator{lines: f.LinesFor(c), index: map[string]int{}}
	var problems []string
	for i, l := range v.lines {
		if !validLineName(l.Name) {
			problems = append(problems, fmt.Sprintf("line %q: bad name", l.Name))
		}
		if _, dup := v.index[l.Name]; dup {
			problems = append(problems, fmt.Sprintf("line %q: defined twice", l.Name))
		}
		v.index[l.Name] = i
		if strings.HasPrefix(l.Name, OptionLinePrefix) {
			v.options = append(v.options, l.Name)
		}
	}
	known := func(terms []Term, where string) {
		for _, t := range terms {
			if _, ok := v.index[t.Line]; !ok && t.Line != OptionsTerm && t.Line != "1" {
				problems = append(problems, fmt.Sprintf("%s: unknown line %q", where, t.Line))
			}
		}
	}
	for _, l := range v.lines {
		if l.Derived == "" {
			continue
		}
		terms, err := parseTerms(l.Derived)
		if err != nil {
			problems = append(problems, fmt.Sprintf("line %q: derived: %v", l.Name, err))
			continue
		}
		known(terms, fmt.Sprintf("line %q", l.Name))
		v.derived = append(v.derived, derivedLine{l.Name, terms})
	}
	compile := func(rs []Relation, kind string, percent bool) []compiled {
		var out []compiled
		for _, r := range rs {
			e, err := ParseExpression(r.Expr)
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s %s: %v", kind, r.Code, err))
				continue
			}
			if r.Code == "" {
				problems = append(problems, fmt.Sprintf("%s %q: no code", kind, r.Expr))
			}
			if !percent && e.Percent != nil {
				problems = append(problems, fmt.Sprintf("%s %s: a control relation takes no percentage", kind, r.Code))
			}
			known(e.Left, kind+" "+r.Code)
			known(e.Right, kind+" "+r.Code)
			out = append(out, compiled{r, e})
		}
		return out
	}
	v.relations = compile(f.Relations, "relation", false)
	v.checks = compile(f.Checks, "check", true)
	if len(problems) > 0 {
		return nil, &Error{Code: EINVALID, Message: fmt.Sprintf("form %s, contest %s: %s", f.ID, c.ID, strings.Join(problems, "; "))}
	}
	return v, nil
}

// Lines returns the lines the validator expects, in form order.
func (v *Validator) Lines() []Line { return v.lines }

// MaxLines is the most lines a protocol for this form may have: the form's
// lines and at most MaxFindings more. A protocol with more is refused as a
// whole (E_TOO_MANY_LINES) before any line is looked at.
func (v *Validator) MaxLines() int { return len(v.lines) + MaxFindings }

// Complete fills derived lines in place and returns the findings: blocking
// errors (a missing, unknown, negative or too large line, a failed control
// relation) and warnings (a plausibility check that holds). Lines are not
// changed otherwise. Each list holds at most MaxFindings findings and a
// last one that counts the others.
func (v *Validator) Complete(lines map[string]int64) (errs, warns []Finding) {
	if len(lines) > v.MaxLines() {
		return []Finding{finding("E_TOO_MANY_LINES", SeverityError, nil, msgTooManyLines(len(lines), len(v.lines)), "")}, nil
	}
	for name := range lines {
		if _, ok := v.index[name]; !ok {
			errs = append(errs, finding("E_UNKNOWN_LINE", SeverityError, []string{ClipText(name, maxNameInMessage)}, msgUnknownLine(name), ""))
		}
	}
	for _, l := range v.lines {
		n, ok := lines[l.Name]
		if l.Derived != "" {
			continue
		}
		switch {
		case !ok:
			errs = append(errs, finding("E_MISSING_LINE", SeverityError, []string{l.Name}, msgMissingLine(l.Name), ""))
		case n < 0:
			errs = append(errs, finding("E_NEGATIVE", SeverityError, []string{l.Name}, msgNegative(l.Name, n), ""))
		case n > MaxCount:
			errs = append(errs, finding("E_TOO_LARGE", SeverityError, []string{l.Name}, msgTooLarge(l.Name, n), ""))
		}
	}
	if len(errs) > 0 {
		return capFindings(errs), nil
	}
	for _, d := range v.derived {
		n, ok := v.sum(d.expr, lines)
		switch {
		case !ok:
			errs = append(errs, finding("E_TOO_LARGE", SeverityError, []string{d.name}, msgTooLarge(d.name, math.MaxInt64), ""))
			continue
		case n > MaxCount:
			errs = append(errs, finding("E_TOO_LARGE", SeverityError, []string{d.name}, msgTooLarge(d.name, n), ""))
		case n < 0:
			errs = append(errs, finding("E_NEGATIVE", SeverityError, []string{d.name}, msgNegative(d.name, n), ""))
		}
		lines[d.name] = n
	}
	if len(errs) > 0 {
		return capFindings(errs), nil
	}
	for _, r := range v.relations {
		if holds, ok := v.holds(r.expr, lines); !ok {
			errs = append(errs, finding("E_OVERFLOW", SeverityError, v.names(r.expr), msgOverflow(r.Relation), ""))
		} else if !holds {
			errs = append(errs, finding(r.Code, SeverityError, v.names(r.expr), relationMessage(r.Relation), v.detail(r.expr, lines)))
		}
	}
	for _, c := range v.checks {
		if holds, ok := v.holds(c.expr, lines); ok && holds {
			warns = append(warns, finding(c.Code, SeverityWarning, v.names(c.expr), relationMessage(c.Relation), v.detail(c.expr, lines)))
		}
	}
	return capFindings(errs), capFindings(warns)
}

// sum evaluates a side of an expression; ok is false when it, or any
// product or partial sum on the way, does not fit in an int64.
func (v *Validator) sum(terms []Term, lines map[string]int64) (s int64, ok bool) {
	add := func(coef, n int64) bool {
		p, ok := mulInt64(coef, n)
		if ok {
			s, ok = addInt64(s, p)
		}
		return ok
	}
	for _, t := range terms {
		switch t.Line {
		case "1":
			if !add(t.Coef, 1) {
				return 0, false
			}
		case OptionsTerm:
			for _, o := range v.options {
				if !add(t.Coef, lines[o]) {
					return 0, false
				}
			}
		default:
			if !add(t.Coef, lines[t.Line]) {
				return 0, false
			}
		}
	}
	return s, true
}

// AddCounts returns a+b; ok is false when the sum overflows an int64. It
// is the one checked addition of counts that validation, running totals
// and tallies share: an overflow is an error, never a wrap.
func AddCounts(a, b int64) (sum int64, ok bool) { return addInt64(a, b) }

// addInt64 returns a+b; ok is false when the sum overflows.
func addInt64(a, b int64) (int64, bool) {
	s := a + b
	// Overflow happened when a and b share a sign that s does not.
	return s, (a >= 0) != (b >= 0) || (s >= 0) == (a >= 0)
}

// mulInt64 returns a*b; ok is false when the product overflows.
func mulInt64(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	p := a * b
	if (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) || p/b != a {
		return 0, false
	}
	return p, true
}

// holds evaluates the expression exactly: with a percentage p, "a > p% b"
// is compared as 100*a > p*b in rationals.
// ok is false when a side cannot be evaluated in an int64.
func (v *Validator) holds(e *Expression, lines map[string]int64) (holds, ok bool) {
	l, lok := v.sum(e.Left, lines)
	r, rok := v.sum(e.Right, lines)
	if !lok || !rok {
		return false, false
	}
	var c int
	if e.Percent != nil {
		c = comparePercent(l, e.Percent, r)
	} else {
		c = cmp.Compare(l, r)
	}
	switch e.Op {
	case "=":
		return c == 0, true
	case "!=":
		return c != 0, true
	case "<=":
		return c <= 0, true
	case ">=":
		return c >= 0, true
	case "<":
		return c < 0, true
	case ">":
		return c > 0, true
	}
	return false, true
}

// comparePercent compares 100*l with p*r exactly: in int64 when every
// product fits, as it does for any count of ballots and a percentage with
// a small denominator, and in rationals otherwise.
func comparePercent(l int64, p *big.Rat, r int64) int {
	const maxValue, maxTerm = 1 << 40, 1 << 15
	num, den := p.Num(), p.Denom()
	if num.IsInt64() && den.IsInt64() {
		n, d := num.Int64(), den.Int64()
		if -maxValue < l && l < maxValue && -maxValue < r && r < maxValue && -maxTerm < n && n < maxTerm && d < maxTerm {
			// p = n/d with d > 0: 100*l against n*r/d is 100*l*d against n*r.
			return cmp.Compare(100*l*d, n*r)
		}
	}
	lr := new(big.Rat).SetInt(new(big.Int).Mul(big.NewInt(100), big.NewInt(l)))
	return lr.Cmp(new(big.Rat).Mul(p, new(big.Rat).SetInt64(r)))
}

// detail shows the values of both sides of an expression, for a finding.
// It is called only for expressions that holds could evaluate.
func (v *Validator) detail(e *Expression, lines map[string]int64) string {
	l, _ := v.sum(e.Left, lines)
	r, _ := v.sum(e.Right, lines)
	pct := ""
	if e.Percent != nil {
		pct = e.Percent.FloatString(2) + "% of "
	}
	return fmt.Sprintf("%s = %d, %s%s = %d", v.describe(e.Left, lines), l, pct, v.describe(e.Right, lines), r)
}

func (v *Validator) describe(terms []Term, lines map[string]int64) string {
	var b strings.Builder
	for i, t := range terms {
		if i > 0 || t.Coef < 0 {
			if t.Coef < 0 {
				b.WriteString(" - ")
			} else {
				b.WriteString(" + ")
			}
		}
		// The magnitude as unsigned: -MinInt64 has no int64.
		c := uint64(t.Coef)
		if t.Coef < 0 {
			c = -c
		}
		if t.Line == "1" {
			fmt.Fprintf(&b, "%d", c)
			continue
		}
		if c != 1 {
			fmt.Fprintf(&b, "%d*", c)
		}
		b.WriteString(t.Line)
	}
	return b.String()
}

func (v *Validator) names(e *Expression) []string {
	var out []string
	for _, t := range append(append([]Term(nil), e.Left...), e.Right...) {
		switch t.Line {
		case "1":
		case OptionsTerm:
			out = append(out, v.options...)
		default:
			out = append(out, t.Line)
		}
	}
	return out
}

func finding(code, sev string, lines []string, msg Text, detail string) Finding {
	return Finding{Code: code, Severity: sev, Lines: lines, Message: msg, Detail: detail}
}

func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].Code != fs[j].Code {
			return fs[i].Code < fs[j].Code
		}
		return strings.Join(fs[i].Lines, ",") < strings.Join(fs[j].Lines, ",")
	})
}

// capFindings sorts the findings and keeps the first MaxFindings, with one
// more that counts the rest.
func capFindings(fs []Finding) []Finding {
	if len(fs) == 0 {
		return fs
	}
	sortFindings(fs)
	if len(fs) <= MaxFindings {
		return fs
	}
	more := len(fs) - MaxFindings
	return append(fs[:MaxFindings:MaxFindings], finding("E_MORE_FINDINGS", fs[MaxFindings].Severity, nil, msgMoreFindings(more), ""))
}

// ClipText returns s cut to at most limit bytes, on a character boundary,
// with "…" marking the cut; s itself when it fits.
func ClipText(s string, limit int) string {
	const mark = "…"
	if len(s) <= limit {
		return s
	}
	return s[:runeBoundary(s, max(limit-len(mark), 0))] + mark
}

func relationMessage(r Relation) Text {
	if !r.Message.IsZero() {
		return r.Message
	}
	return Text{
		KK: "Бақылау қатынасы орындалмады: " + r.Expr,
		RU: "Не выполнено контрольное соотношение: " + r.Expr,
		EN: "Control relation does not hold: " + r.Expr,
	}
}

func msgUnknownLine(name string) Text {
	name = ClipText(name, maxNameInMessage)
	return Text{
		KK: fmt.Sprintf("Хаттамада %s жолы жоқ", QuotePrefix(name)),
		RU: fmt.Sprintf("В форме протокола нет строки %s", QuotePrefix(name)),
		EN: fmt.Sprintf("The protocol form has no line %s", QuotePrefix(name)),
	}
}

func msgMissingLine(name string) Text {
	return Text{
		KK: fmt.Sprintf("%q жолы толтырылмаған", name),
		RU: fmt.Sprintf("Строка %q не заполнена", name),
		EN: fmt.Sprintf("Line %q is missing", name),
	}
}

func msgNegative(name string, n int64) Text {
	return Text{
		KK: fmt.Sprintf("%q жолы теріс сан: %d", name, n),
		RU: fmt.Sprintf("Строка %q отрицательна: %d", name, n),
		EN: fmt.Sprintf("Line %q is negative: %d", name, n),
	}
}

func msgTooLarge(name string, n int64) Text {
	return Text{
		KK: fmt.Sprintf("%q жолы тым үлкен: %d (ең көбі %d)", name, n, MaxCount),
		RU: fmt.Sprintf("Строка %q слишком велика: %d (не более %d)", name, n, MaxCount),
		EN: fmt.Sprintf("Line %q is too large: %d (at most %d)", name, n, MaxCount),
	}
}

func msgOverflow(r Relation) Text {
	return Text{
		KK: "Бақылау қатынасын есептеу мүмкін емес, сандар тым үлкен: " + r.Expr,
		RU: "Контрольное соотношение нельзя вычислить, числа слишком велики: " + r.Expr,
		EN: "Control relation cannot be evaluated, the numbers are too large: " + r.Expr,
	}
}

func msgTooManyLines(n, form int) Text {
	return Text{
		KK: fmt.Sprintf("Хаттамада %d жол бар, ал нысанда %d жол ғана", n, form),
		RU: fmt.Sprintf("В протоколе %d строк, а в форме только %d", n, form),
		EN: fmt.Sprintf("The protocol has %d lines; its form has only %d", n, form),
	}
}

func msgMoreFindings(n int) Text {
	return Text{
		KK: fmt.Sprintf("және тағы %s", Thousands(int64(n))),
		RU: fmt.Sprintf("и ещё %s", Thousands(int64(n))),
		EN: fmt.Sprintf("and %s more", Thousands(int64(n))),
	}
}
