package tlog_test

import (
	"bytes"
	"crypto/ed25519"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/tlog"
	"github.com/dauys/dauys/internal/tlog/tlogtest"
)

func sampleProtocol() *dauys.Protocol {
	return &dauys.Protocol{Election: "kz-2026", Contest: "ref", Area: "P-1 \"school\"", Version: 2,
		Kind: dauys.ProtocolAmendment, Reason: "Recount:\nline yes was 401",
		Lines:      map[string]int64{"registered": 1000, "took_part": 715, "yes": 401, "no": 299, "invalid": 15},
		ReceivedAt: time.Date(2026, 3, 15, 21, 4, 5, 123456789, time.UTC),
		KeyID:      "0123456789abcdef", Signature: bytes.Repeat([]byte{7}, ed25519.SignatureSize)}
}

func TestRecordRoundTrip(t *testing.T) {
	pub := ed25519.PublicKey(bytes.Repeat([]byte{1}, ed25519.PublicKeySize))
	key := &dauys.Key{ID: dauys.KeyID(pub), Election: "kz-2026", Area: "D1", Holder: "Комиссия №1", PublicKey: pub,
		CreatedAt: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), RevokedAt: time.Date(2026, 3, 16, 0, 0, 0, 1, time.UTC)}
	for _, test := range []struct {
		name string
		rec  *tlog.Record
		want string // the start of the encoding
	}{
		{"definition", &tlog.Record{Kind: tlog.KindDefinition, Election: "kz-2026", Name: "election.yaml", Content: []byte("id: kz-2026\n")},
			"dauys-log-entry-v1\nrecord definition\nelection \"kz-2026\"\nname \"election.yaml\"\ncontent 12\nid: kz-2026\n"},
		{"areas", &tlog.Record{Kind: tlog.KindAreas, Election: "kz-2026", Content: []byte("id,parent\n")},
			"dauys-log-entry-v1\nrecord areas\nelection \"kz-2026\"\nname \"\"\ncontent 10\n"},
		{"key", tlog.KeyRecord(key), "dauys-log-entry-v1\nrecord key\nelection \"kz-2026\"\nkey_id \"" + key.ID + "\"\narea \"D1\"\n"},
		{"revocation", tlog.RevocationRecord(key), "dauys-log-entry-v1\nrecord key-revocation\nelection \"kz-2026\"\nkey_id \"" + key.ID +
			"\"\nrevoked_at \"2026-03-16T00:00:00.000000001Z\"\ncontent 0\n"},
		{"protocol", tlog.ProtocolRecord(sampleProtocol()), "dauys-log-entry-v1\nrecord protocol\nelection \"kz-2026\"\ncontest \"ref\"\n" +
			"area \"P-1 \\\"school\\\"\"\nversion 2\nkind \"amendment\"\nreason \"Recount:\\nline yes was 401\"\n" +
			"received_at \"2026-03-15T21:04:05.123456789Z\"\nkey_id \"0123456789abcdef\"\nsignature \"BwcH"},
		{"unsigned protocol", tlog.ProtocolRecord(&dauys.Protocol{Election: "e", Contest: "c", Area: "a", Version: 1,
			Kind: dauys.ProtocolOriginal, Lines: map[string]int64{"x": 1}}),
			"dauys-log-entry-v1\nrecord protocol\nelection \"e\"\ncontest \"c\"\narea \"a\"\nversion 1\nkind \"original\"\nreason \"\"\n" +
				"received_at \"\"\nkey_id \"\"\nsignature \"\"\ncontent 36\ndauys-protocol-v1\n"},
	} {
		t.Run(test.name, func(t *testing.T) {
			b, err := test.rec.Encode()
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(b), test.want) {
				t.Errorf("encoding\n%s\nwant it to start with\n%s", b, test.want)
			}
			got, err := tlog.Decode(b)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Content) == 0 {
				got.Content = nil
			}
			want := *test.rec
			if len(want.Content) == 0 {
				want.Content = nil
			}
			if !reflect.DeepEqual(*got, want) {
				t.Errorf("Decode(Encode(r)) =\n%+v\nwant\n%+v", *got, want)
			}
		})
	}
}

func TestDecodeRefusesNonCanonical(t *testing.T) {
	good, err := tlog.ProtocolRecord(sampleProtocol()).Encode()
	if err != nil {
		t.Fatal(err)
	}
	for _, test := range []struct{ name, old, new string }{
		{"other magic", "dauys-log-entry-v1", "dauys-log-entry-v2"},
		{"unknown kind", "record protocol", "record ballot"},
		{"fields out of order", "contest \"ref\"\narea \"P-1 \\\"school\\\"\"", "area \"P-1 \\\"school\\\"\"\ncontest \"ref\""},
		{"another quoting", "contest \"ref\"", "contest \"r\\x65f\""},
		{"unquoted string", "contest \"ref\"", "contest ref"},
		{"time not in UTC", "2026-03-15T21:04:05.123456789Z", "2026-03-16T02:04:05.123456789+05:00"},
		{"leading zero", "version 2", "version 02"},
		{"wrong length", "\ncontent ", "\ncontent 1"},
		{"trailing bytes", "\"no\" 299\n", "\"no\" 299\n\n"},
	} {
		t.Run(test.name, func(t *testing.T) {
			bad := strings.Replace(string(good), test.old, test.new, 1)
			if bad == string(good) {
				t.Fatalf("%q is not in the encoding", test.old)
			}
			if _, err := tlog.Decode([]byte(bad)); err == nil {
				t.Errorf("Decode accepted\n%s", bad)
			}
		})
	}
}

