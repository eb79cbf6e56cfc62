package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"

	"github.com/dauys/dauys"
)

// Exit statuses, one meaning each (docs/cli.md keeps the table).
const (
	exitOK          = 0
	exitInternal    = 1   // a bug, or a failure of the machine (disk, network)
	exitUsage       = 2   // unknown command, bad flags, missing arguments
	exitNotFound    = 3   // an unknown election, area, user, key or file
	exitRejected    = 4   // input refused: some rows (the rest are stored) or the whole file
	exitStore       = 5   // the database cannot be opened
	exitConflict    = 6   // the change conflicts with what is stored (exists already, final, stale)
	exitDenied      = 7   // not allowed: locked, unauthorized, forbidden
	exitUnverified  = 8   // verify found published results the log does not bear out
	exitInterrupted = 130 // stopped by SIGINT or SIGTERM; what was done is reported
)

// errRejected reports that a command stored what it could but refused some
// input, which it has already printed.
var errRejected = errors.New("some input was rejected")

// errUnverified reports that verify found discrepancies, which it printed.
var errUnverified = errors.New("the published results do not match the log")

// errFlags reports flags the command does not take, which its flag set has
// already explained.
var errFlags = errors.New("bad flags")

// usageErr is a mistake in how a command was called.
type usageErr struct{ msg string }

func (e usageErr) Error() string { return e.msg }

// storeErr is a database that cannot be opened.
type storeErr struct{ err error }

func (e storeErr) Error() string { return "cannot open the database: " + e.err.Error() }
func (e storeErr) Unwrap() error { return e.err }

// Run runs one command and returns the exit status.
func (m *Main) Run(ctx context.Context, args []string) int {
	m.importCounts, m.parsed, m.configPath, m.command = "", nil, "", ""
	args, err := m.globalFlags(args)
	if err != nil {
		return m.exit(ctx, err)
	}
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, m.topUsage())
		return exitUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 { // dauys help CMD: the command's own help
			return m.Run(ctx, append(args[1:], "--help"))
		}
		fmt.Fprint(m.Stdout, m.topUsage())
		return exitOK
	}
	cmd, group, rest := lookup(args)
	if cmd == nil && group == "" {
		return m.exit(ctx, usageErr{fmt.Sprintf("unknown command %q", args[0])})
	}
	if cmd == nil {
		if len(rest) > 0 && isHelp(rest[0]) {
			fmt.Fprint(m.Stdout, groupUsage(group))
			return exitOK
		}
		var names []string
		for _, c := range subcommands(group) {
			names = append(names, strings.TrimPrefix(c.name, group+" "))
		}
		msg := fmt.Sprintf("%s takes a command: %s", group, strings.Join(names, ", "))
		if len(rest) > 0 {
			msg = fmt.Sprintf("unknown %s command %q", group, rest[0])
		}
		fmt.Fprintf(m.Stderr, "dauys: %s\n\n%s", msg, groupUsage(group))
		return exitUsage
	}
	if len(rest) > 0 && rest[0] == "help" && len(subcommands(cmd.name)) > 0 {
		rest = []string{"--help"} // dauys turnout help, as for the other groups
	}
	m.command = cmd.name
	err = cmd.run(m, ctx, rest)
	err = m.recordCommand(ctx, args, err)
	return m.exit(ctx, err)
}

func isHelp(a string) bool {
	return a == "-h" || a == "-help" || a == "--help" || a == "help"
}

// globalFlags takes --config FILE (or --config=FILE) from before the
// command's name.
func (m *Main) globalFlags(args []string) ([]string, error) {
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && !isHelp(args[0]) {
		name, value, hasValue := strings.Cut(strings.TrimLeft(args[0], "-"), "=")
		if name != "config" {
			return nil, usageErr{fmt.Sprintf("unknown flag %s before the command (only --config FILE goes there)", args[0])}
		}
		if !hasValue {
			if len(args) < 2 {
				return nil, usageErr{"--config takes a FILE"}
			}
			value, args = args[1], args[1:]
		}
		m.configPath, args = value, args[1:]
	}
	return args, nil
}

// exitCode maps a command's error to its exit status.
func exitCode(ctx context.Context, err error) int {
	var ue usageErr
	var se storeErr
	var es exitStatus
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &es):
		return int(es)
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, errFlags), errors.As(err, &ue):
		return exitUsage
	case ctx.Err() != nil:
		return exitInterrupted
	case errors.Is(err, errRejected):
		return exitRejected
	case errors.Is(err, errUnverified):
		return exitUnverified
	case errors.As(err, &se):
		return exitStore
	case errors.Is(err, fs.ErrNotExist):
		return exitNotFound
	}
	switch dauys.ErrorCode(err) {
	case dauys.ENOTFOUND:
		return exitNotFound
	case dauys.EINVALID:
		return exitRejected
	case dauys.ECONFLICT:
		return exitConflict
	case dauys.EUNAUTHORIZED, dauys.EFORBIDDEN, dauys.ELOCKED:
		return exitDenied
	}
	return exitInternal
}

