package storetest

import (
	"maps"
	"slices"
	"testing"

	"github.com/dauys/dauys"
)

// The suite's oracles are tested here, so that a store is never judged by
// a wrong expectation.

func TestPaths(t *testing.T) {
	got := paths(fixtureAreas())
	for area, want := range map[string][]string{
		"kz": nil,
		"r3": {"kz"},
		"d2": {"r2", "kz"},
		"p1": {"d1", "r1", "kz"},
		"p3": {"d2", "r2", "kz"},
	} {
		if !slices.Equal(got[area], want) {
			t.Errorf("path of %s: %v, want %v", area, got[area], want)
		}
	}
}

func TestExpectedTotals(t *testing.T) {
	f := &fixture{e: newElection(fixtureID, "2026-03-15", fixtureAreas()), paths: paths(fixtureAreas())}
	got := expectedTotals([]*dauys.Protocol{
		f.original(contestRef, "p1", ref(1200, 800, 500, 300)),
		f.original(contestRef, "p2", ref(1500, 900, 0, 880)),
		f.original(contestRef, "p3", ref(900, 500, 100, 390)),
		f.original(contestMay, "p2", mayor(1500, 880, 700, 150)),
	})
	for _, tc := range []struct {
		contest, area string
		want          map[string]int64
	}{
		{contestRef, "kz", map[string]int64{"registered": 3600, "took_part": 2200, "yes": 600, "no": 1570, dauys.ReportedLine: 3}},
		{contestRef, "d1", map[string]int64{"registered": 2700, "took_part": 1700, "yes": 500, "no": 1180, dauys.ReportedLine: 2}},
		{contestRef, "r2", map[string]int64{"registered": 900, "took_part": 500, "yes": 100, "no": 390, dauys.ReportedLine: 1}},
		{contestMay, "r1", map[string]int64{"registered": 1500, "took_part": 880, "option:a": 700, "option:b": 150, dauys.ReportedLine: 1}},
		{contestMay, "r2", nil},
		{contestRef, "p1", nil},
	} {
		if g := got[tc.contest][tc.area]; !maps.Equal(g, tc.want) {
			t.Errorf("%s in %s: %v, want %v", tc.contest, tc.area, g, tc.want)
		}
	}
}

func TestTree(t *testing.T) {
	areas := tree(2, 3, 4)
	if n := len(precinctsOf(areas)); n != 24 {
		t.Errorf("%d precincts, want 24", n)
	}
	if root := (&dauys.Election{ID: "x", Areas: areas}).Root(); root == nil || root.ID != "kz" {
		t.Errorf("root %+v", root)
	}
	for id, path := range paths(areas) {
		if len(path) > 0 && path[len(path)-1] != "kz" {
			t.Errorf("%s: path %v does not end at the root", id, path)
		}
	}
}
