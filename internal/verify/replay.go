package verify

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"strings"
	"testing/fstest"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/decide"
	"github.com/dauys/dauys/internal/definition"
	"github.com/dauys/dauys/internal/rules"
	"github.com/dauys/dauys/internal/sigverify"
	"github.com/dauys/dauys/internal/tlog"
)

// election is the election as its log states it.
type election struct {
	*dauys.Election
	tree       *tree
	validators map[string]*dauys.Validator
	rules      map[string]decide.Rules
	keys       map[string]*key
}

// key is a commission key as the log registered it.
type key struct {
	dauys.Key
	index int64 // the entry that registered it
}

// version is a logged protocol version.
type version struct {
	index int64
	rec   *tlog.Record
	lines map[string]int64
}

// pkey names a precinct's protocol of a contest.
type pkey struct{ contest, area string }

// replay reads the log's records in order and checks each against what
// came before it; the signatures are verified in batches along the way
// (signatures.go).
func (v *verifier) replay() error {
	v.sigs = &signatures{}
	err := v.replayRecords()
	v.sigs.flush(v.report)
	return err
}

func (v *verifier) replayRecords() error {
	l, r := v.log, v.report
	var (
		long      []byte
		longStart int64
		nextPart  = 1
	)
	v.count = &count{current: map[pkey]*version{}}
	for i, e := range l.entries {
		at := int64(i)
		p, n, chunk, isPart, err := tlog.PartOf(e)
		switch {
		case err != nil:
			r.add(fmt.Sprintf("entry %d", i), "%v", err)
			continue
		case isPart:
			if p != nextPart {
				r.add(fmt.Sprintf("entry %d", i), "is part %d of %d, where part %d was due", p, n, nextPart)
				long, nextPart = nil, 1
				continue
			}
			if p == 1 {
				long, longStart = nil, at
			}
			long = append(long, chunk...)
			if p < n {
				nextPart++
				continue
			}
			e, at, nextPart = long, longStart, 1
		case nextPart != 1:
			r.add(fmt.Sprintf("entry %d", i), "a long record ends before its last part")
			nextPart = 1
		}
		rec, err := tlog.Decode(e)
		if err != nil {
			r.add(fmt.Sprintf("entry %d", at), "%v", err)
			if at <= 1 {
				return errStop{}
			}
			continue
		}
		if err := v.apply(at, rec); err != nil {
			return err
		}
	}
	if v.count.e == nil {
		r.add("log", "the log has no definition and areas to start from")
		return errStop{}
	}
	r.Precincts = len(v.count.current)
	return nil
}

// apply checks one record and adds what it states.
func (v *verifier) apply(at int64, rec *tlog.Record) error {
	r := v.report
	where := fmt.Sprintf("entry %d", at)
	if rec.Election != r.Election {
		r.add(where, "is a record of election %q, in the log of %q", rec.Election, r.Election)
		return nil
	}
	e := v.count.e
	switch {
	case e == nil && v.count.definition == nil:
		if rec.Kind != tlog.KindDefinition {
			r.add(where, "the log starts with a %s record, not with the election's definition", rec.Kind)
			return errStop{}
		}
		v.count.definition = rec
		return nil
	case e == nil:
		if rec.Kind != tlog.KindAreas {
			r.add(where, "the definition is followed by a %s record, not by its areas", rec.Kind)
			return errStop{}
		}
		return v.start(where, v.count.definition, rec)
	}
	switch rec.Kind {
	case tlog.KindDefinition:
		r.add(where, "a second definition: an election's definition cannot change once logged")
	case tlog.KindAreas:
		if rec.Name != "" {
			r.add(where, "areas added later are not a definition's areas file (%q)", rec.Name)
		}
		areas, err := tlog.ParseAreasCSV(rec.Content)
		if err == nil {
			err = e.tree.add(areas)
		}
		if err != nil {
			r.add(where, "%v", err)
		}
		r.Areas = len(e.tree.areas)
	case tlog.KindKey:
		v.addKey(where, at, rec)
	case tlog.KindRevocation:
		k := e.keys[rec.KeyID]
		switch {
		case k == nil:
			r.add(where, "revokes key %s, which the log has not registered", rec.KeyID)
		case !k.RevokedAt.IsZero():
			r.add(where, "revokes key %s a second time", rec.KeyID)
		case rec.At.IsZero():
			r.add(where, "revokes key %s without saying when", rec.KeyID)
		default:
			k.RevokedAt = rec.At
		}
	case tlog.KindProtocol:
		v.addProtocol(where, at, rec)
	case tlog.KindImage:
		v.addImage(where, rec)
	default:
		r.add(where, "unknown record kind %q", rec.Kind)
	}
	return nil
}

