package main

import "github.com/dauys/dauys/internal/decidecmd"

// runDecide decides a contest from a file of counts, with no database:
// `dauys decide` (internal/decidecmd).
func (m *Main) runDecide(args []string) int {
	return decidecmd.Run(args, m.Stdin, m.Stdout, m.Stderr)
}
