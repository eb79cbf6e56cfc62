package tlog

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dauys/dauys"
)

// Record kinds: what an entry of the log states.
const (
	// KindDefinition is the election's definition file, byte for byte. It
	// is always the first record of a log.
	KindDefinition = "definition"
	// KindAreas is a CSV file of areas in the format of a definition's
	// areas_file (docs/definitions.md). The first one, right after the
	// definition, is the definition's areas file when it names one; later
	// ones hold the areas created on import.
	KindAreas = "areas"
	// KindKey registers a commission's public key.
	KindKey = "key"
	// KindRevocation revokes a commission's key from a moment on.
	KindRevocation = "key-revocation"
	// KindProtocol is one accepted version of a precinct's protocol.
	KindProtocol = "protocol"
	// KindImage is the SHA-256 of a photo or scan of an observer's copy of
	// a protocol, logged so that the image cannot be swapped later.
	KindImage = "image"
)

// recordMagic starts every record; partMagic starts every part of a record
// too long for one entry.
const (
	recordMagic = "dauys-log-entry-v1\n"
	partMagic   = "dauys-log-part-v1 "
)

// MaxEntrySize is the largest entry the log holds: entry bundles prefix
// each entry with its length as a big-endian uint16 (C2SP tlog-tiles). A
// longer record is split into parts.
const MaxEntrySize = 1<<16 - 1

// partSize is how many bytes of a long record each part carries, leaving
// room for the part's header.
const partSize = 65000

// Record is one statement of the log. Which fields are set depends on Kind;
// Encode writes exactly those, in a fixed order, and Decode accepts only
// that encoding, so that a record has one encoding and one hash.
type Record struct {
	Kind     string
	Election string

	// Name is the file name of a definition or of the definition's areas
	// file; it is empty for areas added after the definition.
	Name string

	// Contest, Area, Version, ProtocolKind, Reason and ReceivedAt describe
	// a protocol version. Area is also a key's area.
	Contest      string
	Area         string
	Version      int
	ProtocolKind string
	Reason       string
	ReceivedAt   time.Time

	// KeyID and Signature are a protocol's commission signature, or the
	// id of a registered or revoked key.
	KeyID     string
	Signature []byte

	// Holder, PublicKey and At describe a key: At is when it was created,
	// or when it was revoked.
	Holder    string
	PublicKey ed25519.PublicKey
	At        time.Time

	// Observation, Org, SHA256, MediaType and Size describe an image of
	// an observation (with Contest, Area and ReceivedAt).
	Observation string
	Org         string
	SHA256      string
	MediaType   string
	Size        int64

	// Content is the definition file, the areas CSV or the protocol's
	// dauys.Protocol.CanonicalBytes.
	Content []byte
}

// field is one header line of a record: a name and its encoded value.
type field struct{ name, value string }

// quoted is strconv.Quote, without its rune-by-rune work for the plain
// printable ASCII of ids and names.
func quoted(s string) string { return string(dauys.AppendQuote(nil, s)) }

func quotedTime(t time.Time) string {
	if t.IsZero() {
		return `""`
	}
	return strconv.Quote(t.UTC().Format(time.RFC3339Nano))
}

func quotedBytes(b []byte) string { return strconv.Quote(base64.StdEncoding.EncodeToString(b)) }

// fields returns the header of a record in its canonical order.
func (r *Record) fields() ([]field, error) {
	f := []field{{"record", r.Kind}, {"election", quoted(r.Election)}}
	switch r.Kind {
	case KindDefinition, KindAreas:
		f = append(f, field{"name", quoted(r.Name)})
	case KindKey:
		f = append(f, field{"key_id", quoted(r.KeyID)}, field{"area", quoted(r.Area)},
			field{"holder", quoted(r.Holder)}, field{"public_key", quotedBytes(r.PublicKey)},
			field{"created_at", quotedTime(r.At)})
	case KindRevocation:
		f = append(f, field{"key_id", quoted(r.KeyID)}, field{"revoked_at", quotedTime(r.At)})
	case KindProtocol:
		f = append(f, field{"contest", quoted(r.Contest)}, field{"area", quoted(r.Area)},
			field{"version", strconv.Itoa(r.Version)}, field{"kind", quoted(r.ProtocolKind)},
			field{"reason", quoted(r.Reason)}, field{"received_at", quotedTime(r.ReceivedAt)},
			field{"key_id", quoted(r.KeyID)}, field{"signature", quotedBytes(r.Signature)})
	case KindImage:
		f = append(f, field{"observation", quoted(r.Observation)}, field{"contest", quoted(r.Contest)},
			field{"area", quoted(r.Area)}, field{"org", quoted(r.Org)}, field{"sha256", quoted(r.SHA256)},
			field{"media_type", quoted(r.MediaType)}, field{"size", strconv.FormatInt(r.Size, 10)},
			field{"received_at", quotedTime(r.ReceivedAt)})
	default:
		return nil, fmt.Errorf("unknown record kind %q", r.Kind)
	}
	return append(f, field{"content", strconv.Itoa(len(r.Content))}), nil
}

