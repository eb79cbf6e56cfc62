package dauys

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
	"unicode"

	"golang.org/x/crypto/argon2"
)

// ELOCKED is the code of a refusal to try again before a lock expires: too
// many failed sign-ins for an account or from an address. It maps to 429
// Too Many Requests.
const ELOCKED = "locked"

// User is a person who signs in with a password: a CEC administrator, an
// operator of a territorial commission, a precinct commission or an
// observer. A user acts in the election and area subtree of its scope, as a
// token does.
type User struct {
	Name         string    `json:"name"`
	Role         string    `json:"role"`
	Election     string    `json:"election,omitempty"` // "" means every election
	Area         string    `json:"area,omitempty"`     // "" means the whole tree
	Org          string    `json:"org,omitempty"`      // an observer's organisation
	PasswordHash string    `json:"-"`                  // HashPassword's encoding
	CreatedAt    time.Time `json:"created_at"`
	DisabledAt   time.Time `json:"disabled_at,omitzero"`
}

// Principal returns who the user acts as.
func (u *User) Principal() Principal {
	return Principal{Subject: u.Name, Role: u.Role, Election: u.Election, Area: u.Area, Org: u.Org}
}

// Validate checks a user before it is stored: a name people can type and
// read in a log, a known role, a password hash, and a scope that makes
// sense (an area belongs to an election, and a precinct commission has
// one).
func (u *User) Validate() error {
	switch {
	case u.Name == "" || len(u.Name) > 64:
		return Errorf(EINVALID, "a user name has 1 to 64 characters")
	case strings.IndexFunc(u.Name, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }) >= 0:
		return Errorf(EINVALID, "user name %q has spaces or control characters", u.Name)
	case !ValidRole(u.Role):
		return Errorf(EINVALID, "unknown role %q", u.Role)
	case u.PasswordHash == "":
		return Errorf(EINVALID, "user %s has no password", u.Name)
	case u.Area != "" && u.Election == "":
		return Errorf(EINVALID, "user %s: an area scope needs an election", u.Name)
	case u.Role == RolePrecinct && u.Area == "":
		return Errorf(EINVALID, "user %s: a precinct commission needs its area", u.Name)
	case u.Org != "" && u.Election == "":
		return Errorf(EINVALID, "user %s: an organisation is registered for an election", u.Name)
	case len(u.Org) > MaxOrgName:
		return Errorf(EINVALID, "user %s: an organisation's name has at most %d bytes", u.Name, MaxOrgName)
	}
	return nil
}

// ValidRole reports whether role is one Dauys knows.
func ValidRole(role string) bool {
	switch role {
	case RoleAdmin, RoleOperator, RolePrecinct, RoleObserver:
		return true
	}
	return false
}

