package intake

import (
	"context"
	"fmt"
	"io"

	"github.com/dauys/dauys"
)

// ObserverColumn is the column of an observation import that names who
// holds each copy: the protocol CSV format plus this column.
const ObserverColumn = "observer"

// ObservationReport counts what an observation import did.
type ObservationReport struct {
	Rows     int `json:"rows"`
	Stored   int `json:"stored"`
	Rejected int `json:"rejected"`
}

// ImportObservations reads an observer group's spreadsheet: the protocol
// CSV format of the election (internal/intake's ImportCSV, its columns and
// limits) plus an observer column, one copy a row. Each row is checked as
// Observe checks a copy and stored in the organisation's name; a refused
// row is reported to rejected with its line and does not stop the others.
// A precinct the election does not have is refused, never created.
func (s *Service) ImportObservations(ctx context.Context, election, org string, r io.Reader, name, submitter string, rejected func(RowError)) (*ObservationReport, error) {
	e, err := s.elections.Load(ctx, election)
	if err != nil {
		return nil, err
	}
	if _, err := s.organisation(ctx, e.ID, org); err != nil {
		return nil, err
	}
	file, m, err := openProtocolCSV(ctx, e, r, name, "")
	if err != nil {
		return nil, err
	}
	cols, err := file.columns(ObserverColumn)
	if err != nil {
		return nil, err
	}
	observerCol := cols[ObserverColumn]
	rep := &ObservationReport{}
	reject := rejecter(name, &rep.Rejected, rejected)
	var imp ImportReport
	err = file.each(&imp, reject, func() error { return nil }, func(rec []string, line int) error {
		sub, created, err := m.row(e, rec, map[string]bool{})
		if err == nil && len(created) > 0 {
			err = dauys.Errorf(dauys.ENOTFOUND, "precinct %s does not exist", dauys.QuotePrefix(created[len(created)-1].ID))
		}
		if err != nil {
			reject(RowError{Row: line, Contest: sub.Contest, Area: sub.Area, Err: err})
			return nil
		}
		sub.Submitter = m.cell(rec, observerCol)
		if sub.Submitter == "" {
			sub.Submitter = submitter
		}
		sub.Source = fmt.Sprintf("%s:%d", name, line)
		if _, err := s.Observe(ctx, e.ID, org, sub); err != nil {
			if dauys.ErrorCode(err) == dauys.EINTERNAL {
				return err
			}
			reject(RowError{Row: line, Contest: sub.Contest, Area: sub.Area, Err: err})
			return nil
		}
		rep.Stored++
		return nil
	})
	rep.Rows = imp.Rows
	return rep, err
}

// organisation returns a registered organisation; ENOTFOUND otherwise.
func (s *Service) organisation(ctx context.Context, election, name string) (*dauys.Organisation, error) {
	orgs, err := s.store.Organisations(ctx, election)
	if err != nil {
		return nil, err
	}
	for _, o := range orgs {
		if o.Name == name {
			return o, nil
		}
	}
	return nil, dauys.Errorf(dauys.ENOTFOUND, "organisation %s is not registered for election %s", dauys.QuotePrefix(name), election)
}

// Organisation returns an organisation registered for an election;
// ENOTFOUND when there is none of that name.
func (s *Service) Organisation(ctx context.Context, election, name string) (*dauys.Organisation, error) {
	return s.organisation(ctx, election, name)
}

// RegisterOrganisation registers an observer organisation for an election.
func (s *Service) RegisterOrganisation(ctx context.Context, o *dauys.Organisation) error {
	if o.CreatedAt.IsZero() {
		o.CreatedAt = s.now().UTC()
	}
	return s.store.RegisterOrganisation(ctx, o)
}