// start reads the definition and its areas as `dauys election import`
// does, with the same checks of its rules.
func (v *verifier) start(where string, def, areas *tlog.Record) error {
	r := v.report
	var fsys fs.FS
	if areas.Name != "" {
		fsys = fstest.MapFS{path.Clean(areas.Name): {Data: areas.Content}}
	}
	d, err := definition.ParseWith(def.Content, def.Name, fsys, definition.Options{CheckRules: func(c *dauys.Contest) error {
		_, err := rules.For(c)
		return err
	}})
	if err != nil {
		r.add("entry 0", "the definition in the log does not read: %s", dauys.ErrorMessage(err))
		return errStop{}
	}
	if d.ID != r.Election {
		r.add("entry 0", "the definition is of election %q, the log of %q", d.ID, r.Election)
		return errStop{}
	}
	all := d.Areas
	if areas.Name == "" {
		more, err := tlog.ParseAreasCSV(areas.Content)
		if err != nil {
			r.add(where, "%v", err)
			return errStop{}
		}
		all = append(all, more...)
	}
	e := &election{Election: d, tree: newTree(), validators: map[string]*dauys.Validator{},
		rules: map[string]decide.Rules{}, keys: map[string]*key{}}
	if err := e.tree.add(all); err != nil {
		r.add(where, "%v", err)
		return errStop{}
	}
	for i := range d.Contests {
		c := &d.Contests[i]
		f := d.Form(c.Form)
		if f == nil {
			r.add("entry 0", "contest %s: no form %q", c.ID, c.Form)
			return errStop{}
		}
		val, err := dauys.NewValidator(f, c)
		if err != nil {
			r.add("entry 0", "%s", dauys.ErrorMessage(err))
			return errStop{}
		}
		e.validators[c.ID] = val
		if e.rules[c.ID], err = rules.For(c); err != nil {
			r.add("entry 0", "%s", dauys.ErrorMessage(err))
			return errStop{}
		}
	}
	v.count.e = e
	r.Areas = len(e.tree.areas)
	return nil
}

func (v *verifier) addKey(where string, at int64, rec *tlog.Record) {
	r, e := v.report, v.count.e
	switch {
	case len(rec.PublicKey) != sigverify.PublicKeySize:
		r.add(where, "key %s is not an Ed25519 public key", rec.KeyID)
	case !sigverify.UsableKey(rec.PublicKey):
		r.add(where, "key %s is not a point of the curve, or is of small order, under which any signature verifies", rec.KeyID)
	case dauys.KeyID(rec.PublicKey) != rec.KeyID:
		r.add(where, "key %s: its id should be %s, the start of its SHA-256", rec.KeyID, dauys.KeyID(rec.PublicKey))
	case e.keys[rec.KeyID] != nil:
		r.add(where, "key %s is registered a second time", rec.KeyID)
	case e.tree.areas[rec.Area] == nil:
		r.add(where, "key %s is for area %s, which is not in the log", rec.KeyID, rec.Area)
	default:
		e.keys[rec.KeyID] = &key{Key: dauys.Key{ID: rec.KeyID, Election: rec.Election, Area: rec.Area, Holder: rec.Holder,
			PublicKey: rec.PublicKey, CreatedAt: rec.At}, index: at}
		r.Keys++
	}
}

// addProtocol checks a protocol version: that it is the next version of a
// precinct that votes in the contest, that it passes its form, and that
// it is signed as the election requires.
func (v *verifier) addProtocol(where string, at int64, rec *tlog.Record) {
	r, e := v.report, v.count.e
	r.Versions++
	p, err := tlog.ParseProtocolContent(rec.Content)
	if err != nil {
		r.add(where, "%v", err)
		return
	}
	where = fmt.Sprintf("entry %d, precinct %s, contest %s, version %d", at, e.tree.name(rec.Area), rec.Contest, rec.Version)
	if p.Election != rec.Election || p.Contest != rec.Contest || p.Area != rec.Area {
		r.add(where, "its content is of %s/%s/%s", p.Election, p.Contest, p.Area)
		return
	}
	c := e.Contest(rec.Contest)
	switch {
	case c == nil:
		r.add(where, "the definition has no contest %q", rec.Contest)
		return
	case e.tree.areas[rec.Area] == nil:
		r.add(where, "the log has no area %q", rec.Area)
		return
	case !e.tree.isLeaf(rec.Area):
		r.add(where, "%s is not a precinct: only precincts report", rec.Area)
		return
	case !e.tree.inContest(rec.Area, c):
		r.add(where, "precinct %s does not vote in contest %s", rec.Area, c.ID)
		return
	}
	k := pkey{rec.Contest, rec.Area}
	prev := v.count.current[k]
	want := 1
	if prev != nil {
		want = prev.rec.Version + 1
	}
	switch {
	case rec.Version != want:
		r.add(where, "is version %d where version %d was due: a version was dropped, repeated or reordered", rec.Version, want)
	case rec.Version == 1 && rec.ProtocolKind != dauys.ProtocolOriginal:
		r.add(where, "a first version must be an original, not %q", rec.ProtocolKind)
	case rec.Version > 1 && rec.ProtocolKind != dauys.ProtocolAmendment:
		r.add(where, "a later version must be an amendment, not %q", rec.ProtocolKind)
	case rec.Version > 1 && strings.TrimSpace(rec.Reason) == "":
		r.add(where, "an amendment without a reason")
	}
	if rec.Version > 1 {
		r.Amendments++
	}
	v.checkLines(where, p.Lines, c)
	v.checkSignature(where, rec, prev, p.Lines, c)
	v.count.current[k] = &version{index: at, rec: rec, lines: p.Lines}
}

