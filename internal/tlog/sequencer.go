package tlog

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"path"
	"slices"
	"strconv"
	"sync"
	"testing/fstest"
	"time"

	"go.yaml.in/yaml/v3"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/definition"
)

// Sequencer appends to the logs what the store has accepted and signs
// checkpoints. It is the log's only writer: the stores save protocols as
// they always do, and Sync, run after their commits, logs the versions not
// logged yet in the order they were stored. A version is thus in the
// results a moment before it is in the log (the merge delay), and a crash
// in between loses nothing, since the next Sync catches up.
//
// Two sequencers over the same database are safe but useless: AppendLog
// refuses a batch that does not start at the log's size, and the loser
// tries again on its next round.
type Sequencer struct {
	Storage Storage
	// Signers are the log keys this sequencer holds; Sync signs an
	// election's checkpoints with the one whose verifier key the log was
	// created with.
	Signers []note.Signer
	// Keys, when set, returns the commission keys of an election, which
	// are logged before the protocols they sign, and logged again when
	// revoked.
	Keys func(ctx context.Context, election string) ([]*dauys.Key, error)
	// Images, when set, gives the hashes of observers' images, which are
	// logged after the protocols of each Sync so that an image cannot be
	// swapped once published.
	Images ImageSource
	// Now stamps the checkpoints as they are stored; nil means time.Now.
	Now func() time.Time
	// Logger, when set, is told of each checkpoint and of errors in Run.
	Logger *slog.Logger
	// BatchSize bounds the protocol versions appended in one transaction
	// (default 5000).
	BatchSize int

	mu      sync.Mutex // one Sync at a time
	keys    map[string]*keyState
	images  map[string]int64 // the ObservationsVersion last logged, per election
	wakeMu  sync.Mutex
	wake    chan struct{}
	pending map[string]bool
}

// Sync appends to an election's log every protocol version, area and key
// stored but not logged yet and, when the log grew or has no checkpoint,
// signs and stores a checkpoint of it, which it returns. The first Sync of
// an election logs its definition and areas first.
func (s *Sequencer) Sync(ctx context.Context, election string) (Checkpoint, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.sync(ctx, election)
	if err != nil {
		// What it took for logged may not be: look again next time.
		delete(s.keys, election)
		delete(s.images, election)
	}
	return c, err
}