// Session is a signed-in user's session. The session id is a random secret
// held in the browser's cookie; only its hash (HashToken) is stored, so a
// copy of the database signs nobody in.
type Session struct {
	Hash      string    `json:"-"`
	User      string    `json:"user"`
	Client    string    `json:"client"` // the address it signed in from
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// LoginThrottle is the count of failed sign-ins kept for a key: an account
// ("user:NAME") or a client address ("addr:IP").
type LoginThrottle struct {
	Key         string
	Failures    int
	LastFailure time.Time
	LockedUntil time.Time
}

// Locked reports whether sign-ins for the key are refused at now.
func (t *LoginThrottle) Locked(now time.Time) bool { return now.Before(t.LockedUntil) }

// LoginPolicy decides when failed sign-ins lock a key and for how long:
// the Threshold-th failure locks it for Lockout, and each further failure
// doubles the lock, up to MaxLockout. Failures are forgotten once none has
// happened for Forget.
type LoginPolicy struct {
	Threshold  int
	Lockout    time.Duration
	MaxLockout time.Duration
	Forget     time.Duration
}

// AccountLoginPolicy is the default policy for an account: five failures
// lock it for a minute, then 2, 4, 8... minutes, at most an hour, until a
// day passes without a failure or the user signs in.
func AccountLoginPolicy() LoginPolicy {
	return LoginPolicy{Threshold: 5, Lockout: time.Minute, MaxLockout: time.Hour, Forget: 24 * time.Hour}
}

// AddressLoginPolicy is the default policy for a client address: higher,
// because a commission's office shares one address, and forgotten after an
// hour.
func AddressLoginPolicy() LoginPolicy {
	return LoginPolicy{Threshold: 50, Lockout: time.Minute, MaxLockout: time.Hour, Forget: time.Hour}
}

// Fail returns the throttle after one more failure at at.
func (p LoginPolicy) Fail(t LoginThrottle, at time.Time) LoginThrottle {
	if !t.LastFailure.IsZero() && p.Forget > 0 && at.Sub(t.LastFailure) >= p.Forget {
		t.Failures = 0
	}
	t.Failures++
	t.LastFailure = at
	if p.Threshold > 0 && t.Failures >= p.Threshold {
		// At most 20 doublings, so that the lock cannot overflow.
		d := p.Lockout
		for i := p.Threshold; i < t.Failures && i-p.Threshold < 20; i++ {
			if p.MaxLockout > 0 && d >= p.MaxLockout {
				break
			}
			d *= 2
		}
		if p.MaxLockout > 0 {
			d = min(d, p.MaxLockout)
		}
		if until := at.Add(d); until.After(t.LockedUntil) {
			t.LockedUntil = until
		}
	}
	return t
}

// UserStore keeps users, their sessions and the counts of failed sign-ins,
// in the database that every replica of the server shares.
type UserStore interface {
	// CreateUser stores a user; EINVALID when Validate fails, ECONFLICT
	// when the name is taken, ENOTFOUND when its election does not exist.
	CreateUser(ctx context.Context, u *User) error
	// User returns a user by name; ENOTFOUND when there is none.
	User(ctx context.Context, name string) (*User, error)
	// Users lists the users by name.
	Users(ctx context.Context) ([]*User, error)
	// DisableUser disables a user from at on and ends its sessions;
	// ENOTFOUND when there is no such user or it is disabled already.
	// Users are never deleted, so that the audit trail keeps naming them.
	DisableUser(ctx context.Context, name string, at time.Time) error

	// CreateSession stores a session of an existing user (ENOTFOUND
	// otherwise; ECONFLICT when the hash exists) and drops sessions that
	// expired before its CreatedAt.
	CreateSession(ctx context.Context, s *Session) error
	// SessionByHash returns a session, expired or not; ENOTFOUND when
	// there is none.
	SessionByHash(ctx context.Context, hash string) (*Session, error)
	// DeleteSession ends a session; ENOTFOUND when there is none.
	DeleteSession(ctx context.Context, hash string) error

	// LoginThrottle returns the failures kept for a key; a key that never
	// failed has none, and that is not an error.
	LoginThrottle(ctx context.Context, key string) (*LoginThrottle, error)
	// RecordLoginFailure applies policy.Fail to the key's throttle at at,
	// in one transaction so that replicas counting at once lose no
	// failure, and returns the new throttle.
	RecordLoginFailure(ctx context.Context, key string, at time.Time, policy LoginPolicy) (*LoginThrottle, error)
	// ClearLoginFailures forgets the failures of a key, after a successful
	// sign-in or when an administrator unlocks an account.
	ClearLoginFailures(ctx context.Context, key string) error
}

// PasswordParams are the Argon2id costs of a password hash: Time passes
// over Memory KiB with Threads lanes.
type PasswordParams struct {
	Time    uint32
	Memory  uint32 // KiB
	Threads uint8
}

// DefaultPasswordParams are the second recommended option of RFC 9106
// (t=3, 64 MiB, p=4): about a tenth of a second on a server core, which
// sign-ins afford and guessing does not.
func DefaultPasswordParams() PasswordParams {
	return PasswordParams{Time: 3, Memory: 64 * 1024, Threads: 4}
}

const (
	passwordSaltLen = 16
	passwordKeyLen  = 32
)

// HashPassword hashes a password with Argon2id and a random salt, in the
// PHC string format that other tools read:
// $argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>, base64 without padding.
func HashPassword(password string, p PasswordParams) string {
	salt := make([]byte, passwordSaltLen)
	rand.Read(salt) // never fails (crypto/rand, Go 1.24+)
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, passwordKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// CheckPassword reports whether password matches a hash made by
// HashPassword, comparing in constant time. An error means the hash is not
// one Dauys can read.
func CheckPassword(encoded, password string) (bool, error) {
	p, salt, key, err := decodePasswordHash(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

func decodePasswordHash(encoded string) (p PasswordParams, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, fmt.Errorf("password hash: not an argon2id PHC string")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, fmt.Errorf("password hash: unsupported version %q", parts[2])
	}
	var threads uint32
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &threads); err != nil {
		return p, nil, nil, fmt.Errorf("password hash: bad parameters %q", parts[3])
	}
	// Bounds keep a tampered row from making a sign-in allocate without
	// limit or spin forever.
	if p.Time == 0 || p.Time > 100 || threads == 0 || threads > 255 || p.Memory < 8*threads || p.Memory > 4<<20 {
		return p, nil, nil, fmt.Errorf("password hash: parameters %q out of range", parts[3])
	}
	p.Threads = uint8(threads)
	if salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil || len(salt) < 8 {
		return p, nil, nil, fmt.Errorf("password hash: bad salt")
	}
	if key, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil || len(key) < 16 {
		return p, nil, nil, fmt.Errorf("password hash: bad key")
	}
	return p, salt, key, nil
}
