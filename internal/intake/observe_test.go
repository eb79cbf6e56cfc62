package intake_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/imagestore"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/teststores"
)

// TestObserve: an observer's copy gets the protocol's form checks, with
// errors naming the line in kk/ru/en, is stored under its organisation and
// never changes a count.
func TestObserve(t *testing.T) {
	teststores.Each(t, func(t *testing.T, s teststores.Store) {
		ctx := t.Context()
		e := testElection(false)
		if err := s.CreateElection(ctx, e); err != nil {
			t.Fatal(err)
		}
		if err := s.RegisterOrganisation(ctx, &dauys.Organisation{Election: e.ID, Name: "Adal"}); err != nil {
			t.Fatal(err)
		}
		in := intake.New(s, func() time.Time { return time.Date(2026, 3, 15, 21, 0, 0, 0, time.UTC) })
		official := intake.Submission{Contest: "list", Area: "p1", Lines: lines(1000, 600, 10, 0, 300, 290)}
		if res, err := in.Submit(ctx, e.ID, []intake.Submission{official}); err != nil || res[0].Err != nil {
			t.Fatalf("official: %v %v", err, res[0].Err)
		}

		bad := intake.Submission{Contest: "list", Area: "p1", Lines: lines(1000, 600, 10, 0, 300, 280)}
		_, err := in.Observe(ctx, e.ID, "Adal", bad)
		if dauys.ErrorCode(err) != dauys.EINVALID {
			t.Fatalf("a copy that does not add up: %v", err)
		}
		var de *dauys.Error
		if !asError(err, &de) || !strings.Contains(de.Text.EN, "E_BALLOTS") || de.Text.KK == "" || de.Text.RU == "" {
			t.Errorf("refusal does not name the relation in three languages: %+v", de)
		}
		if _, err := in.Observe(ctx, e.ID, "", official); dauys.ErrorCode(err) != dauys.EFORBIDDEN {
			t.Errorf("observation without an organisation: %v", err)
		}
		if _, err := in.Observe(ctx, e.ID, "Nobody", official); dauys.ErrorCode(err) != dauys.ENOTFOUND {
			t.Errorf("observation of an unregistered organisation: %v", err)
		}
		if _, err := in.Observe(ctx, e.ID, "Adal", intake.Submission{Contest: "list", Area: "r1", Lines: official.Lines}); dauys.ErrorCode(err) != dauys.EINVALID {
			t.Errorf("observation of a region: %v", err)
		}

		copyLines := lines(1000, 600, 10, 0, 310, 280)
		o, err := in.Observe(ctx, e.ID, "Adal", intake.Submission{Contest: "list", Area: "p1", Lines: maps.Clone(copyLines)})
		if err != nil {
			t.Fatal(err)
		}
		if o.ID == "" || o.Org != "Adal" || o.Lines["option:a"] != 310 {
			t.Errorf("observation %+v", o)
		}
		p, err := s.Protocol(ctx, e.ID, "list", "p1")
		if err != nil || p.Lines["option:a"] != 300 || p.Version != 1 {
			t.Errorf("the official protocol changed: %+v %v", p, err)
		}
		tot, err := s.Totals(ctx, e.ID, "list", []string{"kz"})
		if err != nil || tot["kz"]["option:a"] != 300 {
			t.Errorf("totals changed: %v %v", tot, err)
		}
		ds := dauys.CompareObservation(o, p)
		if len(ds) != 2 || ds[0].Line != "option:a" || *ds[0].Official != 300 || *ds[0].Observed != 310 || ds[1].Line != "option:b" {
			t.Errorf("discrepancies %+v", ds)
		}

		images := &imagestore.Folder{Dir: t.TempDir()}
		jpg := testJPEG(t, true)
		img, err := in.AddImage(ctx, images, e.ID, o.ID, "Adal", "image/jpeg", jpg, "observer")
		if err != nil {
			t.Fatal(err)
		}
		stored, err := images.Get(ctx, img.SHA256)
		if err != nil || bytes.Contains(stored, []byte("Exif")) || bytes.Contains(stored, []byte("43.2389")) {
			t.Errorf("stored image keeps its metadata or is missing: %v", err)
		}
		if _, err := in.AddImage(ctx, images, e.ID, o.ID, "Aq Jol", "image/jpeg", jpg, "other"); dauys.ErrorCode(err) != dauys.EFORBIDDEN {
			t.Errorf("an image on another organisation's observation: %v", err)
		}
		if _, err := in.AddImage(ctx, images, e.ID, "999", "Adal", "image/jpeg", jpg, "observer"); dauys.ErrorCode(err) != dauys.ENOTFOUND {
			t.Errorf("an image on a missing observation: %v", err)
		}
		got, err := s.Observation(ctx, e.ID, o.ID)
		if err != nil || len(got.Images) != 1 || got.Images[0].SHA256 != img.SHA256 {
			t.Errorf("observation's images: %+v %v", got, err)
		}
	})
}

func asError(err error, target **dauys.Error) bool {
	de, ok := err.(*dauys.Error)
	if !ok {
		return false
	}
	*target = de
	return true
}

