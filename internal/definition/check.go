package definition

import (
	"cmp"
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	// A definition must load the same everywhere, including in minimal
	// containers without a zoneinfo database, so the time zone check uses
	// the embedded copy (about 450 KB).
	_ "time/tzdata"

	"github.com/dauys/dauys"
)

// checker checks a decoded definition completely and adds every problem it
// finds with its place.
type checker struct {
	e          *dauys.Election
	file       string
	lines      map[string]int
	areaPlaces []place
	probs      *problems
	opt        Options

	areas      map[string]int // id -> index of its first area
	depth      []int          // depth below the root; unknownDepth when broken
	levelDepth map[string]int // level -> depth of its first area
	levelFirst map[string]int // level -> index of its first area
	badForms   map[string]bool
}

const unknownDepth = -2

// knownKinds are the contest kinds the rules engine decides.
var knownKinds = []string{dauys.KindList, dauys.KindPlurality, dauys.KindMajority, dauys.KindReferendum}

// knownStatuses are the lifecycle's statuses, then the older ones, which
// dauys.LifecycleStatus reads as scheduled, counting and final.
var knownStatuses = []string{dauys.StatusScheduled, dauys.StatusVoting, dauys.StatusCounting, dauys.StatusFinal,
	dauys.StatusPreElection, dauys.StatusComplete, dauys.StatusCertified}

// standardLevels may appear in an import mapping before any area of the
// level exists: areas are created on import.
var standardLevels = []string{dauys.LevelRegion, dauys.LevelDistrict, dauys.LevelPrecinct}

var (
	idPattern    = regexp.MustCompile(`^[A-Za-z0-9._-]{1,100}$`)
	tokenPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,100}$`)
	colorPattern = regexp.MustCompile(`^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)
	percentRE    = regexp.MustCompile(`^[0-9]+(?:\.[0-9]+)?$`)
)

func (c *checker) check() {
	c.checkElection()
	c.checkAreas()
	c.checkElectionDay()
	c.checkForms()
	c.checkContests()
	c.checkImport()
}

// at returns the place of a path, or of its nearest ancestor that has one.
func (c *checker) at(path string) place {
	for path != "" {
		if l, ok := c.lines[path]; ok {
			return place{c.file, l}
		}
		if strings.HasSuffix(path, "]") {
			path = path[:strings.LastIndexByte(path, '[')]
		} else if i := strings.LastIndexByte(path, '.'); i >= 0 {
			path = path[:i]
		} else {
			path = ""
		}
	}
	return place{c.file, 0}
}

func (c *checker) add(path, format string, args ...any) {
	c.probs.addAt(c.at(path), format, args...)
}

func (c *checker) addArea(i int, format string, args ...any) {
	c.probs.addAt(c.areaPlaces[i], format, args...)
}

// label names an area, option or contest in a message even when its id is
// missing.
func label(id string) string {
	if id == "" {
		return "(no id)"
	}
	return id
}

// idProblem says what is wrong with an id, or "" when nothing is.
func idProblem(id string) string {
	switch {
	case id == "":
		return "id is missing"
	case id == "." || id == ".." || !idPattern.MatchString(id):
		return fmt.Sprintf("id %q is not URL-safe: use 1 to 100 letters, digits, '-', '_' and '.'", id)
	}
	return ""
}

func (c *checker) checkElection() {
	e := c.e
	if p := idProblem(e.ID); p != "" {
		c.add("id", "election: %s", p)
	}
	if e.Name.IsZero() {
		c.add("name", "election: name is missing (give kk, ru and en)")
	}
	if e.Date == "" {
		c.add("date", "election: date (polling day, YYYY-MM-DD) is missing")
	} else if _, err := time.Parse(time.DateOnly, e.Date); err != nil {
		c.add("date", "election: date %q is not a day written YYYY-MM-DD", e.Date)
	}
	if e.Timezone != "" {
		if _, err := time.LoadLocation(e.Timezone); err != nil || e.Timezone == "Local" {
			c.add("timezone", "election: timezone %q is not an IANA time zone such as Asia/Almaty", e.Timezone)
		}
	}
	if !slices.Contains(knownStatuses, e.Status) {
		c.add("status", "election: status %q is unknown (known: %s)", e.Status, joinComma(knownStatuses))
	}
	if len(e.Contests) == 0 {
		c.add("contests", "election: there are no contests")
	}
	if e.Replay != (dauys.Replay{}) && strings.TrimSpace(e.Replay.Source) == "" {
		c.add("replay", "election: replay: source is missing (whose published figures the replay reproduces, and where)")
	}
}

