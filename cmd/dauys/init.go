package main

import (
	"context"
	"fmt"
)

// runInit creates the database, or brings an existing one to the current
// schema: `dauys init`.
func (m *Main) runInit(ctx context.Context, args []string) error {
	fs, db := m.flags("init")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintf(m.Stdout, "initialised %s\n", *db)
	return nil
}
