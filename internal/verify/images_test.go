package verify_test

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/imagestore"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/tlog/tlogtest"
	"github.com/dauys/dauys/internal/verify"
)

// TestImages: the verifier checks every published image of an observer
// against the hash the log holds, and finds an image swapped after it was
// logged.
func TestImages(t *testing.T) {
	ctx := t.Context()
	s, seq, in := fixture(t)
	seq.Images = s
	tlogtest.Submit(t, in, tlogtest.Night()...)
	if err := s.RegisterOrganisation(ctx, &dauys.Organisation{Election: tlogtest.FixtureID, Name: "Adal"}); err != nil {
		t.Fatal(err)
	}
	sub := tlogtest.Night()[0]
	o, err := in.Observe(ctx, tlogtest.FixtureID, "Adal", intake.Submission{Contest: sub.Contest, Area: sub.Area, Lines: sub.Lines})
	if err != nil {
		t.Fatal(err)
	}
	var pic bytes.Buffer
	if err := png.Encode(&pic, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	images := &imagestore.Folder{Dir: t.TempDir()}
	img, err := in.AddImage(ctx, images, tlogtest.FixtureID, o.ID, "Adal", "image/png", pic.Bytes(), "observer")
	if err != nil {
		t.Fatal(err)
	}
	b := published(t, s, seq, in)

	r := b.verify(t, nil)
	if !r.OK() || r.Images != 1 || r.ImagesMissing != 1 || r.ImagesChecked != 0 {
		t.Fatalf("without the image published: %+v", r)
	}
	clean, err := images.Get(ctx, img.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(b.dir, filepath.FromSlash(verify.ImagePath(img.SHA256)))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, clean, 0o644); err != nil {
		t.Fatal(err)
	}
	if r := b.verify(t, nil); !r.OK() || r.ImagesChecked != 1 || !strings.Contains(r.Summary(), "1 published and matching") {
		t.Fatalf("with the image published: %+v\n%s", r, r.Summary())
	}

	// Swapped: another picture under the logged name.
	var other bytes.Buffer
	if err := png.Encode(&other, image.NewGray(image.Rect(0, 0, 5, 4))); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, other.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	r = b.verify(t, nil)
	if r.OK() || !strings.Contains(r.Summary(), "changed after it was logged") {
		t.Fatalf("a swapped image verifies:\n%s", r.Summary())
	}
}
