//go:build !linux

package main

import (
	"bufio"
	"os"
	"strings"
)

// isTerminal reports whether f is a terminal.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// readHidden reads a line from the terminal f. Echo is turned off only on
// Linux; elsewhere pipe the password in rather than type it.
func readHidden(f *os.File) (string, error) {
	line, err := bufio.NewReader(f).ReadString('\n')
	return strings.TrimRight(line, "\r\n"), err
}
