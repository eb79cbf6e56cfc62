package definition_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/definition"
)

func TestBoundariesFile(t *testing.T) {
	geo := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"iso":"KZ-75"},"geometry":{"type":"Polygon","coordinates":[[[76,43],[77,43],[77,44],[76,43]]]}}]}`
	yaml := strings.Replace(base, "areas_file: areas.csv\n", "areas_file: areas.csv\nboundaries_file: regions.geojson\n", 1)
	e, err := definition.Parse([]byte(yaml), "election.yaml", fstest.MapFS{
		"areas.csv": {Data: []byte(baseAreas)}, "regions.geojson": {Data: []byte(geo)}})
	if err != nil {
		t.Fatal(err)
	}
	if string(e.Boundaries) != geo {
		t.Errorf("boundaries = %q", e.Boundaries)
	}
	for _, tt := range []struct{ file, data, want string }{
		{"regions.geojson", `{"type":"Feature"}`, "not a GeoJSON FeatureCollection"},
		{"other.geojson", geo, "file does not exist"},
	} {
		_, err := definition.Parse([]byte(yaml), "election.yaml", fstest.MapFS{
			"areas.csv": {Data: []byte(baseAreas)}, tt.file: {Data: []byte(tt.data)}})
		if err == nil || !strings.Contains(err.Error()+dauys.ErrorMessage(err), tt.want) || !strings.Contains(dauys.ErrorMessage(err), "election.yaml:6: boundaries_file") {
			t.Errorf("%s: %v", tt.file, dauys.ErrorMessage(err))
		}
	}
}