func (c *checker) checkAreas() {
	e := c.e
	n := len(e.Areas)
	c.areas = make(map[string]int, n)
	c.levelDepth = map[string]int{}
	c.levelFirst = map[string]int{}
	if n == 0 {
		c.add("areas", "election: there are no areas; give at least the root area (the country)")
		return
	}
	tiles := map[string]int{}
	for i, a := range e.Areas {
		if p := idProblem(a.ID); p != "" {
			c.addArea(i, "area %s", p)
		} else if first, dup := c.areas[a.ID]; dup {
			c.addArea(i, "area %s: id already used at %s", label(a.ID), c.areaPlaces[first])
		} else {
			c.areas[a.ID] = i
		}
		switch {
		case a.Level == "":
			c.addArea(i, "area %s: level is missing", label(a.ID))
		case !idPattern.MatchString(a.Level):
			c.addArea(i, "area %s: level %q is not URL-safe", label(a.ID), a.Level)
		}
		if a.Registered < 0 {
			c.addArea(i, "area %s: registered voters %d is negative", label(a.ID), a.Registered)
		} else if a.Level == dauys.LevelPrecinct && a.Registered > dauys.MaxCount {
			c.addArea(i, "area %s: registered voters %d is more than a precinct can hold (%d)", label(a.ID), a.Registered, dauys.MaxCount)
		}
		if len(a.Tile) > 0 {
			if len(a.Tile) != 2 || a.Tile[0] < 0 || a.Tile[1] < 0 {
				c.addArea(i, "area %s: tile must be [column, row] with two numbers 0 or more", label(a.ID))
			} else {
				k := fmt.Sprintf("%s %d,%d", a.Level, a.Tile[0], a.Tile[1])
				if first, dup := tiles[k]; dup {
					c.addArea(i, "area %s: tile [%d, %d] is also the tile of area %s", label(a.ID), a.Tile[0], a.Tile[1], label(e.Areas[first].ID))
				} else {
					tiles[k] = i
				}
			}
		}
	}
	var roots []int
	for i, a := range e.Areas {
		if a.Parent == "" {
			roots = append(roots, i)
		} else if _, ok := c.areas[a.Parent]; !ok {
			c.addArea(i, "area %s: parent %s does not exist", label(a.ID), a.Parent)
		}
	}
	switch {
	case len(roots) == 0:
		c.add("areas", "election: there is no root area (one area, the country, has no parent)")
	case len(roots) > 1:
		for _, i := range roots[1:] {
			c.addArea(i, "area %s: has no parent, but area %s is already the root; there must be exactly one root", label(e.Areas[i].ID), label(e.Areas[roots[0]].ID))
		}
	}
	c.computeDepths()
	for i, a := range e.Areas {
		d := c.depth[i]
		if d < 0 || a.Level == "" {
			continue
		}
		if want, ok := c.levelDepth[a.Level]; !ok {
			c.levelDepth[a.Level], c.levelFirst[a.Level] = d, i
		} else if want != d {
			first := c.levelFirst[a.Level]
			c.addArea(i, "area %s: level %s is %d below the root here but %d below it for area %s (%s); a level must lie at one depth",
				label(a.ID), a.Level, d, want, label(e.Areas[first].ID), c.areaPlaces[first])
		}
	}
}

