package tlog

import (
	"bytes"
	"strconv"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// FuzzQuoted holds the fast quoting of record fields to strconv.Quote,
// which defines the record format.
func FuzzQuoted(f *testing.F) {
	for _, s := range []string{"", "X-P0000001", `a"b`, `a\b`, "ашық", "\x00\x7f\xff", "tab\there"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := quoted(s), strconv.Quote(s); got != want {
			t.Errorf("quoted(%q) = %s, want %s", s, got, want)
		}
	})
}

// encodeFields is Encode through fields, as for every kind but protocols.
func encodeFields(t *rapid.T, r *Record) []byte {
	fs, err := r.fields()
	if err != nil {
		t.Fatal(err)
	}
	b := []byte(recordMagic)
	for _, f := range fs {
		b = append(b, f.name+" "+f.value+"\n"...)
	}
	return append(b, r.Content...)
}

// TestEncodeProtocol holds the direct encoding of protocol records to the
// one their fields define, which Decode reads.
func TestEncodeProtocol(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		str := rapid.OneOf(rapid.StringMatching(`[A-Za-z0-9:_-]{0,12}`), rapid.String())
		r := &Record{Kind: KindProtocol, Election: str.Draw(t, "election"), Contest: str.Draw(t, "contest"),
			Area: str.Draw(t, "area"), Version: rapid.IntRange(0, 1<<40).Draw(t, "version"),
			ProtocolKind: str.Draw(t, "kind"), Reason: str.Draw(t, "reason"), KeyID: str.Draw(t, "key"),
			Signature: rapid.SliceOfN(rapid.Byte(), 0, 70).Draw(t, "signature"),
			Content:   rapid.SliceOfN(rapid.Byte(), 0, 300).Draw(t, "content")}
		if rapid.Bool().Draw(t, "received") {
			r.ReceivedAt = time.Unix(rapid.Int64Range(0, 1<<34).Draw(t, "s"), rapid.Int64Range(0, 999999999).Draw(t, "ns")).
				In(time.FixedZone("x", rapid.IntRange(-12, 12).Draw(t, "zone")*3600))
		}
		got, err := r.Encode()
		if err != nil {
			t.Fatal(err)
		}
		if want := encodeFields(t, r); !bytes.Equal(got, want) {
			t.Fatalf("Encode = %q\nfields give %q", got, want)
		}
		d, err := Decode(got)
		if err != nil {
			t.Fatalf("Decode: %v", err)
		}
		if again, _ := d.Encode(); !bytes.Equal(again, got) {
			t.Fatalf("round trip %q", again)
		}
	})
}
