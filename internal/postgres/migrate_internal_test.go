package postgres

import (
	"testing"

	"github.com/dauys/dauys/internal/postgres/pgtest"
	"github.com/dauys/dauys/internal/tlog/tlogtest"
)

// undo0012 turns the rows of stored hashes back into one row a hash, as
// 0006 kept them, and forgets migration 0012.
const undo0012 = `
CREATE TABLE log_hashes (
	election_id text COLLATE "C" NOT NULL,
	idx         bigint NOT NULL,
	hash        bytea NOT NULL,
	PRIMARY KEY (election_id, idx)
);
INSERT INTO log_hashes (election_id, idx, hash)
	SELECT g.election_id, g.grp * 256 + i, substring(g.hashes FROM i * 32 + 1 FOR 32)
	FROM log_hash_groups g, generate_series(0, 255) AS i WHERE i * 32 < length(g.hashes);
DROP TABLE log_hash_groups;
DELETE FROM schema_migrations WHERE version = 12;`

// TestMigrate0012 opens a schema whose log keeps a row per stored hash,
// as before 0012, with a log of several rows' worth and a partial last
// one: the migration groups them, and the log reads back, grows and
// verifies as one written since.
func TestMigrate0012(t *testing.T) {
	url := pgtest.SchemaURL(t)
	if url == "" {
		t.Skip("DAUYS_TEST_POSTGRES is not set")
	}
	s, err := Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	signers, stored := tlogtest.LongLog(t, s)
	if _, err := s.pool.Exec(t.Context(), undo0012); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.pool.QueryRow(t.Context(), `SELECT count(*) FROM log_hashes`).Scan(&n); err != nil || n != len(stored) {
		t.Fatalf("the old format holds %d hashes (%v), want %d", n, err, len(stored))
	}
	s.Close()
	if s, err = Open(t.Context(), url); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.pool.QueryRow(t.Context(), `SELECT count(*) FROM log_hash_groups`).Scan(&n); err != nil || n != (len(stored)+255)/256 {
		t.Errorf("%d rows of hashes (%v), want %d", n, err, (len(stored)+255)/256)
	}
	tlogtest.CheckLog(t, s, signers, stored)
}
