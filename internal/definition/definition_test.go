package definition_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/definition"
)

// base is a small, valid definition. The problem cases below change one
// thing each; replacements keep the number of lines unless they add some on
// purpose, so that places stay easy to read.
const base = `id: demo
name: {kk: Демо, ru: Демо, en: Demo}
date: 2023-03-19
timezone: Asia/Almaty
areas_file: areas.csv
areas:
  - {id: KZ, level: country, name: {en: Kazakhstan}}
  - {id: KZ-75, parent: KZ, level: region, tile: [4, 4], name: {en: Almaty}}
  - {id: KZ-71, parent: KZ, level: region, tile: [4, 1], name: {en: Astana}}
forms:
  - id: election
    lines:
      - {name: registered, kind: voters}
      - {name: received, kind: ballots}
      - {name: issued, kind: ballots}
      - {name: cancelled, kind: ballots}
      - {name: took_part, kind: ballots}
      - {name: invalid, kind: ballots}
      - {name: against_all, kind: votes}
    option_lines: true
    relations:
      - {code: E_BALANCE, expr: "took_part = @options + against_all + invalid"}
      - {code: E_BALLOTS, expr: "received = issued + cancelled"}
      - {code: E_ISSUED, expr: "took_part <= issued"}
    checks:
      - {code: W_TURNOUT, expr: "took_part > 95% registered"}
contests:
  - id: list
    name: {en: Party lists}
    kind: list
    rules: {preset: kz-mazhilis-2023, seats: 69}
    form: election
    options:
      - {id: amanat, name: {en: AMANAT}, color: "#1c75bc"}
      - {id: auyl, name: {en: Auyl}}
  - id: smd-03
    name: {en: District 3}
    kind: plurality
    rules: {method: plurality, seats: 1}
    areas: [KZ-75-01]
    form: election
    options:
      - {id: c1, name: {en: Nurlan Abenov}, party: amanat}
      - {id: c2, name: {en: Aigerim Seitkali}}
  - id: referendum
    name: {en: Question}
    kind: referendum
    rules: {preset: kz-referendum-constitutional, territorial: 2/3}
    units: region
    form: election
import:
  area_column: area
  contest_column: contest
`

const baseAreas = `id,parent,level,number,iso,registered,name_kk,name_ru,name_en
KZ-75-01,KZ-75,district,,,,Алатау ауданы,Алатауский район,Alatau District
KZ-75-01-0001,KZ-75-01,precinct,1,,2512,,,
KZ-75-01-0002,KZ-75-01,precinct,2,,1870,,,
KZ-71-01,KZ-71,district,,,,,,Almaty District
KZ-71-01-0001,KZ-71-01,precinct,1,,980,,,
`

func TestParseGood(t *testing.T) {
	e := mustParse(t, base, baseAreas)
	if e.ID != "demo" || e.Name.EN != "Demo" || e.Date != "2023-03-19" || e.Timezone != "Asia/Almaty" {
		t.Errorf("election = %s %+v %s %s", e.ID, e.Name, e.Date, e.Timezone)
	}
	if e.Status != dauys.StatusPreElection {
		t.Errorf("status = %q, want the default %q", e.Status, dauys.StatusPreElection)
	}
	if string(e.Definition) != base {
		t.Error("Definition does not hold the original bytes")
	}
	if len(e.Areas) != 8 {
		t.Fatalf("%d areas, want 3 from YAML and 5 from CSV", len(e.Areas))
	}
	want := dauys.Area{ID: "KZ-75-01-0001", Parent: "KZ-75-01", Level: "precinct", Number: "1", Registered: 2512}
	if got := e.Areas[4]; !equalArea(got, want) {
		t.Errorf("areas[4] = %+v, want %+v", got, want)
	}
	if got := e.Areas[3].Name; got != (dauys.Text{KK: "Алатау ауданы", RU: "Алатауский район", EN: "Alatau District"}) {
		t.Errorf("areas[3].Name = %+v", got)
	}
	if got := e.Areas[1].Tile; !slices.Equal(got, []int{4, 4}) {
		t.Errorf("tile = %v", got)
	}
	c := e.Contest("list")
	if c == nil || c.Rules.Seats != 69 || c.Rules.Preset != "kz-mazhilis-2023" || len(c.Options) != 2 || c.Options[0].Color != "#1c75bc" {
		t.Errorf("contest list = %+v", c)
	}
	if r := e.Contest("referendum").Rules; r.Territorial != "2/3" {
		t.Errorf("territorial = %q", r.Territorial)
	}
	f := e.Form("election")
	if f == nil || len(f.Lines) != 7 || !f.OptionLines || len(f.Relations) != 3 || len(f.Checks) != 1 {
		t.Errorf("form = %+v", f)
	}
	if e.Import.AreaColumn != "area" || e.Import.ContestColumn != "contest" {
		t.Errorf("import = %+v", e.Import)
	}
}

