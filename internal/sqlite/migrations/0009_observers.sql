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
