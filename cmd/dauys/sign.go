package main

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/intake"
)

// runSign signs protocols offline: it reads a submission (or a batch under
// "protocols") as JSON and writes it back with the signature and key id of
// each protocol. It needs no database. An amendment's signature covers the
// version it replaces and its reason (dauys.SignedProtocol), given by
// flags for one protocol or in each protocol's JSON.
func (m *Main) runSign(_ context.Context, args []string) error {
	fs := m.flagSet("sign")
	keyFile := fs.String("key", "", "the commission's private key file")
	election := fs.String("election", "", "election id")
	version := fs.Int("supersedes-version", 0, "for an amendment: the number of the version it replaces, as the API or the log shows it")
	hash := fs.String("supersedes-hash", "", "for an amendment: the hash of the version it replaces, as the API or the log shows it")
	reason := fs.String("reason", "", "for an amendment: why the protocol is corrected")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *keyFile == "" || *election == "" || len(pos) > 1 {
		return usageErr{"sign takes --key FILE --election ID [--supersedes-version N --supersedes-hash HASH --reason TEXT] [FILE] (standard input without FILE)"}
	}
	amend := *version != 0 || *hash != "" || *reason != ""
	priv, err := readPrivateKey(*keyFile)
	if err != nil {
		return err
	}
	var in io.Reader = m.Stdin
	if len(pos) == 1 && pos[0] != "-" {
		f, err := os.Open(pos[0])
		if err != nil {
			return dauys.Errorf(dauys.EINVALID, "%v", err)
		}
		defer f.Close()
		in = f
	}
	var req struct {
		intake.Submission
		Protocols []intake.Submission `json:"protocols,omitempty"`
	}
	dec := json.NewDecoder(in)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return dauys.Errorf(dauys.EINVALID, "reading the protocol: %v", err)
	}
	id := dauys.KeyID(priv.Public().(ed25519.PublicKey))
	sign := func(s *intake.Submission, what string) error {
		if err := checkAmendment(s, what); err != nil {
			return err
		}
		s.KeyID = id
		s.Signature = ed25519.Sign(priv, s.Signed(*election).Bytes())
		return nil
	}
	if len(req.Protocols) > 0 {
		if amend {
			return usageErr{"--supersedes-version, --supersedes-hash and --reason sign one amendment; in a batch, give them in each protocol's JSON (supersedes_version, supersedes_hash, reason)"}
		}
		for i := range req.Protocols {
			p := &req.Protocols[i]
			if err := sign(p, fmt.Sprintf("protocol %d (%.40s/%.40s)", i+1, p.Contest, p.Area)); err != nil {
				return err
			}
		}
		return writeJSON(m.Stdout, map[string]any{"protocols": req.Protocols})
	}
	if amend {
		req.Amendment = true
		req.SupersedesVersion, req.SupersedesHash, req.Reason = *version, *hash, *reason
	}
	if err := sign(&req.Submission, fmt.Sprintf("the protocol (%.40s/%.40s)", req.Contest, req.Area)); err != nil {
		return err
	}
	return writeJSON(m.Stdout, req.Submission)
}

// checkAmendment refuses to sign an amendment that does not say which
// version it replaces and why, for intake would refuse it, and a version
// to replace on an original.
func checkAmendment(s *intake.Submission, what string) error {
	if !s.Amendment {
		if s.SupersedesVersion != 0 || s.SupersedesHash != "" {
			return dauys.Errorf(dauys.EINVALID, "%s names a version it replaces but is not an amendment (\"amendment\": true)", what)
		}
		return nil
	}
	h, err := hex.DecodeString(s.SupersedesHash)
	switch {
	case s.SupersedesVersion < 1:
		return dauys.Errorf(dauys.EINVALID, "%s is an amendment: give the number of the version it replaces (--supersedes-version, or supersedes_version in its JSON)", what)
	case err != nil || len(h) != sha256.Size || strings.ToLower(s.SupersedesHash) != s.SupersedesHash:
		return dauys.Errorf(dauys.EINVALID, "%s is an amendment: give the hash of the version it replaces, 64 lower-case hex digits as the API or the log shows it (--supersedes-hash, or supersedes_hash in its JSON)", what)
	case strings.TrimSpace(s.Reason) == "":
		return dauys.Errorf(dauys.EINVALID, "%s is an amendment: give its reason (--reason, or reason in its JSON)", what)
	}
	return nil
}

func readPrivateKey(path string) (ed25519.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, dauys.Errorf(dauys.EINVALID, "%v", err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, dauys.Errorf(dauys.EINVALID, "%s: not a PEM private key", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, dauys.Errorf(dauys.EINVALID, "%s: %v", path, err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, dauys.Errorf(dauys.EINVALID, "%s: not an Ed25519 key", path)
	}
	return priv, nil
}