func equalArea(a, b dauys.Area) bool {
	return a.ID == b.ID && a.Parent == b.Parent && a.Level == b.Level && a.Number == b.Number &&
		a.ISO == b.ISO && a.Registered == b.Registered && a.Name == b.Name && slices.Equal(a.Tile, b.Tile)
}

// TestParseValues covers the YAML forms a writer may use: numbers for string
// fields, aliases and merge keys, comments, an empty areas file.
func TestParseValues(t *testing.T) {
	yaml := strings.Replace(base, `rules: {preset: kz-mazhilis-2023, seats: 69}`,
		`rules: &list {preset: kz-mazhilis-2023, seats: 69, threshold: 5, threshold_base: "votes+against_all"}`, 1)
	yaml = strings.Replace(yaml, `rules: {method: plurality, seats: 1}`, `rules: {<<: *list, preset: "", method: plurality, seats: 1, threshold: "", threshold_base: ""}`, 1)
	e := mustParse(t, yaml, baseAreas)
	if r := e.Contest("list").Rules; r.Threshold != "5" || r.ThresholdBase != "votes+against_all" {
		t.Errorf("list rules = %+v", r)
	}
	if r := e.Contest("smd-03").Rules; r.Method != "plurality" || r.Seats != 1 || r.Preset != "" || r.Threshold != "" {
		t.Errorf("merged rules = %+v", r)
	}
}

