package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

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
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		if err := electionExists(ctx, tx, l.Election); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO logs (election_id, origin, verifier_key, size, created_at)
			VALUES (?, ?, ?, 0, ?) ON CONFLICT (election_id) DO NOTHING`, l.Election, l.Origin, l.VerifierKey, nanos(l.CreatedAt))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return dauys.Errorf(dauys.ECONFLICT, "election %s has a log already", l.Election)
		}
		return nil
	})
	return wrap("create log", err)
}

// LogInfo returns the log of an election; ENOTFOUND when there is none.
func (s *Store) LogInfo(ctx context.Context, election string) (*tlog.Info, error) {
	l := &tlog.Info{Election: election}
	var created sql.NullInt64
	err := s.read.QueryRowContext(ctx, `SELECT origin, verifier_key, created_at FROM logs WHERE election_id = ?`, election).
		Scan(&l.Origin, &l.VerifierKey, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dauys.Errorf(dauys.ENOTFOUND, "election %s has no log", election)
	} else if err != nil {
		return nil, wrap("log info", err)
	}
	l.CreatedAt = timeOf(created)
	return l, nil
}

// UnloggedProtocols returns the versions stored after the last one logged,
// by rowid, with what their log records need (not their warnings,
// submitter, source or hash). The rowid is compared first and the
// election's column is kept out of the primary key's index (+), so that
// SQLite walks the table from the cursor instead of every version of the
// election.
func (s *Store) UnloggedProtocols(ctx context.Context, election string, limit int) ([]tlog.PendingProtocol, error) {
	return s.unlogged(ctx, election, limit, true)
}

// unlogged returns the versions not logged yet: from the journal when it
// holds them all and journal is true, from the store otherwise.
func (s *Store) unlogged(ctx context.Context, election string, limit int, journal bool) ([]tlog.PendingProtocol, error) {
	var out []tlog.PendingProtocol
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		after, err := lastLoggedSeq(ctx, tx, election)
		if err != nil {
			return err
		}
		if journal {
			var last int64
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(rowid), 0) FROM protocols`).Scan(&last); err != nil {
				return err
			}
			if vs, ok := s.journal.Unlogged("", election, after, last, limit); ok {
				out = vs
				return nil
			}
		}
		rows, err := tx.QueryContext(ctx, `SELECT p.rowid, `+loggedColumns+` FROM protocols p
			WHERE p.rowid > ? AND +p.election_id = ? ORDER BY p.rowid LIMIT ?`, after, election, limit)
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

// lastLoggedSeq returns the rowid of the last protocol version logged, in
// a run or (before migration 0011) in an entry of its own; 0 for none.
func lastLoggedSeq(ctx context.Context, tx *sql.Tx, election string) (int64, error) {
	var after int64
	err := tx.QueryRowContext(ctx, `SELECT MAX(
			COALESCE((SELECT MAX(last_seq) FROM log_runs WHERE election_id = ?), 0),
			COALESCE((SELECT MAX(seq) FROM log_entries WHERE election_id = ? AND kind = ?), 0))`,
		election, election, tlog.KindProtocol).Scan(&after)
	return after, err
}

// UnloggedAreas returns the areas added after the last ones logged.
func (s *Store) UnloggedAreas(ctx context.Context, election string) ([]tlog.PendingArea, error) {
	var out []tlog.PendingArea
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		var after int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), -1) FROM log_entries
			WHERE election_id = ? AND kind = ?`, election, tlog.KindAreas).Scan(&after); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT seq, area FROM areas WHERE election_id = ? AND seq > ? ORDER BY seq, id`,
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

