package dauys

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"
)

// Protocol kinds.
const (
	ProtocolOriginal  = "original"
	ProtocolAmendment = "amendment"
)

// Protocol statuses per precinct and contest.
const (
	ProtocolMissing  = "missing"
	ProtocolEntered  = "entered"
	ProtocolAccepted = "accepted"
	ProtocolAmended  = "amended"
	ProtocolDisputed = "disputed"
)

// Protocol is one version of a precinct's protocol for one contest. Versions
// are never overwritten: an amendment adds version n+1 with its reason.
type Protocol struct {
	Election string           `json:"election"`
	Contest  string           `json:"contest"`
	Area     string           `json:"area"`
	Lines    map[string]int64 `json:"lines"`

	Version      int       `json:"version"`
	Kind         string    `json:"kind"`
	Reason       string    `json:"reason,omitempty"`
	Warnings     []Finding `json:"warnings,omitempty"`
	Acknowledged bool      `json:"acknowledged,omitempty"`
	Submitter    string    `json:"submitter,omitempty"`
	Source       string    `json:"source,omitempty"`
	ReceivedAt   time.Time `json:"received_at"`
	Hash         string    `json:"hash"`
	// Signature is the commission's Ed25519 signature over
	// SignedProtocol.Bytes, made with the key KeyID; empty for elections
	// that do not require signed protocols.
	Signature []byte `json:"signature,omitempty"`
	KeyID     string `json:"key_id,omitempty"`

	// SupersedesVersion and SupersedesHash name the version an amendment
	// replaces (its number and content hash) when its sender named it, as
	// a signed amendment must: Reconcile refuses the amendment unless that
	// version is still the current one. They are set by intake and not
	// stored, for a stored version n > 1 replaced version n-1, whose hash
	// the history keeps.
	SupersedesVersion int    `json:"-"`
	SupersedesHash    string `json:"-"`

	// Path lists the area's ancestors, nearest first, whose running totals
	// the protocol adds to. It is set by intake and not stored.
	Path []string `json:"-"`
}

// CanonicalBytes is the canonical encoding of the protocol's content: the
// election, contest and area ids and the lines sorted by name, one per line.
// The same content always encodes to the same bytes; it is what is hashed,
// signed and logged.
func (p *Protocol) CanonicalBytes() []byte {
	// A protocol has a few dozen lines at most: their names are sorted on
	// the stack, and the output is sized from them.
	var buf [64]string
	names := buf[:0]
	size := 64 + len(p.Election) + len(p.Contest) + len(p.Area)
	for n, v := range p.Lines {
		names = append(names, n)
		size += len(n) + 4 + digits(v)
	}
	slices.Sort(names)
	b := make([]byte, 0, size)
	b = append(b, "dauys-protocol-v1\n"...)
	for _, s := range []string{p.Election, p.Contest, p.Area} {
		b = AppendQuote(b, s)
		b = append(b, '\n')
	}
	for _, n := range names {
		b = AppendQuote(b, n)
		b = append(b, ' ')
		b = strconv.AppendInt(b, p.Lines[n], 10)
		b = append(b, '\n')
	}
	return b
}

// digits returns the length of v in decimal, its sign included.
func digits(v int64) int {
	n := 1
	if v < 0 {
		n++
		if v == math.MinInt64 {
			return 20
		}
		v = -v
	}
	for ; v >= 10; v /= 10 {
		n++
	}
	return n
}

// SignedProtocol is what a commission's signature covers: the protocol as
// the commission sent it (before intake adds derived lines) and, for an
// amendment, which version it replaces and why. Binding the replaced
// version is what keeps a signature to its one place in a precinct's
// history: a signed original cannot be sent again as an amendment, and a
// signed amendment applies only while the version it amends is current.
type SignedProtocol struct {
	Election, Contest, Area string
	Lines                   map[string]int64
	// SupersedesVersion and SupersedesHash are the number and content hash
	// (Protocol.Hash) of the version an amendment replaces; 0 and "" for
	// an original. The number alone would let an amendment apply to
	// whatever content reached that number; the hash alone would let it
	// apply again when a later amendment restored the content it amended.
	SupersedesVersion int
	SupersedesHash    string
	// Reason is the amendment's reason, exactly as it is stored; "" for an
	// original.
	Reason string
}

// signedMagic starts the bytes a commission signs. It differs from the
// start of CanonicalBytes ("dauys-protocol-v1"), which signatures covered
// before amendments were bound, so that the two can never be taken one for
// the other.
const signedMagic = "dauys-signed-protocol-v2\n"

