package main

import (
	"context"
	"fmt"
	"os"
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
		return errUnverified
	}
	return nil
}