// computeDepths finds every area's depth below the root, reporting each
// cycle of parents once. Areas in or below a cycle, or below a missing
// parent, get unknownDepth.
func (c *checker) computeDepths() {
	const (
		unvisited = iota
		onChain
		done
	)
	areas := c.e.Areas
	c.depth = make([]int, len(areas))
	state := make([]uint8, len(areas))
	for i := range areas {
		var chain []int
		base, broken := -1, false
		for j := i; ; {
			if state[j] == done {
				base, broken = c.depth[j], c.depth[j] == unknownDepth
				break
			}
			if state[j] == onChain {
				k := slices.Index(chain, j)
				var ids []string
				for _, x := range chain[k:] {
					ids = append(ids, label(areas[x].ID))
				}
				c.addArea(j, "area %s: parents form a cycle: %s -> %s", label(areas[j].ID), strings.Join(ids, " -> "), label(areas[j].ID))
				broken = true
				break
			}
			state[j] = onChain
			chain = append(chain, j)
			p := areas[j].Parent
			if p == "" {
				break
			}
			k, ok := c.areas[p]
			if !ok {
				broken = true
				break
			}
			j = k
		}
		for x := len(chain) - 1; x >= 0; x-- {
			if broken {
				c.depth[chain[x]] = unknownDepth
			} else {
				base++
				c.depth[chain[x]] = base
			}
			state[chain[x]] = done
		}
	}
}

// formLines describes the lines of a form for the checks of expressions.
type formLines struct {
	index   map[string]int // name -> position among the form's lines
	derived map[string]bool
	options bool // the form adds option lines
}

// known reports whether an expression may refer to a line name, and, when
// it may not, why.
func (fl formLines) known(name string) (bool, string) {
	switch {
	case name == "1":
		return true, ""
	case name == dauys.OptionsTerm:
		if !fl.options && !fl.hasOptionLine() {
			return false, "@options, but the form has no option lines (set option_lines: true)"
		}
		return true, ""
	case strings.HasPrefix(name, dauys.OptionLinePrefix) && fl.options:
		return true, "" // checked per contest against its options
	}
	if _, ok := fl.index[name]; ok {
		return true, ""
	}
	return false, fmt.Sprintf("unknown line %q", name)
}

func (fl formLines) hasOptionLine() bool {
	for name := range fl.index {
		if strings.HasPrefix(name, dauys.OptionLinePrefix) {
			return true
		}
	}
	return false
}

func (c *checker) checkForms() {
	c.badForms = map[string]bool{}
	ids := map[string]string{}
	for i := range c.e.Forms {
		f := &c.e.Forms[i]
		path := fmt.Sprintf("forms[%d]", i)
		before := len(c.probs.list)
		if p := idProblem(f.ID); p != "" {
			c.add(path, "form %s", p)
		} else if first, dup := ids[f.ID]; dup {
			c.add(path+".id", "form %s: id already used at %s", f.ID, first)
		} else {
			ids[f.ID] = c.at(path).String()
		}
		c.checkForm(f, path)
		if len(c.probs.list) > before {
			c.badForms[f.ID] = true
		}
	}
}

var lineKinds = []string{"", dauys.LineVoters, dauys.LineBallots, dauys.LineVotes}

