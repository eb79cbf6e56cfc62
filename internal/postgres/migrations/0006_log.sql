-- 0003: the transparency log of each election (internal/tlog): its entries,
-- the stored hashes of its Merkle tree and its signed checkpoints. All three
-- are only ever inserted.
--
-- protocols.seq numbers the versions in storage order, and the sequencer
-- logs those after the last one it logged. A sequence is not transactional,
-- but SaveProtocols serializes the batches of an election with an advisory
-- lock held until commit, so a batch draws its numbers only after the
-- previous batch is visible: within an election, seq order is commit order
-- and the versions a snapshot sees are always a prefix of it. Rows that
-- exist when this migration runs are numbered in the table's physical order.
ALTER TABLE protocols ADD COLUMN seq bigserial;
CREATE INDEX protocols_seq ON protocols (election_id, seq);

CREATE TABLE logs (
	election_id  text COLLATE "C" PRIMARY KEY REFERENCES elections (id),
	origin       text NOT NULL,    -- the log's name, the first line of its checkpoints
	verifier_key text NOT NULL,    -- the public note key; the private key is never stored
	size         bigint NOT NULL,  -- the number of entries
	created_at   bigint
);

CREATE TABLE log_entries (
	election_id text COLLATE "C" NOT NULL REFERENCES logs (election_id),
	idx         bigint NOT NULL,
	kind        text NOT NULL,     -- the kind of record the entry belongs to
	ref         text COLLATE "C",  -- the record's identity, on its first entry only
	seq         bigint NOT NULL,   -- protocols.seq or areas.seq of what it logs, -1 for neither
	data        bytea NOT NULL,
	PRIMARY KEY (election_id, idx)
);
CREATE UNIQUE INDEX log_entries_ref ON log_entries (election_id, ref);
CREATE INDEX log_entries_seq ON log_entries (election_id, kind, seq);

-- The stored hashes of the tree, numbered as golang.org/x/mod/sumdb/tlog's
-- StoredHashIndex numbers them.
CREATE TABLE log_hashes (
	election_id text COLLATE "C" NOT NULL,
	idx         bigint NOT NULL,
	hash        bytea NOT NULL,
	PRIMARY KEY (election_id, idx)
);

CREATE TABLE log_checkpoints (
	election_id text COLLATE "C" NOT NULL REFERENCES logs (election_id),
	size        bigint NOT NULL,
	note        bytea NOT NULL,    -- the signed checkpoint, a C2SP tlog-checkpoint note
	created_at  bigint,
	PRIMARY KEY (election_id, size)
);
