-- 0008: turnout reports through polling day, their running totals, and the
-- history of election status changes.

-- Every version of every turnout report; versions are never overwritten.
CREATE TABLE turnout (
	election_id TEXT NOT NULL REFERENCES elections (id),
	area_id     TEXT NOT NULL,
	time        TEXT NOT NULL,   -- "HH:MM" local to the precinct, or "close"
	version     INTEGER NOT NULL CHECK (version > 0),
	kind        TEXT NOT NULL,
	reason      TEXT NOT NULL,
	voters      INTEGER NOT NULL,
	submitter   TEXT NOT NULL,
	source      TEXT NOT NULL,
	received_at INTEGER,
	PRIMARY KEY (election_id, area_id, time, version)
) STRICT;

-- Running totals per area (the precinct itself and each ancestor) and time.
CREATE TABLE turnout_totals (
	election_id TEXT NOT NULL REFERENCES elections (id),
	area_id     TEXT NOT NULL,
	time        TEXT NOT NULL,
	voters      INTEGER NOT NULL,
	registered  INTEGER NOT NULL,
	reported    INTEGER NOT NULL,
	PRIMARY KEY (election_id, area_id, time)
) STRICT, WITHOUT ROWID;

-- Every change of an election's status, in order.
CREATE TABLE status_changes (
	election_id     TEXT NOT NULL REFERENCES elections (id),
	seq             INTEGER NOT NULL,
	from_status     TEXT NOT NULL,
	to_status       TEXT NOT NULL,
	decision_date   TEXT NOT NULL,
	decision_number TEXT NOT NULL,
	reason          TEXT NOT NULL,
	actor           TEXT NOT NULL,
	at              INTEGER,
	PRIMARY KEY (election_id, seq)
) STRICT;

-- An election that already has protocols is being counted, whatever its
-- old status said ("pre-election" stayed forever after an import). The
-- move is recorded as the first change of its history.
INSERT INTO status_changes (election_id, seq, from_status, to_status, decision_date, decision_number, reason, actor, at)
	SELECT id, 1, status, 'counting', '', '', 'migration 0008: the election has protocols', 'dauys', NULL
	FROM elections WHERE status = 'pre-election' AND EXISTS (SELECT 1 FROM protocols p WHERE p.election_id = elections.id);
UPDATE elections SET status = 'counting'
	WHERE status = 'pre-election' AND EXISTS (SELECT 1 FROM protocols p WHERE p.election_id = elections.id);