func (c *checker) checkForm(f *dauys.Form, path string) {
	where := "form " + f.ID
	if len(f.Lines) == 0 && !f.OptionLines {
		c.add(path, "%s: has no lines", where)
	}
	fl := formLines{index: map[string]int{}, derived: map[string]bool{}, options: f.OptionLines}
	columns := map[string]string{}
	for j, l := range f.Lines {
		lp := fmt.Sprintf("%s.lines[%d]", path, j)
		switch {
		case !validLineName(l.Name):
			c.add(lp, "%s: line %q: a name starts with a letter or '_' and has only letters, digits and '_', ':', '.'", where, l.Name)
		case strings.Contains(l.Name, "-"):
			c.add(lp, "%s: line %q: '-' would read as a minus in expressions; use '_'", where, l.Name)
		case f.OptionLines && strings.HasPrefix(l.Name, dauys.OptionLinePrefix):
			c.add(lp, "%s: line %q: names starting with %q are the option lines that option_lines adds", where, l.Name, dauys.OptionLinePrefix)
		}
		if _, dup := fl.index[l.Name]; dup {
			c.add(lp, "%s: line %q is defined twice", where, l.Name)
		} else {
			fl.index[l.Name] = j
		}
		if !slices.Contains(lineKinds, l.Kind) {
			c.add(lp+".kind", "%s: line %s: kind %q is unknown (known: voters, ballots, votes)", where, l.Name, l.Kind)
		}
		if l.Derived != "" {
			fl.derived[l.Name] = true
			if l.Column != "" {
				c.add(lp+".column", "%s: line %s is derived, so it is computed and has no column", where, l.Name)
			}
			continue
		}
		col := cmp.Or(l.Column, l.Name)
		if first, dup := columns[col]; dup {
			c.add(lp, "%s: line %s reads column %q, which line %s already reads", where, l.Name, col, first)
		} else {
			columns[col] = l.Name
		}
	}
	for j, l := range f.Lines {
		if l.Derived == "" {
			continue
		}
		lp := fmt.Sprintf("%s.lines[%d].derived", path, j)
		if strings.ContainsAny(l.Derived, "=<>!%") {
			c.add(lp, "%s: line %s: derived is a sum of lines such as \"portable + stationary\", not a comparison", where, l.Name)
			continue
		}
		x, err := dauys.ParseExpression("0 = " + l.Derived)
		if err != nil {
			c.add(lp, "%s: line %s: derived %q: %s", where, l.Name, l.Derived, expressionError(err))
			continue
		}
		for _, t := range x.Right {
			if t.Line == l.Name {
				c.add(lp, "%s: line %s is derived from itself", where, l.Name)
			} else if ok, why := fl.known(t.Line); !ok {
				c.add(lp, "%s: line %s: derived: %s", where, l.Name, why)
			} else if k, isLine := fl.index[t.Line]; isLine && fl.derived[t.Line] && k > j {
				c.add(lp, "%s: line %s is derived from %s, which is derived later; list %s first", where, l.Name, t.Line, t.Line)
			}
		}
	}
	codes := map[string]string{}
	for _, set := range []struct {
		key     string
		list    []dauys.Relation
		percent bool
	}{{"relations", f.Relations, false}, {"checks", f.Checks, true}} {
		kind := strings.TrimSuffix(set.key, "s")
		for j, r := range set.list {
			rp := fmt.Sprintf("%s.%s[%d]", path, set.key, j)
			switch {
			case r.Code == "":
				c.add(rp, "%s: %s %q has no code", where, kind, r.Expr)
			case !tokenPattern.MatchString(r.Code):
				c.add(rp+".code", "%s: %s code %q: use letters, digits, '_', '-', ':' and '.'", where, kind, r.Code)
			default:
				if first, dup := codes[r.Code]; dup {
					c.add(rp+".code", "%s: code %s is already used by %s", where, r.Code, first)
				} else {
					codes[r.Code] = fmt.Sprintf("the %s on line %d", kind, c.at(rp).line)
				}
			}
			if r.Expr == "" {
				c.add(rp, "%s: %s %s: expr is missing", where, kind, r.Code)
				continue
			}
			x, err := dauys.ParseExpression(r.Expr)
			if err != nil {
				c.add(rp+".expr", "%s: %s %s: %s", where, kind, r.Code, expressionError(err))
				continue
			}
			if x.Percent != nil && !set.percent {
				c.add(rp+".expr", "%s: relation %s: a control relation takes no percentage; a plausibility test with a percentage is a check", where, r.Code)
			}
			for _, t := range append(x.Left, x.Right...) {
				if ok, why := fl.known(t.Line); !ok {
					c.add(rp+".expr", "%s: %s %s: %s", where, kind, r.Code, why)
				}
			}
		}
	}
}

