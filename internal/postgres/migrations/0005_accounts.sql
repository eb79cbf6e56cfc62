-- 0005: people who sign in, their sessions, the counts of failed sign-ins
-- that lock accounts and addresses, and the append-only audit trail. All of
-- it lives in the database so that several servers share it.

-- Users are never deleted, only disabled, so that the audit trail keeps
-- naming them. password_hash is an Argon2id PHC string.
CREATE TABLE users (
    name          text COLLATE "C" PRIMARY KEY,
    role          text NOT NULL,
    election_id   text COLLATE "C" NOT NULL,   -- '' for every election
    area_id       text COLLATE "C" NOT NULL,   -- '' for the whole tree
    password_hash text NOT NULL,
    created_at    bigint NOT NULL,
    disabled_at   bigint
);

-- Sessions of signed-in users. Only the SHA-256 of the cookie's secret is
-- kept.
CREATE TABLE sessions (
    hash       text PRIMARY KEY,
    user_name  text COLLATE "C" NOT NULL REFERENCES users (name),
    client     text NOT NULL,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_name);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Failed sign-ins per key: 'user:NAME' or 'addr:IP'.
CREATE TABLE login_failures (
    key          text COLLATE "C" PRIMARY KEY,
    failures     integer NOT NULL,
    last_failure bigint NOT NULL,
    locked_until bigint
);

-- The audit trail: who did what, when and from where. Each row carries the
-- hash of the row before it (prev_hash) and its own (hash), computed by
-- dauys.AuditEvent.ComputeHash; appends are serialized by an advisory lock
-- so that the chain has one order. Rows are only ever inserted: the
-- triggers refuse to change or remove one, TRUNCATE included.
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          bigint NOT NULL,
    actor       text NOT NULL,
    role        text NOT NULL,
    credential  text NOT NULL,
    action      text NOT NULL,
    election_id text COLLATE "C" NOT NULL,
    area_id     text COLLATE "C" NOT NULL,
    object      text NOT NULL,
    outcome     text NOT NULL,
    detail      text NOT NULL,
    client      text NOT NULL,
    prev_hash   text NOT NULL,
    hash        text NOT NULL
);
CREATE INDEX audit_log_election ON audit_log (election_id, id);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
