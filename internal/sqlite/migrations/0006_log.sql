-- 0003: the transparency log of each election (internal/tlog): its entries,
-- the stored hashes of its Merkle tree and its signed checkpoints. All three
-- are only ever inserted.
--
-- The sequencer finds the protocol versions not logged yet by the rowid of
-- protocols, which is their storage order: SQLite has one writer, gives a
-- new row the largest rowid yet, and protocols are never deleted. (VACUUM may
-- renumber the rowids of a table without an INTEGER PRIMARY KEY, but only to
-- close gaps, and rows never deleted leave none.) log_entries.seq keeps the
-- rowid of the version an entry logs, so the last one logged is found by an
-- index. Areas are found the same way by areas.seq.

CREATE TABLE logs (
	election_id  TEXT PRIMARY KEY REFERENCES elections (id),
	origin       TEXT NOT NULL,    -- the log's name, the first line of its checkpoints
	verifier_key TEXT NOT NULL,    -- the public note key; the private key is never stored
	size         INTEGER NOT NULL, -- the number of entries
	created_at   INTEGER
) STRICT;

CREATE TABLE log_entries (
	election_id TEXT NOT NULL REFERENCES logs (election_id),
	idx         INTEGER NOT NULL,
	kind        TEXT NOT NULL,     -- the kind of record the entry belongs to
	ref         TEXT,              -- the record's identity, on its first entry only
	seq         INTEGER NOT NULL,  -- protocols.rowid or areas.seq of what it logs, -1 for neither
	data        BLOB NOT NULL,
	PRIMARY KEY (election_id, idx)
) STRICT;
CREATE UNIQUE INDEX log_entries_ref ON log_entries (election_id, ref);
CREATE INDEX log_entries_seq ON log_entries (election_id, kind, seq);

-- The stored hashes of the tree, numbered as golang.org/x/mod/sumdb/tlog's
-- StoredHashIndex numbers them.
CREATE TABLE log_hashes (
	election_id TEXT NOT NULL,
	idx         INTEGER NOT NULL,
	hash        BLOB NOT NULL,
	PRIMARY KEY (election_id, idx)
) STRICT, WITHOUT ROWID;

CREATE TABLE log_checkpoints (
	election_id TEXT NOT NULL REFERENCES logs (election_id),
	size        INTEGER NOT NULL,
	note        BLOB NOT NULL,     -- the signed checkpoint, a C2SP tlog-checkpoint note
	created_at  INTEGER,
	PRIMARY KEY (election_id, size)
) STRICT;