// Bytes is the encoding a commission signs:
//
//	dauys-signed-protocol-v2
//	supersedes <version> "<hash>"     (supersedes 0 "" for an original)
//	reason "<reason>"
//	<the protocol's CanonicalBytes>
func (s *SignedProtocol) Bytes() []byte {
	p := Protocol{Election: s.Election, Contest: s.Contest, Area: s.Area, Lines: s.Lines}
	content := p.CanonicalBytes()
	b := make([]byte, 0, len(signedMagic)+32+len(s.SupersedesHash)+len(s.Reason)+len(content))
	b = append(b, signedMagic...)
	b = append(b, "supersedes "...)
	b = strconv.AppendInt(b, int64(s.SupersedesVersion), 10)
	b = append(b, ' ')
	b = AppendQuote(b, s.SupersedesHash)
	b = append(b, "\nreason "...)
	b = AppendQuote(b, s.Reason)
	b = append(b, '\n')
	return append(b, content...)
}

// SignedBytes is what a commission signs for an original protocol (version
// 1): SignedProtocol.Bytes with nothing superseded and no reason.
func SignedBytes(election, contest, area string, lines map[string]int64) []byte {
	s := SignedProtocol{Election: election, Contest: contest, Area: area, Lines: lines}
	return s.Bytes()
}

// staleAmendment refuses an amendment that names a version it replaces
// other than the current one: a replayed or reordered amendment.
func staleAmendment(current, sub *Protocol) error {
	named := fmt.Sprintf("%d (%.12s)", sub.SupersedesVersion, sub.SupersedesHash)
	now := fmt.Sprintf("%d (%.12s)", current.Version, current.Hash)
	return &Error{Code: ECONFLICT, Message: fmt.Sprintf(
		"precinct %s, contest %s: the amendment replaces version %s, but the current version is %s; an amendment must be made of the current version",
		sub.Area, sub.Contest, named, now),
		Text: Text{
			KK: fmt.Sprintf("%s учаскесі, %s: түзету %s-нұсқаны ауыстырады, ал қазіргі нұсқа %s; түзету қазіргі нұсқаға жасалуы керек", sub.Area, sub.Contest, named, now),
			RU: fmt.Sprintf("Участок %s, %s: исправление заменяет версию %s, а текущая версия %s; исправление должно относиться к текущей версии", sub.Area, sub.Contest, named, now),
			EN: fmt.Sprintf("Precinct %s, contest %s: the amendment replaces version %s, but the current version is %s; an amendment must be made of the current version", sub.Area, sub.Contest, named, now),
		}}
}

// amendsCurrent reports whether an amendment replaces the current version,
// as far as it names the version it replaces.
func (p *Protocol) amendsCurrent(current *Protocol) bool {
	return (p.SupersedesVersion == 0 || p.SupersedesVersion == current.Version) &&
		(p.SupersedesHash == "" || p.SupersedesHash == current.Hash)
}

