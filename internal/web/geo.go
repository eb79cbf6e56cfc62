package web

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"
)

// Boundaries are the outlines of an election's areas from a GeoJSON file:
// a FeatureCollection whose features carry the area's id in
// properties.id (or its ISO 3166-2 code in properties.iso or
// properties.ISO3166-2) and a Polygon or MultiPolygon in longitude and
// latitude.
type Boundaries struct {
	// Shapes maps an area id or ISO code to its rings: each ring a list
	// of [longitude, latitude] points.
	Shapes map[string][][][2]float64
}

// ParseGeoJSON reads boundaries from a GeoJSON FeatureCollection.
func ParseGeoJSON(r io.Reader) (*Boundaries, error) {
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			Properties map[string]any `json:"properties"`
			Geometry   struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.NewDecoder(r).Decode(&fc); err != nil {
		return nil, fmt.Errorf("geojson: %w", err)
	}
	if fc.Type != "FeatureCollection" {
		return nil, fmt.Errorf("geojson: want a FeatureCollection, got %q", fc.Type)
	}
	b := &Boundaries{Shapes: map[string][][][2]float64{}}
	for i, f := range fc.Features {
		var keys []string
		for _, k := range []string{"id", "iso", "ISO3166-2", "shapeISO"} {
			if v, ok := f.Properties[k].(string); ok && v != "" {
				keys = append(keys, v)
			}
		}
		if len(keys) == 0 {
			return nil, fmt.Errorf("geojson: feature %d has no properties.id or properties.iso", i+1)
		}
		var rings [][][2]float64
		switch f.Geometry.Type {
		case "Polygon":
			var p [][][2]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &p); err != nil {
				return nil, fmt.Errorf("geojson: feature %s: %w", keys[0], err)
			}
			rings = p
		case "MultiPolygon":
			var mp [][][][2]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &mp); err != nil {
				return nil, fmt.Errorf("geojson: feature %s: %w", keys[0], err)
			}
			for _, p := range mp {
				rings = append(rings, p...)
			}
		default:
			return nil, fmt.Errorf("geojson: feature %s: geometry %q is not a Polygon or MultiPolygon", keys[0], f.Geometry.Type)
		}
		for _, k := range keys {
			b.Shapes[k] = rings
		}
	}
	return b, nil
}

// shape is an area to draw on the geographic map.
type shape struct {
	Key   string // id or ISO code in Boundaries
	Fill  string
	Href  string
	Title string
}

// geoMap draws areas in an equirectangular projection: longitude scaled by
// the cosine of the middle latitude, so that a country at Kazakhstan's
// latitudes keeps its shape. It returns "" when no area has an outline.
func geoMap(id, title, desc string, b *Boundaries, shapes []shape) template.HTML {
	if b == nil {
		return ""
	}
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	found := 0
	for _, s := range shapes {
		for _, ring := range b.Shapes[s.Key] {
			found++
			for _, p := range ring {
				minX, maxX = math.Min(minX, p[0]), math.Max(maxX, p[0])
				minY, maxY = math.Min(minY, p[1]), math.Max(maxY, p[1])
			}
		}
	}
	if found == 0 || maxX <= minX || maxY <= minY {
		return ""
	}
	k := math.Cos((minY + maxY) / 2 * math.Pi / 180)
	const w = 600.0
	scale := w / ((maxX - minX) * k)
	h := (maxY - minY) * scale
	var sb svg
	sb.open(id, "geomap", w, h, title, desc)
	for _, s := range shapes {
		rings := b.Shapes[s.Key]
		if len(rings) == 0 {
			continue
		}
		var d strings.Builder
		for _, ring := range rings {
			for i, p := range ring {
				cmd := "L"
				if i == 0 {
					cmd = "M"
				}
				fmt.Fprintf(&d, "%s%s %s", cmd, num((p[0]-minX)*k*scale), num((maxY-p[1])*scale))
			}
			d.WriteString("Z")
		}
		sb.f(`<a href="%s"><path d="%s" fill="%s" class="geo-area" fill-rule="evenodd"><title>%s</title></path></a>`, esc(s.Href), d.String(), s.Fill, esc(s.Title))
	}
	return sb.close()
}
