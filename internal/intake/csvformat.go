package intake

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/transform"

	"github.com/dauys/dauys"
)

// Encodings of import files. Excel in Kazakhstan and Russia saves "CSV"
// in Windows-1251 with semicolons, as the list separator of those locales
// is the semicolon; every other tool of ours writes UTF-8 with commas.
const (
	EncodingAuto   = ""       // UTF-8, or Windows-1251 when the file is not UTF-8 and reads as Cyrillic
	EncodingUTF8   = "utf-8"  // UTF-8 only
	EncodingCP1251 = "cp1251" // Windows-1251
)

// ParseEncoding reads an --encoding value.
func ParseEncoding(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return EncodingAuto, nil
	case "utf-8", "utf8":
		return EncodingUTF8, nil
	case "cp1251", "windows-1251", "win1251":
		return EncodingCP1251, nil
	}
	return "", dauys.Errorf(dauys.EINVALID, "encoding %q: use auto, utf-8 or cp1251", s)
}

// sniffSize bounds how much of a file decides its encoding and separator.
const sniffSize = 64 << 10

// decodeCSV returns the file as UTF-8, decoding Windows-1251 when asked
// or detected, and the separator of its header: ';' when the header has
// more semicolons than commas, else ','.
func decodeCSV(r io.Reader, name, encoding string) (io.Reader, rune, error) {
	br := bufio.NewReaderSize(r, sniffSize)
	head, err := sniff(br)
	if err != nil {
		return nil, 0, err
	}
	switch encoding {
	case EncodingAuto:
		if !utf8.Valid(trimPartialRune(head)) {
			if !plausibleCP1251(head) {
				return nil, 0, dauys.Errorf(dauys.EINVALID, "%s: the file is neither UTF-8 text nor Cyrillic in Windows-1251; save it as CSV UTF-8, or name its encoding (--encoding cp1251)", name)
			}
			encoding = EncodingCP1251
		}
	case EncodingUTF8, EncodingCP1251:
	default:
		return nil, 0, dauys.Errorf(dauys.EINVALID, "encoding %q: use utf-8 or cp1251", encoding)
	}
	var out io.Reader = br
	if encoding == EncodingCP1251 {
		out = transform.NewReader(br, charmap.Windows1251.NewDecoder())
	}
	return out, separator(head), nil
}

// sniff returns what the reader holds once it has the whole first line
// (or sniffSize bytes, or the end of the file), without waiting for more:
// an import from a pipe starts with its header, as it always did. A file
// is read sniffSize bytes at a time, so its first 64 KiB decide.
func sniff(br *bufio.Reader) ([]byte, error) {
	for n := 1; ; {
		_, err := br.Peek(n)
		head, _ := br.Peek(br.Buffered())
		switch {
		case bytes.IndexByte(head, '\n') >= 0, errors.Is(err, io.EOF), errors.Is(err, bufio.ErrBufferFull):
			return head, nil
		case err != nil:
			return nil, err
		}
		n = len(head) + 1
	}
}

// separator counts the semicolons and commas of the first line outside
// quotes; both are ASCII, the same in either encoding.
func separator(head []byte) rune {
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	semicolons, commas, quoted := 0, 0, false
	for _, b := range head {
		switch {
		case b == '"':
			quoted = !quoted
		case quoted:
		case b == ';':
			semicolons++
		case b == ',':
			commas++
		}
	}
	if semicolons > commas {
		return ';'
	}
	return ','
}

// trimPartialRune drops a rune cut by the end of a sniffed prefix.
func trimPartialRune(b []byte) []byte {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return b[:i]
			}
			break
		}
	}
	return b
}

// plausibleCP1251 reports whether the bytes above ASCII read as Cyrillic
// text in Windows-1251: most are letters (А-я, Ё, ё, І, і), the rest its
// punctuation (№, «», dashes, quotes, the non-breaking space), none is a
// byte Windows-1251 leaves undefined, and the letters come in words, not
// one at a time between Latin letters as the accents of Latin-1 do
// ("Zürich" in Latin-1 is "Zьrich" in Windows-1251).
func plausibleCP1251(b []byte) bool {
	letter := func(c byte) bool { return c >= 0xC0 || c == 0xA8 || c == 0xB8 || c == 0xB2 || c == 0xB3 }
	letters, inWords, other := 0, 0, 0
	for i, c := range b {
		switch {
		case c < 0x80:
		case letter(c):
			letters++
			if i > 0 && letter(b[i-1]) || i+1 < len(b) && letter(b[i+1]) {
				inWords++
			}
		case c == 0x98:
			return false // undefined in Windows-1251
		default:
			other++
		}
	}
	return letters > 0 && letters >= 4*other && 2*inWords >= letters
}
