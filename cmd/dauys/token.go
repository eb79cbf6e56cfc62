package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/dauys/dauys"
)

func (m *Main) runTokenCreate(ctx context.Context, args []string) error {
	fs, db := m.flags("token create")
	role := fs.String("role", dauys.RoleOperator, "admin, operator, precinct or observer")
	area := fs.String("area", "", "area id the token may write in (default: all)")
	election := fs.String("election", "", "election id")
	subject := fs.String("subject", "", "who the token is for (default: role@area)")
	org := fs.String("org", "", "for an observer: the registered organisation (dauys org register) whose copies of protocols it sends; an observer without one only reads")
	ttl := fs.Duration("ttl", 30*24*time.Hour, "how long the token is valid")
	asJSON := fs.Bool("json", false, "print the token and its id, subject, role and expiry as JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	switch *role {
	case dauys.RoleAdmin, dauys.RoleOperator, dauys.RolePrecinct, dauys.RoleObserver:
	default:
		return usageErr{fmt.Sprintf("unknown role %q", *role)}
	}
	if *election == "" {
		return usageErr{"token create takes --election ID"}
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
	if *area != "" && e.Tree.Area(*area) == nil {
		return dauys.Errorf(dauys.ENOTFOUND, "area %q does not exist in election %s", *area, *election)
	}
	if *org != "" {
		if _, err := s.intake.Organisation(ctx, *election, *org); err != nil {
			return err
		}
	}
	if *subject == "" {
		*subject = *role + "@" + *area
		if *org != "" {
			*subject = *role + "@" + *org + "@" + *area
		}
	}
	secret, err := newSecret()
	if err != nil {
		return err
	}
	id, err := newSecret()
	if err != nil {
		return err
	}
	now := m.Now().UTC()
	t := &dauys.Token{ID: id[:12], Hash: dauys.HashToken(secret), CreatedAt: now, ExpiresAt: now.Add(*ttl),
		Principal: dauys.Principal{Subject: *subject, Role: *role, Election: *election, Area: *area, Org: *org}}
	if err := s.CreateToken(ctx, t); err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(m.Stdout, map[string]any{"token": secret, "id": t.ID, "subject": t.Principal.Subject, "role": t.Principal.Role,
			"election": t.Principal.Election, "area": t.Principal.Area, "expires_at": t.ExpiresAt})
	}
	fmt.Fprintln(m.Stdout, secret)
	fmt.Fprintf(m.Stderr, "token id %s for %s (%s), expires %s; revoke it with dauys token revoke --id %s\n",
		t.ID, t.Principal.Subject, t.Principal.Role, t.ExpiresAt.Format(time.RFC3339), t.ID)
	return nil
}

func newSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// runTokenRevoke revokes an API token by id, or, without --id, the token
// whose secret is on standard input (never in a flag).
func (m *Main) runTokenRevoke(ctx context.Context, args []string) error {
	fs, db := m.flags("token revoke")
	id := fs.String("id", "", "the token's id, as the audit trail shows it (token:ID); without it the token itself is read from standard input")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	if *id == "" {
		secret, err := m.readPassword("Token: ")
		if err != nil {
			return err
		}
		t, err := s.TokenByHash(ctx, dauys.HashToken(strings.TrimSpace(secret)))
		if err != nil {
			return err
		}
		*id = t.ID
	}
	if err := s.RevokeToken(ctx, *id, m.Now().UTC()); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "revoked token %s\n", *id)
	return nil
}
