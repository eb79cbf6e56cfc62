package main

import (
	"context"
	"fmt"
	"io/fs"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/examples"
	"github.com/dauys/dauys/internal/definition"
	"github.com/dauys/dauys/internal/demo"
	"github.com/dauys/dauys/internal/election"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/rules"
)

// The demo's observers copy the protocols of a contest of a replay none
// of whose figures was published (the winner of single-member district
// No. 2 was not found, so all its figures are simulated): their one
// recount changes a count, which must not move an official total.
const (
	demoObservedElection = "kz-2023"
	demoObservedContest  = "mazhilis-smd-02"
)

func (m *Main) runDemo(ctx context.Context, args []string) error {
	fs := m.flagSet("demo")
	db := fs.String("db", "", "SQLite file or postgres:// URL (default: a new file in a temporary folder)")
	addr := fs.String("addr", "127.0.0.1:8080", "address to serve on")
	noServe := fs.Bool("no-serve", false, "load every replay finished and exit")
	duration := fs.Duration("duration", 3*time.Minute, "how long the election night takes")
	dayDuration := fs.Duration("day", time.Minute, "how long polling day takes, before the night")
	seed := fs.Uint64("seed", 2023, "seed of the simulated precinct figures")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	start, err := m.startDemo(*db, *addr, *noServe, fmt.Sprintf("%d real Kazakh votes replayed (precinct figures simulated to add up to the official totals); %s live: polling day, then election night", len(demoReplays), liveReplay))
	if err != nil {
		return err
	}
	defer start.close()
	*db = start.db
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	// Every replay is defined before anything is played, so that the
	// front page lists them all from the start, newest first, and each
	// gets its transparency log.
	if err := defineReplays(ctx, s, m.Now()); err != nil {
		return err
	}
	if err := start.startLogs(ctx, m, s); err != nil {
		return err
	}
	log := m.logger()
	log.Info("demo", "db", *db, "replays", len(demoReplays), "live", liveReplay)
	logf := func(f string, a ...any) { log.Info(fmt.Sprintf(f, a...)) }
	play := func(live *demo.Player) (day, night demo.Stats, err error) {
		if day, night, err = playReplays(ctx, s, *seed, live, log); err != nil {
			return day, night, err
		}
		// Observer groups hand in their copies after the count.
		obs := &demo.Observers{Intake: s.intake, Protocols: s.EachProtocol, Images: s.images, Seed: *seed, Log: logf}
		_, err = obs.Play(ctx, demoObservedElection, demoObservedContest)
		return day, night, err
	}
	live := &demo.Player{Intake: s.intake, SubmitTurnout: demoTurnout(s), Log: logf}
	if *noServe {
		dayStats, st, err := play(live)
		if err != nil {
			return err
		}
		if err := start.syncLogs(ctx, m, s); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "demo loaded into %s: %d replays, %d turnout reports (%d refused), %d protocols submitted, %d refused, %d amended\n",
			*db, len(demoReplays), dayStats.Submitted, dayStats.Refused, st.Submitted, st.Refused, st.Amended)
		return nil
	}
	live.Duration, live.DayDuration = *duration, *dayDuration
	go func() {
		if _, _, err := play(live); err != nil && ctx.Err() == nil {
			log.Error("demo", "err", err)
		}
	}()
	return m.serveWith(ctx, s, start.serveOptions())
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
	e, err := definition.ParseWith(data, id+"/election.yaml", sub, definition.Options{CheckRules: rules.Check, CheckLists: rules.CheckLists})
	if err != nil {
		return err
	}
	e.CreatedAt = now.UTC()
	return s.CreateElection(ctx, e)
}

// openExample opens the store at db and loads a shipped example into it.
func (m *Main) openExample(ctx context.Context, db, id string) (*store, *election.Election, error) {
	s, err := m.open(ctx, db)
	if err != nil {
		return nil, nil, err
	}
	if err := loadExample(ctx, s, id, m.Now()); err != nil {
		s.Close()
		return nil, nil, err
	}
	e, err := s.elections.Load(ctx, id)
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	return s, e, nil
}
