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
	return s.unlogged(ctx, election, limit, true)
}

// unlogged returns the versions not logged yet: from the journal when it
// holds them all and journal is true, from the store otherwise.
func (s *Store) unlogged(ctx context.Context, election string, limit int, journal bool) ([]tlog.PendingProtocol, error) {
	var out []tlog.PendingProtocol
	err := s.readTx(ctx, func(tx pgx.Tx) error {
		after, err := lastLoggedSeq(ctx, tx, election)
		if err != nil {
			return err
		}
		if journal {
			var last int64
			if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM protocols WHERE election_id = $1`, election).Scan(&last); err != nil {
				return err
			}
			if vs, ok := s.journal.Unlogged(election, election, after, last, limit); ok {
				out = vs
				return nil
			}
		}
		rows, err := tx.Query(ctx, `SELECT seq, election_id, contest_id, area_id, version, kind, reason, lines,
				received_at, signature, key_id FROM protocols
			WHERE election_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`, election, after, limit)
		if err != nil {
			return err
		}
		out, err = scanPending(rows)
		return err
	})
	if err != nil {
		return nil, wrap("unlogged protocols", err)
	}
	return out, nil
}

// scanLogged reads a version's seq and what its log record holds
// (tlog.ProtocolRecord).
func scanLogged(row pgx.Row, seq *int64) (*dauys.Protocol, error) {
	var (
		p        dauys.Protocol
		lines    []byte
		received *int64
	)
	if err := row.Scan(seq, &p.Election, &p.Contest, &p.Area, &p.Version, &p.Kind, &p.Reason, &lines,
		&received, &p.Signature, &p.KeyID); err != nil {
		return nil, err
	}
	var err error
	if p.Lines, err = storebatch.DecodeLines(lines); err != nil {
		return nil, fmt.Errorf("decode lines of %s/%s: %w", p.Contest, p.Area, err)
	}
	p.ReceivedAt = timeOf(received)
	return &p, nil
}

// lastLoggedSeq returns the seq of the last protocol version logged, in a
// run or (before migration 0011) in an entry of its own; 0 for none.
func lastLoggedSeq(ctx context.Context, tx pgx.Tx, election string) (int64, error) {
	var after int64
	err := tx.QueryRow(ctx, `SELECT GREATEST(
			COALESCE((SELECT MAX(last_seq) FROM log_runs WHERE election_id = $1), 0),
			COALESCE((SELECT MAX(seq) FROM log_entries WHERE election_id = $1 AND kind = $2), 0))`,
		election, tlog.KindProtocol).Scan(&after)
	return after, err
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
		own, runs, err := tlog.SplitEntries(start, entries)
		if err != nil {
			return err
		}
		if err := checkUnlogged(ctx, tx, election, own, runs); err != nil {
			return err
		}
		rows := make([][]any, len(own))
		for i, e := range own {
			var ref *string
			if e.Ref != "" {
				ref = &e.Ref
			}
			rows[i] = []any{election, e.Index, e.Kind, ref, e.Seq, e.Data}
		}
		_, err = tx.CopyFrom(ctx, pgx.Identifier{"log_entries"}, []string{"election_id", "idx", "kind", "ref", "seq", "data"},
			pgx.CopyFromRows(rows))
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23505" {
			return dauys.Errorf(dauys.ECONFLICT, "the log of %s has one of these records already", election)
		} else if err != nil {
			return fmt.Errorf("copy log entries: %w", err)
		}
		rows = make([][]any, len(runs))
		for i, r := range runs {
			rows[i] = []any{election, r.First, r.Count, r.FirstSeq, r.LastSeq}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"log_runs"}, []string{"election_id", "first_idx", "count", "first_seq", "last_seq"},
			pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("copy log runs: %w", err)
		}
		if err := insertHashes(ctx, tx, election, sumdb.StoredHashCount(start), hashes); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE logs SET size = $1 WHERE election_id = $2`, end, election)
		return err
	})
	return wrap("append log", err)
}

