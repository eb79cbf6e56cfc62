// Command dauys runs the count of referendums and elections: it imports
// election definitions and precinct protocols, adds them up, decides each
// contest by its rules and serves the results.
//
// It is the wiring: flags, signals and the construction of every service. It
// is the one package that imports the others freely, and nothing imports it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"encoding/json"

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

	// importCounts is what an import command did, for its audit event.
	importCounts string
}

// NewMain returns a Main on the process's standard streams.
func NewMain() *Main {
	return &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Now: time.Now}
}

// Exit statuses.
const (
	exitOK       = 0
	exitRejected = 1 // the command ran, but some input was refused
	exitUsage    = 2 // bad usage or bad input
)

const usage = `dauys runs the count of referendums and elections.

Usage:
  dauys init [--db PATH|URL]
  dauys election import [--db ...] FILE|DIR
  dauys elections [--db ...] [--json]
  dauys protocols import [--db ...] --election ID [--acknowledge-warnings] [--entry 1|2] FILE(.csv|.zip)
  dauys election status [--db ...] --election ID [--set STATUS [--decision "No. N of YYYY-MM-DD"] [--reason TEXT]]
  dauys turnout import [--db ...] --election ID FILE(.csv|.zip)   (columns area,time,voters)
  dauys turnout [--db ...] --election ID [--area ID] [--json]
  dauys tally [--db ...] --election ID [--area ID] [--json]
  dauys seats assign [--db ...] --election ID --contest C --party P --candidates 1,2,5 [--decision TEXT]
  dauys seats list [--db ...] --election ID [--contest C] [--json]
  dauys token create [--db ...] --role operator --area ID --election ID [--ttl 720h]
  dauys token create [--db ...] --role observer --org NAME --area PRECINCT --election ID
  dauys org register|list [--db ...] --election ID [--name NAME --kind party|ngo|candidate]
  dauys observations import [--db ...] --election ID --org NAME FILE.csv   (protocol columns + observer)
  dauys discrepancies [--db ...] --election ID [--area ID] [--json]   (observers' copies against the protocols)
  dauys complaints list|decide [--db ...] --election ID [--id N --status rejected|upheld|recount-ordered --decision TEXT]
  dauys recount order [--db ...] --election ID --area PRECINCT --contest ID --reason TEXT
  dauys token revoke [--db ...] [--id ID]   (without --id: the token on standard input)
  dauys user add [--db ...] --name N --role R [--election ID [--area ID]]   (password on standard input)
  dauys user list|disable|unlock [--db ...] [--name N] [--json]
  dauys audit-log [--db ...] [--election ID] [--json] [--verify]
  dauys backup --db PATH --out FILE
  dauys restore --from FILE --db PATH [--force]
  dauys serve [--db ...] [--addr 127.0.0.1:8080] [--tls-cert FILE --tls-key FILE] [--trust-proxy ADDR,...] [--log-key FILE]
              [--metrics-addr 127.0.0.1:9090] [--log-format text|json] [--log-level debug|info|warn|error]
  dauys demo [--db PATH] [--addr 127.0.0.1:8080] [--no-serve] [--duration 3m]
  dauys decide --preset ID [--seats N] [--seed S] [--json] FILE
  dauys cdf import|export [--db ...] ... (NIST SP 1500-100 v2; dauys cdf for details)
  dauys bench load [--submitters 500] [--duration 60s] [--db ...] [--json]
  dauys bench generate|ingest|read ... (docs/performance.md)
  dauys keys generate --out FILE
  dauys keys register|list|revoke [--db ...] --election ID ...
  dauys sign --key FILE --election ID [--supersedes-version N --supersedes-hash HASH --reason TEXT] [FILE]
  dauys log keygen|init|sync|checkpoint|proof|publish [--db ...] --election ID ... (docs/verification.md)
  dauys verify --key VKEY|FILE [--election ID] [--checkpoint FILE]... [--witness VKEY]... [--log-only] DIR|URL
  dauys witness init --name NAME --out FILE | cosign --key FILE --log-key VKEY --state FILE DIR|URL
  dauys forensics [--db ...] --election ID [--contest ID] [--json] [--seed S] [--replicates N] [--svg FILE]
  dauys audit plan|sample|record|status [--state FILE] ... (dauys audit help)

--db is a SQLite file (default ./dauys.db) or a postgres:// URL.
`