func TestParseProblems(t *testing.T) {
	type want struct {
		at  string // a text on the line the problem is placed at ("" for no line)
		msg string
	}
	tests := []struct {
		name  string
		edits []string // old, new pairs applied to base
		areas string   // replaces baseAreas when set
		file  string   // the file of the places, election.yaml by default
		want  []want
	}{
		{
			name:  "unknown key",
			edits: []string{"  contest_column: contest", "  contest_colum: contest"},
			want:  []want{{"contest_colum:", `import: unknown key "contest_colum"`}},
		},
		{
			name:  "unknown key in a name",
			edits: []string{"name: {en: District 3}", "name: {en: District 3, de: Bezirk 3}"},
			want:  []want{{"Bezirk 3", `contests[1].name: unknown key "de" (known: kk, ru, en)`}},
		},
		{
			name:  "repeated key",
			edits: []string{"    kind: plurality\n", "    kind: plurality\n    kind: majority\n"},
			want:  []want{{"kind: majority", `key "kind" repeats the one on line`}},
		},
		{
			name:  "wrong shape",
			edits: []string{"seats: 69}", "seats: many}", "tile: [4, 1]", "tile: 4"},
			want: []want{
				{"seats: many", `contests[0].rules.seats: expected an integer, found "many"`},
				{"tile: 4", `areas[2].tile: expected a list`},
			},
		},
		{
			name:  "syntax error",
			edits: []string{"  - id: list\n", "  - id: list\n   bad: [\n"},
			want:  []want{{"", "did not find expected"}},
		},
		{
			name:  "election fields",
			edits: []string{"id: demo", "id: de mo", "date: 2023-03-19", "date: 19.03.2023", "timezone: Asia/Almaty", "timezone: Asia/Nowhere", "areas_file: areas.csv", "status: done\nareas_file: areas.csv"},
			want: []want{
				{"id: de mo", `election: id "de mo" is not URL-safe`},
				{"date: 19.03.2023", `election: date "19.03.2023" is not a day written YYYY-MM-DD`},
				{"timezone:", `election: timezone "Asia/Nowhere" is not an IANA time zone`},
				{"status: done", `election: status "done" is unknown`},
			},
		},
		{
			name:  "contest area does not exist",
			edits: []string{"areas: [KZ-75-01]", "areas: [KZ-99]"},
			want:  []want{{"areas: [KZ-99]", "contest smd-03: area KZ-99 does not exist"}},
		},
		{
			name:  "contest areas overlap",
			edits: []string{"areas: [KZ-75-01]", "areas: [KZ-75, KZ-75-01-0002, KZ-75]"},
			want: []want{
				{"areas: [KZ-75, ", "contest smd-03: area KZ-75 is listed twice"},
				{"areas: [KZ-75, ", "contest smd-03: area KZ-75-01-0002 lies within area KZ-75, which the contest lists too"},
			},
		},
		{
			name:  "duplicate ids",
			edits: []string{"  - id: smd-03", "  - id: list", "{id: auyl,", "{id: amanat,", "{id: KZ-71, parent", "{id: KZ-75, parent"},
			want: []want{
				{"  - id: list\n    name: {en: District", "contest list: id already used at election.yaml:"},
				{"{id: amanat, name: {en: Auyl}}", "contest list: option amanat is listed twice"},
				{"name: {en: Astana}", "area KZ-75: id already used at election.yaml:8"},
			},
		},
		{
			name:  "roots, parents and cycles",
			edits: []string{"{id: KZ-71, parent: KZ,", "{id: KZ-71,"},
			areas: strings.Replace(baseAreas, "KZ-75-01,KZ-75,", "KZ-75-01,KZ-75-01-0002,", 1),
			want: []want{
				{"name: {en: Astana}", "area KZ-71: has no parent, but area KZ is already the root"},
				{"", "parents form a cycle: KZ-75-01 -> KZ-75-01-0002 -> KZ-75-01"},
			},
		},
		{
			name:  "levels and tiles",
			edits: []string{"{id: KZ-71, parent: KZ, level: region, tile: [4, 1]", "{id: KZ-71, parent: KZ, level: oblast, tile: [4, 4]"},
			areas: strings.Replace(baseAreas, "KZ-71-01-0001,KZ-71-01,precinct", "KZ-71-01-0001,KZ-71-01,region", 1),
			want: []want{
				{"", "area KZ-71-01-0001: level region is 3 below the root here but 1 below it for area KZ-75 (election.yaml:8)"},
			},
		},
		{
			name:  "same tile",
			edits: []string{"tile: [4, 1]", "tile: [4, 4]"},
			want:  []want{{"name: {en: Astana}", "area KZ-71: tile [4, 4] is also the tile of area KZ-75"}},
		},
		{
			name: "areas file rows",
			areas: baseAreas + "KZ-75-01-0003,KZ-75-09,precinct,3,,-5,,,\n" +
				"KZ 75,KZ-75,district,,,,,,\n" +
				"KZ-75-01-0004,KZ-75-01,precinct,4,,many,,,\n" +
				"KZ-75-01-0005,KZ-75-01,precinct\n" +
				"KZ-75-01-0006,KZ-75-01,precinct,6,,4611686018427387904,,,\n",
			want: []want{
				{"", "areas.csv:7: area KZ-75-01-0003: parent KZ-75-09 does not exist"},
				{"", "areas.csv:7: area KZ-75-01-0003: registered voters -5 is negative"},
				{"", `areas.csv:8: area id "KZ 75" is not URL-safe`},
				{"", `areas.csv:9: area KZ-75-01-0004: registered "many" is not a whole number`},
				{"", "areas.csv:10: wrong number of fields"},
				{"", "areas.csv:11: area KZ-75-01-0006: registered voters 4611686018427387904 is more than a precinct can hold (1000000000)"},
			},
		},
		{
			name:  "areas file header",
			areas: "id,parent,level,nmber,name_kk,name_kk\nKZ-75-01,KZ-75,district,,,\n",
			want: []want{
				{"", `areas.csv:1: unknown column "nmber"`},
				{"", `areas.csv:1: column "name_kk" appears twice`},
			},
		},
		{
			name:  "areas file missing",
			edits: []string{"areas_file: areas.csv", "areas_file: ../areas.csv"},
			want:  []want{{"areas_file:", `areas_file "../areas.csv": must be a relative path inside the definition's directory`}},
		},
		{
			name:  "kinds and forms",
			edits: []string{"kind: plurality", "kind: stv", "    form: election\nimport", "    form: ballot\nimport"},
			want: []want{
				{"kind: stv", `contest smd-03: kind "stv" is unknown (known: list, plurality, majority, referendum)`},
				{"form: ballot", "contest referendum: form ballot does not exist"},
			},
		},
		{
			name:  "options",
			edits: []string{"      - {id: c1, name: {en: Nurlan Abenov}, party: amanat}\n      - {id: c2, name: {en: Aigerim Seitkali}}\n", "", `color: "#1c75bc"`, `color: blue, column: received`},
			want: []want{
				{"  - id: smd-03", "contest smd-03: a plurality contest needs options (its candidates)"},
				{"color: blue", `contest list: option amanat: color "blue" is not #rgb or #rrggbb`},
				{"color: blue", `contest list: option amanat reads column "received", which line received of form election reads`},
			},
		},
		{
			name:  "rules",
			edits: []string{"rules: {method: plurality, seats: 1}", "rules: {seats: -1, majority_base: valid}", "rules: {preset: kz-mazhilis-2023, seats: 69}", "rules: {method: hare, threshold: 105, threshold_base: took_part + nobody}"},
			want: []want{
				{"rules: {seats: -1", "contest smd-03: rules need a preset or a method"},
				{"rules: {seats: -1", "contest smd-03: rules: seats -1 is negative"},
				{"rules: {seats: -1", "contest smd-03: rules: majority_base applies to majority and referendum contests only"},
				{"rules: {method: hare", "contest list: rules: a list contest without a preset needs seats (1 or more)"},
				{"rules: {method: hare", "contest list: rules: threshold 105 is more than 100 percent"},
				{"rules: {method: hare", `contest list: rules: threshold_base "took_part + nobody" is unknown (votes, votes+against_all or took_part)`},
			},
		},
		{
			name:  "referendum units",
			edits: []string{"units: region", "units: oblast"},
			want:  []want{{"units: oblast", `contest referendum: units "oblast" is not a level of the areas`}},
		},
		{
			name:  "territorial needs units",
			edits: []string{"    units: region\n", ""},
			want:  []want{{"territorial: 2/3", "contest referendum: rules: territorial needs the contest's units"}},
		},
		{
			name: "form lines and expressions",
			edits: []string{
				"{name: cancelled, kind: ballots}", "{name: cancelled, kind: paper}",
				"{name: against_all, kind: votes}", "{name: against-all, kind: votes}",
				`expr: "received = issued + cancelled"`, `expr: "received = issued + spoiled"`,
				`{code: E_ISSUED, expr: "took_part <= issued"}`, `{code: E_BALANCE, expr: "took_part <= 95% issued"}`,
			},
			want: []want{
				{"kind: paper", `form election: line cancelled: kind "paper" is unknown`},
				{"against-all", `form election: line "against-all": '-' would read as a minus in expressions`},
				{"spoiled", `form election: relation E_BALLOTS: unknown line "spoiled"`},
				{"95% issued", "form election: code E_BALANCE is already used by the relation on line 22"},
				{"95% issued", "form election: relation E_BALANCE: a control relation takes no percentage"},
			},
		},
		{
			name: "derived lines",
			edits: []string{
				"{name: took_part, kind: ballots}", "{name: took_part, kind: ballots, derived: portable + stationary}",
				"{name: invalid, kind: ballots}", "{name: invalid, derived: invalid + 1, column: x}",
			},
			want: []want{
				{"derived: portable", `form election: line took_part: derived: unknown line "portable"`},
				{"derived: invalid", "form election: line invalid is derived, so it is computed and has no column"},
				{"derived: invalid", "form election: line invalid is derived from itself"},
			},
		},
		{
			name:  "validator per contest",
			edits: []string{`{code: W_TURNOUT, expr: "took_part > 95% registered"}`, `{code: W_AMANAT, expr: "option:amanat > 90% took_part"}`},
			want:  []want{{"    form: election\nimport", `contest referendum: form election: check W_AMANAT: unknown line "option:amanat"`}},
		},
		{
			name:  "import mapping",
			edits: []string{"  area_column: area\n  contest_column: contest\n", "  area_columns:\n    - {column: region, level: region}\n    - {column: registered, level: county}\n  contest: nothing\n"},
			want: []want{
				{"{column: registered", `import: area_columns[1]: level "county" is neither a level of the areas nor one of region, district, precinct`},
				{"contest: nothing", "import: contest nothing does not exist"},
				{"import:", `import: column "registered" of area_columns[1] is also the column of line registered in form election`},
			},
		},
		{
			name:  "import levels out of order",
			edits: []string{"  area_column: area\n  contest_column: contest\n", "  area_columns:\n    - {column: district, level: district}\n    - {column: precinct, level: precinct}\n"},
			want: []want{
				{"{column: district", "import: area_columns[0]: level district lies 2 below the root, but this is step 1 of the path"},
				{"import:", "import: the election has 3 contests; name the contest_column or fix the contest"},
			},
		},
		{
			name:  "hook-free presets pass",
			edits: []string{"preset: kz-mazhilis-2023", "preset: no-such-preset"},
			want:  nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			yaml := base
			for i := 0; i+1 < len(tt.edits); i += 2 {
				if !strings.Contains(yaml, tt.edits[i]) {
					t.Fatalf("edit %q: not in the definition", tt.edits[i])
				}
				yaml = strings.Replace(yaml, tt.edits[i], tt.edits[i+1], 1)
			}
			areas := baseAreas
			if tt.areas != "" {
				areas = tt.areas
			}
			_, err := definition.Parse([]byte(yaml), "election.yaml", fstest.MapFS{"areas.csv": {Data: []byte(areas)}})
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				return
			}
			msg := mustInvalid(t, err)
			for _, w := range tt.want {
				place := ""
				if w.at != "" {
					place = "election.yaml:" + itoa(lineOf(t, yaml, w.at)) + ": "
				}
				if !strings.Contains(msg, "\n"+place) || !containsLine(msg, place, w.msg) {
					t.Errorf("missing problem %q%q in:\n%s", place, w.msg, msg)
				}
			}
			if n := strings.Count(msg, "\n"); n < len(tt.want) {
				t.Errorf("%d problems, want at least %d", n, len(tt.want))
			}
		})
	}
}