// AppendQuote appends s quoted exactly as strconv.AppendQuote does, the
// quoting of Dauys's canonical encodings (protocols, log records). Names
// and ids are plain printable ASCII, which need no escaping, and skipping
// strconv's rune-by-rune work for them matters when every protocol is
// encoded to be hashed, its signature checked and its record logged.
func AppendQuote(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return strconv.AppendQuote(b, s)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// ContentHash returns the hex SHA-256 of the canonical encoding.
func (p *Protocol) ContentHash() string {
	h := sha256.Sum256(p.CanonicalBytes())
	return hex.EncodeToString(h[:])
}

// Save outcomes.
const (
	OutcomeAccepted  = "accepted"
	OutcomeDuplicate = "duplicate"
	OutcomeAmended   = "amended"
)

// Reconcile decides what a submission does to a precinct's protocol history,
// given the current version (nil when there is none). It is the one rule
// both stores apply inside their transaction:
//   - the same content as the current version is idempotent: a duplicate;
//   - no current version: accepted as version 1 (an amendment of nothing is
//     refused, so that a typo in an area id is not mistaken for a fix);
//   - different content: a conflict, unless sent as an amendment with a
//     reason, which becomes the next version; an amendment that names the
//     version it replaces (SupersedesVersion, SupersedesHash) is refused
//     unless that version is the current one.
func Reconcile(current, sub *Protocol) (outcome string, version int, err error) {
	switch {
	case current != nil && current.Hash == sub.Hash:
		return OutcomeDuplicate, current.Version, nil
	case current == nil && sub.Kind == ProtocolAmendment:
		return "", 0, &Error{Code: ECONFLICT, Message: fmt.Sprintf(
			"precinct %s, contest %s: there is no protocol to amend", sub.Area, sub.Contest),
			Text: Text{
				KK: fmt.Sprintf("%s учаскесі, %s: түзететін хаттама жоқ", sub.Area, sub.Contest),
				RU: fmt.Sprintf("Участок %s, %s: нет протокола для исправления", sub.Area, sub.Contest),
				EN: fmt.Sprintf("Precinct %s, contest %s: there is no protocol to amend", sub.Area, sub.Contest),
			}}
	case current == nil:
		return OutcomeAccepted, 1, nil
	case sub.Kind != ProtocolAmendment:
		return "", 0, &Error{Code: ECONFLICT, Message: fmt.Sprintf(
			"precinct %s, contest %s: a different protocol (version %d) was already accepted; send an amendment with a reason",
			sub.Area, sub.Contest, current.Version),
			Text: Text{
				KK: fmt.Sprintf("%s учаскесі, %s: басқа хаттама (%d-нұсқа) қабылданған; себебін көрсетіп түзету жіберіңіз", sub.Area, sub.Contest, current.Version),
				RU: fmt.Sprintf("Участок %s, %s: уже принят другой протокол (версия %d); направьте исправление с указанием причины", sub.Area, sub.Contest, current.Version),
				EN: fmt.Sprintf("Precinct %s, contest %s: a different protocol (version %d) was already accepted; send an amendment with a reason", sub.Area, sub.Contest, current.Version),
			}}
	case sub.Reason == "":
		return "", 0, Errorf(EINVALID, "precinct %s, contest %s: an amendment needs a reason", sub.Area, sub.Contest)
	case !sub.amendsCurrent(current):
		return "", 0, staleAmendment(current, sub)
	}
	return OutcomeAmended, current.Version + 1, nil
}

// Delta returns what replacing old (nil for none) by new changes in running
// totals: the difference of every line, and ReportedLine counting the
// precinct once.
func Delta(old, new *Protocol) map[string]int64 {
	d := make(map[string]int64, len(new.Lines)+1)
	for n, v := range new.Lines {
		d[n] += v
	}
	if old == nil {
		d[ReportedLine] = 1
		return d
	}
	for n, v := range old.Lines {
		d[n] -= v
	}
	return d
}

// ReportedLine is the pseudo-line of running totals that counts the
// precincts whose protocol is in.
const ReportedLine = "@reported"

// SaveResult is the answer to one protocol of a batch: the stored (or
// already stored) version, or the error that refused it.
type SaveResult struct {
	Outcome  string    `json:"outcome,omitempty"`
	Protocol *Protocol `json:"protocol,omitempty"`
	Err      error     `json:"-"`
}

// Refusal records a submission that was refused, so that nothing sent is
// ever lost without trace.
type Refusal struct {
	Election   string    `json:"election"`
	Contest    string    `json:"contest,omitempty"`
	Area       string    `json:"area,omitempty"`
	Code       string    `json:"code"`
	Reason     string    `json:"reason"`
	Payload    string    `json:"payload,omitempty"`
	Submitter  string    `json:"submitter,omitempty"`
	Source     string    `json:"source,omitempty"`
	ReceivedAt time.Time `json:"received_at"`
}

// Entry is one operator's independent entry of a protocol under double
// entry. The protocol is accepted only when the two entries agree.
type Entry struct {
	Election string `json:"election"`
	Contest  string `json:"contest"`
	Area     string `json:"area"`
	// Base is the version of the protocol the entry was made against: 0
	// before any is accepted, n for an amendment of version n. Only the
	// entries whose base is the current version are paired.
	Base       int              `json:"base"`
	Slot       int              `json:"slot"` // 1 or 2
	Operator   string           `json:"operator"`
	Lines      map[string]int64 `json:"lines"`
	Hash       string           `json:"hash"`
	ReceivedAt time.Time        `json:"received_at"`
}

// Head is the state of one precinct and contest: its status and current
// version.
type Head struct {
	Contest   string    `json:"contest"`
	Area      string    `json:"area"`
	Status    string    `json:"status"`
	Version   int       `json:"version"`
	UpdatedAt time.Time `json:"updated_at"`
}
