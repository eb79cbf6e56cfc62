//go:build ignore

// Command gen_tour writes the files the README's tour imports:
// examples/kz-2023/protocols.csv and examples/kz-2023/turnout.csv, the
// protocols and turnout reports of the precincts of Almaty's Alatau and
// Auezov districts (KZ-75-01 and KZ-75-03, the Mazhilis's single-member
// district No. 3), in every contest they vote in.
//
// The figures are a random night of internal/demo (seed 2023, around
// demo.Mazhilis2023, the official 2023 national shares): synthetic.
// Only the final, consistent version of each protocol is written, so the
// tour's import accepts every row. Run it from the repository root:
//
//	go run examples/gen_tour.go
package main

import (
	"encoding/csv"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/definition"
	"github.com/dauys/dauys/internal/demo"
	"github.com/dauys/dauys/internal/election"
	"github.com/dauys/dauys/internal/rules"
)

// The districts of the tour: those of single-member district No. 3.
var districts = []string{"KZ-75-01", "KZ-75-03"}

const seed = 2023

func main() {
	dir := filepath.Join("examples", "kz-2023")
	def, err := definition.LoadWith(dir, definition.Options{CheckRules: rules.Check})
	if err != nil {
		log.Fatal(dauys.ErrorMessage(err))
	}
	e, err := election.Compile(def)
	if err != nil {
		log.Fatal(err)
	}
	inTour := func(area string) bool {
		for _, d := range districts {
			if strings.HasPrefix(area, d+"-") {
				return true
			}
		}
		return false
	}
	night := demo.Night(e, seed, demo.Mazhilis2023)
	// The last consistent version of each protocol of the tour's precincts.
	type key struct{ area, contest string }
	last := map[key]map[string]int64{}
	for _, ev := range night {
		s := ev.Submission
		if ev.Faulty || !inTour(s.Area) {
			continue
		}
		last[key{s.Area, s.Contest}] = s.Lines
	}
	keys := make([]key, 0, len(last))
	lineSet := map[string]bool{}
	for k, lines := range last {
		keys = append(keys, k)
		for l := range lines {
			lineSet[l] = true
		}
	}
	slices.SortFunc(keys, func(a, b key) int {
		return strings.Compare(a.area+"\x00"+a.contest, b.area+"\x00"+b.contest)
	})
	// The form's lines in their order, then the options in the order of
	// first appearance in the definition.
	var header []string
	for _, f := range def.Forms {
		for _, l := range f.Lines {
			if lineSet[l.Name] && !slices.Contains(header, l.Name) {
				header = append(header, l.Name)
			}
		}
	}
	for _, c := range def.Contests {
		for _, o := range c.Options {
			if name := "option:" + o.ID; lineSet[name] && !slices.Contains(header, name) {
				header = append(header, name)
			}
		}
	}
	rows := [][]string{append([]string{"area", "contest"}, header...)}
	for _, k := range keys {
		row := []string{k.area, k.contest}
		for _, h := range header {
			if v, ok := last[k][h]; ok {
				row = append(row, strconv.FormatInt(v, 10))
			} else {
				row = append(row, "")
			}
		}
		rows = append(rows, row)
	}
	write(filepath.Join(dir, "protocols.csv"), rows)

	day, err := demo.Day(e, seed, night)
	if err != nil {
		log.Fatal(err)
	}
	turnout := [][]string{{"area", "time", "voters"}}
	for _, ev := range day {
		if r := ev.Report; inTour(r.Area) {
			turnout = append(turnout, []string{r.Area, r.Time, strconv.FormatInt(r.Voters, 10)})
		}
	}
	write(filepath.Join(dir, "turnout.csv"), turnout)
}

func write(path string, rows [][]string) {
	f, err := os.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	w := csv.NewWriter(f)
	if err := w.WriteAll(rows); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %s: %d rows", path, len(rows)-1)
}
