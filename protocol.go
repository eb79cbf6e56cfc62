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
	// CanonicalBytes, made with the key KeyID; empty for elections that do
	// not require signed protocols.
	Signature []byte `json:"signature,omitempty"`
	KeyID     string `json:"key_id,omitempty"`

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

// SignedBytes is what a commission signs: the canonical encoding of the
// protocol as the commission sent it, before intake adds derived lines.
func SignedBytes(election, contest, area string, lines map[string]int64) []byte {
	p := Protocol{Election: election, Contest: contest, Area: area, Lines: lines}
	return p.CanonicalBytes()
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
//     reason, which becomes the next version.
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
