package election

import (
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/dauys/dauys"
)

// Tree is the geography of an election, indexed for the questions intake
// and tally ask of it.
type Tree struct {
	// mu guards the maps: imports add precincts while pages read.
	mu       sync.RWMutex
	areas    map[string]*dauys.Area
	children map[string][]string
	root     string
	// lineage caches, per parent, the ancestors of its children, which
	// every protocol carries: the precincts of a district share one slice.
	lineage sync.Map // parent id -> []string
}

// NewTree indexes areas; it refuses a forest, a missing parent or a cycle.
func NewTree(areas []dauys.Area) (*Tree, error) {
	t := &Tree{areas: make(map[string]*dauys.Area, len(areas)), children: map[string][]string{}}
	for i := range areas {
		a := &areas[i]
		if _, dup := t.areas[a.ID]; dup {
			return nil, dauys.Errorf(dauys.EINVALID, "area %s is defined twice", a.ID)
		}
		t.areas[a.ID] = a
		if a.Parent == "" {
			if t.root != "" {
				return nil, dauys.Errorf(dauys.EINVALID, "areas %s and %s are both roots", t.root, a.ID)
			}
			t.root = a.ID
		}
	}
	if t.root == "" {
		return nil, dauys.Errorf(dauys.EINVALID, "the geography has no root area")
	}
	for i := range areas {
		a := &areas[i]
		if a.Parent == "" {
			continue
		}
		if t.areas[a.Parent] == nil {
			return nil, dauys.Errorf(dauys.EINVALID, "area %s: parent %s does not exist", a.ID, a.Parent)
		}
		t.children[a.Parent] = append(t.children[a.Parent], a.ID)
	}
	for id := range t.areas {
		if len(t.ancestors(id)) > len(t.areas) {
			return nil, dauys.Errorf(dauys.EINVALID, "area %s is in a cycle", id)
		}
	}
	return t, nil
}

func (t *Tree) add(a dauys.Area) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.areas[a.ID] = &a
	if a.Parent != "" {
		t.children[a.Parent] = append(t.children[a.Parent], a.ID)
	}
}

// Root returns the root area's id.
func (t *Tree) Root() string { return t.root }

// Area returns the area with the id, or nil.
func (t *Tree) Area(id string) *dauys.Area {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.areas[id]
}

// Children returns the ids of the area's children in definition order.
func (t *Tree) Children(id string) []string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.children[id]
}

// IsLeaf reports whether the area has no children: a precinct.
func (t *Tree) IsLeaf(id string) bool {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return len(t.children[id]) == 0
}

// Len returns the number of areas.
func (t *Tree) Len() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return len(t.areas)
}

// Ancestors returns the area's ancestors, nearest first, up to the root. It
// stops after visiting more areas than the tree has, so that a cycle cannot
// loop forever.
//
// The slice may be shared with other areas of the same parent: callers
// must not modify it.
func (t *Tree) Ancestors(id string) []string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	a := t.areas[id]
	if a == nil || a.Parent == "" {
		return nil
	}
	if l, ok := t.lineage.Load(a.Parent); ok {
		return l.([]string)
	}
	l := slices.Clip(t.ancestors(id))
	// Only a whole lineage is kept: one that stops short of the root (a
	// parent not added yet) is not cached.
	if len(l) > 0 && l[len(l)-1] == t.root {
		t.lineage.Store(a.Parent, l)
	}
	return l
}

func (t *Tree) ancestors(id string) []string {
	var out []string
	for a := t.areas[id]; a != nil && a.Parent != "" && len(out) <= len(t.areas); a = t.areas[a.Parent] {
		out = append(out, a.Parent)
	}
	return out
}

// Path returns the ids from the root down to the area, inclusive.
func (t *Tree) Path(id string) []string {
	anc := t.Ancestors(id)
	out := make([]string, 0, len(anc)+1)
	for i := len(anc) - 1; i >= 0; i-- {
		out = append(out, anc[i])
	}
	return append(out, id)
}

// Within reports whether the area is the other area or below it.
func (t *Tree) Within(id, other string) bool {
	if id == other {
		return true
	}
	for _, a := range t.Ancestors(id) {
		if a == other {
			return true
		}
	}
	return false
}

// InContest reports whether the precinct votes in the contest.
func (t *Tree) InContest(precinct string, c *dauys.Contest) bool {
	if len(c.Areas) == 0 {
		return true
	}
	for _, a := range c.Areas {
		if t.Within(precinct, a) {
			return true
		}
	}
	return false
}

// Touches reports whether any precinct below the area votes in the contest.
func (t *Tree) Touches(area string, c *dauys.Contest) bool {
	if len(c.Areas) == 0 {
		return true
	}
	for _, a := range c.Areas {
		if t.Within(area, a) || t.Within(a, area) {
			return true
		}
	}
	return false
}

// Expected counts the precincts below an area that vote in the contest and
// sums their registered voters.
func (t *Tree) Expected(area string, c *dauys.Contest) (precincts int, registered int64) {
	var walk func(id string)
	walk = func(id string) {
		kids := t.Children(id)
		if len(kids) == 0 {
			if t.InContest(id, c) {
				precincts++
				registered += t.Area(id).Registered
			}
			return
		}
		for _, k := range kids {
			if t.Touches(k, c) {
				walk(k)
			}
		}
	}
	if t.Area(area) != nil {
		walk(area)
	}
	return precincts, registered
}

// AtLevel returns the ids of the areas of a level, sorted.
func (t *Tree) AtLevel(level string) []string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	var out []string
	for id, a := range t.areas {
		if a.Level == level {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// String describes the tree for debugging.
func (t *Tree) String() string { return fmt.Sprintf("tree(root=%s, areas=%d)", t.root, len(t.areas)) }