// Encode returns the record's canonical encoding:
//
//	dauys-log-entry-v1
//	record <kind>
//	election "<id>"
//	<name> <value>          one line per field of the kind, in order
//	content <n>
//	<n bytes of content>
//
// Strings are Go-quoted (strconv.Quote), times are RFC 3339 with
// nanoseconds in UTC, quoted ("" for none), and bytes are quoted standard
// base64.
func (r *Record) Encode() ([]byte, error) {
	if r.Kind == KindProtocol {
		return r.encodeProtocol(), nil
	}
	fs, err := r.fields()
	if err != nil {
		return nil, err
	}
	n := len(recordMagic) + len(r.Content)
	for _, f := range fs {
		n += len(f.name) + len(f.value) + 2
	}
	b := make([]byte, 0, n)
	b = append(b, recordMagic...)
	for _, f := range fs {
		b = append(b, f.name...)
		b = append(b, ' ')
		b = append(b, f.value...)
		b = append(b, '\n')
	}
	return append(b, r.Content...), nil
}

// encodeProtocol is Encode for a protocol version, the record logged a
// million times a night, written straight into one buffer; a test holds it
// to the encoding of fields.
func (r *Record) encodeProtocol() []byte {
	b := make([]byte, 0, len(recordMagic)+len(r.Content)+256+len(r.Reason)+base64.StdEncoding.EncodedLen(len(r.Signature)))
	b = append(b, recordMagic...)
	b = append(b, "record "+KindProtocol+"\nelection "...)
	b = dauys.AppendQuote(b, r.Election)
	b = append(b, "\ncontest "...)
	b = dauys.AppendQuote(b, r.Contest)
	b = append(b, "\narea "...)
	b = dauys.AppendQuote(b, r.Area)
	b = append(b, "\nversion "...)
	b = strconv.AppendInt(b, int64(r.Version), 10)
	b = append(b, "\nkind "...)
	b = dauys.AppendQuote(b, r.ProtocolKind)
	b = append(b, "\nreason "...)
	b = dauys.AppendQuote(b, r.Reason)
	b = append(b, "\nreceived_at "...)
	if r.ReceivedAt.IsZero() {
		b = append(b, `""`...)
	} else {
		b = append(b, '"')
		b = r.ReceivedAt.UTC().AppendFormat(b, time.RFC3339Nano)
		b = append(b, '"')
	}
	b = append(b, "\nkey_id "...)
	b = dauys.AppendQuote(b, r.KeyID)
	b = append(b, "\nsignature \""...)
	b = base64.StdEncoding.AppendEncode(b, r.Signature)
	b = append(b, "\"\ncontent "...)
	b = strconv.AppendInt(b, int64(len(r.Content)), 10)
	b = append(b, '\n')
	return append(b, r.Content...)
}

// Entries encodes the record as log entries: one entry, or for a record
// longer than MaxEntrySize, parts of at most partSize bytes, each prefixed
// with "dauys-log-part-v1 <i>/<n>\n".
func (r *Record) Entries() ([][]byte, error) {
	b, err := r.Encode()
	if err != nil {
		return nil, err
	}
	if len(b) <= MaxEntrySize {
		return [][]byte{b}, nil
	}
	n := (len(b) + partSize - 1) / partSize
	out := make([][]byte, 0, n)
	for i := 0; i < n; i++ {
		chunk := b[i*partSize : min(len(b), (i+1)*partSize)]
		e := fmt.Appendf(nil, "%s%d/%d\n", partMagic, i+1, n)
		out = append(out, append(e, chunk...))
	}
	return out, nil
}

