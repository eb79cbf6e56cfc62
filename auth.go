package dauys

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Roles of people and machines that use Dauys.
const (
	RoleAdmin    = "admin"    // CEC administrator: everything
	RoleOperator = "operator" // territorial commission operator: writes protocols in its area
	RolePrecinct = "precinct" // precinct commission: writes its own protocols
	RoleObserver = "observer" // reads everything; writes only its organisation's observations
)

// Principal is who is acting: the subject of a token or session, with the
// role and the scope (an election and an area subtree) it acts in.
type Principal struct {
	Subject  string `json:"subject"`
	Role     string `json:"role"`
	Election string `json:"election,omitempty"` // "" means every election
	Area     string `json:"area,omitempty"`     // "" means the whole tree
	// Org is the observer organisation the principal acts for: what its
	// observations are published under.
	Org string `json:"org,omitempty"`
}

// Token is an API token for machines. Only its hash is stored.
type Token struct {
	ID        string    `json:"id"`
	Hash      string    `json:"-"`
	Principal Principal `json:"principal"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	RevokedAt time.Time `json:"revoked_at,omitzero"`
}

// HashToken returns the hex SHA-256 of a token's secret, which is what is
// stored and looked up. Tokens are long random strings, so a plain hash is
// enough; passwords, which are not, use Argon2id.
func HashToken(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// TokenStore keeps API tokens.
type TokenStore interface {
	CreateToken(ctx context.Context, t *Token) error
	// TokenByHash returns the token; ENOTFOUND when there is none.
	TokenByHash(ctx context.Context, hash string) (*Token, error)
	RevokeToken(ctx context.Context, id string, at time.Time) error
}
