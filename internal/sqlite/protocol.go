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

// SaveProtocols applies dauys.Reconcile to each protocol in order within one
// transaction, stores the new versions and adds their deltas to the running
// totals of every area in their Path.
//
// A submission is refused in its SaveResult with EINVALID when it lacks an
// election, contest or area, has an unknown kind or a hash that does not
// match its content, and with ENOTFOUND when its election, contest or area
// does not exist. An empty Kind means an original and an empty Hash the
// content hash. The results of new versions carry copies of the
// submissions with their Version; those of duplicates the stored version.
//
// The lookups take one statement per batch (per election and contest); the
// writes are prepared statements, two per protocol (its version and its
// head) and one per running total. The deltas of the whole batch are summed
// in memory first, so that each running total is written once per batch,
// not once per protocol and ancestor.
func (s *Store) SaveProtocols(ctx context.Context, ps []*dauys.Protocol) ([]dauys.SaveResult, error) {
	return s.SavePrepared(ctx, storebatch.Prepare(ps))
}

// SavePrepared is SaveProtocols for submissions storebatch.Prepare has
// already checked and encoded, as intake's group commit does in each
// sender's goroutine, outside the single writer's lock.
func (s *Store) SavePrepared(ctx context.Context, pp []storebatch.Prepared) ([]dauys.SaveResult, error) {
	res, durable, err := s.SavePreparedDeferred(ctx, pp)
	if err != nil {
		return nil, err
	}
	if err := durable(); err != nil {
		return nil, wrap("save protocols", err)
	}
	return res, nil
}

// SavePreparedDeferred is SavePrepared without waiting for the disk: the
// versions are committed, and visible, when it returns, and durable once
// durable returns nil, which intake's group commit waits for before it
// answers their senders, while it runs its next transaction. Any later
// write transaction makes them durable too: the log never signs a version
// that a crash could take back, since its appends sync the WAL first.
func (s *Store) SavePreparedDeferred(ctx context.Context, pp []storebatch.Prepared) ([]dauys.SaveResult, func() error, error) {
	plan := storebatch.NewPrepared(pp)
	var (
		prev  int64 // the largest rowid before the new versions
		valid bool  // whether they have the rowids after prev
	)
	err := s.commitTx(ctx, func(tx *sql.Tx) error {
		contests, areas, err := selectReferences(ctx, tx, plan, &s.areas, &s.contests)
		if err != nil {
			return err
		}
		plan.RefuseUnknown(contests, areas)
		heads, err := selectHeads(ctx, tx, plan.Keys())
		if err != nil {
			return err
		}
		plan.Reconcile(heads)
		loaded, err := selectVersions(ctx, tx, plan.Missing())
		if err != nil {
			return err
		}
		totals, err := plan.Resolve(loaded)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(rowid), 0) FROM protocols`).Scan(&prev); err != nil {
			return err
		}
		if err := insertVersions(ctx, tx, plan.Versions(), plan.VersionsEncoded()); err != nil {
			return err
		}
		var last int64
		if err := tx.QueryRowContext(ctx, `SELECT last_insert_rowid()`).Scan(&last); err != nil {
			return err
		}
		valid = last == prev+int64(len(plan.Versions()))
		if err := upsertHeads(ctx, tx, plan.ChangedHeads()); err != nil {
			return err
		}
		return upsertTotals(ctx, tx, totals)
	})
	if err != nil {
		return nil, nil, wrap("save protocols", err)
	}
	if vs := plan.Versions(); len(vs) > 0 {
		seqs := make([]int64, len(vs))
		for i := range seqs {
			seqs[i] = prev + 1 + int64(i)
		}
		enc := plan.VersionsEncoded()
		contents := make([][]byte, len(enc))
		for i, e := range enc {
			contents[i] = e.Canonical
		}
		s.journal.Committed("", prev, seqs, vs, contents, valid)
	}
	return plan.Results(), s.wal.sync, nil
}

// selectReferences loads the contests of the batch's elections and which of
// its areas exist.
func selectReferences(ctx context.Context, tx *sql.Tx, plan *storebatch.Plan, known *storebatch.KnownAreas, knownContests *storebatch.KnownContests) (map[string]map[string]bool, map[[2]string]bool, error) {
	contests, unread := knownContests.Split(plan.Elections())
	read := map[string]map[string]bool{}
	for _, id := range unread {
		var def string
		err := tx.QueryRowContext(ctx, `SELECT definition FROM elections WHERE id = ?`, id).Scan(&def)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		} else if err != nil {
			return nil, nil, fmt.Errorf("select election %s: %w", id, err)
		}
		var e struct{ Contests []struct{ ID string } }
		if err := json.Unmarshal([]byte(def), &e); err != nil {
			return nil, nil, fmt.Errorf("decode election %s: %w", id, err)
		}
		read[id] = map[string]bool{}
		for _, c := range e.Contests {
			read[id][c.ID] = true
		}
	}
	knownContests.Found(contests, read)
	areas, unknown := known.Split(plan.Areas())
	byElection := map[string][]string{}
	for _, k := range unknown {
		byElection[k[0]] = append(byElection[k[0]], k[1])
	}
	var found [][2]string
	for election, ids := range byElection {
		ids, err := existingAreas(ctx, tx, election, ids)
		if err != nil {
			return nil, nil, fmt.Errorf("select areas: %w", err)
		}
		for _, id := range ids {
			found = append(found, [2]string{election, id})
		}
	}
	known.Found(areas, found)
	return contests, areas, nil
}

// existingAreas returns those of ids that are areas of the election. The
// ids go in as one JSON array: one statement for a batch costs less than a
// thousand lookups through database/sql. CROSS JOIN makes SQLite loop over
// the array and look each id up by primary key, not the other way round.
func existingAreas(ctx context.Context, tx *sql.Tx, election string, ids []string) ([]string, error) {
	arg, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT a.id FROM json_each(?) AS j
		CROSS JOIN areas a ON a.election_id = ? AND a.id = j.value`, string(arg), election)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var found []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		found = append(found, id)
	}
	return found, rows.Err()
}

