package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/tlog"
)

// runLogKeygen makes a log key pair, for a CEC that keeps its log key on
// a machine other than the results server's.
func (m *Main) runLogKeygen(_ context.Context, args []string) error {
	fs := m.flagSet("log keygen")
	origin := fs.String("origin", "", "the log's name, e.g. results.cec.example/log/kz-2026")
	out := fs.String("out", "", "file to write the private key to (mode 0600)")
	asJSON := fs.Bool("json", false, "print JSON")
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
	return m.result(*asJSON, vkey+"\n", map[string]string{"origin": *origin, "key_file": *out, "verifier_key": vkey})
}

func newKeyFile(name, path string) (string, error) {
	skey, vkey, err := tlog.GenerateKey(rand.Reader, name)
	if err != nil {
		return "", dauys.Errorf(dauys.EINVALID, "key name %q: %v", name, err)
	}
	if err := tlog.WriteKeyFile(path, skey); err != nil {
		return "", existsErr(path, err)
	}
	return vkey, nil
}

// runLogInit starts an election's log with a new key, or with the public
// key of one made by `dauys log keygen`.
func (m *Main) runLogInit(ctx context.Context, args []string) error {
	fs, db := m.flags("log init")
	election := fs.String("election", "", "election id")
	origin := fs.String("origin", "", "the log's name (default dauys/<election>)")
	keyOut := fs.String("key-out", "", "generate the log key and write its private key to this file (mode 0600; default <election>-log.key in $DAUYS_KEYS or ~/.config/dauys/keys)")
	vkeyArg := fs.String("vkey", "", "the log's verifier key, or a file holding it, from dauys log keygen")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *election == "" || (*keyOut != "" && *vkeyArg != "") {
		return usageErr{"log init takes --election ID and either --key-out FILE (the default: a new key in the keys folder) or --vkey VKEY"}
	}
	if *keyOut == "" && *vkeyArg == "" {
		p, err := defaultKeyPath(logKeyName(*election), true)
		if err != nil {
			return err
		}
		*keyOut = p
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
	text := fmt.Sprintf("log of %s started; its verifier key, to publish:\n%s\n", *election, vkey)
	if *keyOut != "" {
		text = fmt.Sprintf("the log's private key is in %s: keep it secret, and off the results server if you can\n", *keyOut) + text
	}
	return m.result(*asJSON, text, map[string]string{"election": *election, "origin": *origin, "verifier_key": vkey, "key_file": *keyOut})
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

// newSequencer is the transparency log's sequencer over s, signing with
// signers: every command that appends to a log builds it here, so that
// protocols and observers' images are logged alike. A nil now is the
// sequencer's own clock.
func newSequencer(s *store, now func() time.Time, signers ...note.Signer) *tlog.Sequencer {
	return &tlog.Sequencer{Storage: s, Signers: signers, Now: now, Keys: s.Keys, Images: s}
}

// runLogSync appends what is not logged yet and signs a checkpoint. A
// server runs the same sequencer in the background; this is for a store
// written by imports, and for catching up after a crash.
func (m *Main) runLogSync(ctx context.Context, args []string) error {
	fs, db := m.flags("log sync")
	election := fs.String("election", "", "election id")
	keyFile := fs.String("key", "", "the log's private key file (default: the one dauys log init wrote to the keys folder)")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *election == "" {
		return usageErr{"log sync takes --election ID and --key FILE"}
	}
	if *keyFile == "" {
		if *keyFile = defaultLogKey(*election); *keyFile == "" {
			p, _ := defaultKeyPath(logKeyName(*election), false)
			return usageErr{fmt.Sprintf("log sync takes --key FILE: there is no %s, where dauys log init puts a key it makes", p)}
		}
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
	cp, err := newSequencer(s, m.Now, signer).Sync(ctx, *election)
	if err != nil {
		return err
	}
	return m.result(*asJSON, fmt.Sprintf("log of %s: %d entries, root %s\n", *election, cp.Size, cp.Hash),
		map[string]any{"election": *election, "origin": cp.Origin, "size": cp.Size, "root": cp.Hash.String()})
}

func (m *Main) runLogCheckpoint(ctx context.Context, args []string) error {
	fs, db := m.flags("log checkpoint")
	election := fs.String("election", "", "election id")
	asJSON := fs.Bool("json", false, "print JSON")
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
	return m.result(*asJSON, string(cp.Note), map[string]any{"election": *election, "origin": cp.Origin, "size": cp.Size,
		"root": cp.Hash.String(), "note": string(cp.Note), "created_at": cp.CreatedAt})
}

func (m *Main) runLogProof(ctx context.Context, args []string) error {
	fs, db := m.flags("log proof")
	election := fs.String("election", "", "election id")
	index := fs.Int64("index", -1, "log index of the entry")
	contest := fs.String("contest", "", "contest id of a protocol")
	area := fs.String("area", "", "precinct id of a protocol")
	version := fs.Int("version", 1, "version of the protocol")
	fs.Bool("json", true, "print JSON (the proof is always JSON)")
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
	asJSON := fs.Bool("json", false, "print JSON")
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
	dir := strings.TrimSuffix(*out, "/") + "/" + tlog.StaticDir(*election)
	return m.result(*asJSON, "wrote "+dir+"\n", map[string]string{"election": *election, "dir": dir})
}
