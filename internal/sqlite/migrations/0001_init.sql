-- 0001: elections, areas, protocol versions, heads, running totals, entries
-- and refusals. Times are INTEGER nanoseconds since the Unix epoch in UTC, so
-- that they round-trip exactly; NULL stands for the zero time.

CREATE TABLE elections (
	id         TEXT PRIMARY KEY,
	date       TEXT NOT NULL,    -- polling day, YYYY-MM-DD, for listing order
	status     TEXT NOT NULL,
	definition TEXT NOT NULL,    -- JSON of the Election without its areas
	original   BLOB,             -- the definition file, byte for byte
	created_at INTEGER
) STRICT;

-- Areas of the geography tree, those of the definition and those created on
-- import. seq keeps the order in which they were added.
CREATE TABLE areas (
	election_id TEXT NOT NULL REFERENCES elections (id),
	id          TEXT NOT NULL,
	seq         INTEGER NOT NULL,
	parent      TEXT NOT NULL,
	level       TEXT NOT NULL,
	area        TEXT NOT NULL,   -- JSON of the whole Area
	PRIMARY KEY (election_id, id)
) STRICT;
CREATE INDEX areas_parent ON areas (election_id, parent);
CREATE INDEX areas_seq ON areas (election_id, seq);

-- Every version of every protocol; versions are never overwritten.
CREATE TABLE protocols (
	election_id  TEXT NOT NULL REFERENCES elections (id),
	contest_id   TEXT NOT NULL,
	area_id      TEXT NOT NULL,
	version      INTEGER NOT NULL CHECK (version > 0),
	kind         TEXT NOT NULL,
	reason       TEXT NOT NULL,
	lines        TEXT NOT NULL,  -- JSON object: line name -> integer
	warnings     TEXT,           -- JSON array of findings, NULL for none
	acknowledged INTEGER NOT NULL,
	submitter    TEXT NOT NULL,
	source       TEXT NOT NULL,
	received_at  INTEGER,
	hash         TEXT NOT NULL,
	PRIMARY KEY (election_id, contest_id, area_id, version)
) STRICT;

-- The state of each precinct and contest: its current version (0 while
-- there is none, as when only double-entry entries exist) and status.
CREATE TABLE heads (
	election_id TEXT NOT NULL REFERENCES elections (id),
	contest_id  TEXT NOT NULL,
	area_id     TEXT NOT NULL,
	version     INTEGER NOT NULL,
	hash        TEXT NOT NULL,
	status      TEXT NOT NULL,
	updated_at  INTEGER,
	PRIMARY KEY (election_id, contest_id, area_id)
) STRICT, WITHOUT ROWID;

-- Running totals of every area above the precincts, per contest and line,
-- including the pseudo-line @reported.
CREATE TABLE totals (
	election_id TEXT NOT NULL,
	contest_id  TEXT NOT NULL,
	area_id     TEXT NOT NULL,
	line        TEXT NOT NULL,
	value       INTEGER NOT NULL,
	PRIMARY KEY (election_id, contest_id, area_id, line)
) STRICT, WITHOUT ROWID;

CREATE TABLE entries (
	id          INTEGER PRIMARY KEY,
	election_id TEXT NOT NULL REFERENCES elections (id),
	contest_id  TEXT NOT NULL,
	area_id     TEXT NOT NULL,
	slot        INTEGER NOT NULL,
	operator    TEXT NOT NULL,
	lines       TEXT NOT NULL,
	hash        TEXT NOT NULL,
	received_at INTEGER
) STRICT;
CREATE INDEX entries_protocol ON entries (election_id, contest_id, area_id);

CREATE TABLE refusals (
	id          INTEGER PRIMARY KEY,
	election_id TEXT NOT NULL REFERENCES elections (id),
	contest_id  TEXT NOT NULL,
	area_id     TEXT NOT NULL,
	code        TEXT NOT NULL,
	reason      TEXT NOT NULL,
	payload     TEXT NOT NULL,
	submitter   TEXT NOT NULL,
	source      TEXT NOT NULL,
	received_at INTEGER
) STRICT;
CREATE INDEX refusals_election ON refusals (election_id);