func (s *Sequencer) sync(ctx context.Context, election string) (Checkpoint, error) {
	info, err := s.Storage.LogInfo(ctx, election)
	if err != nil {
		return Checkpoint{}, err
	}
	signer, err := s.signer(info)
	if err != nil {
		return Checkpoint{}, err
	}
	size, err := s.Storage.LogSize(ctx, election)
	if err != nil {
		return Checkpoint{}, err
	}
	batch := s.BatchSize
	if batch <= 0 {
		batch = 5000
	}
	r := newHashReader(ctx, s.Storage, election)
	for {
		entries, more, err := s.next(ctx, election, size, batch)
		if err != nil {
			return Checkpoint{}, fmt.Errorf("tlog: sync %s: %w", election, err)
		}
		if len(entries) == 0 {
			break
		}
		hashes, err := storedHashes(r, size, entries)
		if err != nil {
			return Checkpoint{}, fmt.Errorf("tlog: sync %s: %w", election, err)
		}
		if err := s.Storage.AppendLog(ctx, election, size, entries, hashes); err != nil {
			return Checkpoint{}, fmt.Errorf("tlog: sync %s: %w", election, err)
		}
		size += int64(len(entries))
		if !more {
			break
		}
	}
	if s.Images != nil {
		n, err := s.appendImages(ctx, r, election, size)
		if err != nil {
			return Checkpoint{}, fmt.Errorf("tlog: sync %s: %w", election, err)
		}
		size += n
	}
	var last *Checkpoint
	switch stored, err := s.Storage.Checkpoint(ctx, election, -1); {
	case err == nil:
		n, err := note.Open(stored.Note, note.VerifierList(signer.(note.Verifier)))
		if err != nil {
			return Checkpoint{}, fmt.Errorf("tlog: sync %s: the stored checkpoint: %w", election, err)
		}
		c, err := ParseCheckpoint(n.Text)
		if err != nil || c.Size == size {
			return c, err
		}
		last = &c
	case dauys.ErrorCode(err) != dauys.ENOTFOUND:
		return Checkpoint{}, err
	}
	root, err := tlog.TreeHash(size, r)
	if err != nil {
		return Checkpoint{}, fmt.Errorf("tlog: sync %s: tree hash: %w", election, err)
	}
	// Never sign a tree that does not extend the last signed one, whatever
	// happened to the stored hashes: that would be a fork in the CEC's name.
	if last != nil {
		h, err := tlog.TreeHash(last.Size, r)
		if err != nil {
			return Checkpoint{}, fmt.Errorf("tlog: sync %s: tree hash: %w", election, err)
		}
		if last.Size > size || h != last.Hash {
			return Checkpoint{}, fmt.Errorf("tlog: sync %s: the stored tree does not extend the checkpoint of %d entries; refusing to sign a fork", election, last.Size)
		}
	}
	c := Checkpoint{Origin: info.Origin, Size: size, Hash: root}
	msg, err := SignCheckpoint(c, signer)
	if err != nil {
		return Checkpoint{}, err
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	if err := s.Storage.SaveCheckpoint(ctx, election, &StoredCheckpoint{Size: size, Note: msg, CreatedAt: now().UTC()}); err != nil {
		return Checkpoint{}, err
	}
	if s.Logger != nil {
		s.Logger.Info("log checkpoint", "election", election, "size", size, "root", root.String())
	}
	return c, nil
}

// signer picks the signer of the log's key.
func (s *Sequencer) signer(info *Info) (note.Signer, error) {
	v, err := note.NewVerifier(info.VerifierKey)
	if err != nil {
		return nil, fmt.Errorf("tlog: the log of %s has a bad verifier key: %w", info.Election, err)
	}
	for _, sg := range s.Signers {
		if sg.Name() == v.Name() && sg.KeyHash() == v.KeyHash() {
			if _, ok := sg.(note.Verifier); !ok {
				sg = verifyingSigner{sg, v}
			}
			return sg, nil
		}
	}
	return nil, dauys.Errorf(dauys.EINVALID, "the log of election %s is signed with the key %s, which this sequencer does not hold",
		info.Election, info.VerifierKey)
}

// verifyingSigner pairs a signer with its verifier key, so that Sync can
// read back the checkpoints it signed.
type verifyingSigner struct {
	note.Signer
	v note.Verifier
}

func (s verifyingSigner) Verify(msg, sig []byte) bool { return s.v.Verify(msg, sig) }

// storedHashes computes the stored hashes that appending the entries at
// start adds, remembering them in r for the next ones.
func storedHashes(r *hashReader, start int64, entries []Entry) ([]tlog.Hash, error) {
	var out []tlog.Hash
	for i, e := range entries {
		n := start + int64(i)
		hs, err := tlog.StoredHashes(n, e.Data, r)
		if err != nil {
			return nil, err
		}
		base := tlog.StoredHashCount(n)
		for j, h := range hs {
			r.known[base+int64(j)] = h
		}
		out = append(out, hs...)
	}
	return out, nil
}

// next returns the entries of the next batch: on an empty log the
// definition and its areas; then areas and keys added since the last
// batch, and at most batch protocol versions. Protocols are read first:
// an area or key that a protocol needs was committed before the protocol,
// so reading them after it cannot miss it, and they go in the log before
// the protocol.
func (s *Sequencer) next(ctx context.Context, election string, size int64, batch int) ([]Entry, bool, error) {
	ps, err := s.Storage.UnloggedProtocols(ctx, election, batch)
	if err != nil {
		return nil, false, err
	}
	areas, err := s.Storage.UnloggedAreas(ctx, election)
	if err != nil {
		return nil, false, err
	}
	var entries []Entry
	add := func(r *Record, seq int64) error {
		es, err := r.Entries()
		if err != nil {
			return err
		}
		for i, e := range es {
			en := Entry{Kind: r.Kind, Seq: seq, Data: e}
			if i == 0 {
				en.Ref = r.Ref()
			}
			// The store keeps a version's record as a reference to it.
			en.Stored = r.Kind == KindProtocol && len(es) == 1
			entries = append(entries, en)
		}
		return nil
	}
	if size == 0 {
		e, err := s.definition(ctx, election)
		if err != nil {
			return nil, false, err
		}
		def, first, err := DefinitionRecords(e, areas)
		if err != nil {
			return nil, false, err
		}
		if err := add(def, -1); err != nil {
			return nil, false, err
		}
		if err := add(first, lastSeq(areas)); err != nil {
			return nil, false, err
		}
	} else if len(areas) > 0 {
		r := &Record{Kind: KindAreas, Election: election, Content: areasCSV(areas)}
		if err := add(r, lastSeq(areas)); err != nil {
			return nil, false, err
		}
	}
	if s.Keys != nil && s.keysDue(election, ps) {
		rs, err := s.keyRecords(ctx, election)
		if err != nil {
			return nil, false, err
		}
		for _, r := range rs {
			if err := add(r, -1); err != nil {
				return nil, false, err
			}
		}
	}
	for _, p := range ps {
		if p.Protocol.Election != election {
			return nil, false, fmt.Errorf("the store gave a protocol of election %s for %s", p.Protocol.Election, election)
		}
		content := p.Content
		if content == nil {
			content = p.Protocol.CanonicalBytes()
		}
		if err := add(protocolRecord(p.Protocol, content), p.Seq); err != nil {
			return nil, false, err
		}
	}
	return entries, len(ps) == batch, nil
}

// definition returns an election without its areas, which the first
// batch has read already.
func (s *Sequencer) definition(ctx context.Context, election string) (*dauys.Election, error) {
	es, err := s.Storage.Elections(ctx)
	if err != nil {
		return nil, err
	}
	for _, e := range es {
		if e.ID == election {
			return e, nil
		}
	}
	return nil, dauys.Errorf(dauys.ENOTFOUND, "election %s does not exist", election)
}

func lastSeq(areas []PendingArea) int64 {
	if len(areas) == 0 {
		return -1
	}
	return areas[len(areas)-1].Seq
}

// keyState is what a sequencer knows of an election's keys: those whose
// records are logged, and when it last looked for new keys and
// revocations.
type keyState struct {
	logged  map[string]bool // key ids
	checked time.Time
}

// keyCheckInterval bounds how late a revocation is logged: the keys are
// looked up again at least this often while protocols flow, and at once
// when a protocol is signed by a key not logged yet.
const keyCheckInterval = time.Second

// keysDue reports whether the next batch must look up the election's keys:
// on its first round, on a round with no protocols, when one of the
// protocols is signed by a key the sequencer has not seen logged (a key must
// be logged before what it signs), and every keyCheckInterval for
// revocations. Otherwise a batch costs no key query, however many keys the
// election has.
func (s *Sequencer) keysDue(election string, ps []PendingProtocol) bool {
	st := s.keys[election]
	if st == nil || len(ps) == 0 || time.Since(st.checked) >= keyCheckInterval {
		return true
	}
	for _, p := range ps {
		if p.Protocol.KeyID != "" && !st.logged[p.Protocol.KeyID] {
			return true
		}
	}
	return false
}

// keyRecords returns the records of keys not logged yet and of
// revocations not logged yet, and remembers the keys as logged: the
// records it returns are appended before the protocols of the same batch,
// or the batch fails and the sequencer starts again from the store.
func (s *Sequencer) keyRecords(ctx context.Context, election string) ([]*Record, error) {
	now := time.Now()
	keys, err := s.Keys(ctx, election)
	if err != nil {
		return nil, err
	}
	logged := map[string]bool{}
	for _, kind := range []string{KindKey, KindRevocation} {
		refs, err := s.Storage.LoggedRefs(ctx, election, kind)
		if err != nil {
			return nil, err
		}
		for _, r := range refs {
			logged[r] = true
		}
	}
	st := &keyState{logged: map[string]bool{}, checked: now}
	for _, k := range keys {
		st.logged[k.ID] = true
	}
	if s.keys == nil {
		s.keys = map[string]*keyState{}
	}
	s.keys[election] = st
	keys = slices.Clone(keys)
	slices.SortStableFunc(keys, func(a, b *dauys.Key) int { return a.CreatedAt.Compare(b.CreatedAt) })
	var out []*Record
	for _, k := range keys {
		if k.Election != election {
			continue
		}
		if r := KeyRecord(k); !logged[r.Ref()] {
			out = append(out, r)
		}
		if r := RevocationRecord(k); !k.RevokedAt.IsZero() && !logged[r.Ref()] {
			out = append(out, r)
		}
	}
	return out, nil
}

// DefinitionRecords returns the first two records of an election's log:
// its definition file and, in the format of an areas_file, the areas that
// the file does not list itself (those of its areas_file and any created
// on import since), which the areas record names after the areas_file. It
// checks that the two read back, with internal/definition, as the
// election's areas, so that a verifier can rebuild the election from them.
func DefinitionRecords(e *dauys.Election, areas []PendingArea) (def, rest *Record, err error) {
	if len(e.Definition) == 0 {
		return nil, nil, dauys.Errorf(dauys.EINVALID, "election %s has no definition file to log", e.ID)
	}
	var top struct {
		Areas []struct {
			ID string `yaml:"id"`
		} `yaml:"areas"`
		AreasFile string `yaml:"areas_file"`
	}
	if err := yaml.Unmarshal(e.Definition, &top); err != nil {
		return nil, nil, fmt.Errorf("read the definition of %s: %w", e.ID, err)
	}
	if len(top.Areas) > len(areas) {
		return nil, nil, fmt.Errorf("election %s: the definition lists %d areas, the store %d", e.ID, len(top.Areas), len(areas))
	}
	for i, a := range top.Areas {
		if areas[i].Area.ID != a.ID {
			return nil, nil, fmt.Errorf("election %s: area %d of the definition is %s, the store's is %s", e.ID, i+1, a.ID, areas[i].Area.ID)
		}
	}
	extra := areas[len(top.Areas):]
	def = &Record{Kind: KindDefinition, Election: e.ID, Name: definition.DefaultFile, Content: e.Definition}
	rest = &Record{Kind: KindAreas, Election: e.ID, Name: top.AreasFile, Content: areasCSV(extra)}

	// Read them back as a verifier will.
	var fsys fstest.MapFS
	if top.AreasFile != "" {
		fsys = fstest.MapFS{path.Clean(top.AreasFile): {Data: rest.Content}}
	}
	parsed, err := definition.Parse(def.Content, def.Name, fsys)
	if err != nil {
		return nil, nil, fmt.Errorf("election %s: its definition does not read back from the log: %w", e.ID, err)
	}
	got := parsed.Areas
	if top.AreasFile == "" {
		more, err := ParseAreasCSV(rest.Content)
		if err != nil {
			return nil, nil, err
		}
		got = append(got, more...)
	}
	if len(got) != len(areas) {
		return nil, nil, fmt.Errorf("election %s: %d areas read back from the log, the store has %d", e.ID, len(got), len(areas))
	}
	for i := range got {
		a, b := got[i], areas[i].Area
		if a.ID != b.ID || a.Parent != b.Parent || a.Level != b.Level || a.Number != b.Number ||
			a.ISO != b.ISO || a.Registered != b.Registered || a.Name != b.Name {
			return nil, nil, fmt.Errorf("election %s: area %s reads back from the log as %+v, the store has %+v", e.ID, b.ID, a, b)
		}
	}
	return def, rest, nil
}

// areasCSV writes areas in the format of a definition's areas_file.
func areasCSV(areas []PendingArea) []byte {
	return definition.AreasCSV(func(yield func(dauys.Area) bool) {
		for _, p := range areas {
			if !yield(p.Area) {
				return
			}
		}
	})
}

// ParseAreasCSV reads an areas record's CSV, as areasCSV writes it.
func ParseAreasCSV(b []byte) ([]dauys.Area, error) {
	r := csv.NewReader(bytes.NewReader(b))
	header, err := r.Read()
	if want := definition.AreasColumns(); err != nil || !slices.Equal(header, want) {
		return nil, fmt.Errorf("an areas record starts with the header %v", want)
	}
	var out []dauys.Area
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		a := dauys.Area{ID: rec[0], Parent: rec[1], Level: rec[2], Number: rec[3], ISO: rec[4],
			Name: dauys.Text{KK: rec[6], RU: rec[7], EN: rec[8]}}
		if rec[5] != "" {
			if a.Registered, err = strconv.ParseInt(rec[5], 10, 64); err != nil {
				return nil, fmt.Errorf("area %s: registered %q is not a whole number", a.ID, rec[5])
			}
		}
		out = append(out, a)
	}
}

