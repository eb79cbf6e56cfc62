-- 0010: the parties' decisions naming the candidates who take the list
-- seats the commission allocated to them. One current assignment per party
-- and contest; a new decision replaces it, and every decision stays in the
-- audit trail.
CREATE TABLE seat_assignments (
	election_id text COLLATE "C" NOT NULL REFERENCES elections (id),
	contest_id  text COLLATE "C" NOT NULL,
	party       text COLLATE "C" NOT NULL,
	candidates  text NOT NULL,   -- JSON array of list positions, counted from 1
	decision    text NOT NULL,
	actor       text NOT NULL,
	at          bigint,
	PRIMARY KEY (election_id, contest_id, party)
);