// LoggedRefs returns the refs of the logged records of a kind. The index on
// kinds is named: left to itself, SQLite walks the refs of every protocol
// version for the few keys.
func (s *Store) LoggedRefs(ctx context.Context, election, kind string) ([]string, error) {
	var out []string
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT ref FROM log_entries INDEXED BY log_entries_seq
			WHERE election_id = ? AND kind = ? AND ref IS NOT NULL ORDER BY idx`, election, kind)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r string
			if err := rows.Scan(&r); err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, wrap("logged refs", err)
	}
	return out, nil
}

// AppendLog adds entries and hashes at the end of the log, if it is still
// of size start.
func (s *Store) AppendLog(ctx context.Context, election string, start int64, entries []tlog.Entry, hashes []sumdb.Hash) error {
	end := start + int64(len(entries))
	if want := sumdb.StoredHashCount(end) - sumdb.StoredHashCount(start); int64(len(hashes)) != want {
		return wrap("append log", dauys.Errorf(dauys.EINVALID, "%d entries from %d need %d hashes, not %d", len(entries), start, want, len(hashes)))
	}
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		var size int64
		err := tx.QueryRowContext(ctx, `SELECT size FROM logs WHERE election_id = ?`, election).Scan(&size)
		if errors.Is(err, sql.ErrNoRows) {
			return dauys.Errorf(dauys.ENOTFOUND, "election %s has no log", election)
		} else if err != nil {
			return err
		}
		if size != start {
			return dauys.Errorf(dauys.ECONFLICT, "the log of %s has %d entries, not %d: another sequencer appended", election, size, start)
		}
		rows, runs, err := tlog.SplitEntries(start, entries)
		if err != nil {
			return err
		}
		if err := checkUnlogged(ctx, tx, election, rows, runs); err != nil {
			return err
		}
		if err := insertEntries(ctx, tx, election, rows); err != nil {
			return err
		}
		if err := insertRuns(ctx, tx, election, runs); err != nil {
			return err
		}
		if err := insertHashes(ctx, tx, election, sumdb.StoredHashCount(start), hashes); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE logs SET size = ? WHERE election_id = ?`, end, election)
		return err
	})
	return wrap("append log", err)
}

func insertEntries(ctx context.Context, tx *sql.Tx, election string, entries []tlog.IndexedEntry) error {
	return insertRows(ctx, tx, `INSERT INTO log_entries (election_id, idx, kind, ref, seq, data)`, 6, `ON CONFLICT DO NOTHING`, len(entries),
		func(i int, args []any) ([]any, error) {
			e := entries[i]
			var ref any
			if e.Ref != "" {
				ref = e.Ref
			}
			return append(args, election, e.Index, e.Kind, ref, e.Seq, e.Data), nil
		},
		func(lo, hi int, changed int64) error {
			if changed == int64(hi-lo) {
				return nil
			}
			// Name the record that is logged already.
			for _, e := range entries[lo:hi] {
				if e.Ref == "" {
					continue
				}
				var idx int64
				err := tx.QueryRowContext(ctx, `SELECT idx FROM log_entries WHERE election_id = ? AND ref = ?`, election, e.Ref).Scan(&idx)
				if err != nil && !errors.Is(err, sql.ErrNoRows) {
					return err
				}
				if err == nil && idx != e.Index {
					return dauys.Errorf(dauys.ECONFLICT, "the log of %s has %s already", election, e.Ref)
				}
			}
			return dauys.Errorf(dauys.ECONFLICT, "the log of %s has entries %d to %d already", election, entries[lo].Index, entries[hi-1].Index)
		})
}

// checkUnlogged refuses to log again a protocol version that is logged
// (tlog.CheckUnlogged).
func checkUnlogged(ctx context.Context, tx *sql.Tx, election string, rows []tlog.IndexedEntry, runs []tlog.Run) error {
	if !tlog.NeedsCheck(rows, runs) {
		return nil
	}
	after, err := lastLoggedSeq(ctx, tx, election)
	if err != nil {
		return err
	}
	return tlog.CheckUnlogged(rows, runs, after, election, func(contest, area string, version int) (int64, bool, error) {
		var seq int64
		err := tx.QueryRowContext(ctx, `SELECT rowid FROM protocols
			WHERE election_id = ? AND contest_id = ? AND area_id = ? AND version = ?`, election, contest, area, version).Scan(&seq)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, false, nil
		}
		return seq, err == nil, err
	})
}

// insertRuns stores runs of protocol versions.
func insertRuns(ctx context.Context, tx *sql.Tx, election string, runs []tlog.Run) error {
	err := insertRows(ctx, tx, `INSERT INTO log_runs (election_id, first_idx, count, first_seq, last_seq)`, 5, "", len(runs),
		func(i int, args []any) ([]any, error) {
			r := runs[i]
			return append(args, election, r.First, r.Count, r.FirstSeq, r.LastSeq), nil
		}, nil)
	if err != nil {
		return fmt.Errorf("insert log runs: %w", err)
	}
	return nil
}

