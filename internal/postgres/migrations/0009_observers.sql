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