// Notify asks Run to sync an election soon. It never blocks, so intake can
// call it after every batch.
func (s *Sequencer) Notify(election string) {
	s.wakeMu.Lock()
	defer s.wakeMu.Unlock()
	if s.pending == nil {
		s.pending = map[string]bool{}
	}
	s.pending[election] = true
	if s.wake == nil {
		s.wake = make(chan struct{}, 1)
	}
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run syncs, until ctx is done, the elections named by Notify as soon as
// they are, and the elections given every interval. Errors are logged and
// retried on the next round, so that a log never stops for good.
func (s *Sequencer) Run(ctx context.Context, interval time.Duration, elections ...string) error {
	s.wakeMu.Lock()
	if s.wake == nil {
		s.wake = make(chan struct{}, 1)
	}
	wake := s.wake
	s.wakeMu.Unlock()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		var due []string
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
			due = slices.Clone(elections)
		case <-wake:
		}
		s.wakeMu.Lock()
		for e := range s.pending {
			if !slices.Contains(due, e) {
				due = append(due, e)
			}
		}
		s.pending = nil
		s.wakeMu.Unlock()
		for _, e := range due {
			// Elections without a log are notified too: intake does not
			// know which have one.
			if _, err := s.Storage.LogInfo(ctx, e); dauys.ErrorCode(err) == dauys.ENOTFOUND {
				continue
			}
			if _, err := s.Sync(ctx, e); err != nil && ctx.Err() == nil && s.Logger != nil {
				s.Logger.Error("log sync failed", "election", e, "err", err)
			}
		}
	}
}

