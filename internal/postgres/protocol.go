package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

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
// However large the batch, it takes a fixed number of statements: the
// lookups use arrays, the versions go in with COPY, and the deltas of the
// whole batch are summed in memory so that each running total is written
// once.
func (s *Store) SaveProtocols(ctx context.Context, ps []*dauys.Protocol) ([]dauys.SaveResult, error) {
	return s.SavePrepared(ctx, storebatch.Prepare(ps))
}

// SavePrepared is SaveProtocols for submissions storebatch.Prepare has
// already checked and encoded, as intake's group commit does in each
// sender's goroutine, before their group's transaction.
func (s *Store) SavePrepared(ctx context.Context, pp []storebatch.Prepared) ([]dauys.SaveResult, error) {
	plan := storebatch.NewPrepared(pp)
	var (
		prev map[string]int64 // per election, its largest seq before the batch
		seqs []int64          // of plan.Versions()
	)
	err := s.writeTx(ctx, func(tx pgx.Tx) error {
		if err := lockElections(ctx, tx, plan.Elections()); err != nil {
			return err
		}
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
		if prev, seqs, err = drawSeqs(ctx, tx, plan.Versions()); err != nil {
			return err
		}
		if err := copyVersions(ctx, tx, plan.Versions(), plan.VersionsEncoded(), seqs); err != nil {
			return err
		}
		if err := upsertHeads(ctx, tx, plan.ChangedHeads()); err != nil {
			return err
		}
		if err := upsertTotals(ctx, tx, totals); err != nil {
			return err
		}
		for _, id := range plan.Elections() {
			if err := notify(ctx, tx, id, "protocols"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, wrap("save protocols", err)
	}
	s.journalCommitted(prev, seqs, plan.Versions(), plan.VersionsEncoded())
	return plan.Results(), nil
}

// drawSeqs numbers new versions in storage order: under the lock of their
// elections, so that within an election seq order is commit order. It
// returns, per election, the largest seq stored before them, from which
// the journal tells whether it saw every version of the election.
func drawSeqs(ctx context.Context, tx pgx.Tx, ps []*dauys.Protocol) (map[string]int64, []int64, error) {
	if len(ps) == 0 {
		return nil, nil, nil
	}
	prev := map[string]int64{}
	for _, p := range ps {
		if _, ok := prev[p.Election]; ok {
			continue
		}
		var last int64
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM protocols WHERE election_id = $1`, p.Election).Scan(&last); err != nil {
			return nil, nil, fmt.Errorf("last seq: %w", err)
		}
		prev[p.Election] = last
	}
	rows, err := tx.Query(ctx, `SELECT nextval(pg_get_serial_sequence('protocols', 'seq')) FROM generate_series(1, $1)`, len(ps))
	if err != nil {
		return nil, nil, fmt.Errorf("draw seqs: %w", err)
	}
	seqs, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, nil, fmt.Errorf("draw seqs: %w", err)
	}
	if len(seqs) != len(ps) {
		return nil, nil, fmt.Errorf("drew %d seqs for %d versions", len(seqs), len(ps))
	}
	slices.Sort(seqs)
	return prev, seqs, nil
}

// journalCommitted hands the journal the versions a commit stored, one
// election at a time.
func (s *Store) journalCommitted(prev map[string]int64, seqs []int64, ps []*dauys.Protocol, enc []storebatch.Encoded) {
	type batch struct {
		seqs     []int64
		ps       []*dauys.Protocol
		contents [][]byte
	}
	by := map[string]*batch{}
	for i, p := range ps {
		b := by[p.Election]
		if b == nil {
			b = &batch{}
			by[p.Election] = b
		}
		b.seqs = append(b.seqs, seqs[i])
		b.ps = append(b.ps, p)
		b.contents = append(b.contents, enc[i].Canonical)
	}
	for election, b := range by {
		s.journal.Committed(election, prev[election], b.seqs, b.ps, b.contents, true)
	}
}

// lockElections takes, for the rest of the transaction, the lock that
// serializes the batches of each election, in id order so that two batches
// over the same elections cannot deadlock. Without it, two batches could
// both find no head for a precinct and both store a version 1.
func lockElections(ctx context.Context, tx pgx.Tx, ids []string) error {
	for _, id := range ids {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('dauys.save:' || current_schema() || ':' || $1, 0))`, id); err != nil {
			return fmt.Errorf("lock election %s: %w", id, err)
		}
	}
	return nil
}

// selectReferences loads the contests of the batch's elections and which of
// its areas exist.
func selectReferences(ctx context.Context, tx pgx.Tx, plan *storebatch.Plan, known *storebatch.KnownAreas, knownContests *storebatch.KnownContests) (map[string]map[string]bool, map[[2]string]bool, error) {
	contests, ids := knownContests.Split(plan.Elections())
	if len(ids) > 0 {
		read := map[string]map[string]bool{}
		rows, err := tx.Query(ctx, `SELECT e.id, c ->> 'id' FROM elections e
		LEFT JOIN LATERAL jsonb_array_elements(COALESCE(e.definition -> 'contests', '[]')) c ON true
		WHERE e.id = ANY($1)`, ids)
		if err != nil {
			return nil, nil, fmt.Errorf("select contests: %w", err)
		}
		for rows.Next() {
			var id string
			var contest *string
			if err := rows.Scan(&id, &contest); err != nil {
				return nil, nil, err
			}
			if read[id] == nil {
				read[id] = map[string]bool{}
			}
			if contest != nil {
				read[id][*contest] = true
			}
		}
		if err := rows.Err(); err != nil {
			return nil, nil, fmt.Errorf("select contests: %w", err)
		}
		knownContests.Found(contests, read)
	}
	areas, pairs := known.Split(plan.Areas())
	if len(pairs) == 0 {
		return contests, areas, nil
	}
	elections, areaIDs := make([]string, len(pairs)), make([]string, len(pairs))
	for i, k := range pairs {
		elections[i], areaIDs[i] = k[0], k[1]
	}
	rows, err := tx.Query(ctx, `SELECT k.election_id, k.id
		FROM unnest($1::text[], $2::text[]) AS k (election_id, id)
		CROSS JOIN LATERAL (SELECT FROM areas a
			WHERE a.election_id = k.election_id AND a.id = k.id OFFSET 0) a`, elections, areaIDs)
	if err != nil {
		return nil, nil, fmt.Errorf("select areas: %w", err)
	}
	var found [][2]string
	for rows.Next() {
		var k [2]string
		if err := rows.Scan(&k[0], &k[1]); err != nil {
			return nil, nil, err
		}
		found = append(found, k)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("select areas: %w", err)
	}
	known.Found(areas, found)
	return contests, areas, nil
}

// selectHeads returns the current version number and hash of the histories
// that have a version, with one query for the whole batch.
//
// This and the other lookups by arrays join each element to its row
// through a LATERAL subquery with OFFSET 0, which PostgreSQL plans on its
// own: one primary-key probe per element whatever the statistics say. A
// plain join to unnest, planned on the statistics of a table still being
// filled, can scan every row of the election for each batch.
func selectHeads(ctx context.Context, tx pgx.Tx, keys []storebatch.Key) (map[storebatch.Key]storebatch.Head, error) {
	heads := make(map[storebatch.Key]storebatch.Head, len(keys))
	if len(keys) == 0 {
		return heads, nil
	}
	elections, contests, areas := make([]string, len(keys)), make([]string, len(keys)), make([]string, len(keys))
	for i, k := range keys {
		elections[i], contests[i], areas[i] = k.Election, k.Contest, k.Area
	}
	rows, err := tx.Query(ctx, `SELECT k.election_id, k.contest_id, k.area_id, h.version, h.hash
		FROM unnest($1::text[], $2::text[], $3::text[]) AS k (election_id, contest_id, area_id)
		CROSS JOIN LATERAL (SELECT version, hash FROM heads h
			WHERE h.election_id = k.election_id AND h.contest_id = k.contest_id AND h.area_id = k.area_id
			AND h.version > 0 OFFSET 0) h`, elections, contests, areas)
	if err != nil {
		return nil, fmt.Errorf("select heads: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k storebatch.Key
		var h storebatch.Head
		if err := rows.Scan(&k.Election, &k.Contest, &k.Area, &h.Version, &h.Hash); err != nil {
			return nil, err
		}
		heads[k] = h
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select heads: %w", err)
	}
	return heads, nil
}

// protocolColumns are the columns scanProtocol reads and copyVersions
// writes, in order.
const protocolColumns = `election_id, contest_id, area_id, version, kind, reason, lines, warnings,
	acknowledged, submitter, source, received_at, hash, signature, key_id`

func scanProtocol(row pgx.Row) (*dauys.Protocol, error) {
	var (
		p        dauys.Protocol
		lines    []byte
		warnings []byte
		received *int64
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

// selectVersions loads stored versions with one query.
func selectVersions(ctx context.Context, tx pgx.Tx, keys []storebatch.VersionKey) (map[storebatch.VersionKey]*dauys.Protocol, error) {
	loaded := make(map[storebatch.VersionKey]*dauys.Protocol, len(keys))
	if len(keys) == 0 {
		return loaded, nil
	}
	elections, contests, areas := make([]string, len(keys)), make([]string, len(keys)), make([]string, len(keys))
	versions := make([]int32, len(keys))
	for i, k := range keys {
		elections[i], contests[i], areas[i], versions[i] = k.Election, k.Contest, k.Area, int32(k.Version)
	}
	rows, err := tx.Query(ctx, `SELECT p.*
		FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[]) AS k (election_id, contest_id, area_id, version)
		CROSS JOIN LATERAL (SELECT `+protocolColumns+` FROM protocols p
			WHERE p.election_id = k.election_id AND p.contest_id = k.contest_id AND p.area_id = k.area_id
			AND p.version = k.version OFFSET 0) p`, elections, contests, areas, versions)
	if err != nil {
		return nil, fmt.Errorf("select versions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanProtocol(rows)
		if err != nil {
			return nil, fmt.Errorf("select versions: %w", err)
		}
		loaded[storebatch.VersionKey{Key: storebatch.KeyOf(p), Version: p.Version}] = p
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select versions: %w", err)
	}
	if len(loaded) != len(keys) {
		return nil, fmt.Errorf("select versions: %d of %d current versions are missing", len(keys)-len(loaded), len(keys))
	}
	return loaded, nil
}

// copyVersions inserts the new versions with COPY, with their lines as
// the plan encoded them and the seqs drawn for them.
func copyVersions(ctx context.Context, tx pgx.Tx, ps []*dauys.Protocol, enc []storebatch.Encoded, seqs []int64) error {
	if len(ps) == 0 {
		return nil
	}
	rows := make([][]any, len(ps))
	for i, p := range ps {
		lines := enc[i].Lines
		var warnings []byte
		if len(p.Warnings) > 0 {
			var err error
			if warnings, err = json.Marshal(p.Warnings); err != nil {
				return fmt.Errorf("encode warnings: %w", err)
			}
		}
		rows[i] = []any{p.Election, p.Contest, p.Area, int32(p.Version), p.Kind, p.Reason, lines, warnings,
			p.Acknowledged, p.Submitter, p.Source, nanos(p.ReceivedAt), p.Hash, p.Signature, p.KeyID, seqs[i]}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"protocols"}, append(columns(protocolColumns), "seq"), pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("copy versions: %w", err)
	}
	return nil
}

// upsertHeads points the heads at their new current versions with one
// statement. Saving a version ends a dispute and supersedes double-entry
// entries.
func upsertHeads(ctx context.Context, tx pgx.Tx, ps []*dauys.Protocol) error {
	if len(ps) == 0 {
		return nil
	}
	n := len(ps)
	elections, contests, areas := make([]string, n), make([]string, n), make([]string, n)
	hashes, statuses := make([]string, n), make([]string, n)
	versions := make([]int32, n)
	updated := make([]*int64, n)
	for i, p := range ps {
		elections[i], contests[i], areas[i] = p.Election, p.Contest, p.Area
		versions[i], hashes[i], statuses[i], updated[i] = int32(p.Version), p.Hash, storebatch.HeadStatus(p.Version), nanos(p.ReceivedAt)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO heads (election_id, contest_id, area_id, version, hash, status, updated_at)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::text[], $6::text[], $7::bigint[])
		ON CONFLICT (election_id, contest_id, area_id) DO UPDATE SET
			version = excluded.version, hash = excluded.hash, status = excluded.status, updated_at = excluded.updated_at`,
		elections, contests, areas, versions, hashes, statuses, updated); err != nil {
		return fmt.Errorf("upsert heads: %w", err)
	}
	return nil
}

// upsertTotals adds the batch's summed deltas to the running totals with
// one statement, in key order. An addition that would overflow a bigint is
// not made (the row is left as it is): the statement then changes fewer
// rows than it was given, and the batch fails with an error naming the
// total.
func upsertTotals(ctx context.Context, tx pgx.Tx, totals map[storebatch.AreaKey]map[string]int64) error {
	if len(totals) == 0 {
		return nil
	}
	keys, values := storebatch.SortedTotals(totals)
	n := len(keys)
	elections, contests, areas, lines := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, k := range keys {
		elections[i], contests[i], areas[i], lines[i] = k.Election, k.Contest, k.Area, k.Line
	}
	// CASE, not AND/OR: PostgreSQL does not promise to evaluate those in
	// order, and the subtraction of the wrong branch would overflow.
	tag, err := tx.Exec(ctx, `INSERT INTO totals (election_id, contest_id, area_id, line, value)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[])
		ON CONFLICT (election_id, contest_id, area_id, line) DO UPDATE SET value = totals.value + excluded.value
		WHERE CASE WHEN excluded.value >= 0 THEN totals.value <= 9223372036854775807 - excluded.value
			ELSE totals.value >= -9223372036854775807 - 1 - excluded.value END`,
		elections, contests, areas, lines, values)
	if err != nil {
		return fmt.Errorf("upsert totals: %w", err)
	}
	if tag.RowsAffected() == int64(n) {
		return nil
	}
	// Some total was left as it was: find it, to name it.
	for i, k := range keys {
		var v int64
		if err := tx.QueryRow(ctx, `SELECT value FROM totals WHERE election_id = $1 AND contest_id = $2 AND area_id = $3 AND line = $4`,
			k.Election, k.Contest, k.Area, k.Line).Scan(&v); err != nil {
			return fmt.Errorf("upsert totals: %w", err)
		}
		if _, ok := dauys.AddCounts(v, values[i]); !ok {
			return storebatch.OverflowError(k)
		}
	}
	return fmt.Errorf("upsert totals: %d of %d totals written", tag.RowsAffected(), n)
}

// Protocol returns the current version; ENOTFOUND when there is none.
func (s *Store) Protocol(ctx context.Context, election, contest, area string) (*dauys.Protocol, error) {
	var p *dauys.Protocol
	err := s.readTx(ctx, func(tx pgx.Tx) error {
		var err error
		p, err = scanProtocol(tx.QueryRow(ctx, `SELECT `+prefixed("p.", protocolColumns)+`
			FROM heads h JOIN protocols p USING (election_id, contest_id, area_id, version)
			WHERE h.election_id = $1 AND h.contest_id = $2 AND h.area_id = $3`, election, contest, area))
		if errors.Is(err, pgx.ErrNoRows) {
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
	err := s.readTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+protocolColumns+` FROM protocols
			WHERE election_id = $1 AND contest_id = $2 AND area_id = $3 ORDER BY version`, election, contest, area)
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
// is. ENOTFOUND when the election is missing. Ids compare byte by byte,
// as in Go and SQLite (the columns are COLLATE "C").
func (s *Store) EachProtocol(ctx context.Context, election, contest string, fn func(*dauys.Protocol) error) error {
	var fnErr error
	err := s.readTx(ctx, func(tx pgx.Tx) error {
		if err := electionExists(ctx, tx, election); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+prefixed("p.", protocolColumns)+`
			FROM heads h JOIN protocols p USING (election_id, contest_id, area_id, version)
			WHERE h.election_id = $1 AND ($2 = '' OR h.contest_id = $2)
			ORDER BY h.area_id, h.contest_id`, election, contest)
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
//
// Results pages read totals all night, so this is one statement, its own
// transaction, with one primary-key probe per area (see selectHeads); only
// an answer with no totals at all takes a second, to tell an election with
// nothing reported from a missing one.
func (s *Store) Totals(ctx context.Context, election, contest string, areas []string) (map[string]map[string]int64, error) {
	out, err := s.selectTotals(ctx, election, contest, areas)
	if err == nil && len(out) == 0 {
		err = s.readTx(ctx, func(tx pgx.Tx) error { return electionExists(ctx, tx, election) })
	}
	if err != nil {
		return nil, wrap("totals", err)
	}
	return out, nil
}

func (s *Store) selectTotals(ctx context.Context, election, contest string, areas []string) (map[string]map[string]int64, error) {
	out := map[string]map[string]int64{}
	if len(areas) == 0 {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT k.area_id, t.line, t.value
		FROM unnest($3::text[]) AS k (area_id)
		CROSS JOIN LATERAL (SELECT line, value FROM totals t
			WHERE t.election_id = $1 AND t.contest_id = $2 AND t.area_id = k.area_id OFFSET 0) t`,
		election, contest, areas)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var area, line string
		var value int64
		if err := rows.Scan(&area, &line, &value); err != nil {
			return nil, err
		}
		if out[area] == nil {
			out[area] = map[string]int64{}
		}
		out[area][line] = value
	}
	return out, rows.Err()
}

// Heads returns the status of every precinct and contest that has one, by
// contest and area. ENOTFOUND when the election is missing.
func (s *Store) Heads(ctx context.Context, election string) ([]dauys.Head, error) {
	var out []dauys.Head
	err := s.readTx(ctx, func(tx pgx.Tx) error {
		if err := electionExists(ctx, tx, election); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT contest_id, area_id, status, version, updated_at
			FROM heads WHERE election_id = $1 ORDER BY contest_id, area_id`, election)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var h dauys.Head
			var updated *int64
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
