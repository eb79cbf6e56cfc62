package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/tlog"
	"github.com/dauys/dauys/internal/verify"
)

// This file holds the commands of the transparency log (docs/verification.md):
//
//	dauys log keygen --origin NAME --out FILE
//	dauys log init [--db ...] --election ID [--origin NAME] (--key-out FILE | --vkey VKEY|FILE)
//	dauys log sync [--db ...] --election ID --key FILE
//	dauys log checkpoint [--db ...] --election ID
//	dauys log proof [--db ...] --election ID (--index N | --contest ID --area ID --version N)
//	dauys log publish [--db ...] --election ID --out DIR
//	dauys verify --key VKEY|FILE [--election ID] [--checkpoint FILE]... [--witness VKEY|FILE]... [--quorum N] [--log-only] [--json] DIR|URL
//	dauys witness init --name NAME --out FILE
//	dauys witness cosign --key FILE --log-key VKEY|FILE --state FILE [--election ID] DIR|URL

// runLog manages an election's transparency log.
func (m *Main) runLog(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageErr{"usage: dauys log keygen|init|sync|checkpoint|proof|publish"}
	}
	switch args[0] {
	case "keygen":
		return m.runLogKeygen(args[1:])
	case "init":
		return m.runLogInit(ctx, args[1:])
	case "sync":
		return m.runLogSync(ctx, args[1:])
	case "checkpoint":
		return m.runLogCheckpoint(ctx, args[1:])
	case "proof":
		return m.runLogProof(ctx, args[1:])
	case "publish":
		return m.runLogPublish(ctx, args[1:])
	}
	return usageErr{fmt.Sprintf("unknown log command %q", args[0])}
}

// runLogKeygen makes a log key pair, for a CEC that keeps its log key on
// a machine other than the results server's.
func (m *Main) runLogKeygen(args []string) error {
	fs := m.flagSet("log keygen")
	origin := fs.String("origin", "", "the log's name, e.g. results.cec.example/log/kz-2026")
	out := fs.String("out", "", "file to write the private key to (mode 0600)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *origin == "" || *out == "" {
		return usageErr{"log keygen takes --origin NAME and --out FILE"}
	}
	vkey, err := newKeyFile(*origin, *out)
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, vkey)
	return nil
}

func newKeyFile(name, path string) (string, error) {
	skey, vkey, err := tlog.GenerateKey(rand.Reader, name)
	if err != nil {
		return "", dauys.Errorf(dauys.EINVALID, "key name %q: %v", name, err)
	}
	if err := tlog.WriteKeyFile(path, skey); err != nil {
		return "", dauys.Errorf(dauys.EINVALID, "%v", err)
	}
	return vkey, nil
}

// runLogInit starts an election's log with a new key, or with the public
// key of one made by `dauys log keygen`.
func (m *Main) runLogInit(ctx context.Context, args []string) error {
	fs, db := m.flags("log init")
	election := fs.String("election", "", "election id")
	origin := fs.String("origin", "", "the log's name (default dauys/<election>)")
	keyOut := fs.String("key-out", "", "generate the log key and write its private key to this file (mode 0600)")
	vkeyArg := fs.String("vkey", "", "the log's verifier key, or a file holding it, from dauys log keygen")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *election == "" || (*keyOut == "") == (*vkeyArg == "") {
		return usageErr{"log init takes --election ID and either --key-out FILE or --vkey VKEY"}
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	if _, err := s.Election(ctx, *election); err != nil {
		return err
	}
	var vkey string
	if *vkeyArg != "" {
		vkey = strings.TrimSpace(*vkeyArg)
		if _, err := note.NewVerifier(vkey); err != nil {
			b, err := os.ReadFile(vkey)
			if err != nil {
				return dauys.Errorf(dauys.EINVALID, "--vkey: %q is neither a verifier key nor a readable file", vkey)
			}
			vkey = strings.TrimSpace(string(b))
		}
		v, err := note.NewVerifier(vkey)
		if err != nil {
			return dauys.Errorf(dauys.EINVALID, "--vkey: %v", err)
		}
		if *origin != "" && *origin != v.Name() {
			return dauys.Errorf(dauys.EINVALID, "--vkey is named %s, not %s: a log key is named after the log's origin", v.Name(), *origin)
		}
		*origin = v.Name()
	} else {
		if *origin == "" {
			*origin = "dauys/" + *election
		}
		if vkey, err = newKeyFile(*origin, *keyOut); err != nil {
			return err
		}
	}
	if err := s.CreateLog(ctx, &tlog.Info{Election: *election, Origin: *origin, VerifierKey: vkey, CreatedAt: m.Now().UTC()}); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "log of %s started; its verifier key, to publish:\n%s\n", *election, vkey)
	return nil
}