// containsLine reports whether a line of msg starts with place and
// contains text.
func containsLine(msg, place, text string) bool {
	for _, l := range strings.Split(msg, "\n") {
		if strings.HasPrefix(l, place) && strings.Contains(l, text) {
			return true
		}
	}
	return false
}

// TestEveryProblemAtOnce checks that loading does not stop at the first
// problem: problems of the YAML, the areas file and the checks come in one
// error, sorted by file and line.
func TestEveryProblemAtOnce(t *testing.T) {
	yaml := strings.NewReplacer(
		"date: 2023-03-19", "date: soon",
		"areas: [KZ-75-01]", "areas: [KZ-99]",
		"name: {en: Astana}}", "name: {en: Astana}, colour: blue}",
	).Replace(base)
	_, err := definition.Parse([]byte(yaml), "election.yaml", fstest.MapFS{"areas.csv": {Data: []byte(baseAreas + "X,KZ-00,precinct,,,,,,\n")}})
	msg := mustInvalid(t, err)
	lines := strings.Split(msg, "\n")
	want := []string{
		"definition election.yaml has 4 problems:",
		`election.yaml:3: election: date "soon" is not a day written YYYY-MM-DD`,
		`election.yaml:9: areas[2]: unknown key "colour" (known: id, parent, level, name, number, iso, tile, registered, timezone, opens, closes, kind)`,
		"election.yaml:40: contest smd-03: area KZ-99 does not exist",
		"areas.csv:7: area X: parent KZ-00 does not exist",
	}
	if !slices.Equal(lines, want) {
		t.Errorf("message:\n%s\nwant:\n%s", msg, strings.Join(want, "\n"))
	}
}

