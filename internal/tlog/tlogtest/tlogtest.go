// Package tlogtest is the conformance test of tlog.Storage, which the
// SQLite and PostgreSQL stores both run (their log_test.go), and the
// fixture election that the tests of the log and of the verifier share.
//
// It is for tests only; it submits its fixture through internal/intake.
package tlogtest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	sumdb "golang.org/x/mod/sumdb/tlog"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/definition"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/tlog"
)

// Store is a store with a log.
type Store interface {
	dauys.Store
	tlog.Storage
}

//go:embed fixture
var fixture embed.FS

// FixtureID is the id of the fixture election.
const FixtureID = "tl-2026"

// Election returns the fixture election (fixture/election.yaml and its
// areas.csv), read as `dauys election import` reads a definition.
func Election(tb testing.TB) *dauys.Election {
	tb.Helper()
	dir, err := fs.Sub(fixture, "fixture")
	if err != nil {
		tb.Fatal(err)
	}
	data, err := fs.ReadFile(dir, "election.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	e, err := definition.Parse(data, "election.yaml", dir)
	if err != nil {
		tb.Fatal(err)
	}
	e.CreatedAt = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	return e
}

// Signer returns a new log key named origin and its verifier key.
func Signer(tb testing.TB, origin string) (note.Signer, string) {
	tb.Helper()
	skey, vkey, err := note.GenerateKey(rand.Reader, origin)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		tb.Fatal(err)
	}
	return s, vkey
}

// Origin is the origin of the fixture's log.
const Origin = "dauys.test/log/" + FixtureID

// Setup stores the fixture election in s with a log and returns a
// sequencer for it and an intake over s.
func Setup(tb testing.TB, s Store) (*tlog.Sequencer, *intake.Service) {
	tb.Helper()
	ctx := context.Background()
	if err := s.CreateElection(ctx, Election(tb)); err != nil {
		tb.Fatal(err)
	}
	signer, vkey := Signer(tb, Origin)
	if err := s.CreateLog(ctx, &tlog.Info{Election: FixtureID, Origin: Origin, VerifierKey: vkey,
		CreatedAt: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}); err != nil {
		tb.Fatal(err)
	}
	now := time.Date(2026, 3, 15, 20, 0, 0, 0, time.UTC)
	clock := func() time.Time { now = now.Add(time.Minute); return now }
	return &tlog.Sequencer{Storage: s, Signers: []note.Signer{signer}, Now: clock}, intake.New(s, clock)
}

// Night returns submissions for every precinct and contest of the fixture.
func Night() []intake.Submission {
	ref := func(area string, reg, yes, no, both, invalid int64) intake.Submission {
		return intake.Submission{Contest: "ref", Area: area, Lines: map[string]int64{"registered": reg,
			"took_part": yes + no + both + invalid, "yes": yes, "no": no, "both_marked": both, "invalid": invalid}}
	}
	mayor := func(area string, reg, a, b, invalid int64) intake.Submission {
		return intake.Submission{Contest: "mayor", Area: area, Lines: map[string]int64{"registered": reg,
			"took_part": a + b + invalid, "option:a": a, "option:b": b, "invalid": invalid}}
	}
	return []intake.Submission{
		ref("P1", 1000, 400, 300, 5, 10),
		mayor("P1", 1000, 350, 340, 25),
		ref("P3", 1200, 500, 200, 0, 12),
		ref("P2", 800, 200, 350, 1, 4),
		mayor("P2", 800, 270, 270, 15),
	}
}

// Submit submits through intake and fails on any refusal.
func Submit(tb testing.TB, in *intake.Service, subs ...intake.Submission) []*dauys.Protocol {
	tb.Helper()
	res, err := in.Submit(context.Background(), FixtureID, subs)
	if err != nil {
		tb.Fatal(err)
	}
	var out []*dauys.Protocol
	for i, r := range res {
		if r.Err != nil {
			tb.Fatalf("submission %d (%s/%s): %v", i, subs[i].Contest, subs[i].Area, r.Err)
		}
		out = append(out, r.Protocol)
	}
	return out
}