// insertHashes stores the tree's new stored hashes, first on, in rows of
// tlog.HashGroupSize: the log's last row, when it is not full, is read and
// written again with the first of them.
func insertHashes(ctx context.Context, tx *sql.Tx, election string, first int64, hashes []sumdb.Hash) error {
	update, insert, err := tlog.GroupHashes(first, hashes, func(g int64) ([]byte, error) {
		var b []byte
		err := tx.QueryRowContext(ctx, `SELECT hashes FROM log_hash_groups WHERE election_id = ? AND grp = ?`, election, g).Scan(&b)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		return b, err
	})
	if err != nil {
		return fmt.Errorf("log hashes of %s from %d: %w", election, first, err)
	}
	if update != nil {
		if _, err := tx.ExecContext(ctx, `UPDATE log_hash_groups SET hashes = ? WHERE election_id = ? AND grp = ?`,
			update.Hashes, election, update.Group); err != nil {
			return fmt.Errorf("update log hashes from %d: %w", first, err)
		}
	}
	err = insertRows(ctx, tx, `INSERT INTO log_hash_groups (election_id, grp, hashes)`, 3, "", len(insert),
		func(i int, args []any) ([]any, error) {
			return append(args, election, insert[i].Group, insert[i].Hashes), nil
		}, nil)
	if err != nil {
		return fmt.Errorf("insert log hashes from %d: %w", first, err)
	}
	return nil
}

// LogSize returns the number of entries of the log; 0 without a log.
func (s *Store) LogSize(ctx context.Context, election string) (int64, error) {
	var n int64
	err := s.read.QueryRowContext(ctx, `SELECT size FROM logs WHERE election_id = ?`, election).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return n, wrap("log size", err)
}

// LogHashes returns the stored hashes at the indexes, reading each row
// that holds some of them once.
func (s *Store) LogHashes(ctx context.Context, election string, indexes []int64) ([]sumdb.Hash, error) {
	var out []sumdb.Hash
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `SELECT hashes FROM log_hash_groups WHERE election_id = ? AND grp = ?`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		groups := map[int64][]byte{}
		for _, g := range tlog.HashGroupsOf(indexes) {
			var b []byte
			err := stmt.QueryRowContext(ctx, election, g).Scan(&b)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			} else if err != nil {
				return err
			}
			groups[g] = b
		}
		out, err = tlog.HashesFromGroups(election, indexes, groups)
		return err
	})
	if err != nil {
		return nil, wrap("log hashes", err)
	}
	return out, nil
}