// TestAliasCycles checks that an alias back into the value that holds it
// is a problem, not an endless recursion.
func TestAliasCycles(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"merge of itself", "import: &x {<<: *x}\n", "election.yaml:1: import: an alias refers to a value that contains it"},
		{"rules of itself", "contests: [{rules: &r {<<: *r}}]\n", "election.yaml:1: contests[0].rules: an alias refers to a value that contains it"},
		{"list of itself", "areas: &a [*a]\n", "election.yaml:1: areas[0]: an alias refers to a value that contains it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := definition.Parse([]byte(tt.yaml), "election.yaml", nil)
			if msg := mustInvalid(t, err); !strings.Contains(msg, tt.want) {
				t.Errorf("message:\n%s\nwant %q", msg, tt.want)
			}
		})
	}
}

func TestCheckRulesHook(t *testing.T) {
	var seen []string
	opt := definition.Options{CheckRules: func(c *dauys.Contest) error {
		seen = append(seen, c.ID)
		if c.Rules.Preset == "kz-referendum-constitutional" {
			return dauys.Errorf(dauys.EINVALID, "preset %s needs a quorum", c.Rules.Preset)
		}
		return nil
	}}
	_, err := definition.ParseWith([]byte(base), "election.yaml", fstest.MapFS{"areas.csv": {Data: []byte(baseAreas)}}, opt)
	msg := mustInvalid(t, err)
	if want := "election.yaml:48: contest referendum: rules: preset kz-referendum-constitutional needs a quorum"; !strings.Contains(msg, want) {
		t.Errorf("message:\n%s\nwant %q", msg, want)
	}
	if !slices.Equal(seen, []string{"list", "smd-03", "referendum"}) {
		t.Errorf("hook saw %v", seen)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "election.yaml"), base)
	writeFile(t, filepath.Join(dir, "areas.csv"), baseAreas)
	writeFile(t, filepath.Join(dir, "other.yaml"), strings.Replace(base, "id: demo", "id: other", 1))
	tests := []struct {
		name, path, id, code string
	}{
		{"directory", dir, "demo", ""},
		{"areas file as ./areas.csv", "testdata/good", "demo-2023", ""},
		{"file", filepath.Join(dir, "election.yaml"), "demo", ""},
		{"other file", filepath.Join(dir, "other.yaml"), "other", ""},
		{"missing", filepath.Join(dir, "nothing.yaml"), "", dauys.ENOTFOUND},
		{"directory without election.yaml", t.TempDir(), "", dauys.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := definition.Load(tt.path)
			if code := dauys.ErrorCode(err); code != tt.code {
				t.Fatalf("Load: %v, want code %q", err, tt.code)
			}
			if err == nil && e.ID != tt.id {
				t.Errorf("id = %q, want %q", e.ID, tt.id)
			}
		})
	}
}

