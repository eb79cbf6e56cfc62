package main

import (
	"context"
	"strings"
)

// command is one command of the CLI. Every command is declared once, in
// commands: its name (one word, or a group and a word), the synopsis of its
// arguments, one line saying what it does, and the function that runs it.
// Help, the top-level usage, dispatch and shell completion are all made
// from this table.
//
// To add a command (docs/cli.md):
//  1. write func (m *Main) runThing(ctx context.Context, args []string) error,
//     building its flags with m.flags (with --db) or m.flagSet and reading
//     them with parse(fs, args), which also answers --help and fills unset
//     flags from the environment and the config file;
//  2. add one line to commands;
//  3. if it changes a database, add it to commandActions (auditlog.go).
//
// Errors say what went wrong with the codes of package dauys (or usageErr,
// errRejected); exitCode turns them into the exit statuses of docs/cli.md.
type command struct {
	name    string // "protocols import"
	args    string // "--election ID FILE"
	summary string
	run     func(m *Main, ctx context.Context, args []string) error
}

// commandTable returns the commands, in the order the top-level usage
// lists them. (A function, not a variable: the commands' functions refer
// back to the table for their help.)
func commandTable() []command {
	return []command{
		{"init", "[--db PATH|URL]", "create or migrate the database", (*Main).runInit},
		{"election import", "FILE|DIR", "import an election definition", (*Main).runElectionImport},
		{"election status", "--election ID [--set STATUS [--decision \"No. N of YYYY-MM-DD\"] [--reason TEXT]]", "show or set an election's status", (*Main).runElectionStatus},
		{"elections", "[--json]", "list the elections", (*Main).runElections},
		{"protocols import", "--election ID [--acknowledge-warnings] [--entry 1|2] [--encoding auto|utf-8|cp1251] [--member NAME] [--json] FILE(.csv|.zip)", "import precinct protocols", (*Main).runProtocolsImport},
		{"turnout import", "--election ID [--encoding auto|utf-8|cp1251] [--member NAME] [--json] FILE(.csv|.zip)", "import turnout reports (columns area,time,voters)", (*Main).runTurnoutImport},
		{"turnout", "--election ID [--area ID] [--json]", "show turnout", (*Main).runTurnout},
		{"tally", "--election ID [--area ID] [--json]", "add up the protocols and decide", (*Main).runTally},
		{"seats assign", "--election ID --contest C --party P --candidates 1,2,5 [--decision TEXT]", "record a party's decision naming who takes its list seats", (*Main).runSeatsAssign},
		{"seats list", "--election ID [--contest C] [--json]", "show the recorded seat assignments", (*Main).runSeatsList},
		{"org register", "--election ID --name NAME [--kind party|ngo|candidate]", "register an observer organisation for an election", func(m *Main, ctx context.Context, args []string) error {
			return m.runOrg(ctx, append([]string{"register"}, args...))
		}},
		{"org list", "--election ID [--json]", "list the observer organisations", func(m *Main, ctx context.Context, args []string) error {
			return m.runOrg(ctx, append([]string{"list"}, args...))
		}},
		{"observations import", "--election ID --org NAME FILE.csv", "import an observer group's copies of protocols (protocol columns + observer)", (*Main).runObservationsImport},
		{"discrepancies", "--election ID [--area ID] [--json]", "observers' copies against the official protocols", (*Main).runDiscrepancies},
		{"complaints list", "--election ID [--area PRECINCT]", "list complaints and their decisions", complaintsCommand("complaints list")},
		{"complaints decide", "--election ID --id N --status rejected|upheld|recount-ordered --decision TEXT", "record the commission's decision on a complaint", complaintsCommand("complaints decide")},
		{"recount order", "--election ID --area PRECINCT --contest ID --reason TEXT", "order a recount of a precinct", complaintsCommand("recount order")},
		{"token create", "--role operator|observer [--org NAME] --area ID --election ID [--ttl 720h] [--json]", "create an API token", (*Main).runTokenCreate},
		{"token revoke", "[--id ID]", "revoke a token (without --id: the token on standard input)", (*Main).runTokenRevoke},
		{"user add", "--name N --role R [--election ID [--area ID]]", "add a user (password on standard input)", (*Main).runUserAdd},
		{"user list", "[--json]", "list the users", (*Main).runUserList},
		{"user disable", "--name N", "disable a user and end its sessions", (*Main).runUserDisable},
		{"user unlock", "--name N", "lift the lock of failed sign-ins", (*Main).runUserUnlock},
		{"audit-log", "[--election ID] [--json] [--verify]", "export or verify the audit trail", (*Main).runAuditLog},
		{"backup", "--db PATH --out FILE", "back up a SQLite database", (*Main).runBackup},
		{"restore", "--from FILE --db PATH [--force]", "restore a backup", (*Main).runRestore},
		{"serve", "[--addr 127.0.0.1:8080] [--tls-cert FILE --tls-key FILE] [--trust-proxy ADDR,...] [--log-key FILE] [--metrics-addr 127.0.0.1:9090] [--log-format text|json] [--log-level info]", "serve the API, the pages and the log", (*Main).runServe},
		{"demo", "[--db PATH] [--addr 127.0.0.1:8080] [--no-serve] [--duration 3m]", "play an election night", (*Main).runDemo},
		{"publish", "--election ID --out DIR [--version NAME] [--keep N] [--json]", "write the results site and data files as static files", (*Main).runPublish},
		{"decide", "--preset ID [--seats N] [--seed S] [--json] FILE", "decide a contest from a file of counts, without a database", (*Main).runDecide},
		{"cdf import", "[--id ID] [--lenient] [--entry 1|2] [--json] FILE.json, or --format csv --election ID FILE.csv", "import NIST SP 1500-100 v2 results or the flat CSV", (*Main).runCDFImport},
		{"cdf export", "--election ID [--level precinct|summary] [--format json|csv] [--out FILE]", "export NIST SP 1500-100 v2 results or the flat CSV", (*Main).runCDFExport},
		{"bench load", "[--submitters 500] [--duration 60s] [--json]", "measure submissions under load (docs/performance.md)", (*Main).runBenchLoad},
		{"bench generate", "--precincts N --out DIR [--seed S]", "generate a large election", (*Main).runBenchGenerate},
		{"bench ingest", "--precincts N [--seed S] [--json]", "measure imports", (*Main).runBenchIngest},
		{"bench read", "[--connections 256] [--duration 10s] [--json]", "measure reads", (*Main).runBenchRead},
		{"keys generate", "--out FILE", "make a commission's signing key", (*Main).runKeysGenerate},
		{"keys register", "--election ID --area ID --public-key KEY", "register a commission's public key", (*Main).runKeysRegister},
		{"keys list", "--election ID [--json]", "list registered keys", (*Main).runKeysList},
		{"keys revoke", "--election ID --id ID", "revoke a registered key", (*Main).runKeysRevoke},
		{"sign", "--key FILE --election ID [--supersedes-version N --supersedes-hash HASH --reason TEXT] [FILE]", "sign protocols", (*Main).runSign},
		{"log keygen", "--origin NAME --out FILE [--json]", "make the transparency log's key", (*Main).runLogKeygen},
		{"log init", "--election ID --key-out FILE|--vkey VKEY [--json]", "start an election's transparency log", (*Main).runLogInit},
		{"log sync", "--election ID --key FILE [--json]", "append stored protocols to the log", (*Main).runLogSync},
		{"log checkpoint", "--election ID [--json]", "print the latest checkpoint", (*Main).runLogCheckpoint},
		{"log proof", "--election ID --index N | --contest ID --area ID [--version N] [--json]", "print an inclusion proof", (*Main).runLogProof},
		{"log publish", "--election ID --out DIR [--json]", "write the log's tiles for static hosting", (*Main).runLogPublish},
		{"verify", "--key VKEY|FILE [--election ID] [--checkpoint FILE]... [--witness VKEY]... [--log-only] DIR|URL", "verify published results against the log", (*Main).runVerify},
		{"witness init", "--name NAME --out FILE", "make a witness's key", (*Main).runWitnessInit},
		{"witness cosign", "--key FILE --log-key VKEY --state FILE DIR|URL", "cosign a log's checkpoint", (*Main).runWitnessCosign},
		{"forensics", "--election ID [--contest ID] [--json] [--seed S] [--replicates N] [--svg FILE]", "statistical checks of the results", (*Main).runForensics},
		{"audit plan", "--election ID --contest ID [--method bravo|macro] [--risk-limit 0.05] [--quantile 0.9] [--state FILE]", "plan a risk-limiting audit", (*Main).auditPlan},
		{"audit sample", "--seed S [--n N] [--state FILE] [--json]", "draw the audit's sample", (*Main).runAuditSample},
		{"audit record", "--batch PRECINCT --counts choice=N,... | --file audited.csv [--state FILE]", "record hand counts", (*Main).runAuditRecord},
		{"audit status", "[--state FILE] [--json]", "show the audit's risk", (*Main).runAuditStatus},
		{"version", "[--json]", "print the version of this program", (*Main).runVersion},
		{"completion", "bash|zsh|fish", "print a shell completion script", (*Main).runCompletion},
	}
}

