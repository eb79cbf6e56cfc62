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

// CreateElection stores a definition with its areas; ECONFLICT when the id
// exists, EINVALID when it has no id or defines an area twice. A zero
// CreatedAt is set to the store's clock and an empty Status to
// dauys.StatusPreElection, on e itself, so that the caller sees what was
// stored.
func (s *Store) CreateElection(ctx context.Context, e *dauys.Election) error {
	if err := storebatch.CheckElection(e); err != nil {
		return wrap("create election", err)
	}
	if e.CreatedAt.IsZero() {
		e.CreatedAt = s.Now()
	}
	if e.Status == "" {
		e.Status = dauys.StatusPreElection
	}
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		if err := insertElection(ctx, tx, e); err != nil {
			return err
		}
		return insertAreas(ctx, tx, e.ID, e.Areas, 0)
	})
	return wrap("create election", err)
}

func insertElection(ctx context.Context, tx *sql.Tx, e *dauys.Election) error {
	def, err := storebatch.DefinitionJSON(e)
	if err != nil {
		return fmt.Errorf("encode definition: %w", err)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO elections (id, date, status, definition, original, created_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		e.ID, e.Date, e.Status, string(def), e.Definition, nanos(e.CreatedAt))
	if err != nil {
		return fmt.Errorf("insert election: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return dauys.Errorf(dauys.ECONFLICT, "election %s already exists", e.ID)
	}
	return nil
}

// insertAreas inserts the areas that do not exist yet, numbering them from
// seq on so that an election lists its areas in the order they came.
func insertAreas(ctx context.Context, tx *sql.Tx, election string, areas []dauys.Area, seq int64) error {
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO areas (election_id, id, seq, parent, level, area)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (election_id, id) DO NOTHING`)
	if err != nil {
		return fmt.Errorf("insert areas: %w", err)
	}
	defer stmt.Close()
	for i := range areas {
		a := &areas[i]
		b, err := json.Marshal(a)
		if err != nil {
			return fmt.Errorf("encode area %s: %w", a.ID, err)
		}
		if _, err := stmt.ExecContext(ctx, election, a.ID, seq+int64(i), a.Parent, a.Level, string(b)); err != nil {
			return fmt.Errorf("insert area %s: %w", a.ID, err)
		}
	}
	return nil
}

// Election returns the definition with all its areas, those of the
// definition first, then those added later, in the order they came;
// ENOTFOUND when missing.
func (s *Store) Election(ctx context.Context, id string) (*dauys.Election, error) {
	var e *dauys.Election
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		if e, err = scanElection(tx.QueryRowContext(ctx, `SELECT definition, original, status, created_at
			FROM elections WHERE id = ?`, id)); errors.Is(err, sql.ErrNoRows) {
			return dauys.Errorf(dauys.ENOTFOUND, "election %s not found", id)
		} else if err != nil {
			return err
		}
		e.Areas, err = selectAreas(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, wrap("election", err)
	}
	storebatch.Remember(&s.areas, &s.contests, e)
	return e, nil
}

type scanner interface{ Scan(dest ...any) error }

func scanElection(row scanner) (*dauys.Election, error) {
	var (
		def      string
		original []byte
		status   string
		created  sql.NullInt64
	)
	if err := row.Scan(&def, &original, &status, &created); err != nil {
		return nil, err
	}
	e := new(dauys.Election)
	if err := json.Unmarshal([]byte(def), e); err != nil {
		return nil, fmt.Errorf("decode definition: %w", err)
	}
	e.Areas = nil
	e.Definition = original
	e.Status = status
	e.CreatedAt = timeOf(created)
	return e, nil
}

func selectAreas(ctx context.Context, tx *sql.Tx, election string) ([]dauys.Area, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM areas WHERE election_id = ?`, election).Scan(&n); err != nil {
		return nil, fmt.Errorf("count areas: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT area FROM areas WHERE election_id = ? ORDER BY seq, id`, election)
	if err != nil {
		return nil, fmt.Errorf("select areas: %w", err)
	}
	defer rows.Close()
	areas := storebatch.NewAreas(n)
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, err
		}
		if err := areas.Decode(b); err != nil {
			return nil, fmt.Errorf("decode area: %w", err)
		}
	}
	return areas.List, rows.Err()
}

// Elections lists the elections without their areas, by date, newest
// first, and by id within a date.
func (s *Store) Elections(ctx context.Context) ([]*dauys.Election, error) {
	var out []*dauys.Election
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT definition, original, status, created_at
			FROM elections ORDER BY date DESC, id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e, err := scanElection(rows)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, wrap("elections", err)
	}
	return out, nil
}

// SetElectionStatus moves an election to a status; ENOTFOUND when the
// election is missing, EINVALID for a status Dauys does not know.
func (s *Store) SetElectionStatus(ctx context.Context, id, status string) error {
	if !storebatch.ValidStatus(status) {
		return wrap("set election status", dauys.Errorf(dauys.EINVALID, "unknown election status %q", status))
	}
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		from, err := selectStatus(ctx, tx, id)
		if err != nil {
			return err
		}
		return recordStatus(ctx, tx, &dauys.StatusChange{Election: id, From: from, To: status, At: s.Now()})
	})
	return wrap("set election status", err)
}

// AddAreas inserts areas that do not exist yet; existing ids are left
// unchanged. ENOTFOUND when the election is missing.
func (s *Store) AddAreas(ctx context.Context, election string, areas []dauys.Area) error {
	for _, a := range areas {
		if a.ID == "" {
			return wrap("add areas", dauys.Errorf(dauys.EINVALID, "election %s: an area needs an id", election))
		}
	}
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		if err := electionExists(ctx, tx, election); err != nil {
			return err
		}
		var next int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq) + 1, 0) FROM areas WHERE election_id = ?`,
			election).Scan(&next); err != nil {
			return err
		}
		return insertAreas(ctx, tx, election, areas, next)
	})
	return wrap("add areas", err)
}
