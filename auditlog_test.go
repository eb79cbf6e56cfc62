package dauys_test

import (
	"testing"
	"time"

	"github.com/dauys/dauys"
)

// TestAuditHash pins the audit chain's encoding: a verifier written in
// another language must reproduce these digests. (They were computed
// independently, with Python's hashlib and struct.pack(">I", len).)
func TestAuditHash(t *testing.T) {
	first := &dauys.AuditEvent{At: time.Unix(0, 1773604800123456789), Actor: "op-r1", Role: "operator",
		Credential: "session:0123456789ab", Action: dauys.AuditSubmit, Election: "e", Area: "p1", Object: "list/p1",
		Outcome: "accepted", Detail: "version 1", Client: "203.0.113.5"}
	first.Hash = first.ComputeHash()
	if want := "59369ed1ded0bf2c560fe1406d34bd38379b53417957e6fbfbb6fc50875d4520"; first.Hash != want {
		t.Errorf("first hash %s, want %s", first.Hash, want)
	}
	second := *first
	second.Prev, second.Action, second.Outcome = first.Hash, dauys.AuditAcknowledge, dauys.AuditOK
	second.Hash = second.ComputeHash()
	if want := "d87383cff24e61da3baebf8a1739a2158f9458acab9adf4402129b0acd9df555"; second.Hash != want {
		t.Errorf("second hash %s, want %s", second.Hash, want)
	}
	v := dauys.AuditVerifier{Contiguous: true}
	for _, e := range []*dauys.AuditEvent{first, &second} {
		if err := v.Check(e); err != nil {
			t.Error(err)
		}
	}
	if v.Checked() != 2 {
		t.Errorf("checked %d", v.Checked())
	}
	// Moving a byte from one field to the next changes the hash: fields
	// are length-prefixed, not just joined.
	shifted := *first
	shifted.Actor, shifted.Role = "op-r1o", "perator"
	if shifted.ComputeHash() == first.Hash {
		t.Error("fields are not delimited")
	}
}
