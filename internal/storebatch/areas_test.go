package storebatch

import (
	"slices"
	"strconv"
	"testing"
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
	k.areas = make(map[[2]string]struct{}, knownAreasLimit)
	for i := range knownAreasLimit {
		k.areas[[2]string{"g", strconv.Itoa(i)}] = struct{}{}
	}
	k.Found(map[[2]string]bool{}, [][2]string{b})
	if len(k.areas) != 1 {
		t.Errorf("%d areas kept past the limit of %d", len(k.areas), knownAreasLimit)
	}
}