// Run runs the conformance test of tlog.Storage. open returns a new,
// empty store for the test it is given; Run closes it when the test ends.
func Run(t *testing.T, open func(t *testing.T) Store) {
	fresh := func(t *testing.T) Store {
		t.Helper()
		s := open(t)
		t.Cleanup(func() {
			if err := s.Close(); err != nil {
				t.Errorf("close store: %v", err)
			}
		})
		return s
	}
	for _, test := range []struct {
		name string
		run  func(t *testing.T, s Store)
	}{
		{"CreateLog", testCreateLog},
		{"Sync", testSync},
		{"StorageOrder", testStorageOrder},
		{"AppendLog", testAppendLog},
		{"AreasAdded", testAreasAdded},
		{"Keys", testKeys},
		{"Checkpoints", testCheckpoints},
		{"CatchUp", testCatchUp},
		{"RefusesToSignAFork", testRefusesToSignAFork},
		{"NotFound", testNotFound},
		{"Images", testImages},
		{"Rebuilt", testRebuilt},
		{"EntriesOfTheirOwn", testEntriesOfTheirOwn},
		{"HashRows", testHashRows},
	} {
		t.Run(test.name, func(t *testing.T) { test.run(t, fresh(t)) })
	}
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := dauys.ErrorCode(err); got != code {
		t.Errorf("%s: error %v (code %q), want code %q", what, err, got, code)
	}
}

func testCreateLog(t *testing.T, s Store) {
	ctx := t.Context()
	if err := s.CreateElection(ctx, Election(t)); err != nil {
		t.Fatal(err)
	}
	_, vkey := Signer(t, Origin)
	at := time.Date(2026, 3, 1, 9, 0, 0, 123, time.UTC)
	wantCode(t, "CreateLog of a missing election", s.CreateLog(ctx, &tlog.Info{Election: "nope", Origin: Origin, VerifierKey: vkey}), dauys.ENOTFOUND)
	_, err := s.LogInfo(ctx, FixtureID)
	wantCode(t, "LogInfo before CreateLog", err, dauys.ENOTFOUND)
	if n, err := s.LogSize(ctx, FixtureID); err != nil || n != 0 {
		t.Errorf("LogSize before CreateLog = %d, %v; want 0", n, err)
	}
	if err := s.CreateLog(ctx, &tlog.Info{Election: FixtureID, Origin: Origin, VerifierKey: vkey, CreatedAt: at}); err != nil {
		t.Fatal(err)
	}
	got, err := s.LogInfo(ctx, FixtureID)
	if err != nil {
		t.Fatal(err)
	}
	want := tlog.Info{Election: FixtureID, Origin: Origin, VerifierKey: vkey, CreatedAt: at}
	if *got != want {
		t.Errorf("LogInfo = %+v, want %+v", *got, want)
	}
	wantCode(t, "CreateLog again", s.CreateLog(ctx, &want), dauys.ECONFLICT)
}

