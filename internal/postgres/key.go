package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/dauys/dauys"
)

var _ dauys.KeyStore = (*Store)(nil)

// CreateKey registers a commission key; ECONFLICT when its id exists in the
// election, ENOTFOUND when the election does not.
func (s *Store) CreateKey(ctx context.Context, k *dauys.Key) error {
	err := s.writeTx(ctx, func(tx pgx.Tx) error {
		if err := electionExists(ctx, tx, k.Election); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO keys (election_id, id, area_id, holder, public_key, created_at, revoked_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, k.Election, k.ID, k.Area, k.Holder, []byte(k.PublicKey), k.CreatedAt.UnixNano(), nanos(k.RevokedAt))
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23505" {
			return dauys.Errorf(dauys.ECONFLICT, "key %s is already registered", k.ID)
		}
		return err
	})
	return wrap("create key", err)
}

const keyColumns = `election_id, id, area_id, holder, public_key, created_at, revoked_at`

func scanKey(row pgx.Row) (*dauys.Key, error) {
	var k dauys.Key
	var pub []byte
	var created int64
	var revoked *int64
	if err := row.Scan(&k.Election, &k.ID, &k.Area, &k.Holder, &pub, &created, &revoked); err != nil {
		return nil, err
	}
	k.PublicKey, k.CreatedAt, k.RevokedAt = pub, time.Unix(0, created).UTC(), timeOf(revoked)
	return &k, nil
}

// Key returns a key by id; ENOTFOUND when there is none.
func (s *Store) Key(ctx context.Context, election, id string) (*dauys.Key, error) {
	k, err := scanKey(s.pool.QueryRow(ctx, `SELECT `+keyColumns+` FROM keys WHERE election_id = $1 AND id = $2`, election, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, dauys.Errorf(dauys.ENOTFOUND, "key %s not found", id)
	}
	return k, wrap("key", err)
}

// Keys lists the keys of an election by id.
func (s *Store) Keys(ctx context.Context, election string) ([]*dauys.Key, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+keyColumns+` FROM keys WHERE election_id = $1 ORDER BY id`, election)
	if err != nil {
		return nil, wrap("keys", err)
	}
	defer rows.Close()
	var out []*dauys.Key
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, wrap("keys", err)
		}
		out = append(out, k)
	}
	return out, wrap("keys", rows.Err())
}

// RevokeKey marks a key revoked from at on; ENOTFOUND when it does not
// exist or is revoked already.
func (s *Store) RevokeKey(ctx context.Context, election, id string, at time.Time) error {
	err := s.writeTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE keys SET revoked_at = $1 WHERE election_id = $2 AND id = $3 AND revoked_at IS NULL`, at.UnixNano(), election, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return dauys.Errorf(dauys.ENOTFOUND, "key %s not found or already revoked", id)
		}
		return nil
	})
	return wrap("revoke key", err)
}
