-- 0011: the log keeps a reference to the protocol versions it logs, not a
-- second copy (internal/tlog/runs.go). A run says that the entries first_idx
-- to first_idx+count-1 are the records of the election's versions with
-- protocols.seq from first_seq to last_seq, in seq order; their bytes are
-- rebuilt from the versions, which are never changed or deleted. Entries
-- logged before this migration keep their rows in log_entries.
CREATE TABLE log_runs (
	election_id text COLLATE "C" NOT NULL REFERENCES logs (election_id),
	first_idx   bigint NOT NULL,
	count       bigint NOT NULL CHECK (count > 0),
	first_seq   bigint NOT NULL,
	last_seq    bigint NOT NULL CHECK (last_seq >= first_seq),
	PRIMARY KEY (election_id, first_idx)
);
CREATE UNIQUE INDEX log_runs_seq ON log_runs (election_id, last_seq);
