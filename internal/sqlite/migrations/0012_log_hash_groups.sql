-- 0012: the stored hashes of the log's tree (golang.org/x/mod/sumdb/tlog's
-- StoredHashIndex numbering) are kept 256 consecutive ones to a row, not one
-- to a row: the log appends two an entry, and the writer inserted both as
-- rows of their own (internal/tlog/hashgroups.go). Row grp holds the hashes
-- grp*256 to grp*256+255, 32 bytes each, in order; a log's last row holds
-- fewer and grows as the log does.
CREATE TABLE log_hash_groups (
	election_id TEXT NOT NULL,
	grp         INTEGER NOT NULL,
	hashes      BLOB NOT NULL CHECK (length(hashes) % 32 = 0 AND length(hashes) BETWEEN 32 AND 8192),
	PRIMARY KEY (election_id, grp)
) STRICT;

-- Each row of the old hashes joins its group; a group with a gap (which
-- the log never leaves) stops the migration on NOT NULL rather than shift
-- the hashes after the gap.
INSERT INTO log_hash_groups (election_id, grp, hashes)
	SELECT election_id, idx / 256,
		CASE WHEN min(idx) = (idx / 256) * 256 AND max(idx) - min(idx) + 1 = count(*)
			THEN unhex(group_concat(hex(hash), '' ORDER BY idx)) END
	FROM log_hashes GROUP BY election_id, idx / 256;

DROP TABLE log_hashes;
