package election

import (
	"slices"
	"testing"
	"unsafe"

	"github.com/dauys/dauys"
)

// TestAncestorsShared: the precincts of a district share one lineage, and a
// lineage cut short by a parent not added yet is not kept.
func TestAncestorsShared(t *testing.T) {
	tree, err := NewTree([]dauys.Area{
		{ID: "X", Level: dauys.LevelCountry},
		{ID: "R", Parent: "X", Level: dauys.LevelRegion},
		{ID: "D", Parent: "R", Level: dauys.LevelDistrict},
		{ID: "P1", Parent: "D", Level: dauys.LevelPrecinct},
		{ID: "P2", Parent: "D", Level: dauys.LevelPrecinct},
	})
	if err != nil {
		t.Fatal(err)
	}
	a, b := tree.Ancestors("P1"), tree.Ancestors("P2")
	if !slices.Equal(a, []string{"D", "R", "X"}) || !slices.Equal(b, a) || unsafe.SliceData(a) != unsafe.SliceData(b) {
		t.Errorf("Ancestors = %v and %v, want one shared [D R X]", a, b)
	}
	if got := append(a, "extra"); unsafe.SliceData(got) == unsafe.SliceData(a) {
		t.Error("appending to a shared lineage writes into it")
	}
	if tree.Ancestors("X") != nil || tree.Ancestors("nope") != nil {
		t.Error("the root or an unknown area has ancestors")
	}
	tree.add(dauys.Area{ID: "Q", Parent: "D2", Level: dauys.LevelPrecinct})
	if got := tree.Ancestors("Q"); !slices.Equal(got, []string{"D2"}) {
		t.Errorf("Ancestors(Q) before its district = %v", got)
	}
	tree.add(dauys.Area{ID: "D2", Parent: "R", Level: dauys.LevelDistrict})
	if got := tree.Ancestors("Q"); !slices.Equal(got, []string{"D2", "R", "X"}) {
		t.Errorf("Ancestors(Q) after its district = %v, want [D2 R X]", got)
	}
}