// entries reads the whole log.
func entries(t *testing.T, s Store) [][]byte {
	t.Helper()
	n, err := s.LogSize(t.Context(), FixtureID)
	if err != nil {
		t.Fatal(err)
	}
	es, err := s.LogEntries(t.Context(), FixtureID, 0, n)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// records decodes entries, joining the parts of long records.
func records(t *testing.T, es [][]byte) []*tlog.Record {
	t.Helper()
	var out []*tlog.Record
	var long []byte
	for i, e := range es {
		if p, n, chunk, ok, err := tlog.PartOf(e); err != nil {
			t.Fatalf("entry %d: %v", i, err)
		} else if ok {
			long = append(long, chunk...)
			if p < n {
				continue
			}
			e, long = long, nil
		}
		r, err := tlog.Decode(e)
		if err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
		out = append(out, r)
	}
	return out
}

// rootOf computes the tree hash of entries without the store.
func rootOf(t *testing.T, es [][]byte) sumdb.Hash {
	t.Helper()
	stored := storedHashes(t, es)
	h, err := sumdb.TreeHash(int64(len(es)), memoryReader(&stored))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func testSync(t *testing.T, s Store) {
	ctx := t.Context()
	seq, in := Setup(t, s)
	cp, err := seq.Sync(ctx, FixtureID)
	if err != nil {
		t.Fatal(err)
	}
	if cp.Size != 2 || cp.Origin != Origin {
		t.Fatalf("first checkpoint = %+v, want the definition and its areas", cp)
	}
	rs := records(t, entries(t, s))
	e := Election(t)
	if rs[0].Kind != tlog.KindDefinition || !bytes.Equal(rs[0].Content, e.Definition) || rs[0].Name != "election.yaml" {
		t.Errorf("entry 0 = %s %q, want the definition file", rs[0].Kind, rs[0].Name)
	}
	areas, err := tlog.ParseAreasCSV(rs[1].Content)
	if err != nil || rs[1].Kind != tlog.KindAreas || rs[1].Name != "areas.csv" {
		t.Fatalf("entry 1 = %s %q, %v; want the areas file", rs[1].Kind, rs[1].Name, err)
	}
	if len(areas) != 5 || areas[1].Name.RU != "Участок №1, школа" || areas[2].Name.EN != `Precinct 2 "the library"` || areas[4].Registered != 1200 {
		t.Errorf("areas file = %+v", areas)
	}

	ps := Submit(t, in, Night()...)
	cp, err = seq.Sync(ctx, FixtureID)
	if err != nil {
		t.Fatal(err)
	}
	if cp.Size != 2+int64(len(ps)) {
		t.Fatalf("checkpoint size %d after %d protocols", cp.Size, len(ps))
	}
	es := entries(t, s)
	if got := rootOf(t, es); got != cp.Hash {
		t.Errorf("root hash %v, the entries hash to %v", cp.Hash, got)
	}
	rs = records(t, es)
	for i, p := range ps {
		r := rs[2+i]
		if r.Kind != tlog.KindProtocol || r.Contest != p.Contest || r.Area != p.Area || r.Version != p.Version ||
			!r.ReceivedAt.Equal(p.ReceivedAt) || !bytes.Equal(r.Content, p.CanonicalBytes()) {
			t.Errorf("entry %d = %s %s/%s v%d, want protocol %s/%s v%d in the order stored", 2+i, r.Kind, r.Contest, r.Area, r.Version,
				p.Contest, p.Area, p.Version)
		}
		idx, err := s.LogIndex(ctx, FixtureID, tlog.ProtocolRef(p.Contest, p.Area, p.Version))
		if err != nil || idx != int64(2+i) {
			t.Errorf("LogIndex of %s/%s = %d, %v; want %d", p.Contest, p.Area, idx, err, 2+i)
		}
	}

	fix := Night()[0]
	fix.Lines["yes"], fix.Lines["no"] = 401, 299
	fix.Amendment, fix.Reason = true, "Recount: one ballot was counted for no"
	amended := Submit(t, in, fix)[0]
	old := cp
	if cp, err = seq.Sync(ctx, FixtureID); err != nil {
		t.Fatal(err)
	}
	rs = records(t, entries(t, s))
	last := rs[len(rs)-1]
	if last.Version != 2 || last.ProtocolKind != dauys.ProtocolAmendment || last.Reason != fix.Reason || amended.Version != 2 {
		t.Errorf("the amendment is logged as %+v", last)
	}
	l := &tlog.Log{Storage: s}
	proof, err := l.ConsistencyProof(ctx, FixtureID, old.Size, cp.Size)
	if err != nil {
		t.Fatal(err)
	}
	if err := sumdb.CheckTree(proof, cp.Size, cp.Hash, old.Size, old.Hash); err != nil {
		t.Errorf("consistency proof %d -> %d: %v", old.Size, cp.Size, err)
	}
	es = entries(t, s)
	for i, e := range es {
		p, err := l.InclusionProof(ctx, FixtureID, int64(i), cp.Size)
		if err != nil {
			t.Fatal(err)
		}
		if err := sumdb.CheckRecord(p, cp.Size, cp.Hash, int64(i), sumdb.RecordHash(e)); err != nil {
			t.Errorf("inclusion proof of entry %d: %v", i, err)
		}
	}
	inc, err := l.ProtocolInclusion(ctx, FixtureID, amended.Contest, amended.Area, 2)
	if err != nil {
		t.Fatal(err)
	}
	if inc.Index != cp.Size-1 || inc.TreeSize != cp.Size || inc.RootHash != cp.Hash ||
		sumdb.CheckRecord(inc.Proof, inc.TreeSize, inc.RootHash, inc.Index, inc.LeafHash) != nil {
		t.Errorf("ProtocolInclusion = %+v", inc)
	}

	// Nothing new: the same checkpoint, not a new one.
	again, err := seq.Sync(ctx, FixtureID)
	if err != nil || again != cp {
		t.Errorf("Sync without news = %+v, %v; want %+v", again, err, cp)
	}
	cs, err := s.Checkpoints(ctx, FixtureID)
	if err != nil || len(cs) != 3 {
		t.Errorf("%d checkpoints stored (%v), want 3", len(cs), err)
	}
	if pending, err := s.UnloggedProtocols(ctx, FixtureID, 10); err != nil || len(pending) != 0 {
		t.Errorf("UnloggedProtocols after Sync = %d, %v", len(pending), err)
	}
}

// testStorageOrder saves batches of two elections in turn: the log of one
// has its versions in the order they were stored, whatever the batch size.
func testStorageOrder(t *testing.T, s Store) {
	ctx := t.Context()
	seq, in := Setup(t, s)
	inOther := otherElection(t, s)
	night := Night()
	var want []string
	for i, sub := range night {
		p := Submit(t, in, sub)[0]
		want = append(want, tlog.ProtocolRef(p.Contest, p.Area, p.Version))
		if res, err := inOther.Submit(ctx, "tl-other", []intake.Submission{night[len(night)-1-i]}); err != nil || res[0].Err != nil {
			t.Fatalf("other election: %v %v", err, res[0].Err)
		}
	}
	pending, err := s.UnloggedProtocols(ctx, FixtureID, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 3 {
		t.Fatalf("UnloggedProtocols(limit 3) = %d versions", len(pending))
	}
	for i, p := range pending {
		if got := tlog.ProtocolRef(p.Protocol.Contest, p.Protocol.Area, p.Protocol.Version); got != want[i] || p.Protocol.Election != FixtureID {
			t.Errorf("pending %d = %s of %s, want %s", i, got, p.Protocol.Election, want[i])
		}
		if i > 0 && p.Seq <= pending[i-1].Seq {
			t.Errorf("pending %d has seq %d after %d", i, p.Seq, pending[i-1].Seq)
		}
	}
	seq.BatchSize = 2
	if _, err := seq.Sync(ctx, FixtureID); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range records(t, entries(t, s)) {
		if r.Kind == tlog.KindProtocol {
			got = append(got, r.Ref())
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("logged\n%q\nwant the order stored\n%q", got, want)
	}
}

func testAppendLog(t *testing.T, s Store) {
	ctx := t.Context()
	seq, in := Setup(t, s)
	Submit(t, in, Night()[0])
	cp, err := seq.Sync(ctx, FixtureID)
	if err != nil {
		t.Fatal(err)
	}
	es := entries(t, s)
	reader := sumdb.HashReaderFunc(func(xs []int64) ([]sumdb.Hash, error) { return s.LogHashes(ctx, FixtureID, xs) })
	hashes, err := sumdb.StoredHashes(cp.Size, es[2], reader)
	if err != nil {
		t.Fatal(err)
	}
	r := records(t, es)[2]
	dup := []tlog.Entry{{Kind: tlog.KindProtocol, Ref: r.Ref(), Seq: 1 << 40, Data: es[2]}}
	stale := make([]sumdb.Hash, sumdb.StoredHashCount(cp.Size)-sumdb.StoredHashCount(cp.Size-1))
	wantCode(t, "AppendLog at a stale size", s.AppendLog(ctx, FixtureID, cp.Size-1, dup, stale), dauys.ECONFLICT)
	wantCode(t, "AppendLog of a logged ref", s.AppendLog(ctx, FixtureID, cp.Size, dup, hashes), dauys.ECONFLICT)
	// The log keeps the version as a reference (a run); it is not logged
	// again by reference either.
	stored := []tlog.Entry{{Kind: tlog.KindProtocol, Ref: r.Ref(), Seq: 1, Data: es[2], Stored: true}}
	wantCode(t, "AppendLog of a logged version by reference", s.AppendLog(ctx, FixtureID, cp.Size, stored, hashes), dauys.ECONFLICT)
	wantCode(t, "AppendLog with missing hashes", s.AppendLog(ctx, FixtureID, cp.Size, dup, hashes[:1]), dauys.EINVALID)
	wantCode(t, "AppendLog without a log", s.AppendLog(ctx, "nope", 0, dup, hashes[:1]), dauys.ENOTFOUND)
	if n, err := s.LogSize(ctx, FixtureID); err != nil || n != cp.Size {
		t.Errorf("LogSize after refused appends = %d, %v; want %d", n, err, cp.Size)
	}
	if _, err := s.LogHashes(ctx, FixtureID, []int64{sumdb.StoredHashCount(cp.Size)}); dauys.ErrorCode(err) != dauys.ENOTFOUND {
		t.Errorf("a refused append left a hash: %v", err)
	}
	// A new ref at the right size goes in.
	fresh := []tlog.Entry{{Kind: tlog.KindProtocol, Ref: "protocol \"test\"", Seq: 1 << 40, Data: es[2]}}
	if err := s.AppendLog(ctx, FixtureID, cp.Size, fresh, hashes); err != nil {
		t.Fatal(err)
	}
	if got, err := s.LogEntries(ctx, FixtureID, cp.Size, cp.Size+1); err != nil || !bytes.Equal(got[0], es[2]) {
		t.Errorf("LogEntries of the appended entry = %q, %v", got, err)
	}
	if got, err := s.LogHashes(ctx, FixtureID, []int64{sumdb.StoredHashCount(cp.Size)}); err != nil || got[0] != hashes[0] {
		t.Errorf("LogHashes of the appended entry = %v, %v", got, err)
	}
}

// testAreasAdded adds a precinct after the first Sync, as an import does:
// the next Sync logs it before the protocol that needs it.
func testAreasAdded(t *testing.T, s Store) {
	ctx := t.Context()
	seq, _ := Setup(t, s)
	if _, err := seq.Sync(ctx, FixtureID); err != nil {
		t.Fatal(err)
	}
	p4 := dauys.Area{ID: "P4", Parent: "D2", Level: "precinct", Number: "4", Registered: 90, Name: dauys.T("Precinct 4")}
	if err := s.AddAreas(ctx, FixtureID, []dauys.Area{p4}); err != nil {
		t.Fatal(err)
	}
	in := intake.New(s, nil)
	Submit(t, in, intake.Submission{Contest: "ref", Area: "P4", Lines: map[string]int64{"registered": 90,
		"took_part": 50, "yes": 20, "no": 30, "both_marked": 0, "invalid": 0}})
	if _, err := seq.Sync(ctx, FixtureID); err != nil {
		t.Fatal(err)
	}
	rs := records(t, entries(t, s))
	if len(rs) != 4 || rs[2].Kind != tlog.KindAreas || rs[3].Kind != tlog.KindProtocol {
		t.Fatalf("log = %d records, want definition, areas, the new area, its protocol", len(rs))
	}
	got, err := tlog.ParseAreasCSV(rs[2].Content)
	if err != nil || len(got) != 1 || !reflect.DeepEqual(got[0], p4) || rs[2].Name != "" {
		t.Errorf("added areas = %+v, %v", got, err)
	}
	if pending, err := s.UnloggedAreas(ctx, FixtureID); err != nil || len(pending) != 0 {
		t.Errorf("UnloggedAreas after Sync = %v, %v", pending, err)
	}
}

func testKeys(t *testing.T, s Store) {
	ctx := t.Context()
	seq, in := Setup(t, s)
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	key := &dauys.Key{ID: dauys.KeyID(pub), Election: FixtureID, Area: "D1", Holder: "North district commission",
		PublicKey: pub, CreatedAt: time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)}
	seq.Keys = func(context.Context, string) ([]*dauys.Key, error) { return []*dauys.Key{key}, nil }
	Submit(t, in, Night()[0])
	if _, err := seq.Sync(ctx, FixtureID); err != nil {
		t.Fatal(err)
	}
	key.RevokedAt = time.Date(2026, 3, 15, 23, 0, 0, 0, time.UTC)
	for range 2 {
		if _, err := seq.Sync(ctx, FixtureID); err != nil {
			t.Fatal(err)
		}
	}
	var kinds []string
	for _, r := range records(t, entries(t, s)) {
		kinds = append(kinds, r.Kind)
		if r.Kind == tlog.KindKey && (r.KeyID != key.ID || !bytes.Equal(r.PublicKey, pub) || r.Area != "D1" || !r.At.Equal(key.CreatedAt)) {
			t.Errorf("key record = %+v", r)
		}
		if r.Kind == tlog.KindRevocation && !r.At.Equal(key.RevokedAt) {
			t.Errorf("revocation record = %+v", r)
		}
	}
	want := []string{tlog.KindDefinition, tlog.KindAreas, tlog.KindKey, tlog.KindProtocol, tlog.KindRevocation}
	if !slices.Equal(kinds, want) {
		t.Errorf("log = %v, want %v", kinds, want)
	}

	// A key registered while protocols flow is logged before the first
	// protocol it signs, however recently the sequencer looked at keys.
	var ks dauys.KeyStore = s // every dauys.Store keeps keys
	pub2, priv2, _ := ed25519.GenerateKey(rand.Reader)
	key2 := &dauys.Key{ID: dauys.KeyID(pub2), Election: FixtureID, Area: "D1", PublicKey: pub2,
		CreatedAt: time.Date(2026, 3, 15, 21, 0, 0, 0, time.UTC)}
	if err := ks.CreateKey(ctx, key2); err != nil {
		t.Fatal(err)
	}
	seq.Keys = func(context.Context, string) ([]*dauys.Key, error) { return []*dauys.Key{key, key2}, nil }
	sub := Night()[3]
	sub.KeyID = key2.ID
	sub.Signature = ed25519.Sign(priv2, dauys.SignedBytes(FixtureID, sub.Contest, sub.Area, sub.Lines))
	Submit(t, in, sub)
	if _, err := seq.Sync(ctx, FixtureID); err != nil {
		t.Fatal(err)
	}
	kinds = kinds[:0]
	for _, r := range records(t, entries(t, s)) {
		kinds = append(kinds, r.Kind)
	}
	want = append(want, tlog.KindKey, tlog.KindProtocol)
	if !slices.Equal(kinds, want) {
		t.Errorf("log = %v, want %v", kinds, want)
	}
}

func testCheckpoints(t *testing.T, s Store) {
	ctx := t.Context()
	Setup(t, s)
	at := time.Date(2026, 3, 15, 21, 0, 0, 5, time.UTC)
	for _, c := range []*tlog.StoredCheckpoint{{Size: 3, Note: []byte("three"), CreatedAt: at}, {Size: 5, Note: []byte("five")}} {
		if err := s.SaveCheckpoint(ctx, FixtureID, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SaveCheckpoint(ctx, FixtureID, &tlog.StoredCheckpoint{Size: 5, Note: []byte("another five")}); err != nil {
		t.Fatal(err)
	}
	latest, err := s.Checkpoint(ctx, FixtureID, -1)
	if err != nil || latest.Size != 5 || string(latest.Note) != "five" {
		t.Errorf("latest checkpoint = %+v, %v; want the first of size 5", latest, err)
	}
	three, err := s.Checkpoint(ctx, FixtureID, 3)
	if err != nil || string(three.Note) != "three" || !three.CreatedAt.Equal(at) {
		t.Errorf("checkpoint 3 = %+v, %v", three, err)
	}
	_, err = s.Checkpoint(ctx, FixtureID, 4)
	wantCode(t, "Checkpoint of a size never signed", err, dauys.ENOTFOUND)
	all, err := s.Checkpoints(ctx, FixtureID)
	if err != nil || len(all) != 2 || all[0].Size != 3 || all[1].Size != 5 {
		t.Errorf("Checkpoints = %v, %v", all, err)
	}
}

// failingCheckpoints is a storage that cannot store checkpoints, as if
// the sequencer crashed between appending and signing.
type failingCheckpoints struct{ Store }

func (failingCheckpoints) SaveCheckpoint(context.Context, string, *tlog.StoredCheckpoint) error {
	return errors.New("crash")
}

func testCatchUp(t *testing.T, s Store) {
	ctx := t.Context()
	seq, in := Setup(t, s)
	Submit(t, in, Night()...)
	crashing := &tlog.Sequencer{Storage: failingCheckpoints{s}, Signers: seq.Signers}
	if _, err := crashing.Sync(ctx, FixtureID); err == nil {
		t.Fatal("Sync without checkpoints succeeded")
	}
	n, err := s.LogSize(ctx, FixtureID)
	if err != nil || n != 2+int64(len(Night())) {
		t.Fatalf("after the crash the log has %d entries (%v)", n, err)
	}
	cp, err := seq.Sync(ctx, FixtureID)
	if err != nil {
		t.Fatal(err)
	}
	if cp.Size != n || cp.Hash != rootOf(t, entries(t, s)) {
		t.Errorf("the restarted sequencer signed %+v for a log of %d", cp, n)
	}
}

// alteredHashes is a storage whose stored hashes were changed, as by
// someone with write access to the database.
type alteredHashes struct{ Store }

func (a alteredHashes) LogHashes(ctx context.Context, election string, xs []int64) ([]sumdb.Hash, error) {
	hs, err := a.Store.LogHashes(ctx, election, xs)
	for i := range hs {
		hs[i][0] ^= 1
	}
	return hs, err
}

func testRefusesToSignAFork(t *testing.T, s Store) {
	ctx := t.Context()
	seq, in := Setup(t, s)
	Submit(t, in, Night()[:2]...)
	if _, err := seq.Sync(ctx, FixtureID); err != nil {
		t.Fatal(err)
	}
	Submit(t, in, Night()[2:]...)
	forking := &tlog.Sequencer{Storage: alteredHashes{s}, Signers: seq.Signers}
	if _, err := forking.Sync(ctx, FixtureID); err == nil || !strings.Contains(err.Error(), "refusing to sign a fork") {
		t.Errorf("Sync over altered hashes: %v", err)
	}
	if cs, err := s.Checkpoints(ctx, FixtureID); err != nil || len(cs) != 1 {
		t.Errorf("%d checkpoints after the refusal (%v), want 1", len(cs), err)
	}
}

func testNotFound(t *testing.T, s Store) {
	ctx := t.Context()
	seq, _ := Setup(t, s)
	if _, err := seq.Sync(ctx, FixtureID); err != nil {
		t.Fatal(err)
	}
	_, err := s.LogEntries(ctx, FixtureID, 1, 3)
	wantCode(t, "LogEntries beyond the log", err, dauys.ENOTFOUND)
	_, err = s.LogHashes(ctx, FixtureID, []int64{0, 99})
	wantCode(t, "LogHashes beyond the log", err, dauys.ENOTFOUND)
	_, err = s.LogIndex(ctx, FixtureID, tlog.ProtocolRef("ref", "P1", 1))
	wantCode(t, "LogIndex of a version not logged", err, dauys.ENOTFOUND)
	_, err = s.Checkpoint(ctx, "nope", -1)
	wantCode(t, "Checkpoint of an election without a log", err, dauys.ENOTFOUND)
	_, err = (&tlog.Sequencer{Storage: s}).Sync(ctx, FixtureID)
	wantCode(t, "Sync without the log's key", err, dauys.EINVALID)
}

// otherElection stores a second election, "tl-other", whose versions
// tests store between the fixture's, and returns an intake for it.
func otherElection(t *testing.T, s Store) *intake.Service {
	t.Helper()
	other := Election(t)
	other.ID = "tl-other"
	if err := s.CreateElection(t.Context(), other); err != nil {
		t.Fatal(err)
	}
	return intake.New(s, nil)
}

// night logs the fixture's night in rounds, amended, with another
// election's versions stored in between (so that the fixture's are not
// consecutive in the store), and returns the whole log.
func night(t *testing.T, s Store) [][]byte {
	t.Helper()
	ctx := t.Context()
	seq, in := Setup(t, s)
	inOther := otherElection(t, s)
	seq.BatchSize = 2
	for i, sub := range Night() {
		Submit(t, in, sub)
		if res, err := inOther.Submit(ctx, "tl-other", []intake.Submission{sub}); err != nil || res[0].Err != nil {
			t.Fatalf("other election: %v %v", err, res[0].Err)
		}
		if i%2 == 1 {
			if _, err := seq.Sync(ctx, FixtureID); err != nil {
				t.Fatal(err)
			}
		}
	}
	amended := Night()[0]
	amended.Amendment, amended.Reason = true, "Recount"
	amended.Lines["yes"]--
	amended.Lines["invalid"]++
	Submit(t, in, amended)
	if _, err := seq.Sync(ctx, FixtureID); err != nil {
		t.Fatal(err)
	}
	return entries(t, s)
}

// testRebuilt reads every stretch of a log whose protocol versions the
// store keeps by reference, and finds every version's place.
func testRebuilt(t *testing.T, s Store) {
	ctx := t.Context()
	es := night(t, s)
	n := int64(len(es))
	for start := int64(0); start <= n; start++ {
		for end := start; end <= n; end++ {
			got, err := s.LogEntries(ctx, FixtureID, start, end)
			if err != nil {
				t.Fatalf("LogEntries(%d, %d): %v", start, end, err)
			}
			if !slices.EqualFunc(got, es[start:end], bytes.Equal) {
				t.Fatalf("LogEntries(%d, %d) differs from the same entries read whole", start, end)
			}
		}
	}
	protocols := 0
	for i, r := range records(t, es) {
		if r.Kind != tlog.KindProtocol {
			continue
		}
		protocols++
		if idx, err := s.LogIndex(ctx, FixtureID, r.Ref()); err != nil || idx != int64(i) {
			t.Errorf("LogIndex(%s) = %d, %v; want %d", r.Ref(), idx, err, i)
		}
	}
	if protocols != len(Night())+1 {
		t.Errorf("%d protocol versions logged, want %d", protocols, len(Night())+1)
	}
	if _, err := s.LogIndex(ctx, FixtureID, tlog.ProtocolRef("ref", "P1", 3)); dauys.ErrorCode(err) != dauys.ENOTFOUND {
		t.Errorf("LogIndex of a version not stored: %v, want not found", err)
	}
	if _, err := s.LogEntries(ctx, FixtureID, n, n+1); dauys.ErrorCode(err) != dauys.ENOTFOUND {
		t.Errorf("LogEntries past the end: %v, want not found", err)
	}
}

// TamperedVersion checks that a protocol version changed in the store
// after it was logged fails the read of its entry instead of serving other
// bytes than the tree hashed. tamper changes the reason of the version.
func TamperedVersion(t *testing.T, s Store, tamper func(election, contest, area string, version int)) {
	ctx := t.Context()
	es := night(t, s)
	n := int64(len(es))
	first := records(t, es)
	var at int
	for i, r := range first {
		if r.Kind == tlog.KindProtocol {
			at = i
			tamper(FixtureID, r.Contest, r.Area, r.Version)
			break
		}
	}
	if _, err := s.LogEntries(ctx, FixtureID, 0, n); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("entry %d ", at)) {
		t.Errorf("LogEntries after the version of entry %d changed: %v, want an error naming the entry", at, err)
	}
}

// Journal checks a store's journal (tlog.Journal): the sequencer takes
// the versions the store committed from it and gets exactly what reading
// them back (fromStore) gives; versions that another program (other, a
// second store over the same database) stored in between are never
// missed, since the journal cannot show it holds them.
func Journal(t *testing.T, s, other Store, fromStore func(election string) ([]tlog.PendingProtocol, error)) {
	ctx := t.Context()
	seq, in := Setup(t, s)
	inOther := intake.New(other, nil)
	night := Night()
	Submit(t, in, night[0], night[1])
	if _, err := seq.Sync(ctx, FixtureID); err != nil {
		t.Fatal(err)
	}
	Submit(t, in, night[2])
	got, err := s.UnloggedProtocols(ctx, FixtureID, 100)
	if err != nil {
		t.Fatal(err)
	}
	// The journal served it: the version it gives has the content only
	// the journal knows.
	if len(got) != 1 || got[0].Content == nil {
		t.Fatalf("UnloggedProtocols = %d versions (%+v); want the one committed since the last sync, from the journal", len(got), got)
	}
	want, err := fromStore(FixtureID)
	if err != nil {
		t.Fatal(err)
	}
	if !samePending(got, want) {
		t.Errorf("from the journal:\n%+v\nread back:\n%+v", got[0].Protocol, want[0].Protocol)
	}
	if c := got[0].Content; !bytes.Equal(c, got[0].Protocol.CanonicalBytes()) {
		t.Errorf("the journal's content is %q, want the version's canonical encoding", c)
	}

	// Another program stores a version: this store's journal does not hold
	// it, and the read goes to the store.
	if res, err := inOther.Submit(ctx, FixtureID, []intake.Submission{night[3]}); err != nil || res[0].Err != nil {
		t.Fatalf("other store: %v %v", err, res[0].Err)
	}
	Submit(t, in, night[4])
	if got, err = s.UnloggedProtocols(ctx, FixtureID, 100); err != nil {
		t.Fatal(err)
	}
	if want, err = fromStore(FixtureID); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || !samePending(got, want) {
		t.Errorf("after another program stored a version: %d versions, want the 3 read back", len(got))
	}
	if _, err := seq.Sync(ctx, FixtureID); err != nil {
		t.Fatal(err)
	}
	if got, err := s.UnloggedProtocols(ctx, FixtureID, 100); err != nil || len(got) != 0 {
		t.Errorf("after the sync: %d unlogged, %v", len(got), err)
	}
	if es := entries(t, s); len(records(t, es)) != 2+len(night) {
		t.Errorf("the log has %d records, want the definition, the areas and %d protocols", len(records(t, es)), len(night))
	}
}

// samePending compares versions as the log's records see them: their Seq
// and what is stored (not the Content a journal adds).
func samePending(a, b []tlog.PendingProtocol) bool {
	return slices.EqualFunc(a, b, func(x, y tlog.PendingProtocol) bool {
		return x.Seq == y.Seq && reflect.DeepEqual(x.Protocol, y.Protocol)
	})
}

// ownEntries is a storage appended to as before runs: every protocol
// version's entry is a row of its own, as in logs written before
// migration 0011.
type ownEntries struct{ Store }

func (o ownEntries) AppendLog(ctx context.Context, election string, start int64, entries []tlog.Entry, hashes []sumdb.Hash) error {
	es := slices.Clone(entries)
	for i := range es {
		es[i].Stored = false
	}
	return o.Store.AppendLog(ctx, election, start, es, hashes)
}

// testEntriesOfTheirOwn continues a log whose protocol versions have
// entries of their own with runs: nothing is logged twice or missed, and
// every version is found.
func testEntriesOfTheirOwn(t *testing.T, s Store) {
	ctx := t.Context()
	seq, in := Setup(t, s)
	old := &tlog.Sequencer{Storage: ownEntries{s}, Signers: seq.Signers, Now: seq.Now}
	night := Night()
	Submit(t, in, night[:2]...)
	if _, err := old.Sync(ctx, FixtureID); err != nil {
		t.Fatal(err)
	}
	Submit(t, in, night[2:]...)
	cp, err := seq.Sync(ctx, FixtureID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.Sync(ctx, FixtureID); err != nil {
		t.Fatalf("a sync with nothing new: %v", err)
	}
	es := entries(t, s)
	if rootOf(t, es) != cp.Hash || int64(len(es)) != cp.Size {
		t.Fatalf("the entries read back are not the signed tree")
	}
	var refs []string
	for i, r := range records(t, es) {
		if r.Kind != tlog.KindProtocol {
			continue
		}
		refs = append(refs, r.Ref())
		if idx, err := s.LogIndex(ctx, FixtureID, r.Ref()); err != nil || idx != int64(i) {
			t.Errorf("LogIndex(%s) = %d, %v; want %d", r.Ref(), idx, err, i)
		}
	}
	if len(refs) != len(night) {
		t.Errorf("%d protocol records, want %d: %q", len(refs), len(night), refs)
	}
}
