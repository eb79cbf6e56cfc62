package tlogtest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/tlog"
)

// testImages: the hash of every observer's image is logged once, after the
// protocols of its Sync, with the observation's precinct and organisation,
// and the record reads back as it was written.
func testImages(t *testing.T, s Store) {
	ctx := t.Context()
	seq, in := Setup(t, s)
	seq.Images = s
	Submit(t, in, Night()[0])
	if err := s.RegisterOrganisation(ctx, &dauys.Organisation{Election: FixtureID, Name: "Adal"}); err != nil {
		t.Fatal(err)
	}
	sub := Night()[0]
	o, err := in.Observe(ctx, FixtureID, "Adal", intake.Submission{Contest: sub.Contest, Area: sub.Area, Lines: sub.Lines})
	if err != nil {
		t.Fatal(err)
	}
	sha := strings.Repeat("0f", 32)
	img := &dauys.ObservationImage{Election: FixtureID, Observation: o.ID, SHA256: sha, MediaType: dauys.MediaPNG, Size: 99,
		ReceivedAt: time.Date(2026, 3, 15, 22, 0, 0, 0, time.UTC)}
	if err := s.AddObservationImage(ctx, img); err != nil {
		t.Fatal(err)
	}
	// A photo not logged yet holds back publishing (tlog.Current): the
	// site would show what no checkpoint covers.
	seq.Images = nil
	if _, err := seq.Sync(ctx, FixtureID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := tlog.Current(ctx, s, FixtureID); dauys.ErrorCode(err) != dauys.ECONFLICT || !strings.Contains(err.Error(), sha) {
		t.Errorf("Current with a photo not logged: %v, want a conflict naming it", err)
	}
	seq.Images = s
	for range 2 {
		if _, err := seq.Sync(ctx, FixtureID); err != nil {
			t.Fatal(err)
		}
	}
	var kinds []string
	var got *tlog.Record
	for _, r := range records(t, entries(t, s)) {
		kinds = append(kinds, r.Kind)
		if r.Kind == tlog.KindImage {
			got = r
		}
	}
	want := []string{tlog.KindDefinition, tlog.KindAreas, tlog.KindProtocol, tlog.KindImage}
	if !slices.Equal(kinds, want) {
		t.Fatalf("log = %v, want %v", kinds, want)
	}
	if got.SHA256 != sha || got.Observation != o.ID || got.Area != sub.Area || got.Contest != sub.Contest || got.Org != "Adal" ||
		got.MediaType != dauys.MediaPNG || got.Size != 99 || !got.ReceivedAt.Equal(img.ReceivedAt) {
		t.Errorf("image record %+v", got)
	}
	if _, err := s.LogIndex(ctx, FixtureID, tlog.ImageRef(o.ID, sha)); err != nil {
		t.Errorf("the image's place in the log: %v", err)
	}
	if _, _, err := tlog.Current(ctx, s, FixtureID); err != nil {
		t.Errorf("Current once the photo is logged: %v", err)
	}

	// A second image, added later, is logged on the next Sync.
	img2 := *img
	img2.SHA256 = strings.Repeat("1e", 32)
	if err := s.AddObservationImage(ctx, &img2); err != nil {
		t.Fatal(err)
	}
	if _, err := seq.Sync(ctx, FixtureID); err != nil {
		t.Fatal(err)
	}
	if n := len(entries(t, s)); n != len(want)+1 {
		t.Errorf("%d entries after a second image, want %d", n, len(want)+1)
	}
}