// readSigner reads the log's private key file.
func readSigner(path string) (note.Signer, error) {
	skey, err := tlog.ReadKeyFile(path)
	if err != nil {
		return nil, dauys.Errorf(dauys.EINVALID, "--key: %v", err)
	}
	s, err := tlog.NewSigner(skey)
	if err != nil {
		return nil, dauys.Errorf(dauys.EINVALID, "--key %s: %v", path, err)
	}
	return s, nil
}

// runLogSync appends what is not logged yet and signs a checkpoint. A
// server runs the same sequencer in the background; this is for a store
// written by imports, and for catching up after a crash.
func (m *Main) runLogSync(ctx context.Context, args []string) error {
	fs, db := m.flags("log sync")
	election := fs.String("election", "", "election id")
	keyFile := fs.String("key", "", "the log's private key file")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *election == "" || *keyFile == "" {
		return usageErr{"log sync takes --election ID and --key FILE"}
	}
	signer, err := readSigner(*keyFile)
	if err != nil {
		return err
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	seq := &tlog.Sequencer{Storage: s, Signers: []note.Signer{signer}, Now: m.Now, Keys: s.Keys}
	cp, err := seq.Sync(ctx, *election)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "log of %s: %d entries, root %s\n", *election, cp.Size, cp.Hash)
	return nil
}

func (m *Main) runLogCheckpoint(ctx context.Context, args []string) error {
	fs, db := m.flags("log checkpoint")
	election := fs.String("election", "", "election id")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *election == "" {
		return usageErr{"log checkpoint takes --election ID"}
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	cp, err := (&tlog.Log{Storage: s}).LatestCheckpoint(ctx, *election)
	if err != nil {
		return err
	}
	_, err = m.Stdout.Write(cp.Note)
	return err
}

func (m *Main) runLogProof(ctx context.Context, args []string) error {
	fs, db := m.flags("log proof")
	election := fs.String("election", "", "election id")
	index := fs.Int64("index", -1, "log index of the entry")
	contest := fs.String("contest", "", "contest id of a protocol")
	area := fs.String("area", "", "precinct id of a protocol")
	version := fs.Int("version", 1, "version of the protocol")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *election == "" || (*index < 0) == (*contest == "" || *area == "") {
		return usageErr{"log proof takes --election ID and --index N, or --contest ID --area ID [--version N]"}
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	l := &tlog.Log{Storage: s}
	var in *tlog.Inclusion
	if *index >= 0 {
		in, err = l.Inclusion(ctx, *election, *index)
	} else {
		in, err = l.ProtocolInclusion(ctx, *election, *contest, *area, *version)
	}
	if err != nil {
		return err
	}
	return writeJSON(m.Stdout, in)
}

// runLogPublish writes the log alone as static files; `dauys publish`
// writes it beside the results.
func (m *Main) runLogPublish(ctx context.Context, args []string) error {
	fs, db := m.flags("log publish")
	election := fs.String("election", "", "election id")
	out := fs.String("out", "", "folder to write log/<election>/ into")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *election == "" || *out == "" {
		return usageErr{"log publish takes --election ID and --out DIR"}
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := tlog.WriteStatic(ctx, s, *election, *out); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "wrote %s/%s\n", strings.TrimSuffix(*out, "/"), tlog.StaticDir(*election))
	return nil
}

// repeated is a flag that may be given several times.
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(s string) error { *r = append(*r, s); return nil }

// readCosignatureVerifier reads a witness's cosignature key, given as the
// key or as a file holding it.
func readCosignatureVerifier(s string) (note.Verifier, error) {
	if v, err := tlog.NewCosignatureVerifier(s); err == nil {
		return v, nil
	}
	b, err := os.ReadFile(s)
	if err != nil {
		return nil, fmt.Errorf("%q is neither a cosignature key nor a readable file", s)
	}
	return tlog.NewCosignatureVerifier(string(b))
}

// runVerify checks a published election against the CEC's log key alone.
// It exits 0 when everything verifies and 1 when something does not,
// printing the first problems.
func (m *Main) runVerify(ctx context.Context, args []string) error {
	fs := m.flagSet("verify")
	keyArg := fs.String("key", "", "the CEC's log verifier key, or a file holding it (the one thing trusted)")
	election := fs.String("election", "", "election id (default: the one the bundle holds)")
	var checkpoints, witnesses repeated
	fs.Var(&checkpoints, "checkpoint", "a checkpoint seen before, in a file, which the log must extend (repeatable)")
	fs.Var(&witnesses, "witness", "a witness's cosignature key, or a file holding it (repeatable)")
	quorum := fs.Int("quorum", 0, "cosignatures of the witnesses required (default: all given)")
	logOnly := fs.Bool("log-only", false, "check and replay the log, without comparing the results files")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	quiet := fs.Bool("quiet", false, "print no progress")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *keyArg == "" || len(pos) != 1 {
		return usageErr{"verify takes --key VKEY and a folder or URL"}
	}
	key, err := tlog.ReadVerifier(*keyArg)
	if err != nil {
		return dauys.Errorf(dauys.EINVALID, "--key: %v", err)
	}
	src, current, err := verify.Open(ctx, pos[0], nil)
	if err != nil {
		return dauys.Errorf(dauys.EINVALID, "%v", err)
	}
	cfg := verify.Config{Source: src, Election: *election, Key: key, LogOnly: *logOnly, Quorum: *quorum}
	if cfg.Election == "" {
		cfg.Election = current
	}
	for _, w := range witnesses {
		v, err := readCosignatureVerifier(w)
		if err != nil {
			return dauys.Errorf(dauys.EINVALID, "--witness: %v", err)
		}
		cfg.Witnesses = append(cfg.Witnesses, v)
	}
	if *quorum == 0 {
		cfg.Quorum = len(cfg.Witnesses)
	}
	for _, f := range checkpoints {
		b, err := os.ReadFile(f)
		if err != nil {
			return dauys.Errorf(dauys.EINVALID, "--checkpoint: %v", err)
		}
		cfg.Checkpoints = append(cfg.Checkpoints, b)
	}
	if !*quiet && !*asJSON {
		start := time.Now()
		cfg.Progress = func(format string, a ...any) {
			fmt.Fprintf(m.Stderr, "%6.1fs  %s\n", time.Since(start).Seconds(), fmt.Sprintf(format, a...))
		}
	}
	r, err := verify.Verify(ctx, cfg)
	if err != nil {
		return err
	}
	if *asJSON {
		if err := writeJSON(m.Stdout, r); err != nil {
			return err
		}
	} else {
		fmt.Fprint(m.Stdout, r.Summary())
	}
	if !r.OK() {
		return errRejected
	}
	return nil
}

// runWitness runs a witness: init makes its key, cosign cosigns a log's
// checkpoint if it extends the last one the witness cosigned.
func (m *Main) runWitness(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageErr{"usage: dauys witness init|cosign"}
	}
	switch args[0] {
	case "init":
		fs := m.flagSet("witness init")
		name := fs.String("name", "", "the witness's name, e.g. witness.observers.example")
		out := fs.String("out", "", "file to write the private key to (mode 0600)")
		if _, err := parse(fs, args[1:]); err != nil {
			return err
		}
		if *name == "" || *out == "" {
			return usageErr{"witness init takes --name NAME and --out FILE"}
		}
		if _, err := newKeyFile(*name, *out); err != nil {
			return err
		}
		skey, err := tlog.ReadKeyFile(*out)
		if err != nil {
			return err
		}
		w, err := tlog.NewCosigner(skey, nil)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "witness %s; its cosignature key, to publish:\n%s\n", *name, w.VerifierKey())
		return nil
	case "cosign":
		return m.runWitnessCosign(ctx, args[1:])
	}
	return usageErr{fmt.Sprintf("unknown witness command %q", args[0])}
}