// selectHeads returns the current version number and hash of the histories
// that have a version, with one query per election and contest.
func selectHeads(ctx context.Context, tx *sql.Tx, keys []storebatch.Key) (map[storebatch.Key]storebatch.Head, error) {
	type group struct{ election, contest string }
	byGroup := map[group][]string{}
	for _, k := range keys {
		g := group{k.Election, k.Contest}
		byGroup[g] = append(byGroup[g], k.Area)
	}
	heads := make(map[storebatch.Key]storebatch.Head, len(keys))
	for g, areas := range byGroup {
		if err := selectContestHeads(ctx, tx, g.election, g.contest, areas, heads); err != nil {
			return nil, fmt.Errorf("select heads: %w", err)
		}
	}
	return heads, nil
}

// selectContestHeads adds to heads those of the areas in one contest, read
// as existingAreas reads areas.
func selectContestHeads(ctx context.Context, tx *sql.Tx, election, contest string, areas []string, heads map[storebatch.Key]storebatch.Head) error {
	arg, err := json.Marshal(areas)
	if err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT h.area_id, h.version, h.hash FROM json_each(?) AS j
		CROSS JOIN heads h ON h.election_id = ? AND h.contest_id = ? AND h.area_id = j.value
		WHERE h.version > 0`, string(arg), election, contest)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var area string
		var h storebatch.Head
		if err := rows.Scan(&area, &h.Version, &h.Hash); err != nil {
			return err
		}
		heads[storebatch.Key{Election: election, Contest: contest, Area: area}] = h
	}
	return rows.Err()
}

// protocolColumns are the columns scanProtocol reads, in order.
const protocolColumns = `election_id, contest_id, area_id, version, kind, reason, lines, warnings,
	acknowledged, submitter, source, received_at, hash, signature, key_id`

func scanProtocol(row scanner) (*dauys.Protocol, error) {
	var (
		p        dauys.Protocol
		lines    []byte
		warnings []byte
		received sql.NullInt64
	)
	if err := row.Scan(&p.Election, &p.Contest, &p.Area, &p.Version, &p.Kind, &p.Reason, &lines, &warnings,
		&p.Acknowledged, &p.Submitter, &p.Source, &received, &p.Hash, &p.Signature, &p.KeyID); err != nil {
		return nil, err
	}
	var err error
	if p.Lines, err = storebatch.DecodeLines(lines); err != nil {
		return nil, fmt.Errorf("decode lines: %w", err)
	}
	if warnings != nil {
		if err := json.Unmarshal(warnings, &p.Warnings); err != nil {
			return nil, fmt.Errorf("decode warnings: %w", err)
		}
	}
	p.ReceivedAt = timeOf(received)
	return &p, nil
}

// selectVersions loads stored versions.
func selectVersions(ctx context.Context, tx *sql.Tx, keys []storebatch.VersionKey) (map[storebatch.VersionKey]*dauys.Protocol, error) {
	loaded := make(map[storebatch.VersionKey]*dauys.Protocol, len(keys))
	if len(keys) == 0 {
		return loaded, nil
	}
	stmt, err := tx.PrepareContext(ctx, `SELECT `+protocolColumns+` FROM protocols
		WHERE election_id = ? AND contest_id = ? AND area_id = ? AND version = ?`)
	if err != nil {
		return nil, fmt.Errorf("select versions: %w", err)
	}
	defer stmt.Close()
	for _, k := range keys {
		p, err := scanProtocol(stmt.QueryRowContext(ctx, k.Election, k.Contest, k.Area, k.Version))
		if err != nil {
			return nil, fmt.Errorf("select version %d of %s/%s: %w", k.Version, k.Contest, k.Area, err)
		}
		loaded[k] = p
	}
	return loaded, nil
}

// encodeWarnings encodes warnings as stored: NULL when there are none.
func encodeWarnings(ws []dauys.Finding) (any, error) {
	if len(ws) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(ws)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

func insertVersions(ctx context.Context, tx *sql.Tx, ps []*dauys.Protocol, enc []storebatch.Encoded) error {
	err := insertRows(ctx, tx, `INSERT INTO protocols (`+protocolColumns+`)`, 15, "", len(ps),
		func(i int, args []any) ([]any, error) {
			p := ps[i]
			warnings, err := encodeWarnings(p.Warnings)
			if err != nil {
				return nil, fmt.Errorf("encode warnings of %s/%s: %w", p.Contest, p.Area, err)
			}
			return append(args, p.Election, p.Contest, p.Area, p.Version, p.Kind, p.Reason, string(enc[i].Lines),
				warnings, p.Acknowledged, p.Submitter, p.Source, nanos(p.ReceivedAt), p.Hash, p.Signature, p.KeyID), nil
		}, nil)
	if err != nil {
		return fmt.Errorf("insert versions: %w", err)
	}
	return nil
}

// upsertHeads points the heads at their new current versions. Saving a
// version ends a dispute and supersedes double-entry entries.
func upsertHeads(ctx context.Context, tx *sql.Tx, ps []*dauys.Protocol) error {
	err := insertRows(ctx, tx, `INSERT INTO heads (election_id, contest_id, area_id, version, hash, status, updated_at)`, 7,
		`ON CONFLICT (election_id, contest_id, area_id) DO UPDATE SET
			version = excluded.version, hash = excluded.hash, status = excluded.status, updated_at = excluded.updated_at`, len(ps),
		func(i int, args []any) ([]any, error) {
			p := ps[i]
			return append(args, p.Election, p.Contest, p.Area, p.Version, p.Hash, storebatch.HeadStatus(p.Version), nanos(p.ReceivedAt)), nil
		}, nil)
	if err != nil {
		return fmt.Errorf("upsert heads: %w", err)
	}
	return nil
}

// upsertTotals adds the batch's summed deltas to the running totals. An
// addition that would overflow is not made (SQLite would turn the sum into
// a REAL, which the STRICT table refuses with a message naming nothing):
// the row is left as it is and the batch fails with an error naming the
// total.
func upsertTotals(ctx context.Context, tx *sql.Tx, totals map[storebatch.AreaKey]map[string]int64) error {
	if len(totals) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO totals (election_id, contest_id, area_id, line, value)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (election_id, contest_id, area_id, line) DO UPDATE SET value = value + excluded.value
		WHERE CASE WHEN excluded.value >= 0 THEN value <= 9223372036854775807 - excluded.value
			ELSE value >= -9223372036854775807 - 1 - excluded.value END`)
	if err != nil {
		return fmt.Errorf("upsert totals: %w", err)
	}
	defer stmt.Close()
	keys, values := storebatch.SortedTotals(totals)
	for i, k := range keys {
		res, err := stmt.ExecContext(ctx, k.Election, k.Contest, k.Area, k.Line, values[i])
		if err != nil {
			return fmt.Errorf("upsert total %s/%s/%s: %w", k.Contest, k.Area, k.Line, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("upsert total %s/%s/%s: %w", k.Contest, k.Area, k.Line, err)
		} else if n == 0 {
			return storebatch.OverflowError(k)
		}
	}
	return nil
}

