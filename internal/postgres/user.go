package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/dauys/dauys"
)

var _ dauys.UserStore = (*Store)(nil)

// CreateUser stores a user; EINVALID when it fails Validate, ECONFLICT when
// the name is taken, ENOTFOUND when its election does not exist.
func (s *Store) CreateUser(ctx context.Context, u *dauys.User) error {
	if err := u.Validate(); err != nil {
		return wrap("create user", err)
	}
	err := s.writeTx(ctx, func(tx pgx.Tx) error {
		if u.Election != "" {
			if err := electionExists(ctx, tx, u.Election); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, `INSERT INTO users (name, role, election_id, area_id, password_hash, created_at, disabled_at, org)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, u.Name, u.Role, u.Election, u.Area, u.PasswordHash, u.CreatedAt.UnixNano(), nanos(u.DisabledAt), u.Org)
		if isUniqueViolation(err) {
			return dauys.Errorf(dauys.ECONFLICT, "user %s exists", u.Name)
		}
		return err
	})
	return wrap("create user", err)
}

// isUniqueViolation reports whether err is PostgreSQL refusing a row
// because a primary key or unique column is taken.
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

const userColumns = `name, role, election_id, area_id, password_hash, created_at, disabled_at, org`

func scanUser(row pgx.Row) (*dauys.User, error) {
	var u dauys.User
	var created int64
	var disabled *int64
	if err := row.Scan(&u.Name, &u.Role, &u.Election, &u.Area, &u.PasswordHash, &created, &disabled, &u.Org); err != nil {
		return nil, err
	}
	u.CreatedAt, u.DisabledAt = time.Unix(0, created).UTC(), timeOf(disabled)
	return &u, nil
}

// User returns a user by name; ENOTFOUND when there is none.
func (s *Store) User(ctx context.Context, name string) (*dauys.User, error) {
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE name = $1`, name))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, dauys.Errorf(dauys.ENOTFOUND, "user %s not found", name)
	}
	return u, wrap("user", err)
}

// Users lists the users by name.
func (s *Store) Users(ctx context.Context) ([]*dauys.User, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+userColumns+` FROM users ORDER BY name`)
	if err != nil {
		return nil, wrap("users", err)
	}
	defer rows.Close()
	var out []*dauys.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, wrap("users", err)
		}
		out = append(out, u)
	}
	return out, wrap("users", rows.Err())
}

// DisableUser disables a user and ends its sessions; ENOTFOUND when there
// is no such user or it is disabled already.
func (s *Store) DisableUser(ctx context.Context, name string, at time.Time) error {
	err := s.writeTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET disabled_at = $1 WHERE name = $2 AND disabled_at IS NULL`, at.UnixNano(), name)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return dauys.Errorf(dauys.ENOTFOUND, "user %s not found or already disabled", name)
		}
		_, err = tx.Exec(ctx, `DELETE FROM sessions WHERE user_name = $1`, name)
		return err
	})
	return wrap("disable user", err)
}

// CreateSession stores a session of an existing user and drops the
// sessions that expired before it was created.
func (s *Store) CreateSession(ctx context.Context, sess *dauys.Session) error {
	err := s.writeTx(ctx, func(tx pgx.Tx) error {
		var one int
		err := tx.QueryRow(ctx, `SELECT 1 FROM users WHERE name = $1`, sess.User).Scan(&one)
		if errors.Is(err, pgx.ErrNoRows) {
			return dauys.Errorf(dauys.ENOTFOUND, "user %s not found", sess.User)
		} else if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE expires_at < $1`, sess.CreatedAt.UnixNano()); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO sessions (hash, user_name, client, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
			sess.Hash, sess.User, sess.Client, sess.CreatedAt.UnixNano(), sess.ExpiresAt.UnixNano())
		if isUniqueViolation(err) {
			return dauys.Errorf(dauys.ECONFLICT, "the session exists")
		}
		return err
	})
	return wrap("create session", err)
}

// SessionByHash returns a session, expired or not; ENOTFOUND when none.
func (s *Store) SessionByHash(ctx context.Context, hash string) (*dauys.Session, error) {
	var sess dauys.Session
	var created, expires int64
	err := s.pool.QueryRow(ctx, `SELECT hash, user_name, client, created_at, expires_at FROM sessions WHERE hash = $1`, hash).
		Scan(&sess.Hash, &sess.User, &sess.Client, &created, &expires)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, dauys.Errorf(dauys.ENOTFOUND, "session not found")
	} else if err != nil {
		return nil, wrap("session", err)
	}
	sess.CreatedAt, sess.ExpiresAt = time.Unix(0, created).UTC(), time.Unix(0, expires).UTC()
	return &sess, nil
}

// DeleteSession ends a session; ENOTFOUND when there is none.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	err := s.writeTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM sessions WHERE hash = $1`, hash)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return dauys.Errorf(dauys.ENOTFOUND, "session not found")
		}
		return nil
	})
	return wrap("delete session", err)
}

// LoginThrottle returns the failed sign-ins kept for a key.
func (s *Store) LoginThrottle(ctx context.Context, key string) (*dauys.LoginThrottle, error) {
	t, err := loginThrottle(ctx, s.pool.QueryRow(ctx, loginThrottleQuery, key), key)
	return t, wrap("login throttle", err)
}

const loginThrottleQuery = `SELECT failures, last_failure, locked_until FROM login_failures WHERE key = $1`

func loginThrottle(ctx context.Context, row pgx.Row, key string) (*dauys.LoginThrottle, error) {
	t := dauys.LoginThrottle{Key: key}
	var last int64
	var locked *int64
	err := row.Scan(&t.Failures, &last, &locked)
	if errors.Is(err, pgx.ErrNoRows) {
		return &t, nil
	} else if err != nil {
		return nil, err
	}
	t.LastFailure, t.LockedUntil = time.Unix(0, last).UTC(), timeOf(locked)
	return &t, nil
}

// RecordLoginFailure counts one more failure for the key under policy,
// holding a transaction-level advisory lock on the key, which also covers
// a first failure that has no row to lock yet, so that replicas counting
// at once lose no failure.
func (s *Store) RecordLoginFailure(ctx context.Context, key string, at time.Time, policy dauys.LoginPolicy) (*dauys.LoginThrottle, error) {
	var next dauys.LoginThrottle
	err := s.writeTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('dauys.login:' || $1, 0))`, key); err != nil {
			return err
		}
		cur, err := loginThrottle(ctx, tx.QueryRow(ctx, loginThrottleQuery, key), key)
		if err != nil {
			return err
		}
		next = policy.Fail(*cur, at)
		_, err = tx.Exec(ctx, `INSERT INTO login_failures (key, failures, last_failure, locked_until) VALUES ($1, $2, $3, $4)
			ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, last_failure = excluded.last_failure, locked_until = excluded.locked_until`,
			key, next.Failures, next.LastFailure.UnixNano(), nanos(next.LockedUntil))
		return err
	})
	if err != nil {
		return nil, wrap("record login failure", err)
	}
	return &next, nil
}

// ClearLoginFailures forgets the failures of a key.
func (s *Store) ClearLoginFailures(ctx context.Context, key string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM login_failures WHERE key = $1`, key)
	return wrap("clear login failures", err)
}
