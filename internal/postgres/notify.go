package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/dauys/dauys"
)

// changesChannel is the PostgreSQL channel on which every change to an
// election is announced, so that the replicas of `dauys serve` sharing the
// database drop what they cached of it.
const changesChannel = "dauys_changes"

// notify announces, when the transaction commits, that an election
// changed. The payload is "schema election what", so that stores in other
// schemas of the same database ignore it.
func notify(ctx context.Context, tx pgx.Tx, election, what string) error {
	_, err := tx.Exec(ctx, `SELECT pg_notify($1, current_schema() || ' ' || $2 || ' ' || $3)`, changesChannel, election, what)
	if err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	return nil
}

var _ dauys.Watcher = (*Store)(nil)

// Watch calls fn with every change committed to an election in this
// store's schema, by any process, until ctx is done. It holds one
// connection of the pool for LISTEN.
func (s *Store) Watch(ctx context.Context, fn func(dauys.Change)) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return wrap("watch", err)
	}
	defer conn.Release()
	var schema string
	if err := conn.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return wrap("watch", err)
	}
	if _, err := conn.Exec(ctx, "LISTEN "+changesChannel); err != nil {
		return wrap("watch", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "UNLISTEN "+changesChannel)
	for {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return wrap("watch", err)
		}
		parts := strings.SplitN(n.Payload, " ", 3)
		if len(parts) == 3 && parts[0] == schema {
			fn(dauys.Change{Election: parts[1], What: parts[2]})
		}
	}
}
