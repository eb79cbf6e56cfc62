-- 0011: the log keeps a reference to the protocol versions it logs, not a
-- second copy (internal/tlog/runs.go). A run says that entry first_idx+i is
-- the record of the version with protocols.rowid first_seq+i, up to last_seq
-- (count = last_seq-first_seq+1); their bytes are rebuilt from the versions,
-- which are never changed or deleted. Entries logged before this migration
-- keep their rows in log_entries.
CREATE TABLE log_runs (
	election_id TEXT NOT NULL REFERENCES logs (election_id),
	first_idx   INTEGER NOT NULL,
	count       INTEGER NOT NULL CHECK (count > 0),
	first_seq   INTEGER NOT NULL,
	last_seq    INTEGER NOT NULL CHECK (last_seq - first_seq + 1 = count),
	PRIMARY KEY (election_id, first_idx)
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX log_runs_seq ON log_runs (election_id, last_seq);