// Protocol returns the current version; ENOTFOUND when there is none.
func (s *Store) Protocol(ctx context.Context, election, contest, area string) (*dauys.Protocol, error) {
	var p *dauys.Protocol
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		p, err = scanProtocol(tx.QueryRowContext(ctx, `SELECT `+prefixed("p.", protocolColumns)+`
			FROM heads h JOIN protocols p USING (election_id, contest_id, area_id, version)
			WHERE h.election_id = ? AND h.contest_id = ? AND h.area_id = ?`, election, contest, area))
		if errors.Is(err, sql.ErrNoRows) {
			return dauys.Errorf(dauys.ENOTFOUND, "precinct %s, contest %s: no protocol", area, contest)
		}
		return err
	})
	if err != nil {
		return nil, wrap("protocol", err)
	}
	return p, nil
}

// ProtocolVersions returns every version, oldest first; ENOTFOUND when
// there is none.
func (s *Store) ProtocolVersions(ctx context.Context, election, contest, area string) ([]*dauys.Protocol, error) {
	var ps []*dauys.Protocol
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+protocolColumns+` FROM protocols
			WHERE election_id = ? AND contest_id = ? AND area_id = ? ORDER BY version`, election, contest, area)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scanProtocol(rows)
			if err != nil {
				return err
			}
			ps = append(ps, p)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(ps) == 0 {
			return dauys.Errorf(dauys.ENOTFOUND, "precinct %s, contest %s: no protocol", area, contest)
		}
		return nil
	})
	if err != nil {
		return nil, wrap("protocol versions", err)
	}
	return ps, nil
}

