-- 0010: the parties' decisions naming the candidates who take the list
-- seats the commission allocated to them. One current assignment per party
-- and contest; a new decision replaces it, and every decision stays in the
-- audit trail.
CREATE TABLE seat_assignments (
	election_id TEXT NOT NULL REFERENCES elections (id),
	contest_id  TEXT NOT NULL,
	party       TEXT NOT NULL,
	candidates  TEXT NOT NULL,   -- JSON array of list positions, counted from 1
	decision    TEXT NOT NULL,
	actor       TEXT NOT NULL,
	at          INTEGER,
	PRIMARY KEY (election_id, contest_id, party)
) STRICT;
