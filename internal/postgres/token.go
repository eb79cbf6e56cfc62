package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/dauys/dauys"
)

var _ dauys.TokenStore = (*Store)(nil)

// CreateToken stores a token; ECONFLICT when its id or hash exists.
func (s *Store) CreateToken(ctx context.Context, t *dauys.Token) error {
	p, err := json.Marshal(t.Principal)
	if err != nil {
		return wrap("create token", err)
	}
	err = s.writeTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO tokens (id, hash, principal, created_at, expires_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			t.ID, t.Hash, string(p), t.CreatedAt.UnixNano(), nanos(t.ExpiresAt), nanos(t.RevokedAt))
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23505" {
			return dauys.Errorf(dauys.ECONFLICT, "token %s exists", t.ID)
		}
		return err
	})
	return wrap("create token", err)
}

// TokenByHash returns the token with the hash; ENOTFOUND when none.
func (s *Store) TokenByHash(ctx context.Context, hash string) (*dauys.Token, error) {
	var t dauys.Token
	var p string
	var created int64
	var expires, revoked *int64
	err := s.pool.QueryRow(ctx, `SELECT id, hash, principal, created_at, expires_at, revoked_at FROM tokens WHERE hash = $1`, hash).
		Scan(&t.ID, &t.Hash, &p, &created, &expires, &revoked)
	if errors.Is(err, pgx.ErrNoRows) {
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
	err := s.writeTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, at.UnixNano(), id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return dauys.Errorf(dauys.ENOTFOUND, "token %s not found or already revoked", id)
		}
		return nil
	})
	return wrap("revoke token", err)
}
