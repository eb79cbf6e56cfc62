package intake

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/election"
)

// TurnoutSubmission is a precinct's turnout report as a commission, an
// operator or a file sends it: the voters who had received ballots by one
// of the election's reporting times ("HH:MM" local to the precinct, or
// "close").
type TurnoutSubmission struct {
	Area   string `json:"area"`
	Time   string `json:"time"`
	Voters int64  `json:"voters"`
	// Amendment marks a correction of an accepted figure; Reason is
	// required with it.
	Amendment bool   `json:"amendment,omitempty"`
	Reason    string `json:"reason,omitempty"`

	Submitter string `json:"-"`
	Source    string `json:"-"`
}

// OnTurnout registers fn to be called after every batch that stored new
// turnout figures of an election, for instance to drop cached answers.
// fn must not block.
func (s *Service) OnTurnout(fn func(election string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.turnout = append(s.turnout, fn)
}

// SubmitTurnout checks and stores a batch of turnout reports of one
// election, as Submit does protocols: a refused report gets its error (with
// kk/ru/en texts) in its result and is recorded as a refusal; the others
// are stored (dauys.Store.SaveTurnout, which applies
// dauys.ReconcileTurnout). Nothing is accepted while the results are
// final. The first report stored moves a scheduled election to voting.
// The returned error is for failures of the store.
func (s *Service) SubmitTurnout(ctx context.Context, election string, subs []TurnoutSubmission) ([]dauys.TurnoutResult, error) {
	e, err := s.elections.Load(ctx, election)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	results := make([]dauys.TurnoutResult, len(subs))
	status, final, err := s.accepting(ctx, e)
	if err != nil {
		return nil, err
	}
	var batch []*dauys.TurnoutReport
	var at []int
	for i := range subs {
		r, err := checkTurnout(e, &subs[i], now)
		if final != nil {
			err = final
		}
		if err != nil {
			results[i].Err = err
			continue
		}
		batch, at = append(batch, r), append(at, i)
	}
	if len(batch) > 0 {
		saved, err := s.store.SaveTurnout(ctx, batch)
		if err != nil {
			return nil, err
		}
		stored := false
		for j, r := range saved {
			results[at[j]] = r
			stored = stored || r.Outcome == dauys.OutcomeAccepted || r.Outcome == dauys.OutcomeAmended
		}
		if stored {
			s.notify(&s.turnout, election)
			if err := s.advance(ctx, election, status, dauys.StatusVoting, ActorFirstTurnout); err != nil {
				return nil, err
			}
		}
	}
	for i := range results {
		if results[i].Err == nil {
			continue
		}
		sub := &subs[i]
		r := &dauys.Refusal{Election: election, Area: sub.Area, Submitter: sub.Submitter, Source: sub.Source, ReceivedAt: now}
		if err := s.recordRefusal(ctx, r, results[i].Err, map[string]any{"turnout": sub}); err != nil {
			return nil, err
		}
	}
	s.countTurnout(e, subs, results)
	return results, nil
}

// checkTurnout refuses what the store's reconciliation cannot say well:
// an election without reporting times, an area the election does not
// have (quoted by a short prefix only) and an amendment without a reason.
func checkTurnout(e *election.Election, sub *TurnoutSubmission, now time.Time) (*dauys.TurnoutReport, error) {
	if len(e.TurnoutTimes()) == 0 {
		return nil, localized(dauys.EINVALID, dauys.Text{
			KK: fmt.Sprintf("%s сайлауында келу туралы есеп уақыттары анықталмаған", e.ID),
			RU: fmt.Sprintf("Для выборов %s не определено время сообщений о явке", e.ID),
			EN: fmt.Sprintf("election %s defines no turnout reporting times", e.ID),
		})
	}
	if e.Tree.Area(sub.Area) == nil {
		return nil, localized(dauys.ENOTFOUND, dauys.Text{
			KK: fmt.Sprintf("%s учаскесі жоқ", dauys.QuotePrefix(sub.Area)),
			RU: fmt.Sprintf("Нет участка %s", dauys.QuotePrefix(sub.Area)),
			EN: fmt.Sprintf("precinct %s does not exist", dauys.QuotePrefix(sub.Area)),
		})
	}
	if sub.Amendment && strings.TrimSpace(sub.Reason) == "" {
		return nil, localized(dauys.EINVALID, dauys.Text{
			KK: "Түзетудің себебі көрсетілмеген",
			RU: "Не указана причина исправления",
			EN: "an amendment needs a reason",
		})
	}
	r := &dauys.TurnoutReport{Election: e.ID, Area: sub.Area, Time: sub.Time, Voters: sub.Voters,
		Kind: dauys.ProtocolOriginal, Submitter: sub.Submitter, Source: sub.Source, Received: now}
	if sub.Amendment {
		r.Kind, r.Reason = dauys.ProtocolAmendment, sub.Reason
	}
	return r, nil
}

// TurnoutImportOptions tune a turnout CSV import.
type TurnoutImportOptions struct {
	// BatchSize is the number of rows stored per transaction (default 1000).
	BatchSize int
	Submitter string
	// Rejected, when set, is called for each refused row as it happens.
	Rejected func(RowError)
	// Encoding is the file's, as in ImportOptions.
	Encoding string
}

// ImportTurnoutCSV reads turnout reports from a CSV file with the columns
// area, time and voters (and, optionally, reason: a row with a reason
// amends the precinct's figure at that time) and stores them in batches,
// reading the file as ImportCSV does (the same limits and strictness).
// Each row is checked as a submitted report is: the precinct exists, the
// time is one of the election's reporting times ("HH:MM" local to the
// precinct, or "close"), voters is a count no larger than the precinct's
// registered voters and never less than its figure at an earlier time.
// Refused rows are reported with their line; the others are stored, and
// importing the same file again stores nothing new.
func (s *Service) ImportTurnoutCSV(ctx context.Context, election string, r io.Reader, name string, opt TurnoutImportOptions) (*ImportReport, error) {
	if _, err := s.elections.Load(ctx, election); err != nil {
		return nil, err
	}
	if opt.BatchSize <= 0 {
		opt.BatchSize = 1000
	}
	file, err := openCSV(ctx, r, name, opt.Encoding)
	if err != nil {
		return nil, err
	}
	col, err := file.columns("area", "time", "voters")
	if err != nil {
		return nil, err
	}
	reasonCol := -1
	for i, h := range file.header {
		switch h {
		case "area", "time", "voters":
		case "reason":
			reasonCol = i
		default:
			return nil, dauys.Errorf(dauys.EINVALID, "%s:1: unknown column %s (a turnout file has area, time, voters and, for amendments, reason)", name, dauys.QuotePrefix(h))
		}
	}
	rep := &ImportReport{}
	reject := rejecter(name, &rep.Rejected, opt.Rejected)
	var subs []TurnoutSubmission
	var rows []int
	flush := func() error {
		if len(subs) == 0 {
			return nil
		}
		res, err := s.SubmitTurnout(ctx, election, subs)
		if err != nil {
			return err
		}
		for i, r := range res {
			switch {
			case r.Err != nil:
				reject(RowError{Row: rows[i], Area: subs[i].Area, Err: r.Err})
			default:
				rep.count(r.Outcome)
			}
		}
		subs, rows = subs[:0], rows[:0]
		return nil
	}
	err = file.each(rep, reject, flush, func(rec []string, line int) error {
		sub, err := turnoutRow(col, reasonCol, rec)
		if err != nil {
			reject(RowError{Row: line, Area: sub.Area, Err: err})
			return nil
		}
		sub.Submitter, sub.Source = opt.Submitter, fmt.Sprintf("%s:%d", name, line)
		subs, rows = append(subs, sub), append(rows, line)
		if len(subs) >= opt.BatchSize {
			return flush()
		}
		return nil
	})
	return rep, err
}

// turnoutRow reads one row of a turnout file strictly: an area, a time
// written HH:MM or "close", and a count in digits only.
func turnoutRow(col map[string]int, reasonCol int, rec []string) (TurnoutSubmission, error) {
	sub := TurnoutSubmission{Area: rec[col["area"]], Time: rec[col["time"]]}
	if sub.Area == "" {
		return sub, dauys.Errorf(dauys.EINVALID, "column \"area\" is empty")
	}
	if sub.Time != dauys.TurnoutClose && !dauys.ValidClock(sub.Time) {
		return sub, dauys.Errorf(dauys.EINVALID, "column \"time\": %s is not a time written HH:MM (00:00 to 23:59) or close", dauys.QuotePrefix(sub.Time))
	}
	n, err := ParseCount(rec[col["voters"]])
	if err != nil {
		return sub, dauys.Errorf(dauys.EINVALID, "column \"voters\": %v", err)
	}
	sub.Voters = n
	if reasonCol >= 0 && rec[reasonCol] != "" {
		sub.Amendment, sub.Reason = true, rec[reasonCol]
	}
	return sub, nil
}
