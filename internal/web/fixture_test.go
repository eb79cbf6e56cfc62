package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/definition"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/rules"
	"github.com/dauys/dauys/internal/sqlite"
	"github.com/dauys/dauys/internal/tally"
	"github.com/dauys/dauys/internal/web"
)

// fixture is a real SQLite store holding the three small elections of
// testdata/fixture with fixed protocols received at fixed times, and the
// site over it with a fixed clock.
type fixture struct {
	path   string // the SQLite file
	store  *sqlite.Store
	intake *intake.Service
	tally  *tally.Tally
	site   *web.Site
	clock  *clock
}

// clock is a settable clock shared by intake (protocol arrival times) and
// the site (the "updated" time, the freshness of versions).
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// fixedNow is when the golden pages are rendered: 20:00 UTC, 01:00 in
// Almaty the night after the fixture's polling day.
var fixedNow = time.Date(2025, 3, 16, 20, 0, 0, 0, time.UTC)

// zone is Kazakhstan's UTC+5, fixed so that the golden files do not depend
// on the machine's time zone database.
var zone = time.FixedZone("UTC+5", 5*3600)

func mustFixture(tb testing.TB, configure func(*web.Config)) *fixture {
	tb.Helper()
	return mustFixtureWith(tb, configure, true)
}

