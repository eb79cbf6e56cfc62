package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	sumdb "golang.org/x/mod/sumdb/tlog"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/storebatch"
	"github.com/dauys/dauys/internal/tlog"
)

// This file implements tlog.Storage: the transparency log of each election,
// kept beside the protocols it logs (migrations/0006_log.sql).

var _ tlog.Storage = (*Store)(nil)

// CreateLog starts the log of an election; ECONFLICT when it has one,
// ENOTFOUND when the election does not exist.
func (s *Store) CreateLog(ctx context.Context, l *tlog.Info) error {
	err := s.writeTx(ctx, func(tx pgx.Tx) error {
		if err := electionExists(ctx, tx, l.Election); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO logs (election_id, origin, verifier_key, size, created_at)
			VALUES ($1, $2, $3, 0, $4) ON CONFLICT (election_id) DO NOTHING`, l.Election, l.Origin, l.VerifierKey, nanos(l.CreatedAt))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return dauys.Errorf(dauys.ECONFLICT, "election %s has a log already", l.Election)
		}
		return nil
	})
	return wrap("create log", err)
}

// LogInfo returns the log of an election; ENOTFOUND when there is none.
func (s *Store) LogInfo(ctx context.Context, election string) (*tlog.Info, error) {
	l := &tlog.Info{Election: election}
	var created *int64
	err := s.pool.QueryRow(ctx, `SELECT origin, verifier_key, created_at FROM logs WHERE election_id = $1`, election).
		Scan(&l.Origin, &l.VerifierKey, &created)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, dauys.Errorf(dauys.ENOTFOUND, "election %s has no log", election)
	} else if err != nil {
		return nil, wrap("log info", err)
	}
	l.CreatedAt = timeOf(created)
	return l, nil
}

// UnloggedProtocols returns the versions stored after the last one logged,
// by seq (see migrations/0006_log.sql for why seq order is commit order),
// with what their log records need (not their warnings, submitter, source
// or hash).
func (s *Store) UnloggedProtocols(ctx context.Context, election string, limit int) ([]tlog.PendingProtocol, error) {
	var out []tlog.PendingProtocol
	err := s.readTx(ctx, func(tx pgx.Tx) error {
		var after int64
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM log_entries
			WHERE election_id = $1 AND kind = $2`, election, tlog.KindProtocol).Scan(&after); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT seq, election_id, contest_id, area_id, version, kind, reason, lines,
				received_at, signature, key_id FROM protocols
			WHERE election_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`, election, after, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				pp       tlog.PendingProtocol
				p        dauys.Protocol
				lines    []byte
				received *int64
			)
			if err := rows.Scan(&pp.Seq, &p.Election, &p.Contest, &p.Area, &p.Version, &p.Kind, &p.Reason, &lines,
				&received, &p.Signature, &p.KeyID); err != nil {
				return err
			}
			if p.Lines, err = storebatch.DecodeLines(lines); err != nil {
				return fmt.Errorf("decode lines of %s/%s: %w", p.Contest, p.Area, err)
			}
			p.ReceivedAt = timeOf(received)
			pp.Protocol = &p
			out = append(out, pp)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, wrap("unlogged protocols", err)
	}
	return out, nil
}

// UnloggedAreas returns the areas added after the last ones logged.
func (s *Store) UnloggedAreas(ctx context.Context, election string) ([]tlog.PendingArea, error) {
	var out []tlog.PendingArea
	err := s.readTx(ctx, func(tx pgx.Tx) error {
		var after int64
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq), -1) FROM log_entries
			WHERE election_id = $1 AND kind = $2`, election, tlog.KindAreas).Scan(&after); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT seq, area FROM areas WHERE election_id = $1 AND seq > $2 ORDER BY seq, id`,
			election, after)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var pa tlog.PendingArea
			var b []byte
			if err := rows.Scan(&pa.Seq, &b); err != nil {
				return err
			}
			if err := json.Unmarshal(b, &pa.Area); err != nil {
				return fmt.Errorf("decode area: %w", err)
			}
			out = append(out, pa)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, wrap("unlogged areas", err)
	}
	return out, nil
}

// LoggedRefs returns the refs of the logged records of a kind.
func (s *Store) LoggedRefs(ctx context.Context, election, kind string) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT ref FROM log_entries
		WHERE election_id = $1 AND kind = $2 AND ref IS NOT NULL ORDER BY idx`, election, kind)
	if err != nil {
		return nil, wrap("logged refs", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return out, wrap("logged refs", err)
}

// AppendLog adds entries and hashes at the end of the log, if it is still
// of size start.
func (s *Store) AppendLog(ctx context.Context, election string, start int64, entries []tlog.Entry, hashes []sumdb.Hash) error {
	end := start + int64(len(entries))
	if want := sumdb.StoredHashCount(end) - sumdb.StoredHashCount(start); int64(len(hashes)) != want {
		return wrap("append log", dauys.Errorf(dauys.EINVALID, "%d entries from %d need %d hashes, not %d", len(entries), start, want, len(hashes)))
	}
	err := s.writeTx(ctx, func(tx pgx.Tx) error {
		var size int64
		err := tx.QueryRow(ctx, `SELECT size FROM logs WHERE election_id = $1 FOR UPDATE`, election).Scan(&size)
		if errors.Is(err, pgx.ErrNoRows) {
			return dauys.Errorf(dauys.ENOTFOUND, "election %s has no log", election)
		} else if err != nil {
			return err
		}
		if size != start {
			return dauys.Errorf(dauys.ECONFLICT, "the log of %s has %d entries, not %d: another sequencer appended", election, size, start)
		}
		rows := make([][]any, len(entries))
		for i, e := range entries {
			var ref *string
			if e.Ref != "" {
				ref = &e.Ref
			}
			rows[i] = []any{election, start + int64(i), e.Kind, ref, e.Seq, e.Data}
		}
		_, err = tx.CopyFrom(ctx, pgx.Identifier{"log_entries"}, []string{"election_id", "idx", "kind", "ref", "seq", "data"},
			pgx.CopyFromRows(rows))
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23505" {
			return dauys.Errorf(dauys.ECONFLICT, "the log of %s has one of these records already", election)
		} else if err != nil {
			return fmt.Errorf("copy log entries: %w", err)
		}
		first := sumdb.StoredHashCount(start)
		rows = make([][]any, len(hashes))
		for i, h := range hashes {
			rows[i] = []any{election, first + int64(i), h[:]}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"log_hashes"}, []string{"election_id", "idx", "hash"},
			pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("copy log hashes: %w", err)
		}
		_, err = tx.Exec(ctx, `UPDATE logs SET size = $1 WHERE election_id = $2`, end, election)
		return err
	})
	return wrap("append log", err)
}

