-- 0001: elections, areas, protocol versions, heads, running totals, entries
-- and refusals. Times are BIGINT nanoseconds since the Unix epoch, as in the
-- SQLite store, so that they round-trip exactly (timestamptz keeps
-- microseconds); NULL stands for the zero time. In psql,
-- to_timestamp(received_at / 1e9) shows one. Ids and line names compare
-- byte by byte (COLLATE "C"), as in Go and SQLite, whatever the database's
-- locale, so that "in area id order" means the same on both stores.

CREATE TABLE elections (
	id         text COLLATE "C" PRIMARY KEY,
	date       text COLLATE "C" NOT NULL,    -- polling day, YYYY-MM-DD, for listing order
	status     text NOT NULL,
	definition jsonb NOT NULL,   -- the Election without its areas
	original   bytea,            -- the definition file, byte for byte
	created_at bigint
);

-- Areas of the geography tree, those of the definition and those created on
-- import. seq keeps the order in which they were added.
CREATE TABLE areas (
	election_id text COLLATE "C" NOT NULL REFERENCES elections (id),
	id          text COLLATE "C" NOT NULL,
	seq         bigint NOT NULL,
	parent      text COLLATE "C" NOT NULL,
	level       text NOT NULL,
	area        jsonb NOT NULL,  -- the whole Area
	PRIMARY KEY (election_id, id)
);
CREATE INDEX areas_parent ON areas (election_id, parent);
CREATE INDEX areas_seq ON areas (election_id, seq);

-- Every version of every protocol; versions are never overwritten. The
-- election is checked by SaveProtocols in bulk rather than by a foreign
-- key, whose per-row trigger would slow COPY down. Lines are json, not
-- jsonb: they are written in bulk and read whole, and json takes half the
-- time to store and two thirds of the space.
CREATE TABLE protocols (
	election_id  text COLLATE "C" NOT NULL,
	contest_id   text COLLATE "C" NOT NULL,
	area_id      text COLLATE "C" NOT NULL,
	version      integer NOT NULL CHECK (version > 0),
	kind         text NOT NULL,
	reason       text NOT NULL,
	lines        json NOT NULL,  -- line name -> integer
	warnings     json,           -- findings, NULL for none
	acknowledged boolean NOT NULL,
	submitter    text NOT NULL,
	source       text NOT NULL,
	received_at  bigint,
	hash         text NOT NULL,
	PRIMARY KEY (election_id, contest_id, area_id, version)
);

-- The state of each precinct and contest: its current version (0 while
-- there is none, as when only double-entry entries exist) and status.
CREATE TABLE heads (
	election_id text COLLATE "C" NOT NULL,
	contest_id  text COLLATE "C" NOT NULL,
	area_id     text COLLATE "C" NOT NULL,
	version     integer NOT NULL,
	hash        text NOT NULL,
	status      text NOT NULL,
	updated_at  bigint,
	PRIMARY KEY (election_id, contest_id, area_id)
);

-- Running totals of every area above the precincts, per contest and line,
-- including the pseudo-line @reported.
CREATE TABLE totals (
	election_id text COLLATE "C" NOT NULL,
	contest_id  text COLLATE "C" NOT NULL,
	area_id     text COLLATE "C" NOT NULL,
	line        text COLLATE "C" NOT NULL,
	value       bigint NOT NULL,
	PRIMARY KEY (election_id, contest_id, area_id, line)
);

CREATE TABLE entries (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	election_id text COLLATE "C" NOT NULL REFERENCES elections (id),
	contest_id  text COLLATE "C" NOT NULL,
	area_id     text COLLATE "C" NOT NULL,
	slot        integer NOT NULL,
	operator    text NOT NULL,
	lines       json NOT NULL,
	hash        text NOT NULL,
	received_at bigint
);
CREATE INDEX entries_protocol ON entries (election_id, contest_id, area_id);

CREATE TABLE refusals (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	election_id text COLLATE "C" NOT NULL REFERENCES elections (id),
	contest_id  text COLLATE "C" NOT NULL,
	area_id     text COLLATE "C" NOT NULL,
	code        text NOT NULL,
	reason      text NOT NULL,
	payload     bytea NOT NULL,  -- as received, which need not be valid UTF-8
	submitter   text NOT NULL,
	source      text NOT NULL,
	received_at bigint
);
CREATE INDEX refusals_election ON refusals (election_id);
