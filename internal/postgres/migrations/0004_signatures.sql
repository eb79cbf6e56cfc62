-- Commission signatures on protocol versions, and the commission keys the
-- CEC registers.
ALTER TABLE protocols ADD COLUMN signature BYTEA;
ALTER TABLE protocols ADD COLUMN key_id TEXT COLLATE "C" NOT NULL DEFAULT '';

CREATE TABLE keys (
    election_id TEXT COLLATE "C" NOT NULL REFERENCES elections (id),
    id          TEXT COLLATE "C" NOT NULL,
    area_id     TEXT COLLATE "C" NOT NULL,
    holder      TEXT NOT NULL,
    public_key  BYTEA NOT NULL,
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT,
    PRIMARY KEY (election_id, id)
);
