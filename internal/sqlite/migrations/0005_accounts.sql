-- 0005: people who sign in, their sessions, the counts of failed sign-ins
-- that lock accounts and addresses, and the append-only audit trail. All of
-- it lives in the database so that several servers share it.

-- Users are never deleted, only disabled, so that the audit trail keeps
-- naming them. password_hash is an Argon2id PHC string.
CREATE TABLE users (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL,
    election_id   TEXT NOT NULL,   -- '' for every election
    area_id       TEXT NOT NULL,   -- '' for the whole tree
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    disabled_at   INTEGER
) STRICT;

-- Sessions of signed-in users. Only the SHA-256 of the cookie's secret is
-- kept.
CREATE TABLE sessions (
    hash       TEXT PRIMARY KEY,
    user_name  TEXT NOT NULL REFERENCES users (name),
    client     TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions (user_name);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Failed sign-ins per key: 'user:NAME' or 'addr:IP'.
CREATE TABLE login_failures (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    last_failure INTEGER NOT NULL,
    locked_until INTEGER
) STRICT;

-- The audit trail: who did what, when and from where. Each row carries the
-- hash of the row before it (prev_hash) and its own (hash), computed by
-- dauys.AuditEvent.ComputeHash. Rows are only ever inserted: the triggers
-- refuse to change or remove one.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    role        TEXT NOT NULL,
    credential  TEXT NOT NULL,
    action      TEXT NOT NULL,
    election_id TEXT NOT NULL,
    area_id     TEXT NOT NULL,
    object      TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    detail      TEXT NOT NULL,
    client      TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
) STRICT;
CREATE INDEX audit_log_election ON audit_log (election_id, id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
