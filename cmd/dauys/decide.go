package main

import (
	"context"
	"fmt"

	"github.com/dauys/dauys/internal/decidecmd"
)

// runDecide decides a contest from a file of counts, with no database:
// `dauys decide` (internal/decidecmd), which prints its own errors.
func (m *Main) runDecide(_ context.Context, args []string) error {
	if code := decidecmd.Run(args, m.Stdin, m.Stdout, m.Stderr); code != 0 {
		return exitStatus(code)
	}
	return nil
}

// exitStatus is an exit status a command chose and explained itself.
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }
