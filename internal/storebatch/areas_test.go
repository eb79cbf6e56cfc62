package storebatch

import (
	"slices"
	"strconv"
	"testing"
)

func TestKnownAreas(t *testing.T) {
	var k KnownAreas
	a, b, c := [2]string{"e", "a"}, [2]string{"e", "b"}, [2]string{"f", "a"}
	if got := k.Unknown([][2]string{a, b}); !slices.Equal(got, [][2]string{a, b}) {
		t.Errorf("Unknown of an empty cache = %v", got)
	}
	k.Found([][2]string{a})
	// Only what was found is known; the same id in another election is not.
	if got := k.Unknown([][2]string{a, b, c}); !slices.Equal(got, [][2]string{b, c}) {
		t.Errorf("Unknown = %v, want b and f/a", got)
	}
	// Bounded: past the limit it starts again.
	k.areas = make(map[[2]string]struct{}, knownAreasLimit)
	for i := range knownAreasLimit {
		k.areas[[2]string{"g", strconv.Itoa(i)}] = struct{}{}
	}
	k.Found([][2]string{b})
	if len(k.areas) != 1 {
		t.Errorf("%d areas kept past the limit of %d", len(k.areas), knownAreasLimit)
	}
}