func mustParse(tb testing.TB, yaml, areas string) *dauys.Election {
	tb.Helper()
	e, err := definition.Parse([]byte(yaml), "election.yaml", fstest.MapFS{"areas.csv": {Data: []byte(areas)}})
	if err != nil {
		tb.Fatalf("Parse: %v", err)
	}
	return e
}

// mustInvalid returns the message of an EINVALID *dauys.Error.
func mustInvalid(tb testing.TB, err error) string {
	tb.Helper()
	var e *dauys.Error
	if !errors.As(err, &e) || e.Code != dauys.EINVALID {
		tb.Fatalf("error = %v, want a *dauys.Error with code %s", err, dauys.EINVALID)
	}
	return e.Message
}

// lineOf returns the line of the first occurrence of text in s.
func lineOf(tb testing.TB, s, text string) int {
	tb.Helper()
	i := strings.Index(s, text)
	if i < 0 {
		tb.Fatalf("%q is not in the definition", text)
	}
	return strings.Count(s[:i], "\n") + 1
}

func itoa(n int) string { return strconv.Itoa(n) }

func writeFile(tb testing.TB, path, data string) {
	tb.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// TestDocumentationExample loads the short complete example of
// docs/definitions.md, so that the documentation stays true.
func TestDocumentationExample(t *testing.T) {
	doc, err := os.ReadFile("../../docs/definitions.md")
	if err != nil {
		t.Fatal(err)
	}
	block := func(lang string) string {
		_, rest, ok := strings.Cut(string(doc), "```"+lang+"\n")
		if !ok {
			t.Fatalf("no %s block", lang)
		}
		text, _, _ := strings.Cut(rest, "```")
		return text
	}
	e := mustParse(t, block("yaml"), block("csv"))
	if len(e.Contests) != 3 || len(e.Areas) != 5 {
		t.Errorf("%d contests and %d areas, want 3 and 5", len(e.Contests), len(e.Areas))
	}
}

// TestAreasCSV pins the bytes of AreasCSV, which the transparency log
// records (tlog's TestDefinitionRecords reads them back as an areas file).
func TestAreasCSV(t *testing.T) {
	areas := []dauys.Area{
		{ID: "D1", Parent: "KZ", Level: dauys.LevelDistrict, Name: dauys.Text{KK: "Аудан", RU: "Район, \"центр\"", EN: "District"}},
		{ID: "P1", Parent: "D1", Level: dauys.LevelPrecinct, Number: "1", Registered: 1500, Name: dauys.T("1")},
	}
	got := string(definition.AreasCSV(slices.Values(areas)))
	want := "id,parent,level,number,iso,registered,name_kk,name_ru,name_en\n" +
		"D1,KZ,district,,,,Аудан,\"Район, \"\"центр\"\"\",District\n" +
		"P1,D1,precinct,1,,1500,1,1,1\n"
	if got != want {
		t.Fatalf("AreasCSV =\n%s\nwant\n%s", got, want)
	}
}
