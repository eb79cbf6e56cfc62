package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/examples"
	"github.com/dauys/dauys/internal/definition"
	"github.com/dauys/dauys/internal/demo"
	"github.com/dauys/dauys/internal/election"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/rules"
)

// demoElection is the example the demo plays, and demoObservedContest
// the contest whose protocols its observers copy.
const (
	demoElection        = "kz-2023"
	demoObservedContest = "mazhilis-list"
)

// demoBaseline follows the official 2023 Mazhilis list result (CEC,
// 19 March 2023: AMANAT 53.90%, Auyl 10.90%, Respublica 8.59%, Ak Zhol
// 8.41%, People's Party 6.80%, OSDP 5.20%, Baytaq 2.30%, against all
// 3.90%); precinct counts around it are synthetic.
var demoBaseline = demo.Baseline{
	Shares: map[string]float64{
		"amanat": 53.90, "auyl": 10.90, "respublica": 8.59, "ak-zhol": 8.41,
		"qhp": 6.80, "osdp": 5.20, "baytaq": 2.30,
	},
	AgainstAll: 3.90,
	Invalid:    1.2,
}

func (m *Main) runDemo(ctx context.Context, args []string) error {
	fs := m.flagSet("demo")
	db := fs.String("db", "", "SQLite file or postgres:// URL (default: a new file in a temporary folder)")
	addr := fs.String("addr", "127.0.0.1:8080", "address to serve on")
	noServe := fs.Bool("no-serve", false, "load a finished day and night and exit")
	duration := fs.Duration("duration", 3*time.Minute, "how long the election night takes")
	dayDuration := fs.Duration("day", time.Minute, "how long polling day takes, before the night")
	seed := fs.Uint64("seed", 2023, "seed of the generated protocols")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *db == "" {
		dir, err := os.MkdirTemp("", "dauys-demo-")
		if err != nil {
			return err
		}
		*db = filepath.Join(dir, "demo.db")
	}
	s, e, err := m.openDemo(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	events := demo.Night(e, *seed, demoBaseline)
	day, err := demo.Day(e, *seed, events)
	if err != nil {
		return err
	}
	log := m.logger()
	log.Info("demo", "db", *db, "election", demoElection, "precincts", len(e.Tree.AtLevel(dauys.LevelPrecinct)), "turnout reports", len(day), "submissions", len(events))
	p := &demo.Player{Intake: s.intake, SubmitTurnout: demoTurnout(s), Log: func(f string, a ...any) { log.Info(fmt.Sprintf(f, a...)) }}
	// play plays the day, then the night, moving the election through
	// voting, counting and complete.
	play := func() (demo.Stats, demo.Stats, error) {
		var dayStats, st demo.Stats
		setStatus := func(status string) error {
			defer s.elections.Forget(demoElection)
			return s.SetElectionStatus(ctx, demoElection, status)
		}
		if err := setStatus(dauys.StatusVoting); err != nil {
			return dayStats, st, err
		}
		dayStats, err := p.PlayDay(ctx, demoElection, day)
		if err != nil {
			return dayStats, st, err
		}
		log.Info("day over", "turnout reports", dayStats.Submitted, "refused", dayStats.Refused)
		if err := setStatus(dauys.StatusCounting); err != nil {
			return dayStats, st, err
		}
		if st, err = p.Play(ctx, demoElection, events); err != nil {
			return dayStats, st, err
		}
		log.Info("night over", "submitted", st.Submitted, "accepted", st.Accepted, "amended", st.Amended, "refused", st.Refused)
		// Observer groups hand in their copies after the count.
		obs := &demo.Observers{Intake: s.intake, Protocols: s.EachProtocol, Images: s.images, Seed: *seed,
			Log: func(f string, a ...any) { log.Info(fmt.Sprintf(f, a...)) }}
		if _, err := obs.Play(ctx, demoElection, demoObservedContest); err != nil {
			return dayStats, st, err
		}
		return dayStats, st, setStatus(dauys.StatusComplete)
	}
	if *noServe {
		dayStats, st, err := play()
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "demo loaded into %s: %d turnout reports (%d refused), %d protocols submitted, %d refused, %d amended\n",
			*db, dayStats.Submitted, dayStats.Refused, st.Submitted, st.Refused, st.Amended)
		return nil
	}
	p.Duration, p.DayDuration = *duration, *dayDuration
	go func() {
		if _, _, err := play(); err != nil && ctx.Err() == nil {
			log.Error("demo", "err", err)
		}
	}()
	return m.serve(ctx, s, *addr)
}

// demoTurnout sends the demo's turnout reports through intake, as a
// commission's would arrive: checked, stored, and announced to the caches
// of the API and the site.
func demoTurnout(s *store) func(context.Context, string, []*dauys.TurnoutReport) ([]dauys.TurnoutResult, error) {
	return func(ctx context.Context, election string, rs []*dauys.TurnoutReport) ([]dauys.TurnoutResult, error) {
		subs := make([]intake.TurnoutSubmission, len(rs))
		for i, r := range rs {
			subs[i] = intake.TurnoutSubmission{Area: r.Area, Time: r.Time, Voters: r.Voters, Submitter: r.Submitter, Source: r.Source}
		}
		return s.intake.SubmitTurnout(ctx, election, subs)
	}
}

// loadExample imports a shipped example definition unless the store has it.
func loadExample(ctx context.Context, s *store, id string, now time.Time) error {
	if _, err := s.Election(ctx, id); err == nil {
		return nil
	} else if dauys.ErrorCode(err) != dauys.ENOTFOUND {
		return err
	}
	sub, err := fs.Sub(examples.FS, id)
	if err != nil {
		return err
	}
	data, err := fs.ReadFile(sub, "election.yaml")
	if err != nil {
		return err
	}
	e, err := definition.ParseWith(data, id+"/election.yaml", sub, definition.Options{CheckRules: rules.Check})
	if err != nil {
		return err
	}
	e.CreatedAt = now.UTC()
	return s.CreateElection(ctx, e)
}

// openDemo opens the store at db and loads the demo election into it.
func (m *Main) openDemo(ctx context.Context, db string) (*store, *election.Election, error) {
	s, err := m.open(ctx, db)
	if err != nil {
		return nil, nil, err
	}
	if err := loadExample(ctx, s, demoElection, m.Now()); err != nil {
		s.Close()
		return nil, nil, err
	}
	e, err := s.elections.Load(ctx, demoElection)
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	return s, e, nil
}
