package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	sqlitedriver "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/dauys/dauys"
)

var _ dauys.TokenStore = (*Store)(nil)

// CreateToken stores a token; ECONFLICT when its id or hash exists.
func (s *Store) CreateToken(ctx context.Context, t *dauys.Token) error {
	p, err := json.Marshal(t.Principal)
	if err != nil {
		return wrap("create token", err)
	}
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO tokens (id, hash, principal, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)`,
			t.ID, t.Hash, string(p), t.CreatedAt.UnixNano(), nanos(t.ExpiresAt), nanos(t.RevokedAt))
		if isUniqueViolation(err) {
			return dauys.Errorf(dauys.ECONFLICT, "token %s exists", t.ID)
		}
		return err
	})
	return wrap("create token", err)
}

// isUniqueViolation reports whether err is SQLite refusing a row because
// its primary key or a unique column is taken. The driver's extended result
// code says so; the message is for people and may change.
func isUniqueViolation(err error) bool {
	var se *sqlitedriver.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return true
	}
	return false
}

// TokenByHash returns the token with the hash; ENOTFOUND when none.
func (s *Store) TokenByHash(ctx context.Context, hash string) (*dauys.Token, error) {
	var t dauys.Token
	var p string
	var created int64
	var expires, revoked sql.NullInt64
	err := s.read.QueryRowContext(ctx, `SELECT id, hash, principal, created_at, expires_at, revoked_at FROM tokens WHERE hash = ?`, hash).
		Scan(&t.ID, &t.Hash, &p, &created, &expires, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dauys.Errorf(dauys.ENOTFOUND, "token not found")
	} else if err != nil {
		return nil, wrap("token", err)
	}
	if err := json.Unmarshal([]byte(p), &t.Principal); err != nil {
		return nil, wrap("token", err)
	}
	t.CreatedAt, t.ExpiresAt, t.RevokedAt = time.Unix(0, created).UTC(), timeOf(expires), timeOf(revoked)
	return &t, nil
}

// RevokeToken marks a token revoked; ENOTFOUND when it does not exist.
func (s *Store) RevokeToken(ctx context.Context, id string, at time.Time) error {
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, at.UnixNano(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return dauys.Errorf(dauys.ENOTFOUND, "token %s not found or already revoked", id)
		}
		return nil
	})
	return wrap("revoke token", err)
}