func (m *Main) runWitnessCosign(ctx context.Context, args []string) error {
	fs := m.flagSet("witness cosign")
	keyFile := fs.String("key", "", "the witness's private key file")
	logKey := fs.String("log-key", "", "the log's verifier key, or a file holding it")
	state := fs.String("state", "", "file holding the last checkpoint this witness cosigned (created on the first run)")
	election := fs.String("election", "", "election id (default: the one the source holds)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *keyFile == "" || *logKey == "" || *state == "" || len(pos) != 1 {
		return usageErr{"witness cosign takes --key FILE --log-key VKEY --state FILE and a folder or URL"}
	}
	skey, err := tlog.ReadKeyFile(*keyFile)
	if err != nil {
		return dauys.Errorf(dauys.EINVALID, "--key: %v", err)
	}
	w, err := tlog.NewCosigner(skey, m.Now)
	if err != nil {
		return dauys.Errorf(dauys.EINVALID, "--key: %v", err)
	}
	lk, err := tlog.ReadVerifier(*logKey)
	if err != nil {
		return dauys.Errorf(dauys.EINVALID, "--log-key: %v", err)
	}
	src, current, err := verify.Open(ctx, pos[0], nil)
	if err != nil {
		return dauys.Errorf(dauys.EINVALID, "%v", err)
	}
	if *election == "" {
		*election = current
	}
	if *election == "" {
		return usageErr{"witness cosign: which election? Give --election ID"}
	}
	last, err := os.ReadFile(*state)
	if errors.Is(err, os.ErrNotExist) {
		last = nil
	} else if err != nil {
		return err
	}
	cosigned, cp, err := verify.Cosign(ctx, src, *election, lk, w, last)
	if err != nil {
		return err
	}
	tmp := *state + ".tmp"
	if err := os.WriteFile(tmp, cosigned, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, *state); err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "cosigned %s at %s entries\n", cp.Origin, strconv.FormatInt(cp.Size, 10))
	_, err = m.Stdout.Write(cosigned)
	return err
}
