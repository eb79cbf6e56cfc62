// Package definition reads election definitions: a YAML file that names an
// election's geography, contests, protocol forms and CSV import mapping, and
// optionally a CSV file with the bulk of the areas (ten thousand precincts
// are easier to keep in a table than in YAML).
//
// Loading checks the whole definition and names every problem with its file
// and line, so that the person who wrote it can fix them all in one pass.
// The format is documented in docs/definitions.md.
//
// It owns the file format and imports only the domain: never intake,
// election, tally, a store or the web.
package definition

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/dauys/dauys"
	"go.yaml.in/yaml/v3"
)

// DefaultFile is the definition file looked up when Load is given a
// directory.
const DefaultFile = "election.yaml"

// Options extends the checks that loading performs.
type Options struct {
	// CheckRules, when set, validates a contest's rules against the rules
	// engine: that its preset exists and that the overrides make sense for
	// the contest. Without it only the syntax of the rules is checked.
	CheckRules func(c *dauys.Contest) error
	// CheckLists, when set, checks a contest's party lists against the
	// law's rules for them, such as the quota of women and young people:
	// an error refuses the definition, and warnings (a quota the law only
	// asks for) go to Warn. It runs only when CheckRules passed.
	CheckLists func(e *dauys.Election, c *dauys.Contest) (warnings []string, err error)
	// Warn receives each warning with its file and line; nil drops them.
	Warn func(msg string)
}

// Load reads the definition at path, a YAML file or a directory holding
// election.yaml, with the files it refers to.
func Load(path string) (*dauys.Election, error) {
	return LoadWith(path, Options{})
}

// LoadWith is Load with extra checks.
func LoadWith(path string, opt Options) (*dauys.Election, error) {
	dir, name := filepath.Dir(path), filepath.Base(path)
	if st, err := os.Stat(path); err != nil {
		return nil, openError(path, err)
	} else if st.IsDir() {
		dir, name = path, DefaultFile
	}
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return nil, openError(filepath.Join(dir, name), err)
	}
	return ParseWith(data, name, os.DirFS(dir), opt)
}

func openError(path string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return dauys.Errorf(dauys.ENOTFOUND, "definition %s does not exist", path)
	}
	return fmt.Errorf("definition: %w", err)
}

// Parse reads a definition from data. Name is the file name used in
// messages; fsys resolves the files the definition refers to (areas_file)
// and may be nil when there are none.
func Parse(data []byte, name string, fsys fs.FS) (*dauys.Election, error) {
	return ParseWith(data, name, fsys, Options{})
}

// ParseWith is Parse with extra checks.
func ParseWith(data []byte, name string, fsys fs.FS, opt Options) (*dauys.Election, error) {
	probs := &problems{}
	var f file
	d := &decoder{probs: probs.in(name), lines: map[string]int{}}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		line, msg := yamlErrorLine(err)
		probs.in(name).add(line, "%s", msg)
		return nil, probs.err(name)
	}
	if top, _ := resolve(&root); top == nil || top.Kind != yaml.MappingNode {
		line := 0
		if top != nil {
			line = top.Line
		}
		probs.in(name).add(line, "a definition is a mapping of keys such as id, name, date, areas, contests and forms")
		return nil, probs.err(name)
	}
	d.decode(&root, reflect.ValueOf(&f).Elem(), "")

	e := &f.Election
	places := make([]place, len(e.Areas))
	for i := range e.Areas {
		places[i] = place{name, d.lines[fmt.Sprintf("areas[%d]", i)]}
	}
	if f.AreasFile != "" {
		areas, at := readAreasFile(f.AreasFile, fsys, probs, place{name, d.lines["areas_file"]})
		e.Areas = append(e.Areas, areas...)
		places = append(places, at...)
	}
	if f.BoundariesFile != "" {
		e.Boundaries = readBoundariesFile(f.BoundariesFile, fsys, probs, place{name, d.lines["boundaries_file"]})
	}
	if e.Status == "" {
		e.Status = dauys.StatusPreElection
	}
	c := &checker{e: e, file: name, lines: d.lines, areaPlaces: places, probs: probs, opt: opt}
	c.check()
	if err := probs.err(name); err != nil {
		return nil, err
	}
	e.Definition = slices.Clone(data)
	return e, nil
}

// file is the top level of a definition: an election and the optional CSV
// file of areas.
type file struct {
	dauys.Election
	AreasFile      string `json:"areas_file"`
	BoundariesFile string `json:"boundaries_file"`
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// yamlErrorLine takes the line number out of a YAML syntax error.
func yamlErrorLine(err error) (int, string) {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n, msg[len(m[0]):]
	}
	return 0, strings.TrimPrefix(msg, "yaml: ")
}

// place is a position in a definition file or the areas file.
type place struct {
	file string
	line int
}

func (p place) String() string {
	if p.line <= 0 {
		return p.file
	}
	return fmt.Sprintf("%s:%d", p.file, p.line)
}

type problem struct {
	at  place
	msg string
}

// problems collects what is wrong with a definition; files are listed in
// the order they were first named.
type problems struct {
	list  []problem
	files []string
}

// fileProblems adds problems in one file.
type fileProblems struct {
	p    *problems
	file string
}

func (p *problems) in(file string) fileProblems {
	if !slices.Contains(p.files, file) {
		p.files = append(p.files, file)
	}
	return fileProblems{p, file}
}

func (p *problems) addAt(at place, format string, args ...any) {
	p.in(at.file)
	p.list = append(p.list, problem{at, fmt.Sprintf(format, args...)})
}

func (fp fileProblems) add(line int, format string, args ...any) {
	fp.p.addAt(place{fp.file, line}, format, args...)
}

// err returns the problems as one *dauys.Error with code EINVALID, one
// problem a line, sorted by file and line; nil when there are none.
func (p *problems) err(name string) error {
	if len(p.list) == 0 {
		return nil
	}
	slices.SortStableFunc(p.list, func(a, b problem) int {
		return cmp.Or(
			cmp.Compare(slices.Index(p.files, a.at.file), slices.Index(p.files, b.at.file)),
			cmp.Compare(a.at.line, b.at.line))
	})
	var b strings.Builder
	noun := "problems"
	if len(p.list) == 1 {
		noun = "problem"
	}
	fmt.Fprintf(&b, "definition %s has %d %s:", name, len(p.list), noun)
	for _, pr := range p.list {
		fmt.Fprintf(&b, "\n%s: %s", pr.at, pr.msg)
	}
	return &dauys.Error{Code: dauys.EINVALID, Message: b.String()}
}
