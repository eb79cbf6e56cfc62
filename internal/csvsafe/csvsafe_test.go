package csvsafe_test

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/dauys/dauys/internal/csvsafe"
)

func TestWriter(t *testing.T) {
	cells := []string{"=cmd|' /C calc'!A0", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "plain", "", "'quoted", "a=b", "Алматы"}
	want := []string{"'=cmd|' /C calc'!A0", "'+1", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx", "plain", "", "'quoted", "a=b", "Алматы"}
	var b bytes.Buffer
	w := csvsafe.NewWriter(&b)
	if err := w.Write(cells); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	got, err := csv.NewReader(&b).Read()
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("cell %q written as %q, want %q", cells[i], got[i], want[i])
		}
		if cells[i] != "'quoted" && csvsafe.Unescape(got[i]) != cells[i] {
			t.Errorf("Unescape(%q) = %q, want %q", got[i], csvsafe.Unescape(got[i]), cells[i])
		}
	}
	if cells[0] != "=cmd|' /C calc'!A0" {
		t.Error("Write changed its record")
	}
}

func FuzzEscape(f *testing.F) {
	for _, s := range []string{"=1", "-x", "'=1", "", "a", "\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := csvsafe.Escape(s)
		if e != "" && (e[0] == '=' || e[0] == '+' || e[0] == '-' || e[0] == '@' || e[0] == '\t' || e[0] == '\r') {
			t.Errorf("Escape(%q) = %q begins like a formula", s, e)
		}
		// Exact for everything that does not itself begin with an
		// apostrophe, as identifiers never do.
		if (s == "" || s[0] != '\'') && csvsafe.Unescape(e) != s {
			t.Errorf("Unescape(Escape(%q)) = %q", s, csvsafe.Unescape(e))
		}
	})
}
