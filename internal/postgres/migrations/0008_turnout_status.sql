-- 0008: turnout reports through polling day, their running totals, and the
-- history of election status changes.

-- Every version of every turnout report; versions are never overwritten.
CREATE TABLE turnout (
	election_id text COLLATE "C" NOT NULL REFERENCES elections (id),
	area_id     text COLLATE "C" NOT NULL,
	time        text COLLATE "C" NOT NULL,   -- "HH:MM" local to the precinct, or "close"
	version     integer NOT NULL CHECK (version > 0),
	kind        text NOT NULL,
	reason      text NOT NULL,
	voters      bigint NOT NULL,
	submitter   text NOT NULL,
	source      text NOT NULL,
	received_at bigint,
	PRIMARY KEY (election_id, area_id, time, version)
);

-- Running totals per area (the precinct itself and each ancestor) and time.
CREATE TABLE turnout_totals (
	election_id text COLLATE "C" NOT NULL REFERENCES elections (id),
	area_id     text COLLATE "C" NOT NULL,
	time        text COLLATE "C" NOT NULL,
	voters      bigint NOT NULL,
	registered  bigint NOT NULL,
	reported    bigint NOT NULL,
	PRIMARY KEY (election_id, area_id, time)
);

-- Every change of an election's status, in order.
CREATE TABLE status_changes (
	election_id     text COLLATE "C" NOT NULL REFERENCES elections (id),
	seq             integer NOT NULL,
	from_status     text NOT NULL,
	to_status       text NOT NULL,
	decision_date   text NOT NULL,
	decision_number text NOT NULL,
	reason          text NOT NULL,
	actor           text NOT NULL,
	at              bigint,
	PRIMARY KEY (election_id, seq)
);

-- An election that already has protocols is being counted, whatever its
-- old status said ("pre-election" stayed forever after an import). The
-- move is recorded as the first change of its history.
INSERT INTO status_changes (election_id, seq, from_status, to_status, decision_date, decision_number, reason, actor, at)
	SELECT id, 1, status, 'counting', '', '', 'migration 0008: the election has protocols', 'dauys', NULL
	FROM elections WHERE status = 'pre-election' AND EXISTS (SELECT 1 FROM protocols p WHERE p.election_id = elections.id);
UPDATE elections SET status = 'counting'
	WHERE status = 'pre-election' AND EXISTS (SELECT 1 FROM protocols p WHERE p.election_id = elections.id);
