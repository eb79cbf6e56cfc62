package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/tlog"
	"github.com/dauys/dauys/internal/verify"
)

// runWitnessInit makes a witness's key; witness cosign cosigns a log's
// checkpoint if it extends the last one the witness cosigned.
func (m *Main) runWitnessInit(_ context.Context, args []string) error {
	fs := m.flagSet("witness init")
	name := fs.String("name", "", "the witness's name, e.g. witness.observers.example")
	out := fs.String("out", "", "file to write the private key to (mode 0600)")
	if _, err := parse(fs, args); err != nil {
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
