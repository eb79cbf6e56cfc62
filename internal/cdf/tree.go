package cdf

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// areaTree is the tree of areas an import makes of the report's units. The
// format lets a unit belong to several others (a precinct is in a county, a
// congressional district and a polling place); Dauys counts over a tree, so
// the tree follows ComposingGpUnitIds down from the election scope, and the
// units it leaves out are reported and used only to delimit contests.
type areaTree struct {
	root     string
	parent   map[string]string
	children map[string][]string
	kept     map[string]bool
	order    []string            // kept units, every parent before its children
	below    map[string][]string // the leaves under each kept unit, in order
}

// administrative unit types are preferred as parents over districts and
// polling places when a unit is composed by several.
var administrative = map[string]bool{
	"country": true, "state": true, "county": true, "city": true, "town": true, "township": true,
	"village": true, "borough": true, "municipality": true, "ward": true, "precinct": true,
	"split-precinct": true, "combined-precinct": true,
}

// buildTree makes the tree. counted holds the units that carry counts.
func buildTree(p *parsed, counted map[string]bool) (*areaTree, []string) {
	t := &areaTree{root: p.election.scope, parent: map[string]string{}, children: map[string][]string{}, kept: map[string]bool{}}
	var notes []string

	// Breadth first from the scope: a unit's parent is the first unit, at
	// the shallowest depth, that composes it.
	visited := map[string]bool{t.root: true}
	bfs := func(start []string) {
		frontier := start
		for len(frontier) > 0 {
			sort.SliceStable(frontier, func(i, j int) bool {
				return administrative[p.units[frontier[i]].typ] && !administrative[p.units[frontier[j]].typ]
			})
			var next []string
			for _, u := range frontier {
				for _, c := range p.units[u].composing {
					if visited[c] {
						continue
					}
					visited[c] = true
					t.parent[c] = u
					t.children[u] = append(t.children[u], c)
					next = append(next, c)
				}
			}
			frontier = next
		}
	}
	bfs([]string{t.root})

	// Units with counts that no composition leads to from the scope (the
	// NIST test files list precincts beside the county without composing
	// them) hang from the scope, with whatever they compose. A unit whose
	// counts add up units already in the tree is an aggregate and stays out.
	// One reverse walk finds the units that compose, at any depth, a unit
	// of the tree with counts; one forward walk finds the units composed
	// by another loose unit.
	composers := map[string][]string{}
	for _, id := range p.unitOrder {
		for _, c := range p.units[id].composing {
			composers[c] = append(composers[c], id)
		}
	}
	var starts []string
	for id := range visited {
		if counted[id] {
			starts = append(starts, id)
		}
	}
	totalsTree := reach(starts, func(u string) []string { return composers[u] })
	var loose []string
	for _, id := range p.unitOrder {
		if !visited[id] && counted[id] && !totalsTree[id] {
			loose = append(loose, id)
		}
	}
	var below []string
	for _, id := range loose {
		below = append(below, p.units[id].composing...)
	}
	composedByLoose := reach(below, func(u string) []string {
		if x := p.units[u]; x != nil {
			return x.composing
		}
		return nil
	})
	for _, id := range below {
		composedByLoose[id] = true
	}
	var attached []string
	for _, id := range loose {
		if composedByLoose[id] || visited[id] {
			continue
		}
		visited[id] = true
		t.parent[id] = t.root
		t.children[t.root] = append(t.children[t.root], id)
		attached = append(attached, id)
		bfs([]string{id})
	}
	if len(attached) > 0 {
		notes = append(notes, fmt.Sprintf("%s: no ComposingGpUnitIds lead from the election scope %s to them; they are placed directly under it",
			listUnits("GpUnits", attached), t.root))
	}

	// Keep what reports: a unit with counts and none below it is a leaf
	// (what its units would have said is in its counts); a unit that
	// composes nothing is a precinct expected to report; a unit whose
	// members all went elsewhere is left out.
	countedBelow := map[string]bool{}
	var mark func(u string) bool
	mark = func(u string) bool {
		any := false
		for _, c := range t.children[u] {
			if mark(c) || counted[c] {
				any = true
			}
		}
		countedBelow[u] = any
		return any
	}
	mark(t.root)
	var keep func(u string) bool
	keep = func(u string) bool {
		if counted[u] && !countedBelow[u] {
			t.children[u] = nil
			t.kept[u] = true
			return true
		}
		var kids []string
		for _, c := range t.children[u] {
			if keep(c) {
				kids = append(kids, c)
			}
		}
		t.children[u] = kids
		if len(kids) > 0 || len(p.units[u].composing) == 0 || u == t.root {
			t.kept[u] = true
			return true
		}
		return false
	}
	keep(t.root)
	var walk func(u string) []string
	t.below = map[string][]string{}
	walk = func(u string) []string {
		t.order = append(t.order, u)
		var leaves []string
		if len(t.children[u]) == 0 {
			leaves = []string{u}
		}
		for _, c := range t.children[u] {
			leaves = append(leaves, walk(c)...)
		}
		t.below[u] = leaves
		return leaves
	}
	walk(t.root)
	return t, notes
}

// reach returns the units reached from the starts by following next, one
// or more steps, each once whatever cycles there are.
func reach(starts []string, next func(string) []string) map[string]bool {
	seen := map[string]bool{}
	queue := slices.Clone(starts)
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for _, v := range next(u) {
			if !seen[v] {
				seen[v] = true
				queue = append(queue, v)
			}
		}
	}
	return seen
}

// isLeaf reports whether a unit is a leaf of the tree: a reporting unit.
func (t *areaTree) isLeaf(u string) bool { return t.kept[u] && len(t.children[u]) == 0 }

// leavesOf returns the tree's leaves that a unit covers: those under it when
// it is in the tree, otherwise those under the tree units its composition
// reaches.
func (t *areaTree) leavesOf(p *parsed, u string) []string {
	if t.kept[u] {
		return t.below[u]
	}
	seen := map[string]bool{u: true}
	queue := []string{u}
	var out []string
	for len(queue) > 0 {
		x := queue[0]
		queue = queue[1:]
		unit := p.units[x]
		if unit == nil {
			continue
		}
		for _, c := range unit.composing {
			if seen[c] {
				continue
			}
			seen[c] = true
			if t.kept[c] {
				out = append(out, t.below[c]...)
			} else {
				queue = append(queue, c)
			}
		}
	}
	return uniq(out)
}

// cover returns the fewest tree units whose leaves are exactly the leaves
// in set: the areas of a contest.
func (t *areaTree) cover(set map[string]bool) []string {
	var out []string
	var walk func(u string)
	walk = func(u string) {
		all, any := true, false
		for _, l := range t.below[u] {
			if set[l] {
				any = true
			} else {
				all = false
			}
		}
		switch {
		case !any:
		case all:
			out = append(out, u)
		default:
			for _, c := range t.children[u] {
				walk(c)
			}
		}
	}
	walk(t.root)
	return out
}

func uniq(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// listUnits names at most a dozen ids in a note.
func listUnits(what string, ids []string) string {
	const show = 12
	if len(ids) <= show {
		return fmt.Sprintf("%s %s", what, strings.Join(ids, ", "))
	}
	return fmt.Sprintf("%d %s (%s and %d more)", len(ids), what, strings.Join(ids[:show], ", "), len(ids)-show)
}
