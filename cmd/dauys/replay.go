package main

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/examples"
	"github.com/dauys/dauys/internal/demo"
	"github.com/dauys/dauys/internal/election"
)

// demoReplays are the replays of the official Kazakh results the demo
// loads, oldest first; the last is the newest, whose polling day and
// election night `dauys demo` plays, the others load finished.
var demoReplays = []string{"kz-referendum-2022", "kz-president-2022", "kz-2023", "kz-referendum-2024", "kz-referendum-2026"}

// liveReplay is the replay the demo plays live.
var liveReplay = demoReplays[len(demoReplays)-1]

// replayNight generates a replay's protocols: simulated, adding up
// exactly to the totals of the example's totals file.
func replayNight(e *election.Election, seed uint64) ([]demo.Event, error) {
	if !e.IsReplay() || e.Replay.Totals == "" {
		return nil, fmt.Errorf("demo: %s is not a replay with a totals file", e.ID)
	}
	sub, err := fs.Sub(examples.FS, e.ID)
	if err != nil {
		return nil, err
	}
	f, err := sub.Open(e.Replay.Totals)
	if err != nil {
		return nil, fmt.Errorf("demo: %s: %w", e.ID, err)
	}
	defer f.Close()
	totals, err := demo.ReadTotals(f, e.ID+"/"+e.Replay.Totals)
	if err != nil {
		return nil, err
	}
	return demo.Replay(e, totals, seed)
}

// demoRun is one replay to play: its polling day and its night.
type demoRun struct {
	election string
	day      []demo.TurnoutEvent
	night    []demo.Event
}

// prepareReplay generates the day and night of a replay the store
// defines; nil when the store already has its results (a database
// reused).
func prepareReplay(ctx context.Context, s *store, id string, seed uint64) (*demoRun, error) {
	e, err := s.elections.Load(ctx, id)
	if err != nil {
		return nil, err
	}
	if e.Status != dauys.StatusPreElection {
		return nil, nil
	}
	night, err := replayNight(e, seed)
	if err != nil {
		return nil, err
	}
	day, err := demo.Day(e, seed, night)
	if err != nil {
		return nil, err
	}
	if id != liveReplay {
		// A replay loaded finished keeps the figures at the close only:
		// the hours of the day would cost most of the demo's loading
		// time and show nothing the live replay does not.
		closing := day[:0]
		for _, ev := range day {
			if ev.Report.Time == dauys.TurnoutClose {
				closing = append(closing, ev)
			}
		}
		day = closing
	}
	return &demoRun{election: id, day: day, night: night}, nil
}

// play plays a replay's day, then its night, moving the election through
// voting, counting and complete; the player's durations pace it.
func (r *demoRun) play(ctx context.Context, s *store, p *demo.Player, log *slog.Logger) (day, night demo.Stats, err error) {
	setStatus := func(status string) error {
		defer s.elections.Forget(r.election)
		return s.SetElectionStatus(ctx, r.election, status)
	}
	if err := setStatus(dauys.StatusVoting); err != nil {
		return day, night, err
	}
	if day, err = p.PlayDay(ctx, r.election, r.day); err != nil {
		return day, night, err
	}
	log.Info("day over", "election", r.election, "turnout reports", day.Submitted, "refused", day.Refused)
	if err := setStatus(dauys.StatusCounting); err != nil {
		return day, night, err
	}
	if night, err = p.Play(ctx, r.election, r.night); err != nil {
		return day, night, err
	}
	log.Info("night over", "election", r.election, "submitted", night.Submitted, "accepted", night.Accepted, "amended", night.Amended, "refused", night.Refused)
	return day, night, setStatus(dauys.StatusComplete)
}

// defineReplays loads the replays' definitions into the store, those it
// does not have yet.
func defineReplays(ctx context.Context, s *store, now time.Time) error {
	for _, id := range demoReplays {
		if err := loadExample(ctx, s, id, now); err != nil {
			return err
		}
	}
	return nil
}

// playReplays loads the finished replays at once, oldest first, then plays
// the live one with the live player's pace; replays the store already has
// results of are left as they are.
func playReplays(ctx context.Context, s *store, seed uint64, live *demo.Player, log *slog.Logger) (day, night demo.Stats, err error) {
	for _, id := range demoReplays {
		r, err := prepareReplay(ctx, s, id, seed)
		if err != nil {
			return day, night, err
		}
		if r == nil {
			continue // loaded before, in a database reused
		}
		p := &demo.Player{Intake: s.intake, SubmitTurnout: demoTurnout(s), Log: live.Log}
		if id == liveReplay {
			p = live
		}
		d, n, err := r.play(ctx, s, p, log)
		day.Submitted, day.Refused = day.Submitted+d.Submitted, day.Refused+d.Refused
		night.Submitted, night.Refused, night.Amended = night.Submitted+n.Submitted, night.Refused+n.Refused, night.Amended+n.Amended
		if err != nil {
			return day, night, err
		}
	}
	return day, night, nil
}