// Run runs one command and returns the exit status.
func (m *Main) Run(ctx context.Context, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, usage)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	m.importCounts = ""
	var err error
	switch cmd {
	case "init":
		err = m.runInit(ctx, rest)
	case "election":
		switch {
		case len(rest) > 0 && rest[0] == "import":
			err = m.runElectionImport(ctx, rest[1:])
		case len(rest) > 0 && rest[0] == "status":
			err = m.runElectionStatus(ctx, rest[1:])
		default:
			return m.usageError("usage: dauys election import FILE, or dauys election status --election ID [--set STATUS ...]")
		}
	case "elections":
		err = m.runElections(ctx, rest)
	case "protocols":
		if len(rest) == 0 || rest[0] != "import" {
			return m.usageError("usage: dauys protocols import --election ID FILE")
		}
		err = m.runProtocolsImport(ctx, rest[1:])
	case "turnout":
		if len(rest) > 0 && rest[0] == "import" {
			err = m.runTurnoutImport(ctx, rest[1:])
		} else {
			err = m.runTurnout(ctx, rest)
		}
	case "tally":
		err = m.runTally(ctx, rest)
	case "seats":
		err = m.runSeats(ctx, rest)
	case "org":
		err = m.runOrg(ctx, rest)
	case "discrepancies":
		err = m.runDiscrepancies(ctx, rest)
	case "complaints", "recount":
		sub := cmd
		if len(rest) > 0 {
			sub += " " + rest[0]
		}
		if sub != "complaints list" && sub != "complaints decide" && sub != "recount order" {
			return m.usageError("usage: dauys complaints list|decide ..., or dauys recount order ...")
		}
		err = m.runComplaints(ctx, sub, rest[1:])
	case "observations":
		if len(rest) == 0 || rest[0] != "import" {
			return m.usageError("usage: dauys observations import --election ID --org NAME FILE.csv")
		}
		err = m.runObservationsImport(ctx, rest[1:])
	case "token":
		switch {
		case len(rest) > 0 && rest[0] == "create":
			err = m.runTokenCreate(ctx, rest[1:])
		case len(rest) > 0 && rest[0] == "revoke":
			err = m.runTokenRevoke(ctx, rest[1:])
		default:
			return m.usageError("usage: dauys token create --role ROLE --area ID --election ID, or dauys token revoke --id ID")
		}
	case "user":
		err = m.runUser(ctx, rest)
	case "audit-log":
		err = m.runAuditLog(ctx, rest)
	case "backup":
		err = m.runBackup(ctx, rest)
	case "restore":
		err = m.runRestore(ctx, rest)
	case "serve":
		err = m.runServe(ctx, rest)
	case "demo":
		err = m.runDemo(ctx, rest)
	case "publish":
		err = m.runPublish(ctx, rest)
	case "cdf":
		err = m.runCDF(ctx, rest)
	case "decide":
		return m.runDecide(rest)
	case "bench":
		err = m.runBench(ctx, rest)
	case "keys":
		err = m.runKeys(ctx, rest)
	case "sign":
		err = m.runSign(rest)
	case "log":
		err = m.runLog(ctx, rest)
	case "verify":
		err = m.runVerify(ctx, rest)
	case "witness":
		err = m.runWitness(ctx, rest)
	case "forensics":
		err = m.runForensics(ctx, rest)
	case "audit":
		err = m.runAudit(ctx, rest)
	case "help", "-h", "--help":
		fmt.Fprint(m.Stdout, usage)
		return exitOK
	default:
		return m.usageError(fmt.Sprintf("unknown command %q", cmd))
	}
	err = m.recordCommand(ctx, args, err)
	return m.exit(err)
}

// errRejected reports that a command stored what it could but refused some
// input, which it has already printed.
var errRejected = errors.New("some input was rejected")

// errFlags reports flags the command does not take, which its flag set has
// already explained.
var errFlags = errors.New("bad flags")

type usageErr struct{ msg string }

func (e usageErr) Error() string { return e.msg }

func (m *Main) usageError(msg string) int {
	fmt.Fprintf(m.Stderr, "dauys: %s\n\n%s", msg, usage)
	return exitUsage
}

func (m *Main) exit(err error) int {
	var ue usageErr
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errRejected):
		return exitRejected
	case errors.Is(err, flag.ErrHelp), errors.Is(err, errFlags):
		return exitUsage
	case errors.As(err, &ue):
		return m.usageError(ue.msg)
	case dauys.ErrorCode(err) == dauys.EINTERNAL:
		fmt.Fprintf(m.Stderr, "dauys: %v\n", err)
		return exitRejected
	}
	fmt.Fprintf(m.Stderr, "dauys: %s\n", dauys.ErrorMessage(err))
	return exitUsage
}

// flags returns a FlagSet for a subcommand with the --db flag every command
// takes.
func (m *Main) flags(name string) (*flag.FlagSet, *string) {
	fs := m.flagSet(name)
	db := fs.String("db", "dauys.db", "SQLite file or postgres:// URL")
	return fs, db
}

func (m *Main) flagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("dauys "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	return fs
}

// parse parses flags that may come before or after the positional
// arguments, as users type them both ways.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			// The flag set has printed the problem and its usage.
			return nil, fmt.Errorf("%w: %v", errFlags, err)
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
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
		return nil, err
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
