-- 0007: each double-entry entry records the version of the protocol it was
-- made against (0 before any is accepted, n for an amendment of version n),
-- so that only the entries of the current round are paired: an entry of an
-- earlier round, for instance one a resolver did not keep, never completes
-- a later pair.
ALTER TABLE entries ADD COLUMN base integer NOT NULL DEFAULT 0;
