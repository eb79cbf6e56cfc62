package storebatch

import "sync"

// KnownAreas remembers areas a store has found to exist, so that a
// batch of protocols looks up only areas it has not seen before: areas are
// added, never deleted, so an area found once exists for good. Only areas
// that exist are remembered (a submission naming an unknown area costs a
// lookup each time, as before), and at most knownAreasLimit of them.
type KnownAreas struct {
	mu    sync.Mutex
	areas map[[2]string]struct{} // election, area
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
		if _, ok := k.areas[a]; ok {
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
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.areas == nil || len(k.areas)+len(areas) > knownAreasLimit {
		k.areas = make(map[[2]string]struct{}, len(areas))
	}
	for _, a := range areas {
		k.areas[a] = struct{}{}
	}
}
