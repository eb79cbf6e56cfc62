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
	"github.com/dauys/dauys/internal/rules"
)

// demoElection is the example the demo plays.
const demoElection = "kz-2023"

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
	noServe := fs.Bool("no-serve", false, "load a finished night and exit")
	duration := fs.Duration("duration", 3*time.Minute, "how long the election night takes")
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
	log := m.logger()
	log.Info("demo", "db", *db, "election", demoElection, "precincts", len(e.Tree.AtLevel(dauys.LevelPrecinct)), "submissions", len(events))
	if err := s.SetElectionStatus(ctx, demoElection, dauys.StatusCounting); err != nil {
		return err
	}
	s.elections.Forget(demoElection)
	p := &demo.Player{Intake: s.intake, Log: func(f string, a ...any) { log.Info(fmt.Sprintf(f, a...)) }}
	finish := func(st demo.Stats) error {
		log.Info("night over", "submitted", st.Submitted, "accepted", st.Accepted, "amended", st.Amended, "refused", st.Refused)
		if err := s.SetElectionStatus(ctx, demoElection, dauys.StatusComplete); err != nil {
			return err
		}
		s.elections.Forget(demoElection)
		return nil
	}
	if *noServe {
		st, err := p.Play(ctx, demoElection, events)
		if err != nil {
			return err
		}
		if err := finish(st); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "demo loaded into %s: %d protocols submitted, %d refused, %d amended\n", *db, st.Submitted, st.Refused, st.Amended)
		return nil
	}
	p.Duration = *duration
	go func() {
		st, err := p.Play(ctx, demoElection, events)
		if err != nil {
			if ctx.Err() == nil {
				log.Error("demo night", "err", err)
			}
			return
		}
		if err := finish(st); err != nil {
			log.Error("demo night", "err", err)
		}
	}()
	return m.serve(ctx, s, *addr)
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
