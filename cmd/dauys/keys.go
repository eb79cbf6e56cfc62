package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/sigverify"
)

func (m *Main) runKeysGenerate(_ context.Context, args []string) error {
	fs := m.flagSet("keys generate")
	out := fs.String("out", "", "file to write the private key to (PEM, PKCS #8, mode 0600; default commission.key in $DAUYS_KEYS or ~/.config/dauys/keys)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		p, err := defaultKeyPath("commission.key", true)
		if err != nil {
			return err
		}
		*out = p
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return existsErr(*out, err)
	}
	if err := pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "key id:     %s\npublic key: %s\nprivate key in %s (keep it secret)\n", dauys.KeyID(pub), base64.StdEncoding.EncodeToString(pub), *out)
	return nil
}

func (m *Main) runKeysRegister(ctx context.Context, args []string) error {
	fs, db := m.flags("keys register")
	election := fs.String("election", "", "election id")
	area := fs.String("area", "", "the commission's area: its precinct, or the district of a territorial commission")
	public := fs.String("public-key", "", "the public key, base64, as dauys keys generate printed it")
	holder := fs.String("holder", "", "the commission holding the key")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *election == "" || *area == "" || *public == "" {
		return usageErr{"keys register takes --election, --area and --public-key"}
	}
	pub, err := base64.StdEncoding.DecodeString(*public)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return dauys.Errorf(dauys.EINVALID, "--public-key is not a base64 Ed25519 public key")
	}
	if !sigverify.UsableKey(pub) {
		return dauys.Errorf(dauys.EINVALID, "--public-key is not a point of the curve, or is of small order, under which any protocol would verify: generate a key with dauys keys generate")
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	e, err := s.elections.Load(ctx, *election)
	if err != nil {
		return err
	}
	if e.Tree.Area(*area) == nil {
		return dauys.Errorf(dauys.ENOTFOUND, "area %q does not exist in election %s", *area, *election)
	}
	k := &dauys.Key{ID: dauys.KeyID(pub), Election: *election, Area: *area, Holder: *holder, PublicKey: pub, CreatedAt: m.Now().UTC()}
	if err := s.CreateKey(ctx, k); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "registered key %s for %s\n", k.ID, k.Area)
	return nil
}

func (m *Main) runKeysList(ctx context.Context, args []string) error {
	fs, db := m.flags("keys list")
	election := fs.String("election", "", "election id")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	keys, err := s.Keys(ctx, *election)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(m.Stdout, map[string]any{"keys": keys})
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tAREA\tHOLDER\tREVOKED")
	for _, k := range keys {
		revoked := ""
		if !k.RevokedAt.IsZero() {
			revoked = k.RevokedAt.Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", k.ID, k.Area, k.Holder, revoked)
	}
	return tw.Flush()
}

func (m *Main) runKeysRevoke(ctx context.Context, args []string) error {
	fs, db := m.flags("keys revoke")
	election := fs.String("election", "", "election id")
	id := fs.String("id", "", "key id")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.RevokeKey(ctx, *election, *id, m.Now().UTC()); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "revoked key %s\n", *id)
	return nil
}
