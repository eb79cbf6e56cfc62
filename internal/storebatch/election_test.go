package storebatch_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"unsafe"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/storebatch"
)

// TestAreasDecode reads areas back exactly as stored, while keeping the
// repeated strings once.
func TestAreasDecode(t *testing.T) {
	in := []dauys.Area{
		{ID: "KZ", Level: dauys.LevelCountry, Name: dauys.Text{KK: "Қазақстан", RU: "Казахстан", EN: "Kazakhstan"}},
		{ID: "KZ-ABY", Parent: "KZ", Level: dauys.LevelRegion, ISO: "KZ-10", Tile: []int{3, 1},
			Name: dauys.Text{KK: "Абай облысы", RU: "Абайская область", EN: "Abai Region"}},
		{ID: "P-1", Parent: "KZ-ABY", Level: dauys.LevelPrecinct, Number: "1", Name: dauys.T("1"), Registered: 1500},
		{ID: "P-2", Parent: "KZ-ABY", Level: dauys.LevelPrecinct, Number: "2", Name: dauys.Text{KK: "2", RU: "2", EN: "Precinct 2"}, Registered: 900},
	}
	as := storebatch.NewAreas(len(in))
	for _, a := range in {
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		if err := as.Decode(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := as.Decode([]byte(`{"id": 7}`)); err == nil {
		t.Error("a malformed area decoded")
	}
	if !reflect.DeepEqual(as.List, in) {
		t.Fatalf("decoded %+v\nwant %+v", as.List, in)
	}
	same := func(a, b string) bool { return unsafe.StringData(a) == unsafe.StringData(b) }
	p1, p2 := as.List[2], as.List[3]
	if !same(p1.Parent, p2.Parent) || !same(p1.Level, p2.Level) || !same(p1.Name.KK, p1.Name.EN) || !same(p1.Number, p1.Name.KK) {
		t.Error("repeated strings are not shared")
	}
}
