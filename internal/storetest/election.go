package storetest

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/dauys/dauys"
)

// checkElection compares an election read from the store with the
// expected one: creation times as instants, the original definition byte
// for byte, everything else as its JSON encoding.
func checkElection(t *testing.T, what string, got, want *dauys.Election) {
	t.Helper()
	if !got.CreatedAt.Equal(want.CreatedAt) {
		t.Errorf("%s: CreatedAt %v, want %v", what, got.CreatedAt, want.CreatedAt)
	}
	if !bytes.Equal(got.Definition, want.Definition) {
		t.Errorf("%s: Definition %q, want %q", what, got.Definition, want.Definition)
	}
	g, w := *got, *want
	g.CreatedAt = w.CreatedAt
	gb, err := json.Marshal(&g)
	if err != nil {
		t.Fatal(err)
	}
	wb, err := json.Marshal(&w)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(gb, wb) {
		t.Errorf("%s:\n got %s\nwant %s", what, gb, wb)
	}
}

func testCreateElection(t *testing.T, fresh func(*testing.T) dauys.Store) {
	t.Run("round trip", func(t *testing.T) {
		s := fresh(t)
		want := newElection("kz-2026", "2026-03-15", fixtureAreas())
		mustCreateElection(t, s, want)
		got, err := s.Election(t.Context(), "kz-2026")
		if err != nil {
			t.Fatal(err)
		}
		checkElection(t, "election", got, want)
	})
	t.Run("duplicate id", func(t *testing.T) {
		s := fresh(t)
		mustCreateElection(t, s, newElection("kz-2026", "2026-03-15", fixtureAreas()))
		other := newElection("kz-2026", "2027-01-01", nil)
		checkCode(t, "create again", s.CreateElection(t.Context(), other), dauys.ECONFLICT)
		got, err := s.Election(t.Context(), "kz-2026")
		if err != nil {
			t.Fatal(err)
		}
		if got.Date != "2026-03-15" || len(got.Areas) != len(fixtureAreas()) {
			t.Errorf("the refused definition changed the stored one: date %s, %d areas", got.Date, len(got.Areas))
		}
	})
	t.Run("missing", func(t *testing.T) {
		s := fresh(t)
		e, err := s.Election(t.Context(), "nope")
		checkCode(t, "election", err, dauys.ENOTFOUND)
		if e != nil {
			t.Errorf("election %+v with the error", e)
		}
	})
	t.Run("invalid", func(t *testing.T) {
		s := fresh(t)
		for _, tc := range []struct {
			name string
			e    *dauys.Election
		}{
			{"no id", newElection("", "2026-03-15", nil)},
			{"area twice", newElection("x", "2026-03-15", append(fixtureAreas(), dauys.Area{ID: "p1", Parent: "d1"}))},
			{"area without id", newElection("y", "2026-03-15", []dauys.Area{{Level: dauys.LevelCountry}})},
		} {
			t.Run(tc.name, func(t *testing.T) {
				checkCode(t, "create", s.CreateElection(t.Context(), tc.e), dauys.EINVALID)
			})
		}
	})
	t.Run("defaults", func(t *testing.T) {
		s := fresh(t)
		e := newElection("kz-2026", "2026-03-15", fixtureAreas())
		e.Status, e.CreatedAt = "", time.Time{}
		mustCreateElection(t, s, e)
		if e.Status != dauys.StatusPreElection {
			t.Errorf("status %q, want %q", e.Status, dauys.StatusPreElection)
		}
		if e.CreatedAt.IsZero() {
			t.Errorf("CreatedAt was not set")
		}
		got, err := s.Election(t.Context(), e.ID)
		if err != nil {
			t.Fatal(err)
		}
		checkElection(t, "election", got, e)
	})
}

