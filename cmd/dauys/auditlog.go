package main

import (
	"cmp"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/user"
	"strconv"
	"strings"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/backend"
	"github.com/dauys/dauys/internal/csvsafe"
)

// runAuditLog exports the audit trail: CSV by default, or JSON, and checks
// its hash chain with --verify.
func (m *Main) runAuditLog(ctx context.Context, args []string) error {
	fs, db := m.flags("audit-log")
	election := fs.String("election", "", "the election whose events to export (default: every event)")
	asJSON := fs.Bool("json", false, "print JSON, which keeps every field as stored, for verifiers")
	verify := fs.Bool("verify", false, "check the hash chain and print only the verdict")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	var al dauys.AuditLog = s
	// A whole trail is checked link by link; one election's events are
	// not contiguous, so only each event's own hash is checked.
	v := dauys.AuditVerifier{Contiguous: *election == ""}
	if *verify {
		if err := al.AuditEvents(ctx, *election, v.Check); err != nil {
			return err
		}
		what := "the chain is intact"
		if !v.Contiguous {
			what = "each event matches its hash (check the whole trail, without --election, for removed events)"
		}
		fmt.Fprintf(m.Stdout, "verified %d events: %s\n", v.Checked(), what)
		return nil
	}
	if *asJSON {
		return m.writeAuditJSON(ctx, al, *election)
	}
	// Names tried at sign-in come from anyone: cells that would run as
	// formulas are escaped, so the CSV is for reading; verifiers read --json.
	w := csvsafe.NewWriter(m.Stdout)
	w.Write([]string{"id", "at", "actor", "role", "credential", "action", "election", "area", "object", "outcome", "detail", "client", "prev", "hash"})
	err = al.AuditEvents(ctx, *election, func(e *dauys.AuditEvent) error {
		return w.Write([]string{strconv.FormatInt(e.ID, 10), e.At.Format(time.RFC3339Nano), e.Actor, e.Role, e.Credential, e.Action,
			e.Election, e.Area, e.Object, e.Outcome, e.Detail, e.Client, e.Prev, e.Hash})
	})
	w.Flush()
	return errors.Join(err, w.Error())
}

// writeAuditJSON streams {"events": [...]}, one event a line.
func (m *Main) writeAuditJSON(ctx context.Context, al dauys.AuditLog, election string) error {
	fmt.Fprint(m.Stdout, "{\"events\": [")
	sep := "\n"
	err := al.AuditEvents(ctx, election, func(e *dauys.AuditEvent) error {
		b, err := json.Marshal(e)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(m.Stdout, "%s%s", sep, b)
		sep = ",\n"
		return err
	})
	fmt.Fprint(m.Stdout, "\n]}\n")
	return err
}

// commandActions are the commands that change what a database holds,
// with the audit action each records, and the flag naming what it acts on.
var commandActions = map[string]struct{ action, object string }{
	"election import":     {dauys.AuditElectionImport, ""},
	"protocols import":    {dauys.AuditProtocolsImport, ""},
	"turnout import":      {dauys.AuditTurnoutImport, ""},
	"election status":     {dauys.AuditElectionStatus, "set"},
	"seats assign":        {dauys.AuditSeatsAssign, "party"},
	"cdf import":          {dauys.AuditProtocolsImport, ""},
	"token create":        {dauys.AuditTokenCreate, "subject"},
	"token revoke":        {dauys.AuditTokenRevoke, "id"},
	"keys register":       {dauys.AuditKeyRegister, "public-key"},
	"keys revoke":         {dauys.AuditKeyRevoke, "id"},
	"user add":            {dauys.AuditUserAdd, "name"},
	"user disable":        {dauys.AuditUserDisable, "name"},
	"user unlock":         {dauys.AuditUserUnlock, "name"},
	"backup":              {dauys.AuditBackup, "out"},
	"restore":             {dauys.AuditRestore, "from"},
	"org register":        {dauys.AuditOrgRegister, "name"},
	"observations import": {dauys.AuditObserveImport, "org"},
	"complaints decide":   {dauys.AuditDecision, "id"},
	"recount order":       {dauys.AuditRecount, "area"},
}

// recordCommand appends a command that changed (or tried to change) a
// database to that database's audit trail, as cli:$USER from this host.
// It records the flags as the command parsed them (from the command line,
// the environment or the config file), never a second reading of args.
// Commands refused before they reached a database, and databases that do
// not exist, are not recorded. The command has run by now: a failure to
// record it is reported, and turns a success into an internal error.
func (m *Main) recordCommand(ctx context.Context, _ []string, cmdErr error) error {
	// A command stopped by SIGINT or its timeout is recorded all the same:
	// the record must not share the fate of the context that was cancelled.
	interrupted := ctx.Err() != nil && cmdErr != nil
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), auditTimeout)
	defer cancel()
	name := m.command
	what, ok := commandActions[name]
	if name == "election status" && m.flagValue("set") == "" {
		ok = false // it only printed the status
	}
	var ue usageErr
	if !ok || m.parsed == nil || errors.Is(cmdErr, flag.ErrHelp) || errors.As(cmdErr, &ue) || errors.Is(cmdErr, errFlags) {
		return cmdErr
	}
	db := m.flagValue("db")
	if db == "" {
		return cmdErr
	}
	if !backend.IsPostgres(db) {
		if _, err := os.Stat(db); err != nil {
			return cmdErr
		}
	}
	s, err := m.open(ctx, db)
	if err == nil {
		defer s.Close()
		e := m.commandEvent(name, what.action, what.object, cmdErr)
		if interrupted || errors.Is(cmdErr, context.Canceled) || errors.Is(cmdErr, context.DeadlineExceeded) {
			e.Outcome, e.Detail = dauys.AuditInterrupted, "interrupted; "+strings.TrimPrefix(e.Detail, "Internal error.; ")
		}
		err = s.RecordAudit(ctx, e)
	}
	if err == nil {
		return cmdErr
	}
	err = fmt.Errorf("the audit trail could not record %q, which has run: %w", "dauys "+name, err)
	if cmdErr == nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "dauys: %v\n", err)
	return cmdErr
}