// EachProtocol calls fn with the current version of every protocol of a
// contest ("" for all contests), in area id order and, within an area, in
// contest id order. It stops at the first error of fn and returns it as it
// is. ENOTFOUND when the election is missing.
func (s *Store) EachProtocol(ctx context.Context, election, contest string, fn func(*dauys.Protocol) error) error {
	var fnErr error
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		if err := electionExists(ctx, tx, election); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+prefixed("p.", protocolColumns)+`
			FROM heads h JOIN protocols p USING (election_id, contest_id, area_id, version)
			WHERE h.election_id = ? AND (? = '' OR h.contest_id = ?)
			ORDER BY h.area_id, h.contest_id`, election, contest, contest)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scanProtocol(rows)
			if err != nil {
				return err
			}
			if fnErr = fn(p); fnErr != nil {
				return fnErr
			}
		}
		return rows.Err()
	})
	if fnErr != nil {
		return fnErr
	}
	return wrap("each protocol", err)
}

// Totals returns the running totals of a contest for each of the areas
// (areas with nothing reported are absent), including dauys.ReportedLine.
// Precincts have no running totals. ENOTFOUND when the election is missing.
func (s *Store) Totals(ctx context.Context, election, contest string, areas []string) (map[string]map[string]int64, error) {
	out := map[string]map[string]int64{}
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		if err := electionExists(ctx, tx, election); err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, `SELECT line, value FROM totals
			WHERE election_id = ? AND contest_id = ? AND area_id = ?`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, area := range areas {
			if err := selectTotals(ctx, stmt, election, contest, area, out); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, wrap("totals", err)
	}
	return out, nil
}

func selectTotals(ctx context.Context, stmt *sql.Stmt, election, contest, area string, out map[string]map[string]int64) error {
	if _, done := out[area]; done {
		return nil
	}
	rows, err := stmt.QueryContext(ctx, election, contest, area)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var line string
		var v int64
		if err := rows.Scan(&line, &v); err != nil {
			return err
		}
		if out[area] == nil {
			out[area] = map[string]int64{}
		}
		out[area][line] = v
	}
	return rows.Err()
}

// Heads returns the status of every precinct and contest that has one, by
// contest and area. ENOTFOUND when the election is missing.
func (s *Store) Heads(ctx context.Context, election string) ([]dauys.Head, error) {
	var out []dauys.Head
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		if err := electionExists(ctx, tx, election); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT contest_id, area_id, status, version, updated_at
			FROM heads WHERE election_id = ? ORDER BY contest_id, area_id`, election)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var h dauys.Head
			var updated sql.NullInt64
			if err := rows.Scan(&h.Contest, &h.Area, &h.Status, &h.Version, &updated); err != nil {
				return err
			}
			h.UpdatedAt = timeOf(updated)
			out = append(out, h)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, wrap("heads", err)
	}
	return out, nil
}
