// Command dauys runs the count of referendums and elections: it imports
// election definitions and precinct protocols, adds them up, decides each
// contest by its rules and serves the results.
//
// It is the wiring: flags, signals and the construction of every service. It
// is the one package that imports the others freely, and nothing imports it.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/backend"
	"github.com/dauys/dauys/internal/election"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/tally"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := NewMain()
	os.Exit(m.Run(ctx, os.Args[1:]))
}

// Main is the program, with its environment made explicit so that tests can
// run it in-process on a temporary database.
type Main struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Now            func() time.Time
	// Ready, when set, receives the address a server listens on.
	Ready func(addr string)

	// Getenv reads the environment, for flags not given on the command
	// line (DAUYS_DB...); nil reads none, as tests want.
	Getenv func(string) string

	// importCounts is what an import command did, for its audit event.
	importCounts string
	// command is the name of the command running; parsed is what it
	// parsed; configPath is --config given before the command's name.
	command    string
	parsed     *parsedCommand
	configPath string
	// describe, when set, receives each flag set parse is given, and
	// parse stops the command: how completion learns the flags.
	describe func(*flag.FlagSet)
}

// NewMain returns a Main on the process's standard streams.
func NewMain() *Main {
	return &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Now: time.Now, Getenv: os.Getenv}
}

// store is an open backend with the services built on it.
type store struct {
	backend.Backend
	intake    *intake.Service
	elections *election.Loader
	tally     *tally.Tally
	// images keeps observers' photos and scans (imagesFor).
	images dauys.ImageStore
}

func (m *Main) open(ctx context.Context, db string) (*store, error) {
	b, err := backend.Open(ctx, db)
	if err != nil {
		return nil, storeErr{err}
	}
	in := intake.New(b, m.Now)
	return &store{Backend: b, intake: in, elections: in.Elections(), tally: tally.New(b, in.Elections()), images: imagesFor(db)}, nil
}

func (m *Main) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