// PartOf reports whether an entry is a part of a long record, and which:
// the part's number i (from 1) of n and the bytes it carries.
func PartOf(entry []byte) (i, n int, chunk []byte, ok bool, err error) {
	rest, found := bytes.CutPrefix(entry, []byte(partMagic))
	if !found {
		return 0, 0, nil, false, nil
	}
	line, chunk, found := bytes.Cut(rest, []byte("\n"))
	if !found {
		return 0, 0, nil, true, errors.New("a part without its header line")
	}
	a, b, found := strings.Cut(string(line), "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !found || err1 != nil || err2 != nil || n < 2 || i < 1 || i > n ||
		strconv.Itoa(i) != a || strconv.Itoa(n) != b {
		return 0, 0, nil, true, fmt.Errorf("bad part header %q", line)
	}
	return i, n, chunk, true, nil
}

// Decode reads a record from its canonical encoding (a whole record: the
// parts of a long one joined). It refuses anything but the one encoding
// Encode writes.
func Decode(b []byte) (*Record, error) {
	rest, ok := bytes.CutPrefix(b, []byte(recordMagic))
	if !ok {
		return nil, errors.New("not a dauys log entry: it does not start with " + strconv.Quote(recordMagic))
	}
	next := func() (name, value string, err error) {
		line, after, found := bytes.Cut(rest, []byte("\n"))
		if !found {
			return "", "", errors.New("the header ends before its content line")
		}
		rest = after
		name, value, found = strings.Cut(string(line), " ")
		if !found {
			return "", "", fmt.Errorf("header line %q has no value", line)
		}
		return name, value, nil
	}
	name, kind, err := next()
	if err != nil {
		return nil, err
	}
	if name != "record" {
		return nil, fmt.Errorf("the first header line is %q, not record", name)
	}
	r := &Record{Kind: kind}
	expect, err := r.fields() // the names, in order, that this kind has
	if err != nil {
		return nil, err
	}
	for _, want := range expect[1:] {
		name, value, err := next()
		if err != nil {
			return nil, err
		}
		if name != want.name {
			return nil, fmt.Errorf("a %s record has %s here, not %s", kind, want.name, name)
		}
		if err := r.set(name, value, rest); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if name == "content" {
			break
		}
	}
	again, err := r.Encode()
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(again, b) {
		return nil, errors.New("the entry is not in canonical form")
	}
	return r, nil
}

// set decodes one header value into the record; rest is what follows the
// header line, for the content.
func (r *Record) set(name, value string, rest []byte) error {
	unquote := func() (string, error) {
		s, err := strconv.Unquote(value)
		if err != nil || !strings.HasPrefix(value, `"`) {
			return "", fmt.Errorf("%s is not a quoted string", value)
		}
		return s, nil
	}
	var err error
	var s string
	switch name {
	case "election":
		r.Election, err = unquote()
	case "name":
		r.Name, err = unquote()
	case "contest":
		r.Contest, err = unquote()
	case "area":
		r.Area, err = unquote()
	case "kind":
		r.ProtocolKind, err = unquote()
	case "reason":
		r.Reason, err = unquote()
	case "key_id":
		r.KeyID, err = unquote()
	case "holder":
		r.Holder, err = unquote()
	case "observation":
		r.Observation, err = unquote()
	case "org":
		r.Org, err = unquote()
	case "sha256":
		r.SHA256, err = unquote()
	case "media_type":
		r.MediaType, err = unquote()
	case "size":
		r.Size, err = strconv.ParseInt(value, 10, 64)
	case "version":
		r.Version, err = strconv.Atoi(value)
	case "received_at", "created_at", "revoked_at":
		if s, err = unquote(); err != nil || s == "" {
			break
		}
		var t time.Time
		if t, err = time.Parse(time.RFC3339Nano, s); err == nil {
			if name == "received_at" {
				r.ReceivedAt = t.UTC()
			} else {
				r.At = t.UTC()
			}
		}
	case "signature", "public_key":
		if s, err = unquote(); err != nil {
			break
		}
		var b []byte
		if b, err = base64.StdEncoding.DecodeString(s); err == nil && len(b) > 0 {
			if name == "signature" {
				r.Signature = b
			} else {
				r.PublicKey = b
			}
		}
	case "content":
		var n int
		if n, err = strconv.Atoi(value); err == nil && n != len(rest) {
			err = fmt.Errorf("says %d bytes, the entry has %d", n, len(rest))
		}
		r.Content = rest
	default:
		err = errors.New("unknown field")
	}
	return err
}

// ProtocolRecord is the record of a protocol version.
func ProtocolRecord(p *dauys.Protocol) *Record {
	return protocolRecord(p, p.CanonicalBytes())
}

// protocolRecord is ProtocolRecord with the version's canonical encoding
// given.
func protocolRecord(p *dauys.Protocol, content []byte) *Record {
	return &Record{Kind: KindProtocol, Election: p.Election, Contest: p.Contest, Area: p.Area,
		Version: p.Version, ProtocolKind: p.Kind, Reason: p.Reason, ReceivedAt: p.ReceivedAt,
		KeyID: p.KeyID, Signature: p.Signature, Content: content}
}

// KeyRecord is the record that registers a commission key.
func KeyRecord(k *dauys.Key) *Record {
	return &Record{Kind: KindKey, Election: k.Election, KeyID: k.ID, Area: k.Area, Holder: k.Holder,
		PublicKey: k.PublicKey, At: k.CreatedAt}
}

// RevocationRecord is the record that revokes a commission key.
func RevocationRecord(k *dauys.Key) *Record {
	return &Record{Kind: KindRevocation, Election: k.Election, KeyID: k.ID, At: k.RevokedAt}
}

// Ref is the identity under which the log stores a record, so that the
// same statement is never logged twice and a protocol version's place in
// the log can be looked up.
func (r *Record) Ref() string {
	switch r.Kind {
	case KindProtocol:
		return ProtocolRef(r.Contest, r.Area, r.Version)
	case KindKey:
		return "key " + quoted(r.KeyID)
	case KindRevocation:
		return "revocation " + quoted(r.KeyID)
	case KindImage:
		return ImageRef(r.Observation, r.SHA256)
	}
	return ""
}

// ImageRef is the Ref of an image record: an image is logged once per
// observation it belongs to.
func ImageRef(observation, sha256 string) string {
	return "image " + quoted(observation) + " " + quoted(sha256)
}

// ImageRecord is the record of an image of an observation.
func ImageRecord(img *dauys.ObservationImage) *Record {
	return &Record{Kind: KindImage, Election: img.Election, Observation: img.Observation, Contest: img.Contest,
		Area: img.Area, Org: img.Org, SHA256: img.SHA256, MediaType: img.MediaType, Size: img.Size, ReceivedAt: img.ReceivedAt}
}

// ProtocolRef is the Ref of a protocol version's record.
func ProtocolRef(contest, area string, version int) string {
	return "protocol " + quoted(contest) + " " + quoted(area) + " " + strconv.Itoa(version)
}

// ParseProtocolContent reads the canonical encoding of a protocol
// (dauys.Protocol.CanonicalBytes) back into its ids and lines. It accepts
// only the canonical encoding.
func ParseProtocolContent(b []byte) (*dauys.Protocol, error) {
	const magic = "dauys-protocol-v1\n"
	rest, ok := bytes.CutPrefix(b, []byte(magic))
	if !ok {
		return nil, errors.New("the content is not a dauys-protocol-v1 encoding")
	}
	lines := strings.Split(string(rest), "\n")
	if len(lines) < 4 || lines[len(lines)-1] != "" {
		return nil, errors.New("the protocol content is cut short")
	}
	lines = lines[:len(lines)-1]
	p := &dauys.Protocol{Lines: make(map[string]int64, len(lines)-3)}
	for i, dst := range []*string{&p.Election, &p.Contest, &p.Area} {
		s, err := strconv.Unquote(lines[i])
		if err != nil {
			return nil, fmt.Errorf("protocol content line %d: %s is not a quoted id", i+2, lines[i])
		}
		*dst = s
	}
	for i, l := range lines[3:] {
		q, n, found := strings.Cut(l, " ")
		name, err := strconv.Unquote(q)
		if !found || err != nil {
			return nil, fmt.Errorf("protocol content line %d: %q is not a line and its value", i+5, l)
		}
		v, err := strconv.ParseInt(n, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("protocol content line %d: %q is not a whole number", i+5, n)
		}
		p.Lines[name] = v
	}
	if !bytes.Equal(p.CanonicalBytes(), b) {
		return nil, errors.New("the protocol content is not in canonical form")
	}
	return p, nil
}