// ImageSource is what the sequencer reads of observers' images; both
// stores have it (dauys.ObservationStore).
type ImageSource interface {
	ObservationsVersion(ctx context.Context, election string) (int64, error)
	ObservationImages(ctx context.Context, election string) ([]*dauys.ObservationImage, error)
}

// appendImages appends the records of the images not logged yet at size
// and returns how many entries it appended. It reads the images only when
// the store's ObservationsVersion moved since it last looked, so that a
// night of protocols costs one small query per round.
func (s *Sequencer) appendImages(ctx context.Context, r *hashReader, election string, size int64) (int64, error) {
	v, err := s.Images.ObservationsVersion(ctx, election)
	if err != nil {
		return 0, err
	}
	if seen, ok := s.images[election]; ok && seen == v {
		return 0, nil
	}
	imgs, err := s.Images.ObservationImages(ctx, election)
	if err != nil {
		return 0, err
	}
	refs, err := s.Storage.LoggedRefs(ctx, election, KindImage)
	if err != nil {
		return 0, err
	}
	logged := make(map[string]bool, len(refs))
	for _, ref := range refs {
		logged[ref] = true
	}
	var entries []Entry
	for _, img := range imgs {
		rec := ImageRecord(img)
		if rec.Election != election || logged[rec.Ref()] {
			continue
		}
		es, err := rec.Entries()
		if err != nil {
			return 0, err
		}
		for i, e := range es {
			en := Entry{Kind: rec.Kind, Seq: -1, Data: e}
			if i == 0 {
				en.Ref = rec.Ref()
			}
			entries = append(entries, en)
		}
	}
	if len(entries) > 0 {
		hashes, err := storedHashes(r, size, entries)
		if err != nil {
			return 0, err
		}
		if err := s.Storage.AppendLog(ctx, election, size, entries, hashes); err != nil {
			return 0, err
		}
	}
	if s.images == nil {
		s.images = map[string]int64{}
	}
	s.images[election] = v
	return int64(len(entries)), nil
}
