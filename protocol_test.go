package dauys_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/dauys/dauys"
)

func protocol(kind, reason string, lines map[string]int64) *dauys.Protocol {
	p := &dauys.Protocol{Election: "e", Contest: "c", Area: "p1", Lines: lines, Kind: kind, Reason: reason}
	p.Hash = p.ContentHash()
	return p
}

// supersedes is an amendment naming the version it replaces.
func supersedes(version int, hash string, lines map[string]int64) *dauys.Protocol {
	p := protocol(dauys.ProtocolAmendment, "recount", lines)
	p.SupersedesVersion, p.SupersedesHash = version, hash
	return p
}

// TestSignedBytes holds the signed encoding to its documented form and
// checks that what an amendment replaces and its reason change it, and
// that it is never the content's own encoding, which older signatures
// covered.
func TestSignedBytes(t *testing.T) {
	lines := map[string]int64{"yes": 400, "no": 300}
	got := string(dauys.SignedBytes("e", "ref", "P1", lines))
	want := "dauys-signed-protocol-v2\nsupersedes 0 \"\"\nreason \"\"\ndauys-protocol-v1\n\"e\"\n\"ref\"\n\"P1\"\n\"no\" 300\n\"yes\" 400\n"
	if got != want {
		t.Errorf("SignedBytes =\n%s\nwant\n%s", got, want)
	}
	content := (&dauys.Protocol{Election: "e", Contest: "ref", Area: "P1", Lines: lines}).CanonicalBytes()
	seen := map[string]string{string(content): "the content"}
	for name, s := range map[string]dauys.SignedProtocol{
		"original":          {Election: "e", Contest: "ref", Area: "P1", Lines: lines},
		"amendment of v1":   {Election: "e", Contest: "ref", Area: "P1", Lines: lines, SupersedesVersion: 1, SupersedesHash: "ab", Reason: "r"},
		"amendment of v2":   {Election: "e", Contest: "ref", Area: "P1", Lines: lines, SupersedesVersion: 2, SupersedesHash: "ab", Reason: "r"},
		"other hash":        {Election: "e", Contest: "ref", Area: "P1", Lines: lines, SupersedesVersion: 1, SupersedesHash: "cd", Reason: "r"},
		"other reason":      {Election: "e", Contest: "ref", Area: "P1", Lines: lines, SupersedesVersion: 1, SupersedesHash: "ab", Reason: "r2"},
		"reason with quote": {Election: "e", Contest: "ref", Area: "P1", Lines: lines, SupersedesVersion: 1, SupersedesHash: "ab", Reason: "r\"\nreason \"x"},
	} {
		b := string(s.Bytes())
		if other, ok := seen[b]; ok {
			t.Errorf("%s signs the same bytes as %s", name, other)
		}
		seen[b] = name
	}
}

func TestContentHashIgnoresMapOrderAndMetadata(t *testing.T) {
	a := protocol(dauys.ProtocolOriginal, "", map[string]int64{"x": 1, "y": 2, "z": 3})
	b := protocol(dauys.ProtocolAmendment, "typo", map[string]int64{"z": 3, "y": 2, "x": 1})
	if a.Hash != b.Hash {
		t.Error("same content, different hashes")
	}
	c := protocol(dauys.ProtocolOriginal, "", map[string]int64{"x": 1, "y": 2, "z": 4})
	if a.Hash == c.Hash {
		t.Error("different content, same hash")
	}
	// Ids are quoted, so "a\nb" cannot be confused with two fields.
	d := &dauys.Protocol{Election: "e\n\"c\"", Contest: "p1", Area: "", Lines: a.Lines}
	if d.ContentHash() == a.Hash {
		t.Error("ids with separators collide")
	}
}

func TestReconcile(t *testing.T) {
	v1 := protocol(dauys.ProtocolOriginal, "", map[string]int64{"x": 1})
	v1.Version = 1
	tests := []struct {
		name    string
		current *dauys.Protocol
		sub     *dauys.Protocol
		outcome string
		version int
		code    string
	}{
		{"first", nil, protocol(dauys.ProtocolOriginal, "", map[string]int64{"x": 1}), dauys.OutcomeAccepted, 1, ""},
		{"same again", v1, protocol(dauys.ProtocolOriginal, "", map[string]int64{"x": 1}), dauys.OutcomeDuplicate, 1, ""},
		{"same as amendment", v1, protocol(dauys.ProtocolAmendment, "r", map[string]int64{"x": 1}), dauys.OutcomeDuplicate, 1, ""},
		{"different", v1, protocol(dauys.ProtocolOriginal, "", map[string]int64{"x": 2}), "", 0, dauys.ECONFLICT},
		{"amendment", v1, protocol(dauys.ProtocolAmendment, "recount", map[string]int64{"x": 2}), dauys.OutcomeAmended, 2, ""},
		{"amendment without reason", v1, protocol(dauys.ProtocolAmendment, "", map[string]int64{"x": 2}), "", 0, dauys.EINVALID},
		{"amendment of nothing", nil, protocol(dauys.ProtocolAmendment, "r", map[string]int64{"x": 2}), "", 0, dauys.ECONFLICT},
		{"amendment naming the current version", v1, supersedes(1, v1.Hash, map[string]int64{"x": 2}), dauys.OutcomeAmended, 2, ""},
		{"amendment naming another version", v1, supersedes(2, v1.Hash, map[string]int64{"x": 2}), "", 0, dauys.ECONFLICT},
		{"amendment naming other content", v1, supersedes(1, "00", map[string]int64{"x": 2}), "", 0, dauys.ECONFLICT},
		{"stale amendment with the current content", v1, supersedes(2, "00", map[string]int64{"x": 1}), dauys.OutcomeDuplicate, 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			outcome, version, err := dauys.Reconcile(tt.current, tt.sub)
			if dauys.ErrorCode(err) != tt.code || outcome != tt.outcome || version != tt.version {
				t.Errorf("got %q %d %v, want %q %d %q", outcome, version, err, tt.outcome, tt.version, tt.code)
			}
		})
	}
}

func TestDelta(t *testing.T) {
	old := &dauys.Protocol{Lines: map[string]int64{"a": 5, "b": 3}}
	new := &dauys.Protocol{Lines: map[string]int64{"a": 4, "b": 4}}
	d := dauys.Delta(old, new)
	if d["a"] != -1 || d["b"] != 1 || d[dauys.ReportedLine] != 0 {
		t.Errorf("delta = %v", d)
	}
	d = dauys.Delta(nil, new)
	if d["a"] != 4 || d[dauys.ReportedLine] != 1 {
		t.Errorf("first delta = %v", d)
	}
}

// FuzzCanonicalQuote checks that the canonical encoding quotes every
// string exactly as strconv.Quote does, whatever its characters.
func FuzzCanonicalQuote(f *testing.F) {
	for _, s := range []string{"KZ-75-01-0001", "option:ak-zhol", `a"b`, "a\\b", "Алматы", "\x00", "tab\there", "\x7f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := &dauys.Protocol{Election: s, Contest: s, Area: s, Lines: map[string]int64{s: 1}}
		want := "dauys-protocol-v1\n" + strings.Repeat(strconv.Quote(s)+"\n", 3) + strconv.Quote(s) + " 1\n"
		if got := string(p.CanonicalBytes()); got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
	})
}
