package storebatch

import (
	"sync"

	"github.com/dauys/dauys"
)

// KnownAreas remembers areas a store has found to exist, so that a
// batch of protocols looks up only areas it has not seen before: areas are
// added, never deleted, so an area found once exists for good. Only areas
// that exist are remembered (a submission naming an unknown area costs a
// lookup each time, as before), and at most knownAreasLimit of them.
type KnownAreas struct {
	mu sync.Mutex
	// m holds each election's areas: a set per election, not one of
	// (election, area) pairs, which took twice the memory (100 MB for a
	// million areas).
	m map[string]map[string]struct{}
	n int // areas in m
}

// knownAreasLimit bounds what KnownAreas keeps: four countries of a million
// polling stations; past it, it starts again.
const knownAreasLimit = 1 << 22

// Split divides areas (election, area) into those known to exist, which
// it returns as the set a batch checks its areas against, and those the
// store must look up; Found then adds what the lookup found to both.
func (k *KnownAreas) Split(areas [][2]string) (exist map[[2]string]bool, unknown [][2]string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	exist = make(map[[2]string]bool, len(areas))
	for _, a := range areas {
		if _, ok := k.m[a[0]][a[1]]; ok {
			exist[a] = true
		} else {
			unknown = append(unknown, a)
		}
	}
	return exist, unknown
}

// Found remembers areas found to exist, and adds them to exist.
func (k *KnownAreas) Found(exist map[[2]string]bool, areas [][2]string) {
	for _, a := range areas {
		exist[a] = true
	}
	k.add(len(areas), func(add func(election, area string)) {
		for _, a := range areas {
			add(a[0], a[1])
		}
	})
}

// add has each call add up to n areas; past knownAreasLimit, what was
// known is forgotten first.
func (k *KnownAreas) add(n int, each func(add func(election, area string))) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil || k.n+n > knownAreasLimit {
		k.m, k.n = map[string]map[string]struct{}{}, 0
	}
	each(func(election, area string) {
		set := k.m[election]
		if set == nil {
			set = make(map[string]struct{}, n)
			k.m[election] = set
		}
		if _, ok := set[area]; !ok {
			set[area] = struct{}{}
			k.n++
		}
	})
}

// KnownContests remembers the contests of the elections a store has read.
// A stored definition never changes (there is no statement that updates
// one), so a batch need not read and decode it again: on SQLite that was
// a read of the whole definition and its JSON decoded by every group
// commit, in the single writer's transaction. An election not found is
// not remembered: it may be created later.
type KnownContests struct {
	mu sync.Mutex
	m  map[string]map[string]bool // election -> its contests
}

// knownContestsLimit bounds the elections KnownContests keeps; past it, it
// starts again.
const knownContestsLimit = 4096

// Split returns the contests of those elections that are known, as the
// map a batch checks its contests against, and the elections the store
// must read. The contests' sets are shared: callers only read them.
func (k *KnownContests) Split(elections []string) (contests map[string]map[string]bool, unknown []string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	contests = make(map[string]map[string]bool, len(elections))
	for _, id := range elections {
		if cs, ok := k.m[id]; ok {
			contests[id] = cs
		} else {
			unknown = append(unknown, id)
		}
	}
	return contests, unknown
}

// Found remembers the contests read of elections that exist, and adds
// them to contests.
func (k *KnownContests) Found(contests, read map[string]map[string]bool) {
	for id, cs := range read {
		contests[id] = cs
		k.add(id, cs)
	}
}

// add remembers an election's contests; past knownContestsLimit, what was
// known is forgotten first.
func (k *KnownContests) add(election string, contests map[string]bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.m[election]; k.m == nil || !ok && len(k.m) >= knownContestsLimit {
		k.m = map[string]map[string]bool{}
	}
	k.m[election] = contests
}

// Remember records what reading an election from a store showed: its
// contests and every one of its areas exist, for good. A store calls it
// when it reads an election, as a server does when it starts, so that the
// protocols of election night find their areas known rather than looked
// up, in the writer's transaction, the first time each arrives.
func Remember(areas *KnownAreas, contests *KnownContests, e *dauys.Election) {
	cs := make(map[string]bool, len(e.Contests))
	for _, c := range e.Contests {
		cs[c.ID] = true
	}
	contests.add(e.ID, cs)
	if len(e.Areas) > knownAreasLimit {
		return
	}
	areas.add(len(e.Areas), func(add func(election, area string)) {
		for _, a := range e.Areas {
			add(e.ID, a.ID)
		}
	})
}