// expressionError drops the quoted expression that ParseExpression puts
// before its message, since the message is already placed at the line.
func expressionError(err error) string {
	msg := err.Error()
	if strings.HasPrefix(msg, "expression \"") {
		if _, rest, ok := strings.Cut(msg[len("expression \""):], "\": "); ok {
			return rest
		}
	}
	return msg
}

func (c *checker) checkContests() {
	ids := map[string]string{}
	importLevels := map[string]bool{}
	for _, ac := range c.e.Import.AreaColumns {
		importLevels[ac.Level] = true
	}
	for i := range c.e.Contests {
		ct := &c.e.Contests[i]
		path := fmt.Sprintf("contests[%d]", i)
		where := "contest " + ct.ID
		if p := idProblem(ct.ID); p != "" {
			c.add(path, "contest %s", p)
		} else if first, dup := ids[ct.ID]; dup {
			c.add(path+".id", "%s: id already used at %s", where, first)
		} else {
			ids[ct.ID] = c.at(path).String()
		}
		if ct.Name.IsZero() {
			c.add(path, "%s: name is missing (give kk, ru and en)", where)
		}
		kindOK := slices.Contains(knownKinds, ct.Kind)
		switch {
		case ct.Kind == "":
			c.add(path, "%s: kind is missing (one of %s)", where, joinComma(knownKinds))
		case !kindOK:
			c.add(path+".kind", "%s: kind %q is unknown (known: %s)", where, ct.Kind, joinComma(knownKinds))
		}
		if ct.Body != "" && !idPattern.MatchString(ct.Body) {
			c.add(path+".body", "%s: body %q is not URL-safe", where, ct.Body)
		}

		form := c.e.Form(ct.Form)
		switch {
		case ct.Form == "":
			c.add(path, "%s: form is missing", where)
		case form == nil:
			c.add(path+".form", "%s: form %s does not exist", where, ct.Form)
		case !c.badForms[ct.Form]:
			if _, err := dauys.NewValidator(form, ct); err != nil {
				msg := strings.TrimPrefix(dauys.ErrorMessage(err), fmt.Sprintf("form %s, contest %s: ", form.ID, ct.ID))
				c.add(path+".form", "%s: form %s: %s", where, form.ID, msg)
			}
		}

		c.checkContestAreas(ct, path, where)
		c.checkOptions(ct, form, path, where)

		if ct.Units != "" {
			if _, ok := c.levelDepth[ct.Units]; !ok && !importLevels[ct.Units] {
				c.add(path+".units", "%s: units %q is not a level of the areas", where, ct.Units)
			}
			if kindOK && ct.Kind != dauys.KindReferendum {
				c.add(path+".units", "%s: units (the territorial units of a referendum) apply to referendums only", where)
			}
		}
		c.checkRules(ct, form, path, where)
		if c.opt.CheckRules != nil && kindOK {
			if err := c.opt.CheckRules(ct); err != nil {
				c.add(path+".rules", "%s: rules: %s", where, hookMessage(err))
			} else if c.opt.CheckLists != nil {
				warnings, err := c.opt.CheckLists(c.e, ct)
				if err != nil {
					c.add(path+".options", "%s: %s", where, hookMessage(err))
				}
				for _, w := range warnings {
					if c.opt.Warn != nil {
						c.opt.Warn(fmt.Sprintf("%s:%d: %s: %s", c.file, c.lines[path+".options"], where, w))
					}
				}
			}
		}
	}
}

func hookMessage(err error) string {
	if dauys.ErrorCode(err) == dauys.EINTERNAL {
		return err.Error()
	}
	return dauys.ErrorMessage(err)
}

