-- Commission signatures on protocol versions, and the commission keys the
-- CEC registers.
ALTER TABLE protocols ADD COLUMN signature BLOB;
ALTER TABLE protocols ADD COLUMN key_id TEXT NOT NULL DEFAULT '';

CREATE TABLE keys (
    election_id TEXT NOT NULL REFERENCES elections (id),
    id          TEXT NOT NULL,
    area_id     TEXT NOT NULL,
    holder      TEXT NOT NULL,
    public_key  BLOB NOT NULL,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER,
    PRIMARY KEY (election_id, id)
) STRICT;
