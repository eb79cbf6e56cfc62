package verify

import (
	"fmt"
	"sort"

	"github.com/dauys/dauys"
)

// tree is the geography as the log states it. The verifier keeps its own,
// rather than intake's, so that it shares no code with what it checks
// beyond the domain types.
type tree struct {
	areas    map[string]*dauys.Area
	order    []string // in the order the log added them
	children map[string][]string
	root     string
}

func newTree() *tree {
	return &tree{areas: map[string]*dauys.Area{}, children: map[string][]string{}}
}

// add adds areas; their parents must be known by the end of the batch.
func (t *tree) add(areas []dauys.Area) error {
	for i := range areas {
		a := areas[i]
		if a.ID == "" {
			return fmt.Errorf("an area has no id")
		}
		if t.areas[a.ID] != nil {
			return fmt.Errorf("area %s is added twice", a.ID)
		}
		if a.Parent == "" {
			if t.root != "" {
				return fmt.Errorf("areas %s and %s are both roots", t.root, a.ID)
			}
			t.root = a.ID
		}
		t.areas[a.ID] = &a
		t.order = append(t.order, a.ID)
	}
	for _, a := range areas {
		if a.Parent == "" {
			continue
		}
		if t.areas[a.Parent] == nil {
			return fmt.Errorf("area %s: its parent %s is not in the log", a.ID, a.Parent)
		}
		t.children[a.Parent] = append(t.children[a.Parent], a.ID)
	}
	for _, a := range areas {
		if len(t.ancestors(a.ID)) >= len(t.areas) {
			return fmt.Errorf("area %s is in a cycle", a.ID)
		}
	}
	return nil
}

// ancestors returns the area's ancestors, nearest first, stopping after as
// many steps as there are areas.
func (t *tree) ancestors(id string) []string {
	var out []string
	for a := t.areas[id]; a != nil && a.Parent != "" && len(out) < len(t.areas); a = t.areas[a.Parent] {
		out = append(out, a.Parent)
	}
	return out
}

func (t *tree) isLeaf(id string) bool { return len(t.children[id]) == 0 }

// within reports whether id is other or below it.
func (t *tree) within(id, other string) bool {
	if id == other {
		return true
	}
	for _, a := range t.ancestors(id) {
		if a == other {
			return true
		}
	}
	return false
}

// inContest reports whether a precinct votes in a contest.
func (t *tree) inContest(precinct string, c *dauys.Contest) bool {
	if len(c.Areas) == 0 {
		return true
	}
	for _, a := range c.Areas {
		if t.within(precinct, a) {
			return true
		}
	}
	return false
}

// touches reports whether any precinct below an area votes in a contest.
func (t *tree) touches(area string, c *dauys.Contest) bool {
	if len(c.Areas) == 0 {
		return true
	}
	for _, a := range c.Areas {
		if t.within(area, a) || t.within(a, area) {
			return true
		}
	}
	return false
}

// atLevel returns the areas of a level, sorted by id.
func (t *tree) atLevel(level string) []string {
	var out []string
	for id, a := range t.areas {
		if a.Level == level {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// walk returns the areas from the root down, each before its children,
// children in the order they were added.
func (t *tree) walk() []string {
	out := make([]string, 0, len(t.areas))
	var visit func(string)
	visit = func(id string) {
		out = append(out, id)
		for _, k := range t.children[id] {
			visit(k)
		}
	}
	if t.root != "" {
		visit(t.root)
	}
	return out
}

// name describes an area for a message: its id and English name.
func (t *tree) name(id string) string {
	a := t.areas[id]
	if a == nil {
		return id
	}
	if n := a.Name.In("en"); n != "" && n != id {
		return fmt.Sprintf("%s (%s)", id, n)
	}
	return id
}