// checkLines validates the lines against the contest's form, as intake
// does, and checks the derived lines.
func (v *verifier) checkLines(where string, lines map[string]int64, c *dauys.Contest) {
	val := v.count.e.validators[c.ID]
	again := maps.Clone(lines)
	errs, _ := val.Complete(again)
	for _, f := range errs {
		msg := f.Code + ": " + f.Message.In("en")
		if f.Detail != "" {
			msg += " (" + f.Detail + ")"
		}
		v.report.add(where, "fails its form: %s", msg)
	}
	if len(errs) > 0 {
		return
	}
	for _, l := range val.Lines() {
		if l.Derived != "" && again[l.Name] != lines[l.Name] {
			v.report.add(where, "line %s is %d, but %s makes it %d", l.Name, lines[l.Name], l.Derived, again[l.Name])
		}
	}
}

// checkSignature checks a commission signature: by a key registered
// before the version, for an area that holds the precinct, not revoked by
// the time the version arrived, over what intake holds a commission to
// (dauys.SignedProtocol): the version's lines, with or without the derived
// lines, which intake adds after the commission signs; for an amendment,
// the number and content hash of the version before it in the log and the
// amendment's reason.
//
// A signature in the format before amendments were bound (over the
// content's canonical encoding alone) is accepted on a first version,
// where it stated all there was to state, and reported on an amendment,
// where it does not say which version it replaces.
func (v *verifier) checkSignature(where string, rec *tlog.Record, prev *version, lines map[string]int64, c *dauys.Contest) {
	r, e := v.report, v.count.e
	if len(rec.Signature) == 0 && rec.KeyID == "" {
		if e.Signed {
			r.add(where, "is not signed, but the election requires signed protocols")
		}
		return
	}
	k := e.keys[rec.KeyID]
	switch {
	case k == nil:
		r.add(where, "is signed with key %q, which the log did not register before it", rec.KeyID)
		return
	case !e.tree.within(rec.Area, k.Area):
		r.add(where, "is signed with key %s of %s, which does not hold precinct %s", k.ID, k.Area, rec.Area)
		return
	case !k.RevokedAt.IsZero() && !rec.ReceivedAt.Before(k.RevokedAt):
		r.add(where, "is signed with key %s, revoked at %s, before the version arrived at %s", k.ID,
			k.RevokedAt.Format(time.RFC3339), rec.ReceivedAt.Format(time.RFC3339))
		return
	}
	sent := maps.Clone(lines)
	for _, l := range e.validators[c.ID].Lines() {
		if l.Derived != "" {
			delete(sent, l.Name)
		}
	}
	signed := dauys.SignedProtocol{Election: rec.Election, Contest: rec.Contest, Area: rec.Area, Reason: rec.Reason}
	if prev != nil {
		h := sha256.Sum256(prev.rec.Content)
		signed.SupersedesVersion, signed.SupersedesHash = prev.rec.Version, hex.EncodeToString(h[:])
	}
	bound := func(l map[string]int64) []byte { s := signed; s.Lines = l; return s.Bytes() }
	legacy := func(l map[string]int64) []byte {
		return (&dauys.Protocol{Election: rec.Election, Contest: rec.Contest, Area: rec.Area, Lines: l}).CanonicalBytes()
	}
	// What a signature may cover, most likely first: the lines as the
	// commission sent them (without the derived lines), or as stored;
	// on a first version, in the format before amendments were bound.
	accept := [][]byte{bound(sent)}
	if len(sent) != len(lines) {
		accept = append(accept, bound(lines))
	}
	if prev == nil {
		accept = append(accept, legacy(sent))
		if len(sent) != len(lines) {
			accept = append(accept, legacy(lines))
		}
	}
	v.sigs.add(r, &pendingSignature{key: k.PublicKey, sig: rec.Signature, accept: accept, refused: func() {
		// verifies reports whether the signature covers the bytes enc
		// makes of the lines, stored or as sent.
		verifies := func(enc func(lines map[string]int64) []byte) bool {
			return sigverify.Verify(k.PublicKey, enc(lines), rec.Signature) || sigverify.Verify(k.PublicKey, enc(sent), rec.Signature)
		}
		original := func(l map[string]int64) []byte { return dauys.SignedBytes(rec.Election, rec.Contest, rec.Area, l) }
		switch {
		case prev != nil && verifies(original):
			r.add(where, "carries key %s's signature of an original protocol, not of an amendment of version %d: a signed protocol sent again as an amendment",
				k.ID, prev.rec.Version)
		case prev != nil && verifies(legacy):
			r.add(where, "is an amendment signed with key %s in the old format (dauys-protocol-v1), which does not say which version it replaces nor why",
				k.ID)
		default:
			r.add(where, "its signature does not verify with key %s over its lines, the version it replaces and its reason", k.ID)
		}
	}})
}