// groupSummaries describe the groups in the top-level usage and their own.
var groupSummaries = map[string]string{
	"election":     "election definitions and status",
	"protocols":    "precinct protocols",
	"turnout":      "turnout reports",
	"token":        "API tokens",
	"user":         "the people who sign in",
	"cdf":          "NIST SP 1500-100 v2 results and the flat CSV (docs/cdf.md)",
	"bench":        "the documented measurements (docs/performance.md)",
	"keys":         "commissions' signing keys",
	"log":          "the transparency log (docs/verification.md)",
	"witness":      "witnessing a log",
	"seats":        "who takes a party's list seats",
	"org":          "observer organisations (docs/observers.md)",
	"observations": "observers' copies of protocols (docs/observers.md)",
	"complaints":   "complaints about precincts and the commission's decisions",
	"recount":      "recounts ordered by the commission",
	"audit": `a risk-limiting audit of one contest, step by step (docs/integrity.md)

Its whole state is one JSON file (--state, default ./audit-<election>-<contest>.json)
for the audit board to publish after every step. Without --state, sample, record and
status take --election and --contest to find the default file. BRAVO records, per
precinct, the choices on its sampled ballots; MACRO records the hand count of the
whole precinct.`,
}

// lookup finds the command args start with, the longest name first, and
// returns it with the rest of args. A group's name alone returns nil and
// the group.
func lookup(args []string) (*command, string, []string) {
	if len(args) == 0 {
		return nil, "", nil
	}
	commands := commandTable()
	if len(args) > 1 {
		for i := range commands {
			if commands[i].name == args[0]+" "+args[1] {
				return &commands[i], "", args[2:]
			}
		}
	}
	for i := range commands {
		if commands[i].name == args[0] {
			return &commands[i], "", args[1:]
		}
	}
	if len(subcommands(args[0])) > 0 {
		return nil, args[0], args[1:]
	}
	return nil, "", args
}

// subcommands returns the commands of a group.
func subcommands(group string) []*command {
	commands := commandTable()
	var out []*command
	for i := range commands {
		if g, _, ok := strings.Cut(commands[i].name, " "); ok && g == group {
			out = append(out, &commands[i])
		}
	}
	return out
}

// commandNamed returns the command of a flag set's name ("dauys X").
func commandNamed(name string) *command {
	name = strings.TrimPrefix(name, "dauys ")
	commands := commandTable()
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

// complaintsCommand runs one of the complaint and recount commands.
func complaintsCommand(name string) func(m *Main, ctx context.Context, args []string) error {
	return func(m *Main, ctx context.Context, args []string) error { return m.runComplaints(ctx, name, args) }
}