// mustFixtureWith is mustFixture, with the protocols only when submit is
// set: without them every election is before its count.
func mustFixtureWith(tb testing.TB, configure func(*web.Config), submit bool) *fixture {
	tb.Helper()
	ctx := context.Background()
	path := filepath.Join(tb.TempDir(), "web.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	clk := &clock{}
	in := intake.New(st, clk.Now)
	fx := &fixture{path: path, store: st, intake: in, tally: tally.New(st, in.Elections()), clock: clk}
	for _, id := range []string{"fx-2025", "fx-ref", "fx-pres"} {
		data, err := os.ReadFile(filepath.Join("testdata", "fixture", id+".yaml"))
		if err != nil {
			tb.Fatal(err)
		}
		def, err := definition.ParseWith(data, id+".yaml", nil, definition.Options{CheckRules: rules.Check})
		if err != nil {
			tb.Fatal(err)
		}
		def.CreatedAt = fixedNow
		if err := st.CreateElection(ctx, def); err != nil {
			tb.Fatal(err)
		}
	}
	if submit {
		fx.submitAll(tb)
	}
	clk.Set(fixedNow)
	cfg := web.Config{Store: st, Tally: fx.tally, Now: clk.Now, Location: zone}
	if configure != nil {
		configure(&cfg)
	}
	fx.site, err = web.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return fx
}

// submit sends one protocol at a time, the clock advancing seven minutes
// before each, so that every protocol has its own arrival time.
func (fx *fixture) submit(tb testing.TB, election string, subs ...intake.Submission) {
	tb.Helper()
	for _, sub := range subs {
		fx.clock.Set(fx.clock.Now().Add(7 * time.Minute))
		res, err := fx.intake.Submit(context.Background(), election, []intake.Submission{sub})
		if err != nil {
			tb.Fatal(err)
		}
		if res[0].Err != nil {
			tb.Fatalf("%s %s %s: %v", election, sub.Contest, sub.Area, res[0].Err)
		}
	}
}

// lines builds protocol lines from "name=value" pairs.
func lines(pairs string) map[string]int64 {
	out := map[string]int64{}
	for _, p := range strings.Fields(pairs) {
		name, v, _ := strings.Cut(p, "=")
		var n int64
		for _, ch := range v {
			n = n*10 + int64(ch-'0')
		}
		out[name] = n
	}
	return out
}

func sub(contest, area, pairs string) intake.Submission {
	return intake.Submission{Contest: contest, Area: area, Lines: lines(pairs), AcknowledgeWarnings: true, Submitter: "test"}
}

// submitAll sends the fixture's protocols. In fx-2025 precinct FX-N-2-2 has
// not reported, FX-N-1-1's list protocol is amended (five votes moved back
// from Alpha to Beta) and FX-N-2-1 raises the turnout warning.
func (fx *fixture) submitAll(tb testing.TB) {
	const list, smd1, smd2 = "parliament-list", "parliament-smd-1", "parliament-smd-2"
	fx.clock.Set(time.Date(2025, 3, 16, 15, 0, 0, 0, time.UTC))
	fx.submit(tb, "fx-2025",
		sub(list, "FX-N-1-1", "registered=1200 took_part=700 invalid=10 against_all=20 option:alpha=405 option:beta=145 option:gamma=80 option:delta=40"),
		sub(smd1, "FX-N-1-1", "registered=1200 took_part=700 invalid=12 against_all=18 option:aset=350 option:bota=220 option:dana=100"),
		sub(list, "FX-C-1-1", "registered=2900 took_part=1600 invalid=20 against_all=60 option:alpha=600 option:beta=500 option:gamma=350 option:delta=70"),
		sub(smd2, "FX-C-1-1", "registered=2900 took_part=1600 invalid=20 against_all=60 option:erlan=700 option:farida=820"),
		sub(list, "FX-N-1-2", "registered=950 took_part=600 invalid=8 against_all=12 option:alpha=300 option:beta=200 option:gamma=50 option:delta=30"),
		sub(smd1, "FX-N-1-2", "registered=950 took_part=600 invalid=9 against_all=11 option:aset=250 option:bota=230 option:dana=100"),
		sub(list, "FX-S-1-1", "registered=2100 took_part=1300 invalid=15 against_all=35 option:alpha=500 option:beta=300 option:gamma=400 option:delta=50"),
		sub(smd2, "FX-S-1-1", "registered=2100 took_part=1300 invalid=15 against_all=35 option:erlan=700 option:farida=550"),
		sub(list, "FX-N-2-1", "registered=1500 took_part=1400 invalid=20 against_all=30 option:alpha=700 option:beta=400 option:gamma=180 option:delta=70"),
		sub(smd1, "FX-N-2-1", "registered=1500 took_part=1400 invalid=20 against_all=30 option:aset=600 option:bota=550 option:dana=200"),
		sub(list, "FX-S-1-2", "registered=1750 took_part=1000 invalid=10 against_all=40 option:alpha=350 option:beta=250 option:gamma=320 option:delta=30"),
		sub(smd2, "FX-S-1-2", "registered=1750 took_part=1000 invalid=10 against_all=40 option:erlan=500 option:farida=450"),
		sub(list, "FX-S-2-1", "registered=600 took_part=420 invalid=5 against_all=15 option:alpha=150 option:beta=100 option:gamma=130 option:delta=20"),
		sub(smd2, "FX-S-2-1", "registered=600 took_part=420 invalid=5 against_all=15 option:erlan=180 option:farida=220"),
		sub(list, "FX-S-2-2", "registered=1300 took_part=800 invalid=10 against_all=30 option:alpha=300 option:beta=200 option:gamma=220 option:delta=40"),
		sub(smd2, "FX-S-2-2", "registered=1300 took_part=800 invalid=10 against_all=30 option:erlan=400 option:farida=360"),
		sub(list, "FX-C-1-2", "registered=2600 took_part=1500 invalid=15 against_all=45 option:alpha=550 option:beta=480 option:gamma=350 option:delta=60"),
		sub(smd2, "FX-C-1-2", "registered=2600 took_part=1500 invalid=15 against_all=45 option:erlan=690 option:farida=750"),
	)
	fix := sub(list, "FX-N-1-1", "registered=1200 took_part=700 invalid=10 against_all=20 option:alpha=400 option:beta=150 option:gamma=80 option:delta=40")
	fix.Amendment, fix.Reason = true, "Recount by the precinct commission: five ballots for Beta were counted for Alpha"
	fx.submit(tb, "fx-2025", fix)

	fx.clock.Set(time.Date(2022, 6, 5, 15, 0, 0, 0, time.UTC))
	fx.submit(tb, "fx-ref",
		sub("constitution", "RF-A-1", "registered=1000 took_part=700 yes=500 no=170 both_marked=10 invalid=20"),
		sub("constitution", "RF-A-2", "registered=1400 took_part=900 yes=600 no=270 both_marked=10 invalid=20"),
		sub("constitution", "RF-B-1", "registered=1800 took_part=1000 yes=450 no=500 both_marked=20 invalid=30"),
		sub("constitution", "RF-C-1", "registered=2500 took_part=1500 yes=1100 no=350 both_marked=20 invalid=30"),
	)
	fx.clock.Set(time.Date(2024, 11, 20, 15, 0, 0, 0, time.UTC))
	fx.submit(tb, "fx-pres",
		sub("president", "PR-A-1", "registered=3000 took_part=2000 invalid=40 against_all=60 option:kaliyev=900 option:omarova=700 option:pak=300"),
		sub("president", "PR-B-1", "registered=2000 took_part=1400 invalid=20 against_all=30 option:kaliyev=600 option:omarova=550 option:pak=200"),
	)
}

// boundaries loads the fixture's GeoJSON.
func boundaries(tb testing.TB) func(string) *web.Boundaries {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", "fixture", "fx-2025.geojson"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	b, err := web.ParseGeoJSON(f)
	if err != nil {
		tb.Fatal(err)
	}
	return func(election string) *web.Boundaries {
		if election == "fx-2025" {
			return b
		}
		return nil
	}
}

var _ dauys.Store = (*sqlite.Store)(nil)
