-- 0009: observer organisations, their observations (copies of protocols,
-- which never change a count) and the hashes of the copies' images.

CREATE TABLE organisations (
	election_id text COLLATE "C" NOT NULL REFERENCES elections (id),
	name        text COLLATE "C" NOT NULL,
	kind        text NOT NULL,
	created_at  bigint,
	PRIMARY KEY (election_id, name)
);

CREATE TABLE observations (
	id          bigserial PRIMARY KEY,
	election_id text COLLATE "C" NOT NULL,
	contest_id  text COLLATE "C" NOT NULL,
	area_id     text COLLATE "C" NOT NULL,
	org         text COLLATE "C" NOT NULL,
	lines       jsonb NOT NULL,
	observer    text NOT NULL,
	source      text NOT NULL,
	received_at bigint,
	FOREIGN KEY (election_id, org) REFERENCES organisations (election_id, name)
);
CREATE INDEX observations_area ON observations (election_id, area_id);

CREATE TABLE observation_images (
	seq            bigserial PRIMARY KEY,
	election_id    text COLLATE "C" NOT NULL,
	observation_id bigint NOT NULL REFERENCES observations (id),
	sha256         text COLLATE "C" NOT NULL,
	media_type     text NOT NULL,
	size           bigint NOT NULL,
	uploader       text NOT NULL,
	received_at    bigint,
	UNIQUE (observation_id, sha256)
);
CREATE INDEX observation_images_election ON observation_images (election_id, seq);

-- A user may act for an observer organisation, as a token may.
ALTER TABLE users ADD COLUMN org text NOT NULL DEFAULT '';

-- Complaints about a precinct and the commission's decisions on them; the
-- complainant is kept for the commission, never published.
CREATE TABLE complaints (
	id          bigserial PRIMARY KEY,
	election_id text COLLATE "C" NOT NULL REFERENCES elections (id),
	area_id     text COLLATE "C" NOT NULL,
	contest_id  text COLLATE "C" NOT NULL,
	text        text NOT NULL,
	complainant text NOT NULL,
	filed_at    bigint,
	status      text NOT NULL,
	decision    text NOT NULL DEFAULT '',
	decided_by  text NOT NULL DEFAULT '',
	decided_at  bigint,
	recount_id  bigint
);
CREATE INDEX complaints_area ON complaints (election_id, area_id);

-- Recount orders; version is the protocol version the recount produced.
CREATE TABLE recounts (
	id           bigserial PRIMARY KEY,
	election_id  text COLLATE "C" NOT NULL REFERENCES elections (id),
	area_id      text COLLATE "C" NOT NULL,
	contest_id   text COLLATE "C" NOT NULL,
	reason       text NOT NULL,
	complaint_id bigint,
	ordered_by   text NOT NULL,
	ordered_at   bigint,
	version      integer NOT NULL DEFAULT 0,
	done_at      bigint
);
CREATE INDEX recounts_area ON recounts (election_id, area_id);
-- One open recount per precinct and contest.
CREATE UNIQUE INDEX recounts_open ON recounts (election_id, area_id, contest_id) WHERE version = 0;

-- Photos attached to complaints, by the SHA-256 the image store keeps them
-- under.
CREATE TABLE complaint_images (
	seq          bigserial PRIMARY KEY,
	complaint_id bigint NOT NULL REFERENCES complaints (id),
	sha256       text COLLATE "C" NOT NULL,
	received_at  bigint,
	UNIQUE (complaint_id, sha256)
);
