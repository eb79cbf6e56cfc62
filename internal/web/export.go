package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/decide"
	"github.com/dauys/dauys/internal/csvsafe"
	"github.com/dauys/dauys/internal/election"
	"github.com/dauys/dauys/internal/rules"
	"github.com/dauys/dauys/internal/tally"
	"github.com/dauys/dauys/internal/tlog"
)

// Downloads: every results page has its numbers as CSV and JSON under
// /data/<election>/a/<area>.{csv,json}. The JSON is exactly what the API
// answers for /api/v1/elections/<election>/results?area=<area>; the CSV
// has one row per area and option, for the area and each of its children.

func (s *Site) serveAreaData(w http.ResponseWriter, r *http.Request) {
	s.serveData(w, r, false)
}

// serveExcelData serves /data/<election>/excel/<area>.csv: the CSV with a
// UTF-8 byte order mark, without which Excel on Windows reads the Kazakh
// and Russian names as another code page.
func (s *Site) serveExcelData(w http.ResponseWriter, r *http.Request) {
	if !strings.HasSuffix(r.PathValue("file"), ".csv") {
		http.NotFound(w, r)
		return
	}
	s.serveData(w, r, true)
}

// excelBOM starts the Excel variant of a CSV download.
const excelBOM = "\ufeff"

func (s *Site) serveData(w http.ResponseWriter, r *http.Request, excel bool) {
	ctx := r.Context()
	election, _ := tlog.Unslug(r.PathValue("id"))
	file := r.PathValue("file")
	ext := ".json"
	if strings.HasSuffix(file, ".csv") {
		ext = ".csv"
	}
	folder := "/a/"
	if excel {
		folder = "/excel/"
	}
	area, ok := unslugFile(file, ext)
	if !ok {
		http.NotFound(w, r)
		return
	}
	e, err := s.cfg.Tally.Election(ctx, election)
	if err != nil {
		s.dataError(w, r, err)
		return
	}
	if e.Tree.Area(area) == nil {
		http.NotFound(w, r)
		return
	}
	version, err := s.electionVersion(ctx, e)
	if err != nil {
		s.dataError(w, r, err)
		return
	}
	// The key is the area's own name, however the address spelled it, and
	// under a/, apart from status.json.
	ent, err := s.cache.get("data/"+tlog.Slug(e.ID)+folder+tlog.Slug(area)+ext, version, func() (*entry, error) {
		if ext == ".csv" {
			res, err := s.cfg.Tally.Area(ctx, e.ID, area)
			if err != nil {
				return nil, err
			}
			b, err := s.resultsCSV(e, area, res, func(c *dauys.Contest) ([]tally.AreaResult, error) {
				return s.cfg.Tally.ChildResults(ctx, e.ID, c.ID, area)
			})
			if err != nil {
				return nil, err
			}
			if excel {
				b = append([]byte(excelBOM), b...)
			}
			return newEntry(b, "text/csv; charset=utf-8", version), nil
		}
		b, err := s.areaJSON(ctx, e, area)
		if err != nil {
			return nil, err
		}
		return newEntry(b, "application/json", version), nil
	})
	if err != nil {
		s.dataError(w, r, err)
		return
	}
	if ext == ".csv" {
		name := tlog.Slug(e.ID) + "-" + tlog.Slug(area)
		if excel {
			name += "-excel"
		}
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	}
	s.writeEntry(w, r, ent, cacheLive)
}

