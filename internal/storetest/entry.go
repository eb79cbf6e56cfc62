package storetest

import (
	"reflect"
	"testing"
	"time"

	"github.com/dauys/dauys"
)

func testEntries(t *testing.T, fresh func(*testing.T) dauys.Store) {
	s := fresh(t)
	f := newFixture(t, s)
	ctx := t.Context()
	entry := func(area string, slot int, operator string, lines map[string]int64, i int) *dauys.Entry {
		e := &dauys.Entry{Election: f.e.ID, Contest: contestRef, Area: area, Slot: slot, Operator: operator,
			Lines: lines, ReceivedAt: at(i)}
		e.Hash = (&dauys.Protocol{Election: e.Election, Contest: e.Contest, Area: e.Area, Lines: e.Lines}).ContentHash()
		return e
	}
	first := entry("p1", 1, "Айгүл", ref(1200, 800, 500, 300), 10)
	second := entry("p1", 2, "Марат", ref(1200, 800, 500, 301), 12)
	third := entry("p1", 2, "Марат", ref(1200, 800, 500, 300), 11) // received before second, stored after
	other := entry("p2", 1, "Айгүл", ref(1500, 900, 600, 280), 13)
	second.Base = 3 // an amendment's entry keeps the version it amends
	for _, e := range []*dauys.Entry{first, second, third, other} {
		if err := s.SaveEntry(ctx, e); err != nil {
			t.Fatalf("save entry: %v", err)
		}
	}

	t.Run("oldest first", func(t *testing.T) {
		got, err := s.Entries(ctx, f.e.ID, contestRef, "p1")
		if err != nil {
			t.Fatal(err)
		}
		checkEntries(t, got, []*dauys.Entry{first, third, second})
	})
	t.Run("none", func(t *testing.T) {
		got, err := s.Entries(ctx, f.e.ID, contestRef, "p3")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 0 {
			t.Errorf("%d entries, want none", len(got))
		}
	})
	t.Run("invalid", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			e    *dauys.Entry
			code string
		}{
			{"slot 3", entry("p1", 3, "x", ref(1, 1, 1, 0), 20), dauys.EINVALID},
			{"no area", entry("", 1, "x", ref(1, 1, 1, 0), 20), dauys.EINVALID},
			{"missing election", &dauys.Entry{Election: "nope", Contest: contestRef, Area: "p1", Slot: 1}, dauys.ENOTFOUND},
		} {
			t.Run(tc.name, func(t *testing.T) {
				checkCode(t, "save entry", s.SaveEntry(ctx, tc.e), tc.code)
			})
		}
		got, err := s.Entries(ctx, f.e.ID, contestRef, "p1")
		if err != nil {
			t.Fatal(err)
		}
		checkEntries(t, got, []*dauys.Entry{first, third, second})
	})
	t.Run("missing election", func(t *testing.T) {
		_, err := s.Entries(ctx, "nope", contestRef, "p1")
		checkCode(t, "entries", err, dauys.ENOTFOUND)
	})
}

func checkEntries(t *testing.T, got, want []*dauys.Entry) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d entries, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := *got[i], *want[i]
		if !g.ReceivedAt.Equal(w.ReceivedAt) {
			t.Errorf("entry %d: ReceivedAt %v, want %v", i, g.ReceivedAt, w.ReceivedAt)
		}
		g.ReceivedAt, w.ReceivedAt = time.Time{}, time.Time{}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("entry %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
}

func testRefusals(t *testing.T, fresh func(*testing.T) dauys.Store) {
	s := fresh(t)
	f := newFixture(t, s)
	ctx := t.Context()
	conflict := &dauys.Refusal{Election: f.e.ID, Contest: contestRef, Area: "p1", Code: dauys.ECONFLICT,
		Reason: "a different protocol (version 1) was already accepted", Payload: `{"lines":{"yes":501}}`,
		Submitter: "Марат", Source: "api", ReceivedAt: at(30)}
	malformed := &dauys.Refusal{Election: f.e.ID, Code: dauys.EINVALID, Reason: "unreadable CSV row 17",
		Payload: "p1;;;\xff", Source: "csv:upload-3.csv", ReceivedAt: at(29)}
	late := &dauys.Refusal{Election: f.e.ID, Contest: contestMay, Area: "p9", Code: dauys.ENOTFOUND,
		Reason: "no such precinct", ReceivedAt: at(31).UTC()}
	for _, r := range []*dauys.Refusal{conflict, malformed, late} {
		if err := s.RecordRefusal(ctx, r); err != nil {
			t.Fatalf("record refusal: %v", err)
		}
	}
	other := newElection("other", "2026-04-01", fixtureAreas())
	mustCreateElection(t, s, other)
	if err := s.RecordRefusal(ctx, &dauys.Refusal{Election: other.ID, Code: dauys.EINVALID, Reason: "x", ReceivedAt: at(1)}); err != nil {
		t.Fatal(err)
	}

	t.Run("oldest first", func(t *testing.T) {
		got, err := s.Refusals(ctx, f.e.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []*dauys.Refusal{malformed, conflict, late}
		if len(got) != len(want) {
			t.Fatalf("%d refusals, want %d", len(got), len(want))
		}
		for i := range want {
			g, w := *got[i], *want[i]
			if !g.ReceivedAt.Equal(w.ReceivedAt) {
				t.Errorf("refusal %d: ReceivedAt %v, want %v", i, g.ReceivedAt, w.ReceivedAt)
			}
			g.ReceivedAt, w.ReceivedAt = time.Time{}, time.Time{}
			if g != w {
				t.Errorf("refusal %d:\n got %+v\nwant %+v", i, g, w)
			}
		}
	})
	t.Run("none", func(t *testing.T) {
		e := newElection("quiet", "2026-05-01", nil)
		mustCreateElection(t, s, e)
		got, err := s.Refusals(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 0 {
			t.Errorf("%d refusals, want none", len(got))
		}
	})
	t.Run("invalid", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			r    *dauys.Refusal
			code string
		}{
			{"no code", &dauys.Refusal{Election: f.e.ID, Reason: "x"}, dauys.EINVALID},
			{"missing election", &dauys.Refusal{Election: "nope", Code: dauys.EINVALID}, dauys.ENOTFOUND},
		} {
			t.Run(tc.name, func(t *testing.T) {
				checkCode(t, "record refusal", s.RecordRefusal(ctx, tc.r), tc.code)
			})
		}
	})
	t.Run("missing election", func(t *testing.T) {
		_, err := s.Refusals(ctx, "nope")
		checkCode(t, "refusals", err, dauys.ENOTFOUND)
	})
}