func testElections(t *testing.T, fresh func(*testing.T) dauys.Store) {
	t.Run("empty", func(t *testing.T) {
		s := fresh(t)
		es, err := s.Elections(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != 0 {
			t.Errorf("%d elections in an empty store", len(es))
		}
	})
	t.Run("newest first without areas", func(t *testing.T) {
		s := fresh(t)
		// Created in an order that is neither the date order nor the id
		// order, so that neither passes for the other.
		created := []*dauys.Election{
			newElection("b-2022", "2022-06-05", fixtureAreas()),
			newElection("c-2026", "2026-03-15", fixtureAreas()),
			newElection("a-2024", "2024-10-06", nil),
			newElection("a-2026", "2026-03-15", fixtureAreas()),
		}
		for _, e := range created {
			mustCreateElection(t, s, e)
		}
		es, err := s.Elections(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, e := range es {
			ids = append(ids, e.ID)
		}
		if want := []string{"a-2026", "c-2026", "a-2024", "b-2022"}; !slices.Equal(ids, want) {
			t.Fatalf("elections %v, want %v", ids, want)
		}
		for _, e := range es {
			if e.Areas != nil {
				t.Errorf("election %s listed with %d areas", e.ID, len(e.Areas))
			}
			want := *newElection(e.ID, e.Date, nil)
			checkElection(t, "listed election "+e.ID, e, &want)
		}
	})
}

func testSetElectionStatus(t *testing.T, fresh func(*testing.T) dauys.Store) {
	s := fresh(t)
	mustCreateElection(t, s, newElection("kz-2026", "2026-03-15", fixtureAreas()))
	for _, tc := range []struct {
		name     string
		election string
		status   string
		code     string
	}{
		{"counting", "kz-2026", dauys.StatusCounting, ""},
		{"complete", "kz-2026", dauys.StatusComplete, ""},
		{"certified", "kz-2026", dauys.StatusCertified, ""},
		{"back to counting", "kz-2026", dauys.StatusCounting, ""},
		{"unknown status", "kz-2026", "finished", dauys.EINVALID},
		{"missing election", "nope", dauys.StatusCounting, dauys.ENOTFOUND},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, err := s.Election(t.Context(), "kz-2026")
			if err != nil {
				t.Fatal(err)
			}
			err = s.SetElectionStatus(t.Context(), tc.election, tc.status)
			checkCode(t, "set status", err, tc.code)
			want := before.Status
			if tc.code == "" {
				want = tc.status
			}
			got, err := s.Election(t.Context(), "kz-2026")
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != want {
				t.Errorf("status %q, want %q", got.Status, want)
			}
			es, err := s.Elections(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if len(es) != 1 || es[0].Status != want {
				t.Errorf("listed %+v, want status %q", es, want)
			}
		})
	}
}

func testAddAreas(t *testing.T, fresh func(*testing.T) dauys.Store) {
	s := fresh(t)
	e := newElection("kz-2026", "2026-03-15", fixtureAreas())
	mustCreateElection(t, s, e)
	want := slices.Clone(e.Areas)
	for _, tc := range []struct {
		name     string
		election string
		areas    []dauys.Area
		added    []dauys.Area // appended to the election's areas
		code     string
	}{
		{
			name:     "new areas",
			election: "kz-2026",
			areas: []dauys.Area{
				{ID: "d9", Parent: "r3", Level: dauys.LevelDistrict, Name: dauys.T("District 9")},
				{ID: "p9", Parent: "d9", Level: dauys.LevelPrecinct, Name: dauys.T("Precinct 9"), Number: "009"},
			},
			added: []dauys.Area{
				{ID: "d9", Parent: "r3", Level: dauys.LevelDistrict, Name: dauys.T("District 9")},
				{ID: "p9", Parent: "d9", Level: dauys.LevelPrecinct, Name: dauys.T("Precinct 9"), Number: "009"},
			},
		},
		{
			name:     "existing ids are left unchanged",
			election: "kz-2026",
			areas: []dauys.Area{
				{ID: "p1", Parent: "d2", Level: dauys.LevelPrecinct, Name: dauys.T("Renamed")},
				{ID: "p9", Parent: "d1", Level: dauys.LevelPrecinct, Name: dauys.T("Renamed")},
				{ID: "p10", Parent: "d9", Level: dauys.LevelPrecinct, Name: dauys.T("Precinct 10")},
			},
			added: []dauys.Area{{ID: "p10", Parent: "d9", Level: dauys.LevelPrecinct, Name: dauys.T("Precinct 10")}},
		},
		{
			name:     "nothing new",
			election: "kz-2026",
			areas:    fixtureAreas(),
		},
		{
			name:     "missing election",
			election: "nope",
			areas:    []dauys.Area{{ID: "x", Level: dauys.LevelPrecinct}},
			code:     dauys.ENOTFOUND,
		},
		{
			name:     "area without id",
			election: "kz-2026",
			areas:    []dauys.Area{{Level: dauys.LevelPrecinct}},
			code:     dauys.EINVALID,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkCode(t, "add areas", s.AddAreas(t.Context(), tc.election, tc.areas), tc.code)
			want = append(want, tc.added...)
			got, err := s.Election(t.Context(), "kz-2026")
			if err != nil {
				t.Fatal(err)
			}
			w := *e
			w.Areas = want
			checkElection(t, "election", got, &w)
		})
	}
}