func (c *checker) checkContestAreas(ct *dauys.Contest, path, where string) {
	listed := map[string]bool{}
	for k, id := range ct.Areas {
		ap := fmt.Sprintf("%s.areas[%d]", path, k)
		if _, ok := c.areas[id]; !ok {
			c.add(ap, "%s: area %s does not exist", where, id)
		} else if listed[id] {
			c.add(ap, "%s: area %s is listed twice", where, id)
		}
		listed[id] = true
	}
	// Areas are the roots of the subtrees that vote; a subtree inside
	// another would count its precincts twice.
	for k, id := range ct.Areas {
		i, ok := c.areas[id]
		if !ok || c.depth[i] < 0 {
			continue
		}
		for p := c.e.Areas[i].Parent; p != ""; {
			if listed[p] {
				c.add(fmt.Sprintf("%s.areas[%d]", path, k), "%s: area %s lies within area %s, which the contest lists too", where, id, p)
				break
			}
			j := c.areas[p]
			p = c.e.Areas[j].Parent
		}
	}
}

func (c *checker) checkOptions(ct *dauys.Contest, form *dauys.Form, path, where string) {
	if len(ct.Options) == 0 {
		switch ct.Kind {
		case dauys.KindList:
			c.add(path, "%s: a list contest needs options (its parties)", where)
		case dauys.KindPlurality, dauys.KindMajority:
			c.add(path, "%s: a %s contest needs options (its candidates)", where, ct.Kind)
		}
		return
	}
	lineColumns := map[string]string{}
	if form != nil {
		for _, l := range form.Lines {
			if l.Derived == "" {
				lineColumns[cmp.Or(l.Column, l.Name)] = l.Name
			}
		}
	}
	ids := map[string]bool{}
	columns := map[string]string{}
	for k := range ct.Options {
		o := &ct.Options[k]
		op := fmt.Sprintf("%s.options[%d]", path, k)
		if p := idProblem(o.ID); p != "" {
			c.add(op, "%s: option %s", where, p)
		} else if ids[o.ID] {
			c.add(op+".id", "%s: option %s is listed twice", where, o.ID)
		}
		ids[o.ID] = true
		if o.Name.IsZero() {
			c.add(op, "%s: option %s: name is missing", where, o.ID)
		}
		if o.Color != "" && !colorPattern.MatchString(o.Color) {
			c.add(op+".color", "%s: option %s: color %q is not #rgb or #rrggbb", where, o.ID, o.Color)
		}
		c.checkCandidates(o, op, where)
		col := cmp.Or(o.Column, dauys.OptionLinePrefix+o.ID)
		if first, dup := columns[col]; dup {
			c.add(op, "%s: option %s reads column %q, which option %s already reads", where, o.ID, col, first)
		} else {
			columns[col] = o.ID
		}
		if line, clash := lineColumns[col]; clash {
			c.add(op, "%s: option %s reads column %q, which line %s of form %s reads", where, o.ID, col, line, form.ID)
		}
	}
}