// checkUnlogged refuses to log again a protocol version that is logged
// (tlog.CheckUnlogged).
func checkUnlogged(ctx context.Context, tx pgx.Tx, election string, rows []tlog.IndexedEntry, runs []tlog.Run) error {
	if !tlog.NeedsCheck(rows, runs) {
		return nil
	}
	after, err := lastLoggedSeq(ctx, tx, election)
	if err != nil {
		return err
	}
	return tlog.CheckUnlogged(rows, runs, after, election, func(contest, area string, version int) (int64, bool, error) {
		var seq int64
		err := tx.QueryRow(ctx, `SELECT seq FROM protocols
			WHERE election_id = $1 AND contest_id = $2 AND area_id = $3 AND version = $4`, election, contest, area, version).Scan(&seq)
		if errors.Is(err, pgx.ErrNoRows) {
			return 0, false, nil
		}
		return seq, err == nil, err
	})
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

// LogHashes returns the stored hashes at the indexes, with one query for
// the rows that hold them.
func (s *Store) LogHashes(ctx context.Context, election string, indexes []int64) ([]sumdb.Hash, error) {
	rows, err := s.pool.Query(ctx, `SELECT grp, hashes FROM log_hash_groups WHERE election_id = $1 AND grp = ANY($2)`,
		election, tlog.HashGroupsOf(indexes))
	if err != nil {
		return nil, wrap("log hashes", err)
	}
	defer rows.Close()
	groups := map[int64][]byte{}
	for rows.Next() {
		var g int64
		var b []byte
		if err := rows.Scan(&g, &b); err != nil {
			return nil, wrap("log hashes", err)
		}
		groups[g] = b
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("log hashes", err)
	}
	out, err := tlog.HashesFromGroups(election, indexes, groups)
	return out, wrap("log hashes", err)
}

// insertHashes stores the tree's new stored hashes, first on, in rows of
// tlog.HashGroupSize: the log's last row, when it is not full, is read and
// written again with the first of them; the others go in with COPY.
func insertHashes(ctx context.Context, tx pgx.Tx, election string, first int64, hashes []sumdb.Hash) error {
	update, insert, err := tlog.GroupHashes(first, hashes, func(g int64) ([]byte, error) {
		var b []byte
		err := tx.QueryRow(ctx, `SELECT hashes FROM log_hash_groups WHERE election_id = $1 AND grp = $2`, election, g).Scan(&b)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, nil
		}
		return b, err
	})
	if err != nil {
		return fmt.Errorf("log hashes of %s from %d: %w", election, first, err)
	}
	if update != nil {
		if _, err := tx.Exec(ctx, `UPDATE log_hash_groups SET hashes = $1 WHERE election_id = $2 AND grp = $3`,
			update.Hashes, election, update.Group); err != nil {
			return fmt.Errorf("update log hashes from %d: %w", first, err)
		}
	}
	rows := make([][]any, len(insert))
	for i, g := range insert {
		rows[i] = []any{election, g.Group, g.Hashes}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"log_hash_groups"}, []string{"election_id", "grp", "hashes"},
		pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("copy log hashes: %w", err)
	}
	return nil
}

// LogEntries returns the entries start to end-1: those kept as rows, and
// those of runs rebuilt from the versions they name.
func (s *Store) LogEntries(ctx context.Context, election string, start, end int64) ([][]byte, error) {
	if end <= start {
		return [][]byte{}, nil
	}
	out := make([][]byte, end-start)
	var runs []tlog.Run
	err := s.readTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT idx, data FROM log_entries
			WHERE election_id = $1 AND idx >= $2 AND idx < $3 ORDER BY idx`, election, start, end)
		if err != nil {
			return err
		}
		for rows.Next() {
			var idx int64
			var b []byte
			if err := rows.Scan(&idx, &b); err != nil {
				rows.Close()
				return err
			}
			out[idx-start] = b
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `SELECT first_idx, count, first_seq, last_seq FROM log_runs
			WHERE election_id = $1 AND first_idx < $2 AND first_idx + count > $3 ORDER BY first_idx`, election, end, start)
		if err != nil {
			return err
		}
		runs, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (tlog.Run, error) {
			var r tlog.Run
			err := row.Scan(&r.First, &r.Count, &r.FirstSeq, &r.LastSeq)
			return r, err
		})
		if err != nil {
			return err
		}
		for _, r := range runs {
			if err := runEntries(ctx, tx, election, r, start, end, out); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		err = tlog.FinishEntries(election, start, out, runs, func(xs []int64) ([]sumdb.Hash, error) { return s.LogHashes(ctx, election, xs) })
	}
	if err != nil {
		return nil, wrap("log entries", err)
	}
	return out, nil
}

// runEntries rebuilds the entries of a run that fall from start to end-1
// into out, from the versions the run names.
func runEntries(ctx context.Context, tx pgx.Tx, election string, r tlog.Run, start, end int64, out [][]byte) error {
	first, past := tlog.RunSeqs(r, start, end)
	rows, err := tx.Query(ctx, `SELECT seq, election_id, contest_id, area_id, version, kind, reason, lines,
			received_at, signature, key_id FROM protocols
		WHERE election_id = $1 AND seq >= $2 AND seq < $3 ORDER BY seq`, election, first, past)
	if err != nil {
		return err
	}
	vs, err := scanPending(rows)
	if err != nil {
		return err
	}
	return tlog.PlaceRun(election, r, start, end, out, vs)
}

// scanPending reads versions as scanLogged does, and closes rows.
func scanPending(rows pgx.Rows) ([]tlog.PendingProtocol, error) {
	defer rows.Close()
	var out []tlog.PendingProtocol
	for rows.Next() {
		var v tlog.PendingProtocol
		var err error
		if v.Protocol, err = scanLogged(rows, &v.Seq); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// LogIndex returns the index of the record with the ref: an entry of its
// own, or the place of a protocol version in its run.
func (s *Store) LogIndex(ctx context.Context, election, ref string) (int64, error) {
	var idx int64
	// A protocol version is looked up in its run first, in one statement:
	// every precinct page asks for its versions' places.
	if contest, area, version, ok := tlog.ParseProtocolRef(ref); ok {
		err := s.pool.QueryRow(ctx, `SELECT r.first_idx + (p.seq - r.first_seq) FROM protocols p
			CROSS JOIN LATERAL (SELECT first_idx, first_seq FROM log_runs
				WHERE election_id = p.election_id AND last_seq >= p.seq ORDER BY last_seq LIMIT 1) r
			WHERE p.election_id = $1 AND p.contest_id = $2 AND p.area_id = $3 AND p.version = $4 AND r.first_seq <= p.seq`,
			election, contest, area, version).Scan(&idx)
		if err == nil {
			return idx, nil
		} else if !errors.Is(err, pgx.ErrNoRows) {
			return 0, wrap("log index", err)
		}
	}
	// Other records, and versions logged before runs.
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
