package tlog

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
)

// Key handling. The log key is a note key (golang.org/x/mod/sumdb/note):
// the private key is a line "PRIVATE+KEY+<name>+<hash>+<base64>" kept in a
// file readable by its owner only, and never in the results database; the
// verifier key "<name>+<hash>+<base64>" is public, stored with the log and
// published. Witnesses use the same private key files, but sign
// cosignatures (C2SP tlog-cosignature), whose verifier keys are of type
// 0x04.

// GenerateKey returns a new log or witness key pair named name.
func GenerateKey(rand io.Reader, name string) (skey, vkey string, err error) {
	return note.GenerateKey(rand, name)
}

// WriteKeyFile writes a private key to a new file that only its owner can
// read; it refuses to overwrite a file.
func WriteKeyFile(path, skey string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(skey + "\n"); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ReadKeyFile reads a private key file written by WriteKeyFile. It refuses
// a file that others may read, as ssh does, since whoever holds the key
// can sign checkpoints in the CEC's name.
func ReadKeyFile(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if st.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("key file %s can be read by others (mode %v); chmod 600 it", path, st.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// NewSigner returns the log signer of a private key.
func NewSigner(skey string) (note.Signer, error) {
	s, err := note.NewSigner(skey)
	if err != nil {
		return nil, errors.New("not a note private key (PRIVATE+KEY+name+hash+base64)")
	}
	return s, nil
}

// ReadVerifier reads a verifier key given as the key itself or as the name
// of a file holding it.
func ReadVerifier(s string) (note.Verifier, error) {
	s = strings.TrimSpace(s)
	if v, err := note.NewVerifier(s); err == nil {
		return v, nil
	}
	b, err := os.ReadFile(s)
	if err != nil {
		return nil, fmt.Errorf("%q is neither a verifier key (name+hash+base64) nor a readable file: %v", s, err)
	}
	s = strings.TrimSpace(string(b))
	v, err := note.NewVerifier(s)
	if err != nil {
		return nil, fmt.Errorf("%q is not a verifier key (name+hash+base64): %v", s, err)
	}
	return v, nil
}

// cosignatureAlg is the key type of a C2SP tlog-cosignature/v1 key.
const cosignatureAlg = 0x04

// cosignatureKeyHash is the key hash of a cosignature key:
// SHA-256(name || "\n" || 0x04 || public key)[:4].
func cosignatureKeyHash(name string, pub ed25519.PublicKey) uint32 {
	h := sha256.New()
	h.Write([]byte(name + "\n"))
	h.Write([]byte{cosignatureAlg})
	h.Write(pub)
	return binary.BigEndian.Uint32(h.Sum(nil))
}

// Cosigner signs cosignatures (C2SP tlog-cosignature/v1): an Ed25519
// signature over "cosignature/v1\ntime <t>\n" and the checkpoint, stating
// that the witness saw the checkpoint at time t and checked that it extends
// every checkpoint it cosigned before.
type Cosigner struct {
	name string
	hash uint32
	key  ed25519.PrivateKey
	now  func() time.Time
}

// NewCosigner returns the cosigner of a witness's private key (a note
// private key file, as GenerateKey writes). now may be nil for time.Now.
func NewCosigner(skey string, now func() time.Time) (*Cosigner, error) {
	parts := strings.SplitN(strings.TrimSpace(skey), "+", 5)
	if len(parts) != 5 || parts[0] != "PRIVATE" || parts[1] != "KEY" {
		return nil, errors.New("not a note private key (PRIVATE+KEY+name+hash+base64)")
	}
	b, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(b) != 1+ed25519.SeedSize || b[0] != 1 {
		return nil, errors.New("not an Ed25519 note private key")
	}
	if now == nil {
		now = time.Now
	}
	key := ed25519.NewKeyFromSeed(b[1:])
	name := parts[2]
	return &Cosigner{name: name, key: key, now: now,
		hash: cosignatureKeyHash(name, key.Public().(ed25519.PublicKey))}, nil
}

// Name returns the witness's name.
func (c *Cosigner) Name() string { return c.name }

// KeyHash returns the cosignature key's hash.
func (c *Cosigner) KeyHash() uint32 { return c.hash }

// Sign returns the cosignature of a checkpoint: the time as a big-endian
// uint64 and the Ed25519 signature.
func (c *Cosigner) Sign(msg []byte) ([]byte, error) {
	t := uint64(c.now().Unix())
	sig := ed25519.Sign(c.key, cosignedMessage(t, msg))
	return append(binary.BigEndian.AppendUint64(nil, t), sig...), nil
}

// VerifierKey returns the witness's public cosignature key,
// "<name>+<hash>+<base64(0x04 || public key)>".
func (c *Cosigner) VerifierKey() string {
	pub := c.key.Public().(ed25519.PublicKey)
	return fmt.Sprintf("%s+%08x+%s", c.name, c.hash,
		base64.StdEncoding.EncodeToString(append([]byte{cosignatureAlg}, pub...)))
}

func cosignedMessage(t uint64, msg []byte) []byte {
	return append(fmt.Appendf(nil, "cosignature/v1\ntime %d\n", t), msg...)
}

// cosignatureVerifier checks cosignatures of one witness.
type cosignatureVerifier struct {
	name string
	hash uint32
	pub  ed25519.PublicKey
}

// NewCosignatureVerifier returns the verifier of a witness's cosignature
// key, as Cosigner.VerifierKey writes it.
func NewCosignatureVerifier(vkey string) (note.Verifier, error) {
	parts := strings.SplitN(strings.TrimSpace(vkey), "+", 3)
	if len(parts) != 3 {
		return nil, fmt.Errorf("%q is not a cosignature key (name+hash+base64)", vkey)
	}
	b, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(b) != 1+ed25519.PublicKeySize || b[0] != cosignatureAlg {
		return nil, fmt.Errorf("%q is not an Ed25519 cosignature/v1 key", vkey)
	}
	v := &cosignatureVerifier{name: parts[0], pub: b[1:]}
	v.hash = cosignatureKeyHash(v.name, v.pub)
	if h, err := hex.DecodeString(parts[1]); err != nil || len(h) != 4 || binary.BigEndian.Uint32(h) != v.hash {
		return nil, fmt.Errorf("%q: the key hash does not match the key", vkey)
	}
	return v, nil
}

func (v *cosignatureVerifier) Name() string    { return v.name }
func (v *cosignatureVerifier) KeyHash() uint32 { return v.hash }
func (v *cosignatureVerifier) Verify(msg, sig []byte) bool {
	if len(sig) != 8+ed25519.SignatureSize {
		return false
	}
	t := binary.BigEndian.Uint64(sig[:8])
	return ed25519.Verify(v.pub, cosignedMessage(t, msg), sig[8:])
}
