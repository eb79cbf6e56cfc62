package storebatch

import (
	"slices"
	"strconv"
	"testing"

	"github.com/dauys/dauys"
)

func TestKnownAreas(t *testing.T) {
	var k KnownAreas
	a, b, c := [2]string{"e", "a"}, [2]string{"e", "b"}, [2]string{"f", "a"}
	exist, got := k.Split([][2]string{a, b})
	if len(exist) != 0 || !slices.Equal(got, [][2]string{a, b}) {
		t.Errorf("Split of an empty cache = %v, %v", exist, got)
	}
	k.Found(exist, [][2]string{a})
	if !exist[a] || exist[b] {
		t.Errorf("Found did not add what it found to the batch's set: %v", exist)
	}
	// Only what was found is known; the same id in another election is not.
	if exist, got := k.Split([][2]string{a, b, c}); !slices.Equal(got, [][2]string{b, c}) || len(exist) != 1 || !exist[a] {
		t.Errorf("Split = %v, %v, want a known, b and f/a unknown", exist, got)
	}
	// Bounded: past the limit it starts again.
	k.n = knownAreasLimit
	k.Found(map[[2]string]bool{}, [][2]string{b})
	if k.n != 1 || len(k.m) != 1 {
		t.Errorf("%d areas of %d elections kept past the limit of %d", k.n, len(k.m), knownAreasLimit)
	}
	// An area found twice counts once.
	k.Found(map[[2]string]bool{}, [][2]string{b, c, c})
	if k.n != 2 {
		t.Errorf("%d areas counted, want 2", k.n)
	}
}

func TestKnownContests(t *testing.T) {
	var k KnownContests
	contests, unread := k.Split([]string{"e", "f"})
	if len(contests) != 0 || !slices.Equal(unread, []string{"e", "f"}) {
		t.Errorf("Split of an empty cache = %v, %v", contests, unread)
	}
	// f was not found: it is not remembered, and is read again.
	k.Found(contests, map[string]map[string]bool{"e": {"list": true}})
	if !contests["e"]["list"] || contests["f"] != nil {
		t.Errorf("Found did not add what was read to the batch's contests: %v", contests)
	}
	contests, unread = k.Split([]string{"e", "f"})
	if !slices.Equal(unread, []string{"f"}) || !contests["e"]["list"] || contests["e"]["other"] {
		t.Errorf("Split = %v, %v, want e known with its one contest, f unread", contests, unread)
	}
	// Bounded: past the limit it starts again.
	for i := range knownContestsLimit {
		k.m[strconv.Itoa(i)] = map[string]bool{}
	}
	k.Found(map[string]map[string]bool{}, map[string]map[string]bool{"g": {}})
	if len(k.m) != 1 {
		t.Errorf("%d elections kept past the limit of %d", len(k.m), knownContestsLimit)
	}
}

func TestRemember(t *testing.T) {
	var areas KnownAreas
	var contests KnownContests
	e := &dauys.Election{ID: "e", Contests: []dauys.Contest{{ID: "list"}}, Areas: []dauys.Area{{ID: "KZ"}, {ID: "KZ-1"}}}
	Remember(&areas, &contests, e)
	if exist, unknown := areas.Split([][2]string{{"e", "KZ-1"}, {"e", "KZ-2"}, {"f", "KZ"}}); !exist[[2]string{"e", "KZ-1"}] || len(unknown) != 2 {
		t.Errorf("after Remember, Split = %v, %v: want e/KZ-1 known, e/KZ-2 and f/KZ not", exist, unknown)
	}
	if cs, unread := contests.Split([]string{"e"}); len(unread) != 0 || !cs["e"]["list"] || cs["e"]["other"] {
		t.Errorf("after Remember, contests %v, unread %v", cs, unread)
	}
}