// LogSize returns the number of entries of the log; 0 without a log.
func (s *Store) LogSize(ctx context.Context, election string) (int64, error) {
	var n int64
	err := s.pool.QueryRow(ctx, `SELECT size FROM logs WHERE election_id = $1`, election).Scan(&n)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return n, wrap("log size", err)
}

// LogHashes returns the stored hashes at the indexes, with one query.
func (s *Store) LogHashes(ctx context.Context, election string, indexes []int64) ([]sumdb.Hash, error) {
	rows, err := s.pool.Query(ctx, `SELECT idx, hash FROM log_hashes WHERE election_id = $1 AND idx = ANY($2)`, election, indexes)
	if err != nil {
		return nil, wrap("log hashes", err)
	}
	defer rows.Close()
	found := make(map[int64]sumdb.Hash, len(indexes))
	for rows.Next() {
		var idx int64
		var b []byte
		if err := rows.Scan(&idx, &b); err != nil {
			return nil, wrap("log hashes", err)
		}
		if len(b) != sumdb.HashSize {
			return nil, wrap("log hashes", fmt.Errorf("hash %d is %d bytes", idx, len(b)))
		}
		found[idx] = sumdb.Hash(b)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("log hashes", err)
	}
	out := make([]sumdb.Hash, len(indexes))
	for i, x := range indexes {
		h, ok := found[x]
		if !ok {
			return nil, wrap("log hashes", dauys.Errorf(dauys.ENOTFOUND, "the log of %s has no hash %d", election, x))
		}
		out[i] = h
	}
	return out, nil
}