// LogEntries returns the entries start to end-1: those kept as rows, and
// those of runs rebuilt from the versions they name.
func (s *Store) LogEntries(ctx context.Context, election string, start, end int64) ([][]byte, error) {
	if end <= start {
		return [][]byte{}, nil
	}
	out := make([][]byte, end-start)
	var runs []tlog.Run
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT idx, data FROM log_entries
			WHERE election_id = ? AND idx >= ? AND idx < ? ORDER BY idx`, election, start, end)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var idx int64
			var b []byte
			if err := rows.Scan(&idx, &b); err != nil {
				return err
			}
			out[idx-start] = b
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if runs, err = runsBetween(ctx, tx, election, start, end); err != nil {
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

// runsBetween returns the runs with entries from start to end-1.
func runsBetween(ctx context.Context, tx *sql.Tx, election string, start, end int64) ([]tlog.Run, error) {
	rows, err := tx.QueryContext(ctx, `SELECT first_idx, count, first_seq, last_seq FROM log_runs
		WHERE election_id = ? AND first_idx < ? AND first_idx + count > ? ORDER BY first_idx`, election, end, start)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tlog.Run
	for rows.Next() {
		var r tlog.Run
		if err := rows.Scan(&r.First, &r.Count, &r.FirstSeq, &r.LastSeq); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// runEntries rebuilds the entries of a run that fall from start to end-1
// into out, from the versions the run names.
func runEntries(ctx context.Context, tx *sql.Tx, election string, r tlog.Run, start, end int64, out [][]byte) error {
	first, past := tlog.RunSeqs(r, start, end)
	rows, err := tx.QueryContext(ctx, `SELECT rowid, `+loggedColumns+` FROM protocols
		WHERE rowid >= ? AND rowid < ? ORDER BY rowid`, first, past)
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
func scanPending(rows *sql.Rows) ([]tlog.PendingProtocol, error) {
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

// loggedColumns are what a version's log record holds
// (tlog.ProtocolRecord), as scanLogged reads them after the rowid.
const loggedColumns = `election_id, contest_id, area_id, version, kind, reason, lines, received_at, signature, key_id`

// scanLogged reads a version's rowid and loggedColumns.
func scanLogged(row scanner, seq *int64) (*dauys.Protocol, error) {
	var (
		p        dauys.Protocol
		lines    []byte
		received sql.NullInt64
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

// LogIndex returns the index of the record with the ref: an entry of its
// own, or the place of a protocol version in its run.
func (s *Store) LogIndex(ctx context.Context, election, ref string) (int64, error) {
	var idx int64
	// A protocol version is looked up in its run first, in one statement:
	// every precinct page asks for its versions' places.
	if contest, area, version, ok := tlog.ParseProtocolRef(ref); ok {
		err := s.read.QueryRowContext(ctx, `SELECT r.first_idx + (p.rowid - r.first_seq) FROM protocols p
			JOIN log_runs r ON r.election_id = p.election_id AND r.last_seq = (SELECT MIN(last_seq) FROM log_runs
				WHERE election_id = p.election_id AND last_seq >= p.rowid)
			WHERE p.election_id = ? AND p.contest_id = ? AND p.area_id = ? AND p.version = ? AND r.first_seq <= p.rowid`,
			election, contest, area, version).Scan(&idx)
		if err == nil {
			return idx, nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return 0, wrap("log index", err)
		}
	}
	// Other records, and versions logged before runs.
	err := s.read.QueryRowContext(ctx, `SELECT idx FROM log_entries WHERE election_id = ? AND ref = ?`, election, ref).Scan(&idx)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, dauys.Errorf(dauys.ENOTFOUND, "%s is not in the log of %s (yet)", ref, election)
	}
	return idx, wrap("log index", err)
}

// SaveCheckpoint stores a signed checkpoint; one of a size already stored
// is ignored.
func (s *Store) SaveCheckpoint(ctx context.Context, election string, c *tlog.StoredCheckpoint) error {
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO log_checkpoints (election_id, size, note, created_at)
			VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, election, c.Size, c.Note, nanos(c.CreatedAt))
		return err
	})
	return wrap("save checkpoint", err)
}

// Checkpoint returns the checkpoint of a size, or the latest for a
// negative size.
func (s *Store) Checkpoint(ctx context.Context, election string, size int64) (*tlog.StoredCheckpoint, error) {
	var row *sql.Row
	if size < 0 {
		row = s.read.QueryRowContext(ctx, `SELECT size, note, created_at FROM log_checkpoints
			WHERE election_id = ? ORDER BY size DESC LIMIT 1`, election)
	} else {
		row = s.read.QueryRowContext(ctx, `SELECT size, note, created_at FROM log_checkpoints
			WHERE election_id = ? AND size = ?`, election, size)
	}
	c, err := scanCheckpoint(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dauys.Errorf(dauys.ENOTFOUND, "the log of %s has no such checkpoint", election)
	}
	if err != nil {
		return nil, wrap("checkpoint", err)
	}
	return c, nil
}

func scanCheckpoint(row scanner) (*tlog.StoredCheckpoint, error) {
	var c tlog.StoredCheckpoint
	var created sql.NullInt64
	if err := row.Scan(&c.Size, &c.Note, &created); err != nil {
		return nil, err
	}
	c.CreatedAt = timeOf(created)
	return &c, nil
}

// Checkpoints returns every stored checkpoint, smallest first.
func (s *Store) Checkpoints(ctx context.Context, election string) ([]*tlog.StoredCheckpoint, error) {
	var out []*tlog.StoredCheckpoint
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT size, note, created_at FROM log_checkpoints
			WHERE election_id = ? ORDER BY size`, election)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanCheckpoint(rows)
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, wrap("checkpoints", err)
	}
	return out, nil
}
