package verify_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	sumdb "golang.org/x/mod/sumdb/tlog"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/sqlite"
	"github.com/dauys/dauys/internal/tally"
	"github.com/dauys/dauys/internal/tlog"
	"github.com/dauys/dauys/internal/tlog/tlogtest"
	"github.com/dauys/dauys/internal/verify"
)

// bundle is a published election: a folder as `dauys publish` writes it,
// and the key that verifies it.
type bundle struct {
	dir    string
	key    note.Verifier
	signer note.Signer
	store  *sqlite.Store
}

// Publish writes what `dauys publish` writes for the verifier: the log
// (tlog.WriteStatic) and the results JSON of every area.
func Publish(t testing.TB, s *sqlite.Store, in *intake.Service, election, dir string) {
	t.Helper()
	ctx := context.Background()
	if err := tlog.WriteStatic(ctx, s, election, dir); err != nil {
		t.Fatal(err)
	}
	e, err := in.Elections().Load(ctx, election)
	if err != nil {
		t.Fatal(err)
	}
	ta := tally.New(s, in.Elections())
	for _, a := range e.Areas {
		res, err := ta.Area(ctx, election, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.MarshalIndent(res, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, filepath.FromSlash(verify.ResultsPath(election, a.ID)))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// newBundle publishes the fixture election after a night with an
// amendment, synced three times.
func newBundle(t *testing.T) *bundle {
	t.Helper()
	ctx := t.Context()
	s, seq, in := fixture(t)
	if _, err := seq.Sync(ctx, tlogtest.FixtureID); err != nil {
		t.Fatal(err)
	}
	tlogtest.Submit(t, in, tlogtest.Night()...)
	if _, err := seq.Sync(ctx, tlogtest.FixtureID); err != nil {
		t.Fatal(err)
	}
	fix := tlogtest.Night()[0]
	fix.Lines["yes"], fix.Lines["no"] = 401, 299
	fix.Amendment, fix.Reason = true, "Recount: one ballot was counted for no"
	tlogtest.Submit(t, in, fix)
	return published(t, s, seq, in)
}

// fixture is the tlogtest fixture election in a new SQLite store, with its
// sequencer and intake.
func fixture(t *testing.T) (*sqlite.Store, *tlog.Sequencer, *intake.Service) {
	t.Helper()
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "dauys.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	seq, in := tlogtest.Setup(t, s)
	return s, seq, in
}

// published logs what the store holds and publishes it.
func published(t *testing.T, s *sqlite.Store, seq *tlog.Sequencer, in *intake.Service) *bundle {
	t.Helper()
	ctx := t.Context()
	if _, err := seq.Sync(ctx, tlogtest.FixtureID); err != nil {
		t.Fatal(err)
	}
	b := &bundle{dir: t.TempDir(), signer: seq.Signers[0], store: s}
	Publish(t, s, in, tlogtest.FixtureID, b.dir)
	info, err := s.LogInfo(ctx, tlogtest.FixtureID)
	if err != nil {
		t.Fatal(err)
	}
	if b.key, err = note.NewVerifier(info.VerifierKey); err != nil {
		t.Fatal(err)
	}
	return b
}

func (b *bundle) verify(t *testing.T, change func(*verify.Config)) *verify.Report {
	t.Helper()
	src, _, err := verify.Open(t.Context(), b.dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := verify.Config{Source: src, Key: b.key}
	if change != nil {
		change(&cfg)
	}
	r, err := verify.Verify(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (b *bundle) path(rel string) string {
	return filepath.Join(b.dir, "log", tlogtest.FixtureID, filepath.FromSlash(rel))
}

// entries returns the bundle's only entry bundle and its path.
func (b *bundle) entries(t *testing.T) ([][]byte, string) {
	t.Helper()
	matches, err := filepath.Glob(b.path("tile/entries/000*/*"))
	if err != nil || len(matches) != 1 {
		t.Fatalf("entry bundles: %v %v", matches, err)
	}
	data, err := os.ReadFile(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	es, err := tlog.DecodeBundle(data)
	if err != nil {
		t.Fatal(err)
	}
	return es, matches[0]
}

func (b *bundle) writeEntries(t *testing.T, es [][]byte) {
	t.Helper()
	_, p := b.entries(t)
	data, err := tlog.EncodeBundle(es)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// editResults changes an area's results file.
func (b *bundle) editResults(t *testing.T, area string, edit func(map[string]any)) {
	t.Helper()
	p := filepath.Join(b.dir, filepath.FromSlash(verify.ResultsPath(tlogtest.FixtureID, area)))
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	if data, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// contest returns a contest's object in a decoded results file.
func contest(m map[string]any, id string) map[string]any {
	for _, c := range m["contests"].([]any) {
		if c := c.(map[string]any); c["contest"] == id {
			return c
		}
	}
	panic("no contest " + id)
}

// signCheckpoint signs a checkpoint of the bundle's log with its key.
func (b *bundle) signCheckpoint(t *testing.T, size int64, hash sumdb.Hash) []byte {
	t.Helper()
	msg, err := tlog.SignCheckpoint(tlog.Checkpoint{Origin: b.key.Name(), Size: size, Hash: hash}, b.signer)
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

func TestVerifyUntouched(t *testing.T) {
	b := newBundle(t)
	r := b.verify(t, nil)
	if !r.OK() {
		t.Fatalf("an untouched bundle does not verify:\n%s", r.Summary())
	}
	want := verify.Report{Election: tlogtest.FixtureID, Size: 8, Checkpoints: 3, Versions: 6, Amendments: 1, Precincts: 5,
		Areas: 8, Results: 8, Outcomes: 3}
	if r.Election != want.Election || r.Size != want.Size || r.Checkpoints != want.Checkpoints || r.Versions != want.Versions ||
		r.Amendments != want.Amendments || r.Precincts != want.Precincts || r.Areas != want.Areas || r.Results != want.Results ||
		r.Outcomes != want.Outcomes {
		t.Errorf("report\n%+v\nwant\n%+v", *r, want)
	}
	if !strings.HasPrefix(r.Summary(), "VERIFIED election tl-2026") {
		t.Errorf("summary:\n%s", r.Summary())
	}
}

// TestVerifyDetects changes a bundle in every way the issue names and
// checks that the verifier says precisely what changed.
func TestVerifyDetects(t *testing.T) {
	for _, test := range []struct {
		name   string
		change func(t *testing.T, b *bundle) func(*verify.Config)
		want   string // in the first problem
	}{
		{"a byte of an entry", func(t *testing.T, b *bundle) func(*verify.Config) {
			es, _ := b.entries(t)
			es[3] = mustReplace(t, es[3], `"option:a" 350`, `"option:a" 359`)
			b.writeEntries(t, es)
			return nil
		}, "entry 3: differs from what the checkpoint commits to (its leaf hash is"},
		{"a byte of the definition", func(t *testing.T, b *bundle) func(*verify.Config) {
			es, _ := b.entries(t)
			es[0] = mustReplace(t, es[0], "kz-referendum-ordinary", "kz-referendum-constitu")
			b.writeEntries(t, es)
			return nil
		}, "entry 0: differs from what the checkpoint commits to"},
		{"an entry and the hash tiles", func(t *testing.T, b *bundle) func(*verify.Config) {
			es, _ := b.entries(t)
			es[3] = mustReplace(t, es[3], `"option:a" 350`, `"option:a" 359`)
			b.writeEntries(t, es)
			var leaves []byte
			for _, e := range es {
				h := sumdb.RecordHash(e)
				leaves = append(leaves, h[:]...)
			}
			if err := os.WriteFile(b.path("tile/0/000.p/8"), leaves, 0o644); err != nil {
				t.Fatal(err)
			}
			return nil
		}, "the hash tiles do not authenticate either"},
		{"a dropped entry", func(t *testing.T, b *bundle) func(*verify.Config) {
			es, _ := b.entries(t)
			b.writeEntries(t, append(es[:5:5], es[6:]...))
			return nil
		}, "holds 7 entries where the checkpoint of 8 entries has 8: entries were dropped or added"},
		{"two entries swapped", func(t *testing.T, b *bundle) func(*verify.Config) {
			es, _ := b.entries(t)
			es[3], es[4] = es[4], es[3]
			b.writeEntries(t, es)
			return nil
		}, "entry 3: holds what the checkpoint has as entry 4: the entries were reordered"},
		{"a total", func(t *testing.T, b *bundle) func(*verify.Config) {
			b.editResults(t, "KZ", func(m map[string]any) { contest(m, "ref")["lines"].(map[string]any)["yes"] = 1102 })
			return nil
		}, "results of KZ (Kazakhstan), contest ref: line yes: published 1102, the log adds up to 1101"},
		{"a district's progress", func(t *testing.T, b *bundle) func(*verify.Config) {
			b.editResults(t, "D1", func(m map[string]any) {
				contest(m, "mayor")["progress"].(map[string]any)["precincts_reported"] = 1
			})
			return nil
		}, "results of D1 (North district), contest mayor: precincts reported: published 1, the log gives 2"},
		{"a precinct's protocol", func(t *testing.T, b *bundle) func(*verify.Config) {
			b.editResults(t, "P3", func(m map[string]any) {
				contest(m, "ref")["lines"].(map[string]any)["no"] = 199
			})
			return nil
		}, "results of P3 (Precinct 3), contest ref: line no: published 199, the log adds up to 200"},
		{"a superseded version shown as current", func(t *testing.T, b *bundle) func(*verify.Config) {
			b.editResults(t, "P1", func(m map[string]any) {
				contest(m, "ref")["protocol"].(map[string]any)["version"] = 1
			})
			return nil
		}, "results of P1 (Precinct 1), contest ref: publishes protocol version 1, the log's latest is 2 (entry 7)"},
		{"a winner", func(t *testing.T, b *bundle) func(*verify.Config) {
			b.editResults(t, "R1", func(m map[string]any) { contest(m, "mayor")["outcome"].(map[string]any)["elected"] = "b" })
			return nil
		}, `results of R1 (North), contest mayor: outcome.elected: published "b", the rules engine decides "a"`},
		{"a missing results file", func(t *testing.T, b *bundle) func(*verify.Config) {
			os.Remove(filepath.Join(b.dir, filepath.FromSlash(verify.ResultsPath(tlogtest.FixtureID, "P2"))))
			return nil
		}, "results of P2 (Precinct 2 \"the library\"): cannot be read"},
		{"a fork shown to an observer", func(t *testing.T, b *bundle) func(*verify.Config) {
			// The CEC showed an observer a tree of 7 entries whose last
			// protocol differs.
			es, _ := b.entries(t)
			forked := append([][]byte(nil), es[:7]...)
			forked[6] = mustReplace(t, forked[6], `"option:b" 270`, `"option:b" 290`)
			seen := b.signCheckpoint(t, 7, rootOf(t, forked))
			return func(c *verify.Config) { c.Checkpoints = [][]byte{seen} }
		}, "checkpoint 1 given: the log forked: it signed the root"},
		{"history rewritten and re-signed", func(t *testing.T, b *bundle) func(*verify.Config) {
			// The CEC changes an early protocol, rebuilds the tiles and
			// signs a new checkpoint: its own earlier checkpoints betray it.
			es, _ := b.entries(t)
			es[2] = mustReplace(t, mustReplace(t, es[2], `"yes" 400`, `"yes" 300`), `"no" 300`, `"no" 400`)
			b.writeEntries(t, es)
			rewriteTiles(t, b, es)
			if err := os.WriteFile(b.path("checkpoint"), b.signCheckpoint(t, 8, rootOf(t, es)), 0o644); err != nil {
				t.Fatal(err)
			}
			return nil
		}, "checkpoints.json, item 2 (size 7): the log forked"},
		{"a truncated log", func(t *testing.T, b *bundle) func(*verify.Config) {
			seen := b.signCheckpoint(t, 100, sumdb.RecordHash([]byte("later")))
			return func(c *verify.Config) { c.Checkpoints = [][]byte{seen} }
		}, "the log signed a tree of 100 entries, but publishes only 8"},
		{"another key", func(t *testing.T, b *bundle) func(*verify.Config) {
			_, vkey, _ := note.GenerateKey(rand.Reader, b.key.Name())
			v, _ := note.NewVerifier(vkey)
			return func(c *verify.Config) { c.Key = v }
		}, "checkpoint: the checkpoint is not signed by the log key"},
		{"too few witnesses", func(t *testing.T, b *bundle) func(*verify.Config) {
			_, _, skey := mustKeyPair(t, "witness.example")
			w, err := tlog.NewCosigner(skey, nil)
			if err != nil {
				t.Fatal(err)
			}
			v, err := tlog.NewCosignatureVerifier(w.VerifierKey())
			if err != nil {
				t.Fatal(err)
			}
			return func(c *verify.Config) { c.Witnesses, c.Quorum = []note.Verifier{v}, 1 }
		}, "checkpoint: cosigned by 0 of the 1 witnesses given, 1 required"},
	} {
		t.Run(test.name, func(t *testing.T) {
			b := newBundle(t)
			change := test.change(t, b)
			r := b.verify(t, change)
			if r.OK() {
				t.Fatalf("the change is not detected:\n%s", r.Summary())
			}
			if got := r.Problems[0].String(); !strings.Contains(got, test.want) {
				t.Errorf("first problem:\n%s\nwant it to say\n%s\nall:\n%s", got, test.want, r.Summary())
			}
		})
	}
}

// mustReplace replaces old by new once in b, which must hold it.
func mustReplace(t *testing.T, b []byte, old, new string) []byte {
	t.Helper()
	if !bytes.Contains(b, []byte(old)) {
		t.Fatalf("%q is not in\n%s", old, b)
	}
	return bytes.Replace(bytes.Clone(b), []byte(old), []byte(new), 1)
}

func mustKeyPair(t *testing.T, name string) (note.Signer, note.Verifier, string) {
	t.Helper()
	skey, vkey, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := note.NewSigner(skey)
	v, _ := note.NewVerifier(vkey)
	return s, v, skey
}

// rootOf is the root hash of entries.
func rootOf(t *testing.T, es [][]byte) sumdb.Hash {
	t.Helper()
	stored := storedHashes(t, es)
	h, err := sumdb.TreeHash(int64(len(es)), hashes(stored))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

type hashes []sumdb.Hash

func (hs hashes) ReadHashes(xs []int64) ([]sumdb.Hash, error) {
	out := make([]sumdb.Hash, len(xs))
	for i, x := range xs {
		if x >= int64(len(hs)) {
			return nil, fmt.Errorf("no hash %d", x)
		}
		out[i] = hs[x]
	}
	return out, nil
}

func storedHashes(t testing.TB, es [][]byte) hashes {
	var stored hashes
	for i, e := range es {
		hs, err := sumdb.StoredHashes(int64(i), e, stored)
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, hs...)
	}
	return stored
}

// writeLog writes a log of the entries, signed with the key, as
// tlog.WriteStatic would; it lets tests publish logs the sequencer would
// never write.
func writeLog(t testing.TB, dir, election string, es [][]byte, signer note.Signer) {
	t.Helper()
	stored := storedHashes(t, es)
	size := int64(len(es))
	root := filepath.Join(dir, "log", tlog.Slug(election))
	for _, tile := range tlog.Tiles(size) {
		var data []byte
		var err error
		if tile.L < 0 {
			data, err = tlog.EncodeBundle(es[tile.N*tlog.TileWidth : tile.N*tlog.TileWidth+int64(tile.W)])
		} else {
			data, err = sumdb.ReadTileData(tile, stored)
		}
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(root, filepath.FromSlash(tlog.StaticPath(tile)))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h, err := sumdb.TreeHash(size, stored)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := tlog.SignCheckpoint(tlog.Checkpoint{Origin: signer.Name(), Size: size, Hash: h}, signer)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "checkpoint"), msg, 0o644); err != nil {
		t.Fatal(err)
	}
}

func rewriteTiles(t *testing.T, b *bundle, es [][]byte) {
	t.Helper()
	stored := storedHashes(t, es)
	for _, tile := range sumdb.NewTiles(tlog.TileHeight, 0, int64(len(es))) {
		data, err := sumdb.ReadTileData(tile, stored)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(b.path(tlog.StaticPath(tile)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// crafted builds a log of the fixture's definition and areas followed by
// the given records, as a dishonest or broken sequencer might write it.
func crafted(t *testing.T, yaml func([]byte) []byte, records ...*tlog.Record) *verify.Report {
	t.Helper()
	e := tlogtest.Election(t)
	if yaml != nil {
		e.Definition = yaml(e.Definition)
	}
	var areas []tlog.PendingArea
	for i, a := range e.Areas {
		areas = append(areas, tlog.PendingArea{Seq: int64(i), Area: a})
	}
	def, rest, err := tlog.DefinitionRecords(e, areas)
	if err != nil {
		t.Fatal(err)
	}
	var es [][]byte
	for _, r := range append([]*tlog.Record{def, rest}, records...) {
		parts, err := r.Entries()
		if err != nil {
			t.Fatal(err)
		}
		es = append(es, parts...)
	}
	signer, key, _ := mustKeyPair(t, tlogtest.Origin)
	dir := t.TempDir()
	writeLog(t, dir, tlogtest.FixtureID, es, signer)
	src, _, err := verify.Open(t.Context(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := verify.Verify(t.Context(), verify.Config{Source: src, Key: key, LogOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// protocol is a valid first version of the referendum at a precinct.
func protocol(area string, version int, lines map[string]int64) *dauys.Protocol {
	if lines == nil {
		lines = map[string]int64{"registered": 1000, "took_part": 715, "yes": 400, "no": 300, "both_marked": 5, "invalid": 10, "valid": 705}
	}
	p := &dauys.Protocol{Election: tlogtest.FixtureID, Contest: "ref", Area: area, Version: version, Kind: dauys.ProtocolOriginal,
		Lines: lines, ReceivedAt: time.Date(2026, 3, 15, 20, version, 0, 0, time.UTC)}
	if version > 1 {
		p.Kind, p.Reason = dauys.ProtocolAmendment, "Recount"
	}
	return p
}

// TestVerifyReplay publishes logs that a correct sequencer never writes,
// signed with the log key, and checks that the replay refuses each.
func TestVerifyReplay(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	key := &dauys.Key{ID: dauys.KeyID(pub), Election: tlogtest.FixtureID, Area: "D1", PublicKey: pub,
		CreatedAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	signed := func(p *dauys.Protocol) *tlog.Record {
		p.KeyID, p.Signature = key.ID, ed25519.Sign(priv, p.CanonicalBytes())
		return tlog.ProtocolRecord(p)
	}
	signedAsSent := func(p *dauys.Protocol) *tlog.Record {
		sent := map[string]int64{}
		for k, v := range p.Lines {
			if k != "valid" {
				sent[k] = v
			}
		}
		p.KeyID, p.Signature = key.ID, ed25519.Sign(priv, dauys.SignedBytes(p.Election, p.Contest, p.Area, sent))
		return tlog.ProtocolRecord(p)
	}
	// signedFor signs p as intake holds a commission to: for an amendment,
	// naming the version it replaces (nil for an original).
	signedFor := func(p, of *dauys.Protocol) *tlog.Record {
		s := dauys.SignedProtocol{Election: p.Election, Contest: p.Contest, Area: p.Area, Lines: p.Lines, Reason: p.Reason}
		if of != nil {
			s.SupersedesVersion, s.SupersedesHash = of.Version, of.ContentHash()
		}
		p.KeyID, p.Signature = key.ID, ed25519.Sign(priv, s.Bytes())
		return tlog.ProtocolRecord(p)
	}
	recount := map[string]int64{"registered": 1000, "took_part": 715, "yes": 401, "no": 299, "both_marked": 5, "invalid": 10, "valid": 705}
	// replayed is version 2 of P1 carrying version 1's signature, as an
	// operator who resends the commission's signed original as an
	// amendment makes it.
	replayed := func(v1 *tlog.Record) *tlog.Record {
		p := protocol("P1", 2, nil)
		p.KeyID, p.Signature = key.ID, v1.Signature
		return tlog.ProtocolRecord(p)
	}
	v1, v2 := protocol("P1", 1, nil), protocol("P1", 2, recount)
	signedV1, signedV2 := signedFor(v1, nil), signedFor(v2, v1)
	revoked := *key
	revoked.RevokedAt = time.Date(2026, 3, 15, 20, 0, 30, 0, time.UTC)
	signedElection := func(b []byte) []byte {
		return bytes.Replace(b, []byte("date: 2026-03-15\n"), []byte("date: 2026-03-15\nsigned: true\n"), 1)
	}
	for _, test := range []struct {
		name    string
		yaml    func([]byte) []byte
		records []*tlog.Record
		want    string // "" for a log that verifies
	}{
		{"an original and its amendment", nil, []*tlog.Record{tlog.ProtocolRecord(protocol("P1", 1, nil)), tlog.ProtocolRecord(protocol("P1", 2, nil))}, ""},
		{"a missing first version", nil, []*tlog.Record{tlog.ProtocolRecord(protocol("P1", 2, nil))},
			"entry 2, precinct P1 (Precinct 1), contest ref, version 2: is version 2 where version 1 was due"},
		{"a repeated version", nil, []*tlog.Record{tlog.ProtocolRecord(protocol("P1", 1, nil)), tlog.ProtocolRecord(protocol("P1", 1, nil))},
			"entry 3, precinct P1 (Precinct 1), contest ref, version 1: is version 1 where version 2 was due"},
		{"an amendment without a reason", nil, []*tlog.Record{tlog.ProtocolRecord(protocol("P1", 1, nil)),
			func() *tlog.Record { p := protocol("P1", 2, nil); p.Reason = " "; return tlog.ProtocolRecord(p) }()},
			"version 2: an amendment without a reason"},
		{"a failed control relation", nil, []*tlog.Record{tlog.ProtocolRecord(protocol("P2", 1, map[string]int64{"registered": 800,
			"took_part": 900, "yes": 800, "no": 85, "both_marked": 5, "invalid": 10, "valid": 890}))},
			"precinct P2 (Precinct 2 \"the library\"), contest ref, version 1: fails its form: E_OVER_LIST"},
		{"a wrong derived line", nil, []*tlog.Record{tlog.ProtocolRecord(protocol("P2", 1, map[string]int64{"registered": 800,
			"took_part": 715, "yes": 400, "no": 300, "both_marked": 5, "invalid": 10, "valid": 700}))},
			"line valid is 700, but yes + no + both_marked makes it 705"},
		{"a precinct outside the contest", nil, []*tlog.Record{tlog.ProtocolRecord(&dauys.Protocol{Election: tlogtest.FixtureID,
			Contest: "mayor", Area: "P3", Version: 1, Kind: dauys.ProtocolOriginal,
			Lines: map[string]int64{"registered": 1, "took_part": 1, "option:a": 1, "option:b": 0, "invalid": 0}})},
			"precinct P3 does not vote in contest mayor"},
		{"a district reporting", nil, []*tlog.Record{tlog.ProtocolRecord(protocol("D1", 1, nil))}, "D1 is not a precinct"},
		{"a signed protocol", nil, []*tlog.Record{tlog.KeyRecord(key), signed(protocol("P1", 1, nil)), signedAsSent(protocol("P2", 1, nil))}, ""},
		{"a signed amendment", nil, []*tlog.Record{tlog.KeyRecord(key), signedV1, signedV2}, ""},
		{"a signed original replayed as an amendment", nil, []*tlog.Record{tlog.KeyRecord(key), signedV1, replayed(signedV1)},
			"version 2: carries key " + key.ID + "'s signature of an original protocol, not of an amendment of version 1"},
		{"an old-format original replayed as an amendment", nil, []*tlog.Record{tlog.KeyRecord(key), signed(protocol("P1", 1, nil)),
			replayed(signed(protocol("P1", 1, nil)))},
			"version 2: is an amendment signed with key " + key.ID + " in the old format"},
		{"a signed amendment of a version that is not the one before it", nil, []*tlog.Record{tlog.KeyRecord(key), signedV1, signedV2,
			func() *tlog.Record { p := protocol("P1", 3, nil); p.Reason = "Second recount"; return signedFor(p, v1) }()},
			"version 3: its signature does not verify with key " + key.ID},
		{"a signed amendment with another reason", nil, []*tlog.Record{tlog.KeyRecord(key), signedV1,
			func() *tlog.Record {
				p := protocol("P1", 2, recount)
				r := signedFor(p, v1)
				r.Reason = "Typo"
				return r
			}()},
			"version 2: its signature does not verify with key " + key.ID},
		{"a signature by an unregistered key", nil, []*tlog.Record{signed(protocol("P1", 1, nil))},
			"is signed with key \"" + key.ID + "\", which the log did not register before it"},
		{"a signature that does not verify", nil, []*tlog.Record{tlog.KeyRecord(key),
			func() *tlog.Record { r := signed(protocol("P1", 1, nil)); r.Signature[0] ^= 1; return r }()},
			"its signature does not verify with key " + key.ID},
		{"another district's key", nil, []*tlog.Record{tlog.KeyRecord(key), signed(protocol("P3", 1, map[string]int64{"registered": 1200,
			"took_part": 715, "yes": 400, "no": 300, "both_marked": 5, "invalid": 10, "valid": 705}))},
			"is signed with key " + key.ID + " of D1, which does not hold precinct P3"},
		{"a key revoked before", nil, []*tlog.Record{tlog.KeyRecord(key), tlog.RevocationRecord(&revoked), signed(protocol("P1", 1, nil))},
			"is signed with key " + key.ID + ", revoked at 2026-03-15T20:00:30Z, before the version arrived at 2026-03-15T20:01:00Z"},
		{"an unsigned protocol of a signed election", signedElection, []*tlog.Record{tlog.ProtocolRecord(protocol("P1", 1, nil))},
			"is not signed, but the election requires signed protocols"},
		{"a second definition", nil, []*tlog.Record{{Kind: tlog.KindDefinition, Election: tlogtest.FixtureID, Name: "election.yaml",
			Content: []byte("id: tl-2026\n")}}, "entry 2: a second definition"},
		{"a record of another election", nil, []*tlog.Record{func() *tlog.Record {
			p := protocol("P1", 1, nil)
			p.Election = "other"
			return tlog.ProtocolRecord(p)
		}()}, `entry 2: is a record of election "other", in the log of "tl-2026"`},
		{"an area under an unknown parent", nil, []*tlog.Record{{Kind: tlog.KindAreas, Election: tlogtest.FixtureID,
			Content: []byte("id,parent,level,number,iso,registered,name_kk,name_ru,name_en\nP9,D9,precinct,,,,,,\n")}},
			"entry 2: area P9: its parent D9 is not in the log"},
	} {
		t.Run(test.name, func(t *testing.T) {
			r := crafted(t, test.yaml, test.records...)
			switch {
			case test.want == "" && !r.OK():
				t.Errorf("the log does not verify:\n%s", r.Summary())
			case test.want != "" && r.OK():
				t.Errorf("the log verifies, want %q", test.want)
			case test.want != "" && !strings.Contains(r.Problems[0].String(), test.want):
				t.Errorf("first problem:\n%s\nwant it to say\n%s", r.Problems[0], test.want)
			}
		})
	}
}

// TestVerifyOverflowingCounts checks that a log whose protocols break the
// count bound is reported, protocol by protocol and where their sums would
// overflow, and that the verifier does not wrap the sums around.
func TestVerifyOverflowingCounts(t *testing.T) {
	huge := int64(1) << 62
	absurd := func(area string) *tlog.Record {
		return tlog.ProtocolRecord(protocol(area, 1, map[string]int64{"registered": 800, "took_part": 715,
			"yes": huge, "no": huge, "both_marked": 5, "invalid": 10, "valid": 705}))
	}
	r := crafted(t, nil, absurd("P1"), absurd("P2"))
	if r.OK() {
		t.Fatal("a log with counts of 2^62 verifies")
	}
	var tooLarge, overflow bool
	for _, p := range r.Problems {
		tooLarge = tooLarge || strings.Contains(p.String(), "E_TOO_LARGE")
		overflow = overflow || strings.Contains(p.String(), "overflows")
	}
	if !tooLarge || !overflow {
		t.Errorf("want the bound and the overflow reported, got:\n%s", r.Summary())
	}
}

// TestVerifySignedAmendment signs an original and its amendment as a
// commission does, sends them through intake, logs and publishes them, and
// checks that the verifier rebuilds from the log alone the binding intake
// held the amendment to: the same signatures verify on both sides.
func TestVerifySignedAmendment(t *testing.T) {
	s, seq, in := fixture(t)
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	key := &dauys.Key{ID: dauys.KeyID(pub), Election: tlogtest.FixtureID, Area: "D1", PublicKey: pub,
		CreatedAt: time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)}
	if err := s.CreateKey(t.Context(), key); err != nil {
		t.Fatal(err)
	}
	seq.Keys = func(context.Context, string) ([]*dauys.Key, error) { return []*dauys.Key{key}, nil }
	sign := func(sub intake.Submission) intake.Submission {
		sub.KeyID, sub.Signature = key.ID, ed25519.Sign(priv, sub.Signed(tlogtest.FixtureID).Bytes())
		return sub
	}
	v1 := tlogtest.Submit(t, in, sign(tlogtest.Night()[0]))[0]
	fix := tlogtest.Night()[0]
	fix.Lines["yes"], fix.Lines["no"] = 401, 299
	fix.Amendment, fix.Reason = true, "Recount: one ballot was counted for no"
	fix.SupersedesVersion, fix.SupersedesHash = v1.Version, v1.Hash
	if v2 := tlogtest.Submit(t, in, sign(fix))[0]; v2.Version != 2 {
		t.Fatalf("the signed amendment is version %d", v2.Version)
	}
	r := published(t, s, seq, in).verify(t, nil)
	if !r.OK() || r.Signed != 2 || r.Amendments != 1 {
		t.Errorf("the signed original and amendment:\n%s", r.Summary())
	}
}

// TestVerifyOverHTTP verifies the live log and results, as an observer
// does against the public site: the same layout, read over HTTP.
func TestVerifyOverHTTP(t *testing.T) {
	b := newBundle(t)
	srv := httptest.NewServer(http.FileServer(http.Dir(b.dir)))
	defer srv.Close()
	src, _, err := verify.Open(t.Context(), srv.URL, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	r, err := verify.Verify(t.Context(), verify.Config{Source: src, Key: b.key, Election: tlogtest.FixtureID})
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() || r.Results != 8 {
		t.Errorf("over HTTP:\n%s", r.Summary())
	}
}

// TestVerifyCurrentJSON follows a site's current.json to its current
// export, as `dauys publish` lays them out.
func TestVerifyCurrentJSON(t *testing.T) {
	b := newBundle(t)
	site := t.TempDir()
	if err := os.MkdirAll(filepath.Join(site, "v"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(b.dir, filepath.Join(site, "v", "20260315T230000Z")); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(site, "current.json"), []byte(`{"election": "tl-2026", "version": "20260315T230000Z", "path": "v/20260315T230000Z/"}`), 0o644)
	src, election, err := verify.Open(t.Context(), site, nil)
	if err != nil || election != tlogtest.FixtureID {
		t.Fatalf("Open = %v, %q, %v", src, election, err)
	}
	r, err := verify.Verify(t.Context(), verify.Config{Source: src, Key: b.key, Election: election})
	if err != nil || !r.OK() {
		t.Errorf("through current.json: %v\n%s", err, r.Summary())
	}
}

// TestWitness cosigns a log as it grows, then refuses a fork and a
// rollback, and the verifier counts the cosignature.
func TestWitness(t *testing.T) {
	ctx := t.Context()
	b := newBundle(t)
	_, _, skey := mustKeyPair(t, "witness.example")
	w, err := tlog.NewCosigner(skey, nil)
	if err != nil {
		t.Fatal(err)
	}
	wv, err := tlog.NewCosignatureVerifier(w.VerifierKey())
	if err != nil {
		t.Fatal(err)
	}
	src, _, err := verify.Open(ctx, b.dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	first, cp, err := verify.Cosign(ctx, src, tlogtest.FixtureID, b.key, w, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, n, err := tlog.OpenCheckpoint(first, b.key, wv); err != nil || len(n.Sigs) != 2 || cp.Size != 8 {
		t.Fatalf("the cosigned checkpoint: %v, %v", n, err)
	}
	if _, _, err := verify.Cosign(ctx, src, tlogtest.FixtureID, b.key, w, first); err != nil {
		t.Errorf("cosigning the same checkpoint again: %v", err)
	}
	// The verifier requires the cosignature when told to.
	if err := os.WriteFile(b.path("checkpoint"), first, 0o644); err != nil {
		t.Fatal(err)
	}
	if r := b.verify(t, func(c *verify.Config) { c.Witnesses, c.Quorum = []note.Verifier{wv}, 1 }); !r.OK() || r.Cosigned != 1 {
		t.Errorf("a cosigned checkpoint:\n%s", r.Summary())
	}

	// The log grows: an append-only extension is cosigned.
	es, _ := b.entries(t)
	grown := append(append([][]byte(nil), es...), []byte("dauys-log-entry-v1\nrecord areas\n"))
	writeLog(t, b.dir, tlogtest.FixtureID, grown, b.signer)
	second, cp, err := verify.Cosign(ctx, src, tlogtest.FixtureID, b.key, w, first)
	if err != nil || cp.Size != 9 {
		t.Fatalf("cosigning an extension: %v", err)
	}
	// A fork and a rollback are refused.
	forked := append([][]byte(nil), grown...)
	forked[3] = mustReplace(t, forked[3], `"option:a" 350`, `"option:a" 351`)
	forked = append(forked, []byte("one more"))
	writeLog(t, b.dir, tlogtest.FixtureID, forked, b.signer)
	if _, _, err := verify.Cosign(ctx, src, tlogtest.FixtureID, b.key, w, second); dauys.ErrorCode(err) != dauys.ECONFLICT ||
		!strings.Contains(err.Error(), "the log forked") {
		t.Errorf("cosigning a fork: %v", err)
	}
	writeLog(t, b.dir, tlogtest.FixtureID, es, b.signer)
	if _, _, err := verify.Cosign(ctx, src, tlogtest.FixtureID, b.key, w, second); dauys.ErrorCode(err) != dauys.ECONFLICT ||
		!strings.Contains(err.Error(), "rolled back") {
		t.Errorf("cosigning a rollback: %v", err)
	}
}