// LogEntries returns the entries start to end-1.
func (s *Store) LogEntries(ctx context.Context, election string, start, end int64) ([][]byte, error) {
	rows, err := s.pool.Query(ctx, `SELECT data FROM log_entries
		WHERE election_id = $1 AND idx >= $2 AND idx < $3 ORDER BY idx`, election, start, end)
	if err != nil {
		return nil, wrap("log entries", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		return nil, wrap("log entries", err)
	}
	if int64(len(out)) != end-start {
		return nil, wrap("log entries", dauys.Errorf(dauys.ENOTFOUND, "the log of %s has no entries %d to %d", election, start, end-1))
	}
	return out, nil
}

// LogIndex returns the index of the record with the ref.
func (s *Store) LogIndex(ctx context.Context, election, ref string) (int64, error) {
	var idx int64
	err := s.pool.QueryRow(ctx, `SELECT idx FROM log_entries WHERE election_id = $1 AND ref = $2`, election, ref).Scan(&idx)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, dauys.Errorf(dauys.ENOTFOUND, "%s is not in the log of %s (yet)", ref, election)
	}
	return idx, wrap("log index", err)
}

// SaveCheckpoint stores a signed checkpoint; one of a size already stored
// is ignored.
func (s *Store) SaveCheckpoint(ctx context.Context, election string, c *tlog.StoredCheckpoint) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO log_checkpoints (election_id, size, note, created_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, election, c.Size, c.Note, nanos(c.CreatedAt))
	return wrap("save checkpoint", err)
}

// Checkpoint returns the checkpoint of a size, or the latest for a
// negative size.
func (s *Store) Checkpoint(ctx context.Context, election string, size int64) (*tlog.StoredCheckpoint, error) {
	var row pgx.Row
	if size < 0 {
		row = s.pool.QueryRow(ctx, `SELECT size, note, created_at FROM log_checkpoints
			WHERE election_id = $1 ORDER BY size DESC LIMIT 1`, election)
	} else {
		row = s.pool.QueryRow(ctx, `SELECT size, note, created_at FROM log_checkpoints
			WHERE election_id = $1 AND size = $2`, election, size)
	}
	c, err := scanCheckpoint(row)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, dauys.Errorf(dauys.ENOTFOUND, "the log of %s has no such checkpoint", election)
	}
	if err != nil {
		return nil, wrap("checkpoint", err)
	}
	return c, nil
}

func scanCheckpoint(row pgx.Row) (*tlog.StoredCheckpoint, error) {
	var c tlog.StoredCheckpoint
	var created *int64
	if err := row.Scan(&c.Size, &c.Note, &created); err != nil {
		return nil, err
	}
	c.CreatedAt = timeOf(created)
	return &c, nil
}

// Checkpoints returns every stored checkpoint, smallest first.
func (s *Store) Checkpoints(ctx context.Context, election string) ([]*tlog.StoredCheckpoint, error) {
	rows, err := s.pool.Query(ctx, `SELECT size, note, created_at FROM log_checkpoints
		WHERE election_id = $1 ORDER BY size`, election)
	if err != nil {
		return nil, wrap("checkpoints", err)
	}
	defer rows.Close()
	var out []*tlog.StoredCheckpoint
	for rows.Next() {
		c, err := scanCheckpoint(rows)
		if err != nil {
			return nil, wrap("checkpoints", err)
		}
		out = append(out, c)
	}
	return out, wrap("checkpoints", rows.Err())
}