// testJPEG returns a small JPEG, with an EXIF segment carrying a location
// when exif is set.
func testJPEG(t testing.TB, exif bool) []byte {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, 16, 12))
	for i := range m.Pix {
		m.Pix[i] = byte(i)
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, nil); err != nil {
		t.Fatal(err)
	}
	out := b.Bytes()
	if exif {
		payload := []byte("Exif\x00\x00GPS 43.2389 N 76.8897 E")
		seg := []byte{0xff, 0xe1, 0, 0}
		binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
		out = append(append(append([]byte{}, out[:2]...), append(seg, payload...)...), out[2:]...)
	}
	return out
}

// pngWithText returns a PNG with a tEXt chunk, and pngClaiming one whose
// header claims a picture of w×h.
func pngWithText(t testing.TB) []byte {
	t.Helper()
	m := image.NewGray(image.Rect(0, 0, 8, 8))
	m.Set(1, 1, color.Gray{200})
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	out := b.Bytes()
	// After the signature (8) and IHDR (25).
	return append(append(append([]byte{}, out[:33]...), chunk("tEXt", []byte("Author\x00Secret Person"))...), out[33:]...)
}

func chunk(kind string, data []byte) []byte {
	out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	out = append(out, kind...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(append([]byte(kind), data...)))
}

func pngClaiming(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 0, 0, 0, 0) // 8-bit grey
	out := append([]byte("\x89PNG\r\n\x1a\n"), chunk("IHDR", ihdr)...)
	return append(out, chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
}

func TestCleanImage(t *testing.T) {
	jpg := testJPEG(t, true)
	pngText := pngWithText(t)
	for _, tc := range []struct {
		name, mediaType string
		data            []byte
		want            string // media type, or "" when refused
		gone            string // bytes that must not survive
	}{
		{"jpeg with exif", "image/jpeg", jpg, dauys.MediaJPEG, "43.2389"},
		{"jpeg, type from the bytes", "", jpg, dauys.MediaJPEG, "Exif"},
		{"png with a text chunk", "image/png", pngText, dauys.MediaPNG, "Secret Person"},
		{"png declared as jpeg", "image/jpeg", pngText, "", ""},
		{"html declared as png", "image/png", []byte("<html><script>alert(1)</script>"), "", ""},
		{"svg", "image/svg+xml", []byte("<svg xmlns='http://www.w3.org/2000/svg'/>"), "", ""},
		{"decompression bomb", "image/png", pngClaiming(100000, 100000), "", ""},
		{"zero size", "image/png", pngClaiming(0, 10), "", ""},
		{"truncated jpeg", "image/jpeg", jpg[:len(jpg)/2], "", ""},
		{"too large", "image/jpeg", append(append([]byte{}, jpg...), make([]byte, dauys.MaxImageBytes)...), "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, kind, err := intake.CleanImage(tc.mediaType, tc.data)
			if tc.want == "" {
				if dauys.ErrorCode(err) != dauys.EINVALID {
					t.Fatalf("not refused: %v", err)
				}
				var de *dauys.Error
				if !asError(err, &de) || de.Text.KK == "" || de.Text.RU == "" || de.Text.EN == "" {
					t.Errorf("refusal not in three languages: %v", err)
				}
				return
			}
			if err != nil || kind != tc.want {
				t.Fatalf("got %s, %v", kind, err)
			}
			if !bytes.Contains(tc.data, []byte(tc.gone)) {
				t.Fatalf("the test image lacks %q", tc.gone)
			}
			if bytes.Contains(out, []byte(tc.gone)) {
				t.Errorf("%q survived cleaning", tc.gone)
			}
			if _, format, err := image.Decode(bytes.NewReader(out)); err != nil || "image/"+format != kind {
				t.Errorf("cleaned image decodes as %s, %v", format, err)
			}
		})
	}
}

// FuzzCleanImage: whatever bytes come as an image, CleanImage never
// panics, refuses with EINVALID, or returns an image of the type it says
// that decodes again and that it would clean to the same type.
func FuzzCleanImage(f *testing.F) {
	f.Add("image/jpeg", testJPEG(f, true))
	f.Add("image/png", pngWithText(f))
	f.Add("", pngClaiming(1<<20, 1<<20))
	f.Add("image/png", []byte("\x89PNG\r\n\x1a\n"))
	f.Add("image/jpeg", []byte("\xff\xd8\xff\xe0"))
	f.Fuzz(func(t *testing.T, mediaType string, data []byte) {
		out, kind, err := intake.CleanImage(mediaType, data)
		if err != nil {
			if code := dauys.ErrorCode(err); code != dauys.EINVALID {
				t.Fatalf("refused with %s: %v", code, err)
			}
			return
		}
		if _, format, err := image.Decode(bytes.NewReader(out)); err != nil || "image/"+format != kind {
			t.Fatalf("cleaned to %s, decodes as %s: %v", kind, format, err)
		}
		if _, again, err := intake.CleanImage("", out); err != nil || again != kind {
			t.Fatalf("the clean image does not clean again: %s, %v", again, err)
		}
	})
}
