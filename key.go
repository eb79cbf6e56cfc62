package dauys

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Key is a commission's Ed25519 public key, registered by the CEC. A
// protocol signed with it is accepted only for precincts within Area.
type Key struct {
	ID        string            `json:"id"`
	Election  string            `json:"election"`
	Area      string            `json:"area"` // the commission's area: a precinct, or a district for a territorial commission
	Holder    string            `json:"holder,omitempty"`
	PublicKey ed25519.PublicKey `json:"public_key"`
	CreatedAt time.Time         `json:"created_at"`
	RevokedAt time.Time         `json:"revoked_at,omitzero"`
}

// KeyID derives a key's id from the public key: the first 16 hex digits of
// its SHA-256, so that anyone holding the key can compute the id.
func KeyID(pub ed25519.PublicKey) string {
	h := sha256.Sum256(pub)
	return hex.EncodeToString(h[:8])
}

// KeyStore keeps commission keys.
type KeyStore interface {
	CreateKey(ctx context.Context, k *Key) error
	// Key returns a key by id; ENOTFOUND when there is none.
	Key(ctx context.Context, election, id string) (*Key, error)
	Keys(ctx context.Context, election string) ([]*Key, error)
	RevokeKey(ctx context.Context, election, id string, at time.Time) error
}
