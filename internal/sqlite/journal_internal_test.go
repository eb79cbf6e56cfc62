package sqlite

import (
	"bytes"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/tlog"
	"github.com/dauys/dauys/internal/tlog/tlogtest"
)

// TestJournal: the sequencer takes the versions this store committed from
// its journal, and gets exactly what reading them back gives; versions that
// another program (another Store on the same file) stored in between are
// never missed, since the journal then cannot show it holds them all.
func TestJournal(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "dauys.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	seq, in := tlogtest.Setup(t, s)
	other, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	inOther := intake.New(other, nil)

	fromStore := func() []tlog.PendingProtocol {
		t.Helper()
		// Without the journal's versions, the store is read.
		s.journal.mu.Lock()
		saved := s.journal.versions
		s.journal.versions = nil
		s.journal.mu.Unlock()
		defer func() {
			s.journal.mu.Lock()
			s.journal.versions = saved
			s.journal.mu.Unlock()
		}()
		ps, err := s.UnloggedProtocols(ctx, tlogtest.FixtureID, 100)
		if err != nil {
			t.Fatal(err)
		}
		return ps
	}
	night := tlogtest.Night()
	tlogtest.Submit(t, in, night[0], night[1])
	if _, err := seq.Sync(ctx, tlogtest.FixtureID); err != nil {
		t.Fatal(err)
	}
	tlogtest.Submit(t, in, night[2])
	got, err := s.UnloggedProtocols(ctx, tlogtest.FixtureID, 100)
	if err != nil {
		t.Fatal(err)
	}
	// The journal served it: it dropped the two versions logged.
	if dropped := s.journal.dropped[tlogtest.FixtureID]; len(got) != 1 || dropped == 0 {
		t.Fatalf("UnloggedProtocols = %d versions, journal dropped up to %d; want the one committed since the last sync, from the journal", len(got), dropped)
	}
	if want := fromStore(); !samePending(got, want) {
		t.Errorf("from the journal:\n%+v\nread back:\n%+v", got[0].Protocol, want[0].Protocol)
	}
	if c := got[0].Content; c == nil || !bytes.Equal(c, got[0].Protocol.CanonicalBytes()) {
		t.Errorf("the journal's content is %q, want the version's canonical encoding", c)
	}

	// Another program stores a version: this store's journal does not hold
	// it, and the read goes to the store.
	if res, err := inOther.Submit(ctx, tlogtest.FixtureID, []intake.Submission{night[3]}); err != nil || res[0].Err != nil {
		t.Fatalf("other store: %v %v", err, res[0].Err)
	}
	tlogtest.Submit(t, in, night[4])
	got, err = s.UnloggedProtocols(ctx, tlogtest.FixtureID, 100)
	if err != nil {
		t.Fatal(err)
	}
	if want := fromStore(); len(got) != 3 || !samePending(got, want) {
		t.Errorf("after another program stored a version: %d versions, want the 3 read back", len(got))
	}
	if _, err := seq.Sync(ctx, tlogtest.FixtureID); err != nil {
		t.Fatal(err)
	}
	if got, err := s.UnloggedProtocols(ctx, tlogtest.FixtureID, 100); err != nil || len(got) != 0 {
		t.Errorf("after the sync: %d unlogged, %v", len(got), err)
	}
}

// samePending compares versions as the log's records see them: their Seq
// and what is stored (not the Content a journal adds).
func samePending(a, b []tlog.PendingProtocol) bool {
	return slices.EqualFunc(a, b, func(x, y tlog.PendingProtocol) bool {
		return x.Seq == y.Seq && reflect.DeepEqual(x.Protocol, y.Protocol)
	})
}
