-- API tokens for machines. Only the SHA-256 of a token's secret is kept.
CREATE TABLE tokens (
    id         TEXT PRIMARY KEY,
    hash       TEXT NOT NULL UNIQUE,
    principal  TEXT NOT NULL, -- JSON of dauys.Principal
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    revoked_at BIGINT
);