// auditTimeout bounds the recording of a command's end, which runs on a
// context of its own.
const auditTimeout = 30 * time.Second

// commandEvent describes the running command for the audit trail, from
// the flags and arguments it parsed.
func (m *Main) commandEvent(name, action, objectFlag string, cmdErr error) *dauys.AuditEvent {
	host, _ := os.Hostname()
	e := &dauys.AuditEvent{At: m.Now().UTC(), Actor: cliActor(), Credential: "cli", Action: action,
		Election: m.flagValue("election"), Area: m.flagValue("area"), Client: "cli@" + host}
	switch {
	case objectFlag == "public-key":
		if pub := m.flagValue(objectFlag); pub != "" {
			e.Object = keyIDOf(pub)
		}
	case objectFlag != "":
		e.Object = m.flagValue(objectFlag)
	}
	if e.Object == "" && m.parsed != nil && len(m.parsed.args) > 0 {
		e.Object = m.parsed.args[len(m.parsed.args)-1]
	}
	switch {
	case cmdErr == nil:
		e.Outcome = dauys.AuditOK
	case errors.Is(cmdErr, errRejected):
		e.Outcome = "partial"
		e.Detail = "some input was rejected; "
	default:
		e.Outcome = dauys.ErrorCode(cmdErr)
		e.Detail = dauys.ErrorMessage(cmdErr) + "; "
	}
	if m.importCounts != "" {
		e.Detail += m.importCounts + "; "
	}
	e.Detail += "dauys " + name + " " + strings.Join(m.parsedArgs(), " ")
	e.Detail = strings.TrimSpace(e.Detail)
	return e
}

// flagValue returns the value of the running command's flag, as parsed,
// or "" if it has no such flag.
func (m *Main) flagValue(name string) string {
	if m.parsed == nil {
		return ""
	}
	f := m.parsed.flags.Lookup(name)
	if f == nil {
		return ""
	}
	return f.Value.String()
}

// parsedArgs spells out the command's flags that are set (but --db, which
// may be a URL with a password, and --config) and its arguments, as
// --name=value, quoted where a shell would need it.
func (m *Main) parsedArgs() []string {
	if m.parsed == nil {
		return nil
	}
	var out []string
	m.parsed.flags.Visit(func(f *flag.Flag) {
		if f.Name == "db" || f.Name == "config" {
			return
		}
		if b, ok := f.Value.(boolFlag); ok && b.IsBoolFlag() && f.Value.String() == "true" {
			out = append(out, "--"+f.Name)
			return
		}
		out = append(out, "--"+f.Name+"="+shellQuote(f.Value.String()))
	})
	for _, a := range m.parsed.args {
		out = append(out, shellQuote(a))
	}
	return out
}

// boolFlag is the flag package's own test for a flag that takes no value
// (its unexported boolFlag interface).
type boolFlag interface{ IsBoolFlag() bool }

// shellQuote quotes a word that holds anything but letters, digits and
// the punctuation of paths and ids.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:,=+@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// cliActor names the person at the command line: the login name ($USER
// or $LOGNAME), else the operating system account, else the user id;
// never empty, so that a protocol stored from the command line names who
// stored it.
func cliActor() string {
	// The login's name first: operators who share a workstation account
	// log in under their own names, and $USER is what the login set. The
	// account of the process is the fallback, then its number.
	name := cmp.Or(os.Getenv("USER"), os.Getenv("LOGNAME"))
	if name == "" {
		if u, err := user.Current(); err == nil {
			name = u.Username
		}
	}
	if name == "" {
		name = strconv.Itoa(os.Getuid())
	}
	return "cli:" + name
}

// recordImportStart records that an import command is about to store
// protocols, before it stores the first (args is unused: the parsed flags
// are recorded): if the process is then killed,
// the trail still shows that it ran, who ran it and on what. An import
// that cannot record its start does not run.
func (m *Main) recordImportStart(ctx context.Context, s *store, name string, args []string) error {
	e := m.commandEvent(name, commandActions[name].action, commandActions[name].object, nil)
	e.Outcome = dauys.AuditStarted
	if err := s.RecordAudit(ctx, e); err != nil {
		return fmt.Errorf("the audit trail could not record the start of %q, so it does not run: %w", "dauys "+name, err)
	}
	return nil
}

// keyIDOf returns the id of a base64 public key, or the text as it is
// when it is not one.
func keyIDOf(public string) string {
	pub, err := base64.StdEncoding.DecodeString(public)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return public
	}
	return dauys.KeyID(pub)
}
