package definition

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"iter"
	"path"
	"slices"
	"strconv"

	"github.com/dauys/dauys"
)

// areasHeader is the header of an areas file, in the recommended order.
// Only id and level are required; the columns may come in any order.
var areasHeader = []string{"id", "parent", "level", "number", "iso", "registered", "name_kk", "name_ru", "name_en"}

// areasOptional are the columns an areas file may add for election day:
// an area's time zone, poll hours and kind (dauys.Area). AreasCSV does not
// write them: it writes the areas created on import, which never carry
// them, and its bytes for those are pinned by the transparency log.
var areasOptional = []string{"timezone", "opens", "closes", "kind"}

// AreasColumns returns the header AreasCSV writes: every column of an areas
// file, in the recommended order.
func AreasColumns() []string { return slices.Clone(areasHeader) }

// AreasCSV writes areas as an areas file that readAreasFile reads back:
// the header of AreasColumns, then a row an area, with an empty
// registered count for 0. The transparency log records areas in exactly
// these bytes, so the format must not change.
func AreasCSV(areas iter.Seq[dauys.Area]) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(areasHeader)
	for a := range areas {
		reg := ""
		if a.Registered != 0 {
			reg = strconv.FormatInt(a.Registered, 10)
		}
		w.Write([]string{a.ID, a.Parent, a.Level, a.Number, a.ISO, reg, a.Name.KK, a.Name.RU, a.Name.EN})
	}
	w.Flush() // a bytes.Buffer takes every write
	return b.Bytes()
}

// readAreasFile reads the CSV file of areas named by areas_file. Every row
// problem is added with its line; the rows that could be read are returned
// with their places.
func readAreasFile(name string, fsys fs.FS, probs *problems, from place) ([]dauys.Area, []place) {
	if fsys == nil {
		probs.addAt(from, "areas_file %q: no directory to read it from", name)
		return nil, nil
	}
	if !fs.ValidPath(path.Clean(name)) {
		probs.addAt(from, "areas_file %q: must be a relative path inside the definition's directory, without \"..\"", name)
		return nil, nil
	}
	data, err := fs.ReadFile(fsys, path.Clean(name))
	if err != nil {
		probs.addAt(from, "areas_file %q: %v", name, unwrapPathError(err))
		return nil, nil
	}
	return parseAreas(data, name, probs)
}

// readBoundariesFile reads the GeoJSON file named by boundaries_file: a
// FeatureCollection whose features name their area in properties.id or
// properties.iso.
func readBoundariesFile(name string, fsys fs.FS, probs *problems, from place) []byte {
	if fsys == nil || !fs.ValidPath(path.Clean(name)) {
		probs.addAt(from, "boundaries_file %q: must be a relative path inside the definition's directory, without \"..\"", name)
		return nil
	}
	data, err := fs.ReadFile(fsys, path.Clean(name))
	if err != nil {
		probs.addAt(from, "boundaries_file %q: %v", name, unwrapPathError(err))
		return nil
	}
	var fc struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(data, &fc); err != nil || fc.Type != "FeatureCollection" {
		probs.addAt(from, "boundaries_file %q: not a GeoJSON FeatureCollection", name)
		return nil
	}
	return data
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func parseAreas(data []byte, name string, probs *problems) ([]dauys.Area, []place) {
	fp := probs.in(name)
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF"))))
	r.ReuseRecord = true
	header, err := r.Read()
	if err == io.EOF {
		fp.add(1, "the file is empty; it needs the header %s", joinComma(areasHeader))
		return nil, nil
	} else if err != nil {
		fp.add(csvLine(err, 1), "%v", csvMessage(err))
		return nil, nil
	}
	col := map[string]int{}
	known := append(slices.Clone(areasHeader), areasOptional...)
	for i, h := range header {
		switch {
		case !slices.Contains(known, h):
			fp.add(1, "unknown column %q (known: %s)", dauys.ClipText(h, 64), joinComma(known))
		case col[h] != 0:
			fp.add(1, "column %q appears twice", h)
		default:
			col[h] = i + 1 // 0 means absent
		}
	}
	for _, h := range []string{"id", "level"} {
		if col[h] == 0 {
			fp.add(1, "the required column %q is missing", h)
		}
	}
	if col["id"] == 0 || col["level"] == 0 {
		return nil, nil
	}
	get := func(rec []string, h string) string {
		if i := col[h]; i != 0 {
			return rec[i-1]
		}
		return ""
	}
	var areas []dauys.Area
	var places []place
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			fp.add(csvLine(err, line), "%v", csvMessage(err))
			if errors.Is(err, csv.ErrFieldCount) {
				continue
			}
			break
		}
		a := dauys.Area{
			ID:     get(rec, "id"),
			Parent: get(rec, "parent"),
			Level:  get(rec, "level"),
			Number: get(rec, "number"),
			ISO:    get(rec, "iso"),
			Name:   dauys.Text{KK: get(rec, "name_kk"), RU: get(rec, "name_ru"), EN: get(rec, "name_en")},

			Timezone: get(rec, "timezone"),
			Opens:    get(rec, "opens"),
			Closes:   get(rec, "closes"),
			Kind:     get(rec, "kind"),
		}
		if s := get(rec, "registered"); s != "" {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				fp.add(line, "area %s: registered %q is not a whole number", a.ID, s)
			}
			a.Registered = n
		}
		areas = append(areas, a)
		places = append(places, place{name, line})
	}
	return areas, places
}

func csvLine(err error, fallback int) int {
	var pe *csv.ParseError
	if errors.As(err, &pe) && pe.Line > 0 {
		return pe.Line
	}
	return fallback
}

func csvMessage(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