func (c *checker) checkRules(ct *dauys.Contest, form *dauys.Form, path, where string) {
	r := ct.Rules
	rp := path + ".rules"
	if r.Preset == "" && r.Method == "" {
		c.add(rp, "%s: rules need a preset or a method", where)
	}
	for _, t := range []struct{ key, value string }{{"preset", r.Preset}, {"method", r.Method}, {"tie", r.Tie}} {
		if t.value != "" && !idPattern.MatchString(t.value) {
			c.add(rp+"."+t.key, "%s: rules: %s %q is not a name (letters, digits, '-', '_', '.')", where, t.key, t.value)
		}
	}
	switch {
	case r.Seats < 0:
		c.add(rp+".seats", "%s: rules: seats %d is negative", where, r.Seats)
	case r.Seats == 0 && r.Preset == "" && ct.Kind == dauys.KindList:
		c.add(rp, "%s: rules: a list contest without a preset needs seats (1 or more)", where)
	case r.Seats > 0 && ct.Kind == dauys.KindReferendum:
		c.add(rp+".seats", "%s: rules: a referendum fills no seats", where)
	}
	listOnly := func(key, value string) {
		if value != "" && ct.Kind != "" && ct.Kind != dauys.KindList {
			c.add(rp+"."+key, "%s: rules: %s applies to list contests only", where, key)
		}
	}
	if r.Threshold != "" {
		if p := percentProblem(r.Threshold); p != "" {
			c.add(rp+".threshold", "%s: rules: threshold %s", where, p)
		}
		listOnly("threshold", r.Threshold)
	}
	if r.ThresholdBase != "" {
		listOnly("threshold_base", r.ThresholdBase)
		c.checkBase(ct, form, rp+".threshold_base", where, "threshold_base", r.ThresholdBase)
	}
	if r.Quorum != "" {
		if p := percentProblem(r.Quorum); p != "" {
			c.add(rp+".quorum", "%s: rules: quorum %s", where, p)
		}
	}
	if r.MajorityBase != "" {
		if r.MajorityBase != "took_part" && r.MajorityBase != "valid" {
			c.add(rp+".majority_base", "%s: rules: majority_base %q is unknown (took_part or valid)", where, r.MajorityBase)
		}
		if ct.Kind == dauys.KindList || ct.Kind == dauys.KindPlurality {
			c.add(rp+".majority_base", "%s: rules: majority_base applies to majority and referendum contests only", where)
		}
	}
	if r.Territorial != "" {
		f, ok := new(big.Rat).SetString(r.Territorial)
		if !ok || f.Sign() <= 0 || f.Cmp(big.NewRat(1, 1)) > 0 {
			c.add(rp+".territorial", "%s: rules: territorial %q is not a fraction of the units such as 2/3", where, r.Territorial)
		}
		if ct.Kind != "" && ct.Kind != dauys.KindReferendum {
			c.add(rp+".territorial", "%s: rules: territorial applies to referendums only", where)
		}
		if ct.Units == "" {
			c.add(rp+".territorial", "%s: rules: territorial needs the contest's units (the area level of the territorial units)", where)
		}
	}
}

// checkBase checks a base of percentages: a line or a sum of lines of the
// contest's form.
func (c *checker) checkBase(ct *dauys.Contest, form *dauys.Form, path, where, key, base string) {
	// The bases are the rules engine's: votes for options, votes for
	// options plus against all, or all ballots cast.
	need := map[string]string{"votes": "", "votes+against_all": "against_all", "took_part": "took_part"}
	line, ok := need[base]
	if !ok {
		c.add(path, "%s: rules: %s %q is unknown (votes, votes+against_all or took_part)", where, key, base)
		return
	}
	if form == nil || line == "" {
		return
	}
	for _, l := range form.LinesFor(ct) {
		if l.Name == line {
			return
		}
	}
	c.add(path, "%s: rules: %s %s needs the line %q, which form %s lacks", where, key, base, line, form.ID)
}

// percentProblem checks a percentage written as an exact decimal.
func percentProblem(s string) string {
	if !percentRE.MatchString(s) {
		return fmt.Sprintf("%q is not a percentage written as a decimal number such as 5 or 7.5", s)
	}
	r, _ := new(big.Rat).SetString(s)
	if r.Cmp(big.NewRat(100, 1)) > 0 {
		return fmt.Sprintf("%s is more than 100 percent", s)
	}
	return ""
}

