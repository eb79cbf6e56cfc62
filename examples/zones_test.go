package examples_test

import (
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/examples"
	"github.com/dauys/dauys/internal/definition"
)

// TestZoneOffsets checks that the time zone every region of a Kazakh
// example gets, its own or the election's, had on polling day the UTC
// offset the research gives (research/official/form-and-day.md section
// 1c): until 29 February 2024 Aktobe, Atyrau, West Kazakhstan, Kyzylorda
// and Mangystau on UTC+5 and the rest of the country on UTC+6; since
// 1 March 2024 the whole country on UTC+5. The offsets are the embedded
// zone database's (time/tzdata, imported by the definition package), so a
// machine without /usr/share/zoneinfo gives the same. Every precinct abroad
// has a zone the database knows.
func TestZoneOffsets(t *testing.T) {
	west := map[string]bool{"KZ-15": true, "KZ-23": true, "KZ-27": true, "KZ-43": true, "KZ-47": true}
	tests := []struct {
		id         string
		west, rest int // hours east of UTC
	}{
		{"kz-referendum-2022", 5, 6},
		{"kz-2023", 5, 6},
		{"kz-kurultai-2026", 5, 5},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			e := load(t, tt.id)
			day, err := time.Parse("2006-01-02", e.Date)
			if err != nil {
				t.Fatal(err)
			}
			abroad := 0
			regions := 0
			for _, a := range e.Areas {
				if a.Level == dauys.LevelPrecinct && a.Timezone != "" {
					if _, err := time.LoadLocation(a.Timezone); err != nil {
						t.Errorf("precinct %s: zone %q: %v", a.ID, a.Timezone, err)
					}
					abroad++
				}
				if a.Level != dauys.LevelRegion {
					continue
				}
				regions++
				zone := dauys.EffectiveZone(e.Chain(a.ID), e.Timezone)
				loc, err := time.LoadLocation(zone)
				if err != nil {
					t.Fatalf("region %s: zone %q: %v", a.ID, zone, err)
				}
				// Noon local time on polling day: the polls are open.
				noon := time.Date(day.Year(), day.Month(), day.Day(), 12, 0, 0, 0, loc)
				_, offset := noon.Zone()
				want := tt.rest
				if west[a.ID] {
					want = tt.west
				}
				if offset != want*3600 {
					t.Errorf("region %s (%s, zone %s) is on UTC%+d on %s, want UTC%+d", a.ID, a.Name.EN, zone, offset/3600, e.Date, want)
				}
			}
			if regions < 17 {
				t.Errorf("%d regions checked", regions)
			}
			if abroad == 0 {
				t.Error("no precinct abroad has a zone of its own")
			}
		})
	}
}

// load reads a shipped example from the embedded files, as `dauys demo`
// does.
func load(tb testing.TB, id string) *dauys.Election {
	tb.Helper()
	sub, err := fs.Sub(examples.FS, id)
	if err != nil {
		tb.Fatal(err)
	}
	data, err := fs.ReadFile(sub, "election.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	e, err := definition.ParseWith(data, id+"/election.yaml", sub, definition.Options{})
	if err != nil {
		tb.Fatal(dauys.ErrorMessage(err))
	}
	if !strings.HasPrefix(e.Date, "20") {
		tb.Fatalf("date %q", e.Date)
	}
	return e
}
