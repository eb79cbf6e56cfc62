package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

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
	err := s.writeTx(ctx, func(tx pgx.Tx) error {
		if err := insertElection(ctx, tx, e); err != nil {
			return err
		}
		return insertAreas(ctx, tx, e.ID, e.Areas, 0)
	})
	return wrap("create election", err)
}

func insertElection(ctx context.Context, tx pgx.Tx, e *dauys.Election) error {
	def, err := storebatch.DefinitionJSON(e)
	if err != nil {
		return fmt.Errorf("encode definition: %w", err)
	}
	tag, err := tx.Exec(ctx, `INSERT INTO elections (id, date, status, definition, original, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
		e.ID, e.Date, e.Status, def, e.Definition, nanos(e.CreatedAt))
	if err != nil {
		return fmt.Errorf("insert election: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return dauys.Errorf(dauys.ECONFLICT, "election %s already exists", e.ID)
	}
	return nil
}

// areaChunk is how many areas one INSERT sends, to keep its arrays to a
// few megabytes.
const areaChunk = 10000

// insertAreas inserts the areas that do not exist yet, numbering them from
// seq on so that an election lists its areas in the order they came.
func insertAreas(ctx context.Context, tx pgx.Tx, election string, areas []dauys.Area, seq int64) error {
	for start := 0; start < len(areas); start += areaChunk {
		chunk := areas[start:min(start+areaChunk, len(areas))]
		var (
			ids, parents, levels, docs = make([]string, len(chunk)), make([]string, len(chunk)), make([]string, len(chunk)), make([]string, len(chunk))
			seqs                       = make([]int64, len(chunk))
		)
		for i := range chunk {
			a := &chunk[i]
			b, err := json.Marshal(a)
			if err != nil {
				return fmt.Errorf("encode area %s: %w", a.ID, err)
			}
			ids[i], parents[i], levels[i], docs[i] = a.ID, a.Parent, a.Level, string(b)
			seqs[i] = seq + int64(start+i)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO areas (election_id, id, seq, parent, level, area)
			SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::text[], $5::text[], $6::jsonb[])
			ON CONFLICT (election_id, id) DO NOTHING`,
			election, ids, seqs, parents, levels, docs); err != nil {
			return fmt.Errorf("insert areas: %w", err)
		}
	}
	return nil
}

// Election returns the definition with all its areas, those of the
// definition first, then those added later, in the order they came;
// ENOTFOUND when missing.
func (s *Store) Election(ctx context.Context, id string) (*dauys.Election, error) {
	var e *dauys.Election
	err := s.readTx(ctx, func(tx pgx.Tx) error {
		var err error
		if e, err = scanElection(tx.QueryRow(ctx, `SELECT definition, original, status, created_at
			FROM elections WHERE id = $1`, id)); errors.Is(err, pgx.ErrNoRows) {
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

func scanElection(row pgx.Row) (*dauys.Election, error) {
	var (
		def      []byte
		original []byte
		status   string
		created  *int64
	)
	if err := row.Scan(&def, &original, &status, &created); err != nil {
		return nil, err
	}
	e := new(dauys.Election)
	if err := json.Unmarshal(def, e); err != nil {
		return nil, fmt.Errorf("decode definition: %w", err)
	}
	e.Areas = nil
	e.Definition = original
	e.Status = status
	e.CreatedAt = timeOf(created)
	return e, nil
}

func selectAreas(ctx context.Context, tx pgx.Tx, election string) ([]dauys.Area, error) {
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM areas WHERE election_id = $1`, election).Scan(&n); err != nil {
		return nil, fmt.Errorf("count areas: %w", err)
	}
	rows, err := tx.Query(ctx, `SELECT area FROM areas WHERE election_id = $1 ORDER BY seq, id`, election)
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
	err := s.readTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT definition, original, status, created_at
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
	err := s.writeTx(ctx, func(tx pgx.Tx) error {
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
	err := s.writeTx(ctx, func(tx pgx.Tx) error {
		// Locking the election row orders concurrent additions, so that
		// their sequence numbers do not interleave.
		var one int
		err := tx.QueryRow(ctx, `SELECT 1 FROM elections WHERE id = $1 FOR UPDATE`, election).Scan(&one)
		if errors.Is(err, pgx.ErrNoRows) {
			return dauys.Errorf(dauys.ENOTFOUND, "election %s not found", election)
		} else if err != nil {
			return err
		}
		var next int64
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq) + 1, 0) FROM areas WHERE election_id = $1`,
			election).Scan(&next); err != nil {
			return err
		}
		if err := insertAreas(ctx, tx, election, areas, next); err != nil {
			return err
		}
		return notify(ctx, tx, election, "areas")
	})
	return wrap("add areas", err)
}