func (c *checker) checkImport() {
	im := c.e.Import
	hasAreas := im.AreaColumn != "" || len(im.AreaColumns) > 0
	if im.AreaColumn != "" && len(im.AreaColumns) > 0 {
		c.add("import", "import: give area_column (a column of area ids) or area_columns (a path of names), not both")
	}
	var rootLevel string
	if r := c.e.Root(); r != nil {
		rootLevel = r.Level
	}
	columns := map[string]string{}
	useColumn := func(path, col, what string) {
		if col == "" {
			c.add(path, "import: %s: column is missing", what)
			return
		}
		if first, dup := columns[col]; dup {
			c.add(path, "import: %s: column %q is already used for %s", what, col, first)
			return
		}
		columns[col] = what
	}
	levels := map[string]bool{}
	for k, ac := range im.AreaColumns {
		ap := fmt.Sprintf("import.area_columns[%d]", k)
		useColumn(ap, ac.Column, fmt.Sprintf("area_columns[%d]", k))
		_, defined := c.levelDepth[ac.Level]
		switch {
		case ac.Level == "":
			c.add(ap, "import: area_columns[%d]: level is missing", k)
		case levels[ac.Level]:
			c.add(ap+".level", "import: area_columns[%d]: level %s is mapped twice", k, ac.Level)
		case ac.Level == rootLevel:
			c.add(ap+".level", "import: area_columns[%d]: level %s is the root's; the path starts below the root", k, ac.Level)
		case !defined && !slices.Contains(standardLevels, ac.Level):
			c.add(ap+".level", "import: area_columns[%d]: level %q is neither a level of the areas nor one of %s", k, ac.Level, joinComma(standardLevels))
		case defined && c.levelDepth[ac.Level] != k+1:
			c.add(ap+".level", "import: area_columns[%d]: level %s lies %d below the root, but this is step %d of the path", k, ac.Level, c.levelDepth[ac.Level], k+1)
		}
		levels[ac.Level] = true
	}
	if im.AreaColumn != "" {
		useColumn("import.area_column", im.AreaColumn, "area_column")
	}
	if im.ContestColumn != "" {
		useColumn("import.contest_column", im.ContestColumn, "contest_column")
	}
	if im.ContestColumn != "" && im.Contest != "" {
		c.add("import", "import: give contest_column or contest, not both")
	}
	if im.Contest != "" && c.e.Contest(im.Contest) == nil {
		c.add("import.contest", "import: contest %s does not exist", im.Contest)
	}
	if hasAreas && im.ContestColumn == "" && im.Contest == "" && len(c.e.Contests) > 1 {
		c.add("import", "import: the election has %d contests; name the contest_column or fix the contest", len(c.e.Contests))
	}
	if !hasAreas && (im.ContestColumn != "" || im.Contest != "") {
		c.add("import", "import: name the area_column or the area_columns")
	}
	// A column of the mapping must not also be read as a protocol line.
	for _, f := range c.e.Forms {
		for _, l := range f.Lines {
			col := cmp.Or(l.Column, l.Name)
			if what, clash := columns[col]; clash && l.Derived == "" {
				c.add("import", "import: column %q of %s is also the column of line %s in form %s", col, what, l.Name, f.ID)
			}
		}
	}
}

// validLineName mirrors the rule of the domain's expression parser: letters,
// digits and '_', ':', '.', '-', not starting with a digit.
func validLineName(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r == ':' || r == '.' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

func joinComma(list []string) string { return strings.Join(list, ", ") }

// checkCandidates checks a party list: every candidate has a name, a known
// gender and a birth year before the election, and the list is bounded.
func (c *checker) checkCandidates(o *dauys.Option, op, where string) {
	if len(o.Candidates) > dauys.MaxListCandidates {
		c.add(op+".candidates", "%s: option %s: %d candidates, more than %d", where, o.ID, len(o.Candidates), dauys.MaxListCandidates)
		return
	}
	year, _ := strconv.Atoi(c.e.Date[:min(4, len(c.e.Date))])
	for x, cand := range o.Candidates {
		cp := fmt.Sprintf("%s.candidates[%d]", op, x)
		if strings.TrimSpace(cand.Name.KK+cand.Name.RU+cand.Name.EN) == "" {
			c.add(cp, "%s: option %s: candidate %d has no name", where, o.ID, x+1)
		}
		switch cand.Gender {
		case "", dauys.GenderFemale, dauys.GenderMale:
		default:
			c.add(cp+".gender", "%s: option %s: candidate %d: gender %q is not female or male", where, o.ID, x+1, cand.Gender)
		}
		if cand.BirthYear != 0 && (cand.BirthYear < 1900 || year > 0 && cand.BirthYear > year) {
			c.add(cp+".birth_year", "%s: option %s: candidate %d: birth year %d is not between 1900 and the election's year", where, o.ID, x+1, cand.BirthYear)
		}
	}
}
