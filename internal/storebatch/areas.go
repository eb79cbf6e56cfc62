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

// Unknown returns those of the areas (election, area) not known to exist.
func (k *KnownAreas) Unknown(areas [][2]string) [][2]string {
	k.mu.Lock()
	defer k.mu.Unlock()
	var out [][2]string
	for _, a := range areas {
		if _, ok := k.areas[a]; !ok {
			out = append(out, a)
		}
	}
	return out
}

// Found remembers areas found to exist.
func (k *KnownAreas) Found(areas [][2]string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.areas == nil || len(k.areas)+len(areas) > knownAreasLimit {
		k.areas = make(map[[2]string]struct{}, len(areas))
	}
	for _, a := range areas {
		k.areas[a] = struct{}{}
	}
}
