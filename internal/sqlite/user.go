package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/dauys/dauys"
)

var _ dauys.UserStore = (*Store)(nil)

// CreateUser stores a user; EINVALID when it fails Validate, ECONFLICT when
// the name is taken, ENOTFOUND when its election does not exist.
func (s *Store) CreateUser(ctx context.Context, u *dauys.User) error {
	if err := u.Validate(); err != nil {
		return wrap("create user", err)
	}
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		if u.Election != "" {
			if err := electionExists(ctx, tx, u.Election); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO users (name, role, election_id, area_id, password_hash, created_at, disabled_at, org)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, u.Name, u.Role, u.Election, u.Area, u.PasswordHash, u.CreatedAt.UnixNano(), nanos(u.DisabledAt), u.Org)
		if isUniqueViolation(err) {
			return dauys.Errorf(dauys.ECONFLICT, "user %s exists", u.Name)
		}
		return err
	})
	return wrap("create user", err)
}

const userColumns = `name, role, election_id, area_id, password_hash, created_at, disabled_at, org`

func scanUser(row scanner) (*dauys.User, error) {
	var u dauys.User
	var created int64
	var disabled sql.NullInt64
	if err := row.Scan(&u.Name, &u.Role, &u.Election, &u.Area, &u.PasswordHash, &created, &disabled, &u.Org); err != nil {
		return nil, err
	}
	u.CreatedAt, u.DisabledAt = time.Unix(0, created).UTC(), timeOf(disabled)
	return &u, nil
}

// User returns a user by name; ENOTFOUND when there is none.
func (s *Store) User(ctx context.Context, name string) (*dauys.User, error) {
	u, err := scanUser(s.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dauys.Errorf(dauys.ENOTFOUND, "user %s not found", name)
	}
	return u, wrap("user", err)
}

// Users lists the users by name.
func (s *Store) Users(ctx context.Context) ([]*dauys.User, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY name`)
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
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET disabled_at = ? WHERE name = ? AND disabled_at IS NULL`, at.UnixNano(), name)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return dauys.Errorf(dauys.ENOTFOUND, "user %s not found or already disabled", name)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_name = ?`, name)
		return err
	})
	return wrap("disable user", err)
}

// CreateSession stores a session of an existing user and drops the
// sessions that expired before it was created.
func (s *Store) CreateSession(ctx context.Context, sess *dauys.Session) error {
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM users WHERE name = ?`, sess.User).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return dauys.Errorf(dauys.ENOTFOUND, "user %s not found", sess.User)
		} else if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < ?`, sess.CreatedAt.UnixNano()); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO sessions (hash, user_name, client, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
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
	err := s.read.QueryRowContext(ctx, `SELECT hash, user_name, client, created_at, expires_at FROM sessions WHERE hash = ?`, hash).
		Scan(&sess.Hash, &sess.User, &sess.Client, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dauys.Errorf(dauys.ENOTFOUND, "session not found")
	} else if err != nil {
		return nil, wrap("session", err)
	}
	sess.CreatedAt, sess.ExpiresAt = time.Unix(0, created).UTC(), time.Unix(0, expires).UTC()
	return &sess, nil
}

// DeleteSession ends a session; ENOTFOUND when there is none.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE hash = ?`, hash)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return dauys.Errorf(dauys.ENOTFOUND, "session not found")
		}
		return nil
	})
	return wrap("delete session", err)
}

// LoginThrottle returns the failed sign-ins kept for a key.
func (s *Store) LoginThrottle(ctx context.Context, key string) (*dauys.LoginThrottle, error) {
	t, err := loginThrottle(ctx, s.read, key)
	return t, wrap("login throttle", err)
}

// rowQuerier is what loginThrottle needs of a pool or a transaction.
type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func loginThrottle(ctx context.Context, q rowQuerier, key string) (*dauys.LoginThrottle, error) {
	t := dauys.LoginThrottle{Key: key}
	var last int64
	var locked sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT failures, last_failure, locked_until FROM login_failures WHERE key = ?`, key).
		Scan(&t.Failures, &last, &locked)
	if errors.Is(err, sql.ErrNoRows) {
		return &t, nil
	} else if err != nil {
		return nil, err
	}
	t.LastFailure, t.LockedUntil = time.Unix(0, last).UTC(), timeOf(locked)
	return &t, nil
}

// RecordLoginFailure counts one more failure for the key under policy.
func (s *Store) RecordLoginFailure(ctx context.Context, key string, at time.Time, policy dauys.LoginPolicy) (*dauys.LoginThrottle, error) {
	var next dauys.LoginThrottle
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		cur, err := loginThrottle(ctx, tx, key)
		if err != nil {
			return err
		}
		next = policy.Fail(*cur, at)
		_, err = tx.ExecContext(ctx, `INSERT INTO login_failures (key, failures, last_failure, locked_until) VALUES (?, ?, ?, ?)
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
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE key = ?`, key)
		return err
	})
	return wrap("clear login failures", err)
}