// exit prints what went wrong, if the command has not, and returns the
// exit status.
func (m *Main) exit(ctx context.Context, err error) int {
	code := exitCode(ctx, err)
	var ue usageErr
	var es exitStatus
	switch {
	case code == exitOK, errors.As(err, &es), errors.Is(err, errFlags), errors.Is(err, errRejected), errors.Is(err, errUnverified):
		// Printed already.
	case errors.As(err, &ue):
		fmt.Fprintf(m.Stderr, "dauys: %s\n", ue.msg)
		if c := commandNamed(m.command); c != nil {
			fmt.Fprintf(m.Stderr, "usage: dauys %s %s\n(dauys %s --help for more)\n", c.name, c.args, c.name)
		} else {
			fmt.Fprintf(m.Stderr, "\n%s", m.topUsage())
		}
	case code == exitInternal || code == exitStore || code == exitInterrupted:
		fmt.Fprintf(m.Stderr, "dauys: %v\n", err)
	default:
		fmt.Fprintf(m.Stderr, "dauys: %s\n", dauys.ErrorMessage(err))
	}
	return code
}

// topUsage lists every command, from the table.
func (m *Main) topUsage() string {
	var b strings.Builder
	b.WriteString("dauys runs the count of referendums and elections.\n\nUsage:\n  dauys [--config FILE] COMMAND [FLAGS] [ARGS]\n\nCommands:\n")
	seen := map[string]bool{}
	for _, c := range commandTable() {
		group, _, ok := strings.Cut(c.name, " ")
		if ok && !seen[group] {
			seen[group] = true
			var names []string
			for _, s := range subcommands(group) {
				names = append(names, strings.TrimPrefix(s.name, group+" "))
			}
			fmt.Fprintf(&b, "  %-17s %s: %s\n", group+" ...", strings.Join(names, ", "), firstLine(groupSummaries[group]))
		}
		if !ok {
			fmt.Fprintf(&b, "  %-17s %s\n", c.name, c.summary)
		}
	}
	b.WriteString(`
Every command takes --help. --db is a SQLite file (default ./dauys.db) or a
postgres:// URL. Flags may also come from the environment (DAUYS_DB,
DAUYS_<FLAG>) and a config file (--config FILE or $DAUYS_CONFIG); a flag on
the command line wins, then the environment, then the file (docs/cli.md).
`)
	return b.String()
}

// groupUsage lists a group's commands.
func groupUsage(group string) string {
	var b strings.Builder
	summary, details, _ := strings.Cut(groupSummaries[group], "\n\n")
	fmt.Fprintf(&b, "dauys %s: %s\n\nUsage:\n", group, summary)
	for _, c := range subcommands(group) {
		fmt.Fprintf(&b, "  dauys %s %s\n      %s\n", c.name, c.args, c.summary)
	}
	if details != "" {
		fmt.Fprintf(&b, "\n%s\n", details)
	}
	fmt.Fprintf(&b, "\ndauys %s COMMAND --help describes a command's flags.\n", group)
	return b.String()
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// printUsage prints a command's usage and flags, with the argument name
// of each flag the way flag.PrintDefaults gives it.
func printUsage(w io.Writer, fs *flag.FlagSet) {
	name := strings.TrimPrefix(fs.Name(), "dauys ")
	if c := commandNamed(name); c != nil {
		fmt.Fprintf(w, "Usage: dauys %s %s\n\n%s.\n", c.name, c.args, capitalize(c.summary))
	} else {
		fmt.Fprintf(w, "Usage: dauys %s\n", name)
	}
	if _, _, ok := strings.Cut(name, " "); !ok {
		for _, c := range subcommands(name) {
			fmt.Fprintf(w, "\nAlso: dauys %s %s\n      %s (dauys %s --help)\n", c.name, c.args, c.summary, c.name)
		}
	}
	fmt.Fprint(w, "\nFlags (also from $DAUYS_<FLAG> or the config file):\n")
	var flags []*flag.Flag
	fs.VisitAll(func(f *flag.Flag) { flags = append(flags, f) })
	sort.Slice(flags, func(i, j int) bool { return flags[i].Name < flags[j].Name })
	for _, f := range flags {
		arg, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if arg != "" {
			line += " " + arg
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "[]" {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(w, "%s\n      %s\n", line, usage)
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