func TestLongRecordParts(t *testing.T) {
	r := &tlog.Record{Kind: tlog.KindAreas, Election: "ru-2011", Content: bytes.Repeat([]byte("P,D,precinct,,,1000,,,Precinct\n"), 10000)}
	es, err := r.Entries()
	if err != nil {
		t.Fatal(err)
	}
	if len(es) < 2 {
		t.Fatalf("a %d-byte record in %d entries", len(r.Content), len(es))
	}
	var joined []byte
	for i, e := range es {
		if len(e) > tlog.MaxEntrySize {
			t.Errorf("part %d is %d bytes", i+1, len(e))
		}
		p, n, chunk, ok, err := tlog.PartOf(e)
		if err != nil || !ok || p != i+1 || n != len(es) {
			t.Fatalf("PartOf(entry %d) = %d/%d %v %v", i, p, n, ok, err)
		}
		joined = append(joined, chunk...)
	}
	got, err := tlog.Decode(joined)
	if err != nil || !bytes.Equal(got.Content, r.Content) {
		t.Errorf("the joined parts decode to %d bytes, %v", len(got.Content), err)
	}
	if _, _, _, ok, _ := tlog.PartOf(es[0][len("dauys-log-part-v1 1/9\n"):]); ok {
		t.Error("a record is taken for a part")
	}
	for _, bad := range []string{"dauys-log-part-v1 0/2\nx", "dauys-log-part-v1 3/2\nx", "dauys-log-part-v1 1/1\nx", "dauys-log-part-v1 01/2\nx"} {
		if _, _, _, _, err := tlog.PartOf([]byte(bad)); err == nil {
			t.Errorf("PartOf(%q) accepted it", bad)
		}
	}
}

func TestParseProtocolContent(t *testing.T) {
	p := sampleProtocol()
	got, err := tlog.ParseProtocolContent(p.CanonicalBytes())
	if err != nil {
		t.Fatal(err)
	}
	if got.Election != p.Election || got.Contest != p.Contest || got.Area != p.Area || !reflect.DeepEqual(got.Lines, p.Lines) {
		t.Errorf("ParseProtocolContent = %+v", got)
	}
	for _, bad := range []string{
		"", "dauys-protocol-v1\n\"e\"\n\"c\"\n",
		"dauys-protocol-v1\n\"e\"\n\"c\"\n\"a\"\n\"x\" 1",
		"dauys-protocol-v1\n\"e\"\n\"c\"\n\"a\"\n\"y\" 1\n\"x\" 2\n", // not sorted
		"dauys-protocol-v1\n\"e\"\n\"c\"\n\"a\"\n\"x\" +1\n",
	} {
		if _, err := tlog.ParseProtocolContent([]byte(bad)); err == nil {
			t.Errorf("ParseProtocolContent(%q) accepted it", bad)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, r := range []*tlog.Record{tlog.ProtocolRecord(sampleProtocol()),
		{Kind: tlog.KindDefinition, Election: "e", Name: "election.yaml", Content: []byte("id: e\n")}} {
		b, _ := r.Encode()
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := tlog.Decode(b)
		if err != nil {
			return
		}
		again, err := r.Encode()
		if err != nil || !bytes.Equal(again, b) {
			t.Errorf("Decode accepted a non-canonical entry:\n%q\nre-encodes as\n%q", b, again)
		}
	})
}

func FuzzParseProtocolContent(f *testing.F) {
	f.Add(sampleProtocol().CanonicalBytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := tlog.ParseProtocolContent(b)
		if err == nil && !bytes.Equal(p.CanonicalBytes(), b) {
			t.Errorf("ParseProtocolContent accepted a non-canonical encoding %q", b)
		}
	})
}

// TestDefinitionRecords checks the first records of a log for a definition
// without an areas_file whose precincts came with an import.
func TestDefinitionRecords(t *testing.T) {
	e := tlogtest.Election(t)
	yaml := strings.Replace(string(e.Definition), "areas_file: areas.csv\n", "", 1)
	yaml = strings.Replace(yaml, "  - {id: R2, parent: KZ, level: region, tile: [1, 0], name: {en: South}}\n",
		"  - {id: R2, parent: KZ, level: region, tile: [1, 0], name: {en: South}}\n  - {id: D1, parent: R1, level: district, name: {en: North district}}\n", 1)
	e.Definition = []byte(yaml)
	areas := []tlog.PendingArea{
		{Seq: 0, Area: e.Areas[0]}, {Seq: 1, Area: e.Areas[1]}, {Seq: 2, Area: e.Areas[2]},
		{Seq: 3, Area: e.Areas[3]},
		{Seq: 7, Area: dauys.Area{ID: "P1", Parent: "D1", Level: "precinct", Registered: 10, Name: dauys.T("imported")}},
	}
	def, rest, err := tlog.DefinitionRecords(e, areas)
	if err != nil {
		t.Fatal(err)
	}
	if def.Kind != tlog.KindDefinition || string(def.Content) != yaml || rest.Name != "" {
		t.Errorf("records %s %q, %s %q", def.Kind, def.Name, rest.Kind, rest.Name)
	}
	got, err := tlog.ParseAreasCSV(rest.Content)
	if err != nil || len(got) != 1 || got[0].ID != "P1" || got[0].Registered != 10 {
		t.Errorf("the imported areas: %+v, %v", got, err)
	}
	// The store's areas must be the definition's, in its order.
	areas[1], areas[2] = areas[2], areas[1]
	if _, _, err := tlog.DefinitionRecords(e, areas); err == nil {
		t.Error("DefinitionRecords accepted areas in another order than the definition's")
	}
	e.Definition = nil
	if _, _, err := tlog.DefinitionRecords(e, areas); dauys.ErrorCode(err) != dauys.EINVALID {
		t.Errorf("an election without a definition file: %v", err)
	}
}
