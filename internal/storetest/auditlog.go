package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dauys/dauys"
)

// auditLog returns s as a dauys.AuditLog, or skips the test for a store
// that keeps none: dauys.Store does not require it.
// The suite takes any dauys.Store, so it asks; both real stores keep one,
// which internal/backend checks at compile time (var _ backend.Backend).
func auditLog(t *testing.T, s dauys.Store) dauys.AuditLog {
	t.Helper()
	al, ok := s.(dauys.AuditLog)
	if !ok {
		t.Skipf("%T keeps no audit log", s)
	}
	return al
}

// newEvent returns an event of the election at the i-th instant.
func newEvent(election, action string, i int) *dauys.AuditEvent {
	return &dauys.AuditEvent{At: at(i), Actor: "Айгүл", Role: dauys.RoleOperator, Credential: "session:0123abcd",
		Action: action, Election: election, Area: "p1", Object: "mayor/p1", Outcome: dauys.AuditOK,
		Detail: fmt.Sprintf("event %d, with \"quotes\", commas, and a\nnewline", i), Client: "192.0.2.7"}
}

// allEvents returns the events AuditEvents gives for an election.
func allEvents(t *testing.T, al dauys.AuditLog, election string) []*dauys.AuditEvent {
	t.Helper()
	var out []*dauys.AuditEvent
	if err := al.AuditEvents(t.Context(), election, func(e *dauys.AuditEvent) error {
		out = append(out, e)
		return nil
	}); err != nil {
		t.Fatalf("audit events of %q: %v", election, err)
	}
	return out
}

// checkChain checks that events are in increasing id order and that their
// hashes verify, linked one to the next when contiguous.
func checkChain(t *testing.T, what string, events []*dauys.AuditEvent, contiguous bool) {
	t.Helper()
	v := dauys.AuditVerifier{Contiguous: contiguous}
	for i, e := range events {
		if i > 0 && e.ID <= events[i-1].ID {
			t.Errorf("%s: id %d after %d", what, e.ID, events[i-1].ID)
		}
		if err := v.Check(e); err != nil {
			t.Errorf("%s: %v", what, err)
		}
	}
}

func testAudit(t *testing.T, fresh func(*testing.T) dauys.Store) {
	t.Run("record and read", func(t *testing.T) {
		al := auditLog(t, fresh(t))
		if got := allEvents(t, al, ""); len(got) != 0 {
			t.Fatalf("a new store has %d events", len(got))
		}
		login := newEvent("", dauys.AuditLogin, 1)
		submit := newEvent(fixtureID, dauys.AuditSubmit, 2)
		other := newEvent("other", dauys.AuditSubmit, 3)
		ack := newEvent(fixtureID, dauys.AuditAcknowledge, 4)
		if err := al.RecordAudit(t.Context(), login, submit); err != nil {
			t.Fatal(err)
		}
		if err := al.RecordAudit(t.Context(), other, ack); err != nil {
			t.Fatal(err)
		}
		want := []*dauys.AuditEvent{login, submit, other, ack}
		for i, e := range want {
			if e.ID == 0 || e.Hash == "" || (i > 0 && e.Prev != want[i-1].Hash) || (i == 0 && e.Prev != "") {
				t.Errorf("recorded event %d: id %d prev %q hash %q", i, e.ID, e.Prev, e.Hash)
			}
		}
		got := allEvents(t, al, "")
		if len(got) != len(want) {
			t.Fatalf("%d events, want %d", len(got), len(want))
		}
		for i := range want {
			if !got[i].At.Equal(want[i].At) {
				t.Errorf("event %d: at %v, want %v", i, got[i].At, want[i].At)
			}
			g, w := *got[i], *want[i]
			g.At = w.At
			if g != w {
				t.Errorf("event %d:\n got %+v\nwant %+v", i, g, w)
			}
		}
		checkChain(t, "all events", got, true)

		mine := allEvents(t, al, fixtureID)
		if len(mine) != 2 || mine[0].ID != submit.ID || mine[1].ID != ack.ID {
			t.Errorf("events of %s: %v", fixtureID, mine)
		}
		checkChain(t, "one election's events", mine, false)
		if none := allEvents(t, al, "nowhere"); len(none) != 0 {
			t.Errorf("events of an election without any: %v", none)
		}
	})
	t.Run("invalid batch appends nothing", func(t *testing.T) {
		al := auditLog(t, fresh(t))
		bad := newEvent(fixtureID, "", 2)
		checkCode(t, "event without action", al.RecordAudit(t.Context(), newEvent(fixtureID, dauys.AuditSubmit, 1), bad), dauys.EINVALID)
		noTime := newEvent(fixtureID, dauys.AuditSubmit, 1)
		noTime.At = time.Time{}
		checkCode(t, "event without time", al.RecordAudit(t.Context(), noTime), dauys.EINVALID)
		noOutcome := newEvent(fixtureID, dauys.AuditSubmit, 1)
		noOutcome.Outcome = ""
		checkCode(t, "event without outcome", al.RecordAudit(t.Context(), noOutcome), dauys.EINVALID)
		if got := allEvents(t, al, ""); len(got) != 0 {
			t.Errorf("%d events after refused batches", len(got))
		}
	})
	t.Run("fn stops the iteration", func(t *testing.T) {
		al := auditLog(t, fresh(t))
		for i := range 3 {
			if err := al.RecordAudit(t.Context(), newEvent(fixtureID, dauys.AuditSubmit, i)); err != nil {
				t.Fatal(err)
			}
		}
		n := 0
		err := al.AuditEvents(t.Context(), "", func(*dauys.AuditEvent) error {
			n++
			return errStop
		})
		if !errors.Is(err, errStop) || err != errStop || n != 1 {
			t.Errorf("AuditEvents returned %v after %d calls, want errStop as it is after 1", err, n)
		}
	})
	t.Run("concurrent appends keep one chain", func(t *testing.T) {
		al := auditLog(t, fresh(t))
		const writers, each = 8, 5
		var wg sync.WaitGroup
		errs := make(chan error, writers*each)
		for w := range writers {
			wg.Go(func() {
				for i := range each {
					errs <- al.RecordAudit(t.Context(), newEvent(fixtureID, dauys.AuditSubmit, w*each+i), newEvent("", dauys.AuditLogin, w*each+i))
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		got := allEvents(t, al, "")
		if len(got) != 2*writers*each {
			t.Fatalf("%d events, want %d", len(got), 2*writers*each)
		}
		checkChain(t, "concurrent events", got, true)
	})
	t.Run("a changed event breaks the chain", func(t *testing.T) {
		al := auditLog(t, fresh(t))
		if err := al.RecordAudit(t.Context(), newEvent(fixtureID, dauys.AuditSubmit, 1), newEvent(fixtureID, dauys.AuditAmend, 2), newEvent(fixtureID, dauys.AuditSubmit, 3)); err != nil {
			t.Fatal(err)
		}
		got := allEvents(t, al, "")
		changed := *got[1]
		changed.Outcome = dauys.ECONFLICT
		if err := (&dauys.AuditVerifier{}).Check(&changed); err == nil {
			t.Error("a changed event passed")
		}
		v := dauys.AuditVerifier{Contiguous: true}
		v.Check(got[0])
		if err := v.Check(got[2]); err == nil {
			t.Error("a gap passed")
		}
	})
}