func (s *Site) dataError(w http.ResponseWriter, r *http.Request, err error) {
	switch dauys.ErrorCode(err) {
	case dauys.ENOTFOUND:
		http.NotFound(w, r)
	default:
		s.log.ErrorContext(r.Context(), "data failed", "path", r.URL.Path, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
	}
}

// areaJSON is the results of an area as the API gives them.
func (s *Site) areaJSON(ctx context.Context, e *election.Election, area string) ([]byte, error) {
	res, err := s.cfg.Tally.Area(ctx, e.ID, area)
	if err != nil {
		return nil, err
	}
	return marshalJSON(res)
}

func marshalJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", " ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// csvHeader names the columns of the CSV downloads. New columns go at the
// end, so that scripts reading the older ones by position keep working:
// issued (the voters who received ballots, rules.Issued; 0 where the form
// does not count them apart from took_part) lets a reader recompute the
// CEC's turnout of an election, issued (else took_part) over registered.
// seats is what the option won in the contest, on the row of the area
// the contest is decided in (its seats for a list, 1 or 0 for a
// candidate), and empty on other rows, on against all and invalid, and in
// referendums.
var csvHeader = []string{"election", "contest", "area", "level", "number", "name_kk", "name_ru", "name_en",
	"option", "option_kk", "option_ru", "option_en", "votes", "registered", "took_part",
	"precincts_reported", "precincts_expected", "issued", "seats"}

// resultsCSV writes one row per area and option: the area itself, then
// each of its children, for every contest that concerns the area.
func (s *Site) resultsCSV(e *election.Election, area string, res *tally.Results, children func(c *dauys.Contest) ([]tally.AreaResult, error)) ([]byte, error) {
	var b bytes.Buffer
	// Names come from definitions and imported area files: cells that a
	// spreadsheet would run as formulas are escaped.
	w := csvsafe.NewWriter(&b)
	w.Write(csvHeader)
	for _, cr := range res.Contests {
		c := e.Contest(cr.Contest)
		rows := []tally.AreaResult{{Area: res.Area, Lines: cr.Lines, Progress: cr.Progress}}
		if !e.Tree.IsLeaf(area) {
			kids, err := children(c)
			if err != nil {
				return nil, err
			}
			rows = append(rows, kids...)
		}
		seats := seatsOf(c, cr.Outcome)
		for i, r := range rows {
			a := e.Tree.Area(r.Area.ID)
			for _, o := range csvOptions(c) {
				won := ""
				if n, ok := seats[o.id]; ok && i == 0 {
					won = strconv.Itoa(n)
				}
				w.Write([]string{e.ID, c.ID, a.ID, a.Level, a.Number, a.Name.KK, a.Name.RU, a.Name.EN,
					o.id, o.name.KK, o.name.RU, o.name.EN, strconv.FormatInt(r.Lines[o.line], 10),
					strconv.FormatInt(r.Lines["registered"], 10), strconv.FormatInt(r.Lines["took_part"], 10),
					strconv.FormatInt(r.Progress.Reported, 10), strconv.FormatInt(r.Progress.Expected, 10),
					strconv.FormatInt(rules.Issued(r.Lines), 10), won})
			}
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// seatsOf returns the seats each option won in a contest decided here:
// a list's seats, 1 for each elected candidate and 0 for the others; nil
// for a referendum or where the contest is not decided.
func seatsOf(c *dauys.Contest, o *decide.Outcome) map[string]int {
	if o == nil || c.Kind == dauys.KindReferendum {
		return nil
	}
	out := map[string]int{}
	if len(o.Seats) > 0 {
		for _, s := range o.Seats {
			out[s.Option] = s.Seats
		}
		return out
	}
	for _, opt := range c.Options {
		out[opt.ID] = 0
	}
	if len(o.Winners) > 0 {
		for _, w := range o.Winners {
			out[w] = 1
		}
	} else if o.Elected != nil {
		out[*o.Elected] = 1
	}
	return out
}

type csvOption struct {
	id, line string
	name     dauys.Text
}

// csvOptions are the rows of a contest: its options and against all, or
// the answers of a referendum; invalid ballots last.
func csvOptions(c *dauys.Contest) []csvOption {
	var out []csvOption
	if c.Kind == dauys.KindReferendum {
		out = append(out,
			csvOption{"yes", "yes", dauys.Text{KK: "Иә", RU: "Да", EN: "Yes"}},
			csvOption{"no", "no", dauys.Text{KK: "Жоқ", RU: "Нет", EN: "No"}},
			csvOption{"both_marked", "both_marked", dauys.Text{KK: "Екі жауап та белгіленген", RU: "Отмечены оба ответа", EN: "Both answers marked"}})
	} else {
		for _, o := range c.Options {
			out = append(out, csvOption{o.ID, dauys.OptionLinePrefix + o.ID, o.Name})
		}
		out = append(out, csvOption{"against_all", "against_all", dauys.Text{KK: "Барлығына қарсы", RU: "Против всех", EN: "Against all"}})
	}
	return append(out, csvOption{"invalid", "invalid", dauys.Text{KK: "Жарамсыз бюллетеньдер", RU: "Недействительные бюллетени", EN: "Invalid ballots"}})
}

// status.json: what the pages' script polls.

type statusDoc struct {
	Election string          `json:"election"`
	Version  string          `json:"version"`
	Status   string          `json:"status"`
	Contests []statusContest `json:"contests"`
}

type statusContest struct {
	Contest  string `json:"contest"`
	Reported int64  `json:"precincts_reported"`
	Expected int64  `json:"precincts_expected"`
}

func (s *Site) serveStatus(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, _ := tlog.Unslug(r.PathValue("id"))
	e, err := s.cfg.Tally.Election(ctx, id)
	if err != nil {
		s.dataError(w, r, err)
		return
	}
	version, err := s.electionVersion(ctx, e)
	if err != nil {
		s.dataError(w, r, err)
		return
	}
	ent, err := s.cache.get("data/"+tlog.Slug(e.ID)+"/status.json", version, func() (*entry, error) {
		b, err := s.statusJSON(ctx, e, version)
		if err != nil {
			return nil, err
		}
		return newEntry(b, "application/json", version), nil
	})
	if err != nil {
		s.dataError(w, r, err)
		return
	}
	s.writeEntry(w, r, ent, "no-cache")
}

func (s *Site) statusJSON(ctx context.Context, e *election.Election, version string) ([]byte, error) {
	sm, err := s.summary(ctx, e, version)
	if err != nil {
		return nil, err
	}
	doc := statusDoc{Election: e.ID, Version: version, Status: sm.root.Status, Contests: []statusContest{}}
	for _, c := range sm.root.Contests {
		doc.Contests = append(doc.Contests, statusContest{c.Contest, c.Progress.Reported, c.Progress.Expected})
	}
	return marshalJSON(doc)
}

// The search index: precincts by number and id, areas by name.

type searchCache struct {
	mu sync.Mutex
	m  map[string]*searchIndex
}

type searchIndex struct {
	size  int
	areas []indexedArea
	json  *entry
}

type indexedArea struct {
	id, number, parent string
	leaf               bool
	names              [3]string // kk, ru, en
	lower              [3]string // the names in lower case
}

func (s *Site) searchIndex(e *election.Election) *searchIndex {
	c := &s.search
	c.mu.Lock()
	defer c.mu.Unlock()
	if x := c.m[e.ID]; x != nil && x.size == e.Tree.Len() {
		return x
	}
	x := &searchIndex{size: e.Tree.Len()}
	var walk func(id string)
	walk = func(id string) {
		a := e.Tree.Area(id)
		kids := e.Tree.Children(id)
		x.areas = append(x.areas, indexedArea{id: id, number: a.Number, parent: a.Parent, leaf: len(kids) == 0,
			names: [3]string{a.Name.KK, a.Name.RU, a.Name.EN},
			lower: [3]string{strings.ToLower(a.Name.KK), strings.ToLower(a.Name.RU), strings.ToLower(a.Name.EN)}})
		for _, k := range kids {
			walk(k)
		}
	}
	walk(e.Tree.Root())
	x.json = newEntry(x.marshal(), "application/json", strconv.Itoa(x.size))
	if c.m == nil {
		c.m = map[string]*searchIndex{}
	}
	c.m[e.ID] = x
	return x
}

// normalizeQuery drops what people type before a precinct number: "№",
// "No.", "#", "учаске", "участок".
func normalizeQuery(q string) string {
	q = strings.ToLower(strings.TrimSpace(q))
	for _, p := range []string{"№", "no.", "no", "#", "учаскесі", "учаске", "участок", "precinct"} {
		q = strings.TrimSpace(strings.TrimPrefix(q, p))
	}
	return q
}

// find returns the areas matching a query: the area with that id, the
// precincts with that number, then areas whose name contains the query.
func (x *searchIndex) find(q, lang string) []string {
	raw := strings.ToLower(strings.TrimSpace(q))
	n := normalizeQuery(q)
	if raw == "" {
		return nil
	}
	var exact, byNumber, byName []string
	for _, a := range x.areas {
		switch {
		case strings.ToLower(a.id) == raw:
			exact = append(exact, a.id)
		case a.leaf && a.number != "" && strings.ToLower(a.number) == n:
			byNumber = append(byNumber, a.id)
		case !a.leaf && len([]rune(raw)) >= 3 && (strings.Contains(a.lower[0], raw) || strings.Contains(a.lower[1], raw) || strings.Contains(a.lower[2], raw)):
			byName = append(byName, a.id)
		}
	}
	return append(append(exact, byNumber...), byName...)
}

// marshal writes the index for the exported site's search script: each
// area as [id, number, parent, slug if it differs from the id] and the
// names of the areas that have them.
func (x *searchIndex) marshal() []byte {
	type doc struct {
		Areas [][]string           `json:"areas"`
		Names map[string][3]string `json:"names"`
	}
	d := doc{Names: map[string][3]string{}}
	for _, a := range x.areas {
		row := []string{a.id, a.number, a.parent}
		if s := tlog.Slug(a.id); s != a.id {
			row = append(row, s)
		}
		d.Areas = append(d.Areas, row)
		if !a.leaf {
			d.Names[a.id] = a.names
		}
	}
	b, _ := json.Marshal(d)
	return b
}

func (s *Site) serveSearchIndex(w http.ResponseWriter, r *http.Request) {
	id, _ := tlog.Unslug(r.PathValue("id"))
	e, err := s.cfg.Tally.Election(r.Context(), id)
	if err != nil {
		s.dataError(w, r, err)
		return
	}
	s.writeEntry(w, r, s.searchIndex(e).json, cacheLive)
}
