package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/storebatch"
)

// SaveTurnout applies dauys.ReconcileTurnout to each report in order within
// one transaction (storebatch.PlanTurnout), stores the new versions and
// adds their deltas to the running totals of the precinct and its
// ancestors at the report's time.
func (s *Store) SaveTurnout(ctx context.Context, rs []*dauys.TurnoutReport) ([]dauys.TurnoutResult, error) {
	var plan *storebatch.TurnoutPlan
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		var err error
		if plan, err = storebatch.PlanTurnout(rs, turnoutReader{ctx, tx}); err != nil {
			return err
		}
		for _, r := range plan.Versions {
			if _, err := tx.ExecContext(ctx, `INSERT INTO turnout (election_id, area_id, time, version, kind, reason,
				voters, submitter, source, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				r.Election, r.Area, r.Time, r.Version, r.Kind, r.Reason, r.Voters, r.Submitter, r.Source, nanos(r.Received)); err != nil {
				return fmt.Errorf("insert turnout %s %s: %w", r.Area, r.Time, err)
			}
		}
		for _, k := range plan.Keys {
			d := plan.Deltas[k]
			if _, err := tx.ExecContext(ctx, `INSERT INTO turnout_totals (election_id, area_id, time, voters, registered, reported)
				VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (election_id, area_id, time) DO UPDATE SET
				voters = voters + excluded.voters, registered = registered + excluded.registered,
				reported = reported + excluded.reported`,
				k.Election, k.Area, k.Time, d.Voters, d.Registered, d.Reported); err != nil {
				return fmt.Errorf("add turnout total %s %s: %w", k.Area, k.Time, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, wrap("save turnout", err)
	}
	return plan.Results, nil
}

// turnoutReader reads what storebatch.PlanTurnout needs inside the
// transaction.
type turnoutReader struct {
	ctx context.Context
	tx  *sql.Tx
}

func (r turnoutReader) TurnoutTimes(election string) ([]string, bool, error) {
	var def string
	err := r.tx.QueryRowContext(r.ctx, `SELECT definition FROM elections WHERE id = ?`, election).Scan(&def)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	} else if err != nil {
		return nil, false, err
	}
	var e dauys.Election
	if err := json.Unmarshal([]byte(def), &e); err != nil {
		return nil, false, fmt.Errorf("decode definition: %w", err)
	}
	return e.TurnoutTimes(), true, nil
}

func (r turnoutReader) Area(election, id string) (dauys.Area, bool, error) {
	var b []byte
	err := r.tx.QueryRowContext(r.ctx, `SELECT area FROM areas WHERE election_id = ? AND id = ?`, election, id).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return dauys.Area{}, false, nil
	} else if err != nil {
		return dauys.Area{}, false, err
	}
	var a dauys.Area
	if err := json.Unmarshal(b, &a); err != nil {
		return a, false, fmt.Errorf("decode area %s: %w", id, err)
	}
	return a, true, nil
}

func (r turnoutReader) HasChildren(election, id string) (bool, error) {
	var n int
	err := r.tx.QueryRowContext(r.ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM areas WHERE election_id = ? AND parent = ? LIMIT 1)`,
		election, id).Scan(&n)
	return n > 0, err
}

func (r turnoutReader) CurrentTurnout(election, area string) (map[string]*dauys.TurnoutReport, error) {
	rows, err := r.tx.QueryContext(r.ctx, `SELECT `+turnoutColumns+` FROM turnout WHERE election_id = ? AND area_id = ?`,
		election, area)
	if err != nil {
		return nil, err
	}
	versions, err := scanTurnout(rows)
	if err != nil {
		return nil, err
	}
	return storebatch.CurrentOf(versions), nil
}

const turnoutColumns = `election_id, area_id, time, version, kind, reason, voters, submitter, source, received_at`

// scanTurnout reads and closes rows of turnoutColumns.
func scanTurnout(rows *sql.Rows) ([]*dauys.TurnoutReport, error) {
	defer rows.Close()
	var out []*dauys.TurnoutReport
	for rows.Next() {
		var r dauys.TurnoutReport
		var received sql.NullInt64
		if err := rows.Scan(&r.Election, &r.Area, &r.Time, &r.Version, &r.Kind, &r.Reason, &r.Voters,
			&r.Submitter, &r.Source, &received); err != nil {
			return nil, err
		}
		r.Received = timeOf(received)
		out = append(out, &r)
	}
	return out, rows.Err()
}

// areaExists returns ENOTFOUND unless the election and the area exist.
func areaExists(ctx context.Context, tx *sql.Tx, election, area string) error {
	if err := electionExists(ctx, tx, election); err != nil {
		return err
	}
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM areas WHERE election_id = ? AND id = ?`, election, area).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return dauys.Errorf(dauys.ENOTFOUND, "election %s: area %s not found", election, dauys.ClipText(area, 64))
	}
	return err
}

// subtree is the recursive query of an area and every area below it. The
// CROSS JOIN keeps sub as the outer loop, so that each step looks up the
// children by areas_parent: left to itself the planner may scan all the
// election's areas for each area of sub (areas_seq), which took a minute
// for the country of the 10,000-precinct demo.
// subtree is the area ?2 and every area below it. Queries join it first,
// with CROSS JOIN, which SQLite never reorders: left to itself, SQLite
// 3.54 scanned every area of the election for a single precinct (8 ms a
// call, most of publishing's time).
const subtree = `WITH RECURSIVE sub (id) AS (
		SELECT id FROM areas WHERE election_id = ?1 AND id = ?2
		UNION ALL SELECT a.id FROM sub CROSS JOIN areas a ON a.election_id = ?1 AND a.parent = sub.id)`

// precinctsBelow counts the precincts (areas without areas below them) at
// or below area ?2 and adds up their registered voters.
const precinctsBelow = subtree + `
	SELECT COUNT(*), COALESCE(SUM(COALESCE(json_extract(a.area, '$.registered'), 0)), 0)
	FROM sub CROSS JOIN areas a ON a.election_id = ?1 AND a.id = sub.id
	WHERE NOT EXISTS (SELECT 1 FROM areas c WHERE c.election_id = ?1 AND c.parent = a.id)`

// reportsBelow is every version of every turnout report at or below ?2.
var reportsBelow = subtree + `
	SELECT ` + prefixed("t.", turnoutColumns) + ` FROM sub CROSS JOIN turnout t ON t.election_id = ?1 AND t.area_id = sub.id
	ORDER BY t.area_id, t.time, t.version`

// Turnout returns the running totals of an area through the day, with the
// number and registered voters of all the precincts (areas without areas
// below them) at or below it.
func (s *Store) Turnout(ctx context.Context, election, area string) (*dauys.TurnoutTotals, error) {
	t := &dauys.TurnoutTotals{Election: election, Area: area}
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		if err := areaExists(ctx, tx, election, area); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, precinctsBelow, election, area).Scan(&t.Precincts, &t.Registered); err != nil {
			return fmt.Errorf("count precincts: %w", err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT time, voters, registered, reported FROM turnout_totals
			WHERE election_id = ? AND area_id = ? ORDER BY time`, election, area)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var tt dauys.TurnoutTotal
			if err := rows.Scan(&tt.Time, &tt.Voters, &tt.Registered, &tt.Reported); err != nil {
				return err
			}
			t.Times = append(t.Times, tt)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, wrap("turnout", err)
	}
	return t, nil
}

// TurnoutReports returns every version of every turnout report of the
// precincts at or below an area, by precinct id, time and version.
func (s *Store) TurnoutReports(ctx context.Context, election, area string) ([]*dauys.TurnoutReport, error) {
	var out []*dauys.TurnoutReport
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		if err := areaExists(ctx, tx, election, area); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, reportsBelow, election, area)
		if err != nil {
			return err
		}
		out, err = scanTurnout(rows)
		return err
	})
	if err != nil {
		return nil, wrap("turnout reports", err)
	}
	return out, nil
}
