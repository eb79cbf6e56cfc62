package intake

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

func cp1251(t *testing.T, s string) string {
	t.Helper()
	b, err := charmap.Windows1251.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func latin1(t *testing.T, s string) string {
	t.Helper()
	b, err := charmap.ISO8859_1.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDecodeCSV reads the shapes of files people make: UTF-8 with commas
// (ours), Excel's Windows-1251 with semicolons, UTF-8 with semicolons
// (Excel's "CSV UTF-8" in a Russian locale), and refuses bytes that are
// neither UTF-8 nor Cyrillic in Windows-1251.
func TestDecodeCSV(t *testing.T) {
	const header = "region;tik;uik;Число избирателей;ДА;НЕТ\r\nРеспублика Адыгея (Адыгея);1 Адыгейская;УИК №1;2277;1749;176\r\n"
	tests := []struct {
		name, in, encoding string
		want               string
		comma              rune
		err                string
	}{
		{"UTF-8, commas", strings.ReplaceAll(header, ";", ","), EncodingAuto, strings.ReplaceAll(header, ";", ","), ',', ""},
		{"UTF-8 BOM, semicolons", "\ufeff" + header, EncodingAuto, "\ufeff" + header, ';', ""},
		{"Windows-1251, semicolons", cp1251(t, header), EncodingAuto, header, ';', ""},
		{"Windows-1251 named", cp1251(t, header), EncodingCP1251, header, ';', ""},
		{"commas inside quotes", "\"a;b\",\"c;d\",e\n", EncodingAuto, "\"a;b\",\"c;d\",e\n", ',', ""},
		{"Windows-1251 refused as UTF-8", cp1251(t, header), EncodingUTF8, cp1251(t, header), ';', ""},
		{"binary", "PK\x03\x04\x14\x00\x98\x00\x00\x81\x8d\x8f\x90", EncodingAuto, "", 0, "neither UTF-8 text nor Cyrillic"},
		{"Latin-1", latin1(t, "Gemeinde,Stimmen\nZürich,1\nGenève,2\nBülach,3\n"), EncodingAuto, "", 0, "neither UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, comma, err := decodeCSV(strings.NewReader(tt.in), "f.csv", tt.encoding)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(r)
			if string(got) != tt.want || comma != tt.comma {
				t.Errorf("got %q with %q, want %q with %q", got, comma, tt.want, tt.comma)
			}
		})
	}
}

// TestTrimPartialRune: a sniffed prefix cut inside a UTF-8 letter is
// still UTF-8.
func TestTrimPartialRune(t *testing.T) {
	s := []byte("УИК №1")
	for i := range len(s) + 1 {
		if b := trimPartialRune(s[:i]); !strings.HasPrefix("УИК №1", string(b)) || len(s[:i])-len(b) > 3 {
			t.Errorf("%q -> %q", s[:i], b)
		}
	}
}

// TestDecodeCSVFromAPipe: an import from a pipe starts once the header
// has come, without waiting for the 64 KiB that decide a file's encoding
// (a regression: the first version waited, and an import from a FIFO
// never started).
func TestDecodeCSVFromAPipe(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	go pw.Write([]byte(cp1251(t, "area;ДА\r\n")))
	done := make(chan error, 1)
	go func() {
		_, comma, err := decodeCSV(pr, "pipe", EncodingAuto)
		if err == nil && comma != ';' {
			err = fmt.Errorf("separator %q", comma)
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute):
		t.Fatal("decodeCSV waits for more than the header of a pipe")
	}
}

// FuzzDecodeCSV: any bytes are read or refused, never a crash, and what
// is read as Windows-1251 comes out as UTF-8.
func FuzzDecodeCSV(f *testing.F) {
	f.Add([]byte("area,contest,yes\nA,c,1\n"))
	excel, _ := charmap.Windows1251.NewEncoder().String("район;ДА;НЕТ\r\nУИК №1;1;2\r\n")
	f.Add([]byte(excel))
	f.Add([]byte("\xef\xbb\xbf\"a;b\",c\n"))
	f.Add([]byte{0xfc, 0xe8, 0x98, '\n'})
	f.Fuzz(func(t *testing.T, in []byte) {
		r, comma, err := decodeCSV(bytes.NewReader(in), "f.csv", EncodingAuto)
		if err != nil {
			return
		}
		if comma != ',' && comma != ';' {
			t.Fatalf("separator %q", comma)
		}
		out, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		if !utf8.Valid(trimPartialRune(in)) && !utf8.Valid(out) {
			t.Fatalf("%q decoded to %q, not UTF-8", in, out)
		}
	})
}
