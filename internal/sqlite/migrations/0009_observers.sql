-- 0009: observer organisations, their observations (copies of protocols,
-- which never change a count) and the hashes of the copies' images.

CREATE TABLE organisations (
	election_id TEXT NOT NULL REFERENCES elections (id),
	name        TEXT NOT NULL,
	kind        TEXT NOT NULL,
	created_at  INTEGER,
	PRIMARY KEY (election_id, name)
) STRICT;

CREATE TABLE observations (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	election_id TEXT NOT NULL,
	contest_id  TEXT NOT NULL,
	area_id     TEXT NOT NULL,
	org         TEXT NOT NULL,
	lines       TEXT NOT NULL, -- JSON object of line name to number
	observer    TEXT NOT NULL,
	source      TEXT NOT NULL,
	received_at INTEGER,
	FOREIGN KEY (election_id, org) REFERENCES organisations (election_id, name)
) STRICT;
CREATE INDEX observations_area ON observations (election_id, area_id);

CREATE TABLE observation_images (
	seq            INTEGER PRIMARY KEY AUTOINCREMENT,
	election_id    TEXT NOT NULL,
	observation_id INTEGER NOT NULL REFERENCES observations (id),
	sha256         TEXT NOT NULL,
	media_type     TEXT NOT NULL,
	size           INTEGER NOT NULL,
	uploader       TEXT NOT NULL,
	received_at    INTEGER,
	UNIQUE (observation_id, sha256)
) STRICT;
CREATE INDEX observation_images_election ON observation_images (election_id, seq);

-- A user may act for an observer organisation, as a token may.
ALTER TABLE users ADD COLUMN org TEXT NOT NULL DEFAULT '';

-- Complaints about a precinct and the commission's decisions on them; the
-- complainant is kept for the commission, never published.
CREATE TABLE complaints (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	election_id TEXT NOT NULL REFERENCES elections (id),
	area_id     TEXT NOT NULL,
	contest_id  TEXT NOT NULL,
	text        TEXT NOT NULL,
	complainant TEXT NOT NULL,
	filed_at    INTEGER,
	status      TEXT NOT NULL,
	decision    TEXT NOT NULL DEFAULT '',
	decided_by  TEXT NOT NULL DEFAULT '',
	decided_at  INTEGER,
	recount_id  INTEGER
) STRICT;
CREATE INDEX complaints_area ON complaints (election_id, area_id);

-- Recount orders; version is the protocol version the recount produced.
CREATE TABLE recounts (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	election_id  TEXT NOT NULL REFERENCES elections (id),
	area_id      TEXT NOT NULL,
	contest_id   TEXT NOT NULL,
	reason       TEXT NOT NULL,
	complaint_id INTEGER,
	ordered_by   TEXT NOT NULL,
	ordered_at   INTEGER,
	version      INTEGER NOT NULL DEFAULT 0,
	done_at      INTEGER
) STRICT;
CREATE INDEX recounts_area ON recounts (election_id, area_id);
-- One open recount per precinct and contest.
CREATE UNIQUE INDEX recounts_open ON recounts (election_id, area_id, contest_id) WHERE version = 0;

-- Photos attached to complaints, by the SHA-256 the image store keeps them
-- under.
CREATE TABLE complaint_images (
	seq          INTEGER PRIMARY KEY AUTOINCREMENT,
	complaint_id INTEGER NOT NULL REFERENCES complaints (id),
	sha256       TEXT NOT NULL,
	received_at  INTEGER,
	UNIQUE (complaint_id, sha256)
) STRICT;
