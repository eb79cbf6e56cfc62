package web_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/imagestore"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/web"
)

// TestPublishObserverCopies: the export carries observers' copies on the
// precinct pages, their images under images/<sha256> where the pages link
// them, and no link to the live API.
func TestPublishObserverCopies(t *testing.T) {
	images := &imagestore.Folder{Dir: t.TempDir()}
	fx := mustFixture(t, func(c *web.Config) { c.Images = images })
	ctx := context.Background()
	if err := fx.store.RegisterOrganisation(ctx, &dauys.Organisation{Election: "fx-ref", Name: "Adal"}); err != nil {
		t.Fatal(err)
	}
	o, err := fx.intake.Observe(ctx, "fx-ref", "Adal", intake.Submission{Contest: "constitution", Area: "RF-A-1",
		Lines: lines("registered=1000 took_part=700 yes=510 no=160 both_marked=10 invalid=20")})
	if err != nil {
		t.Fatal(err)
	}
	var pic bytes.Buffer
	png.Encode(&pic, image.NewGray(image.Rect(0, 0, 3, 3)))
	img, err := fx.intake.AddImage(ctx, images, "fx-ref", o.ID, "Adal", "image/png", pic.Bytes(), "test")
	if err != nil {
		t.Fatal(err)
	}
	complaint := &dauys.Complaint{Election: "fx-ref", Area: "RF-A-1", Text: "Observers were kept away from the table", Complainant: "someone"}
	if err := fx.intake.FileComplaint(ctx, complaint); err != nil {
		t.Fatal(err)
	}
	var pic2 bytes.Buffer
	png.Encode(&pic2, image.NewGray(image.Rect(0, 0, 4, 2)))
	complaintPhoto, err := fx.intake.AddComplaintImage(ctx, images, "fx-ref", complaint.ID, "image/png", pic2.Bytes(), "someone")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := fx.site.Publish(ctx, web.PublishOptions{Election: "fx-ref", Dir: dir, Version: "v1"}); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dir, "v", "v1")
	want, _ := images.Get(ctx, img.SHA256)
	if got, err := os.ReadFile(filepath.Join(root, "images", img.SHA256)); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("the exported image: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "images", complaintPhoto)); err != nil {
		t.Errorf("the complaint's photo is not exported: %v", err)
	}
	page, err := os.ReadFile(filepath.Join(root, "en", "e", "fx-ref", "a", "RF-A-1.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`data-k="copy"`, `data-line="yes"`, "510", `src="../../../../images/` + img.SHA256 + `"`, "kept away from the table", `src="../../../../images/` + complaintPhoto + `"`} {
		if !strings.Contains(string(page), w) {
			t.Errorf("the exported precinct page lacks %s", w)
		}
	}
	region, err := os.ReadFile(filepath.Join(root, "kk", "e", "fx-ref", "a", "RF-A.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(region), "Байқалған учаскелер: 1") || strings.Contains(string(region), "api/v1") {
		t.Errorf("the exported region page: observed summary missing or a link to the API")
	}
}

// TestPrecinctComplaintsAndRecount: the precinct page shows a complaint's
// status and the commission's decision (not who complained), the protocol
// in recount while the order is open, and, once the new count arrives,
// the recount closed with the lines it changed.
func TestPrecinctComplaintsAndRecount(t *testing.T) {
	fx := mustFixture(t, func(c *web.Config) { c.Now, c.Freshness = time.Now, time.Nanosecond })
	ctx := context.Background()
	h := fx.site.Handler()
	c := &dauys.Complaint{Election: "fx-ref", Area: "RF-A-1", Contest: "constitution", Text: "The count was done behind closed doors", Complainant: "Secret Voter"}
	if err := fx.intake.FileComplaint(ctx, c); err != nil {
		t.Fatal(err)
	}
	page := func() string {
		t.Helper()
		return get(t, h, "/en/e/fx-ref/a/RF-A-1.html").Body.String()
	}
	if p := page(); !strings.Contains(p, "awaiting the commission") || !strings.Contains(p, c.Text) || strings.Contains(p, "Secret Voter") {
		t.Fatalf("the filed complaint:\n%s", p)
	}
	rc, err := fx.intake.DecideComplaint(ctx, &dauys.ComplaintDecision{Election: "fx-ref", Complaint: c.ID, Status: dauys.ComplaintRecountOrdered,
		Decision: "The doors were closed: the ballots are counted again in public", DecidedBy: "tec"})
	if err != nil {
		t.Fatal(err)
	}
	p := page()
	for _, w := range []string{"upheld: recount ordered", "counted again in public", `status-recount`, "Recount in progress"} {
		if !strings.Contains(p, w) {
			t.Errorf("in recount, the page lacks %q", w)
		}
	}
	fx.submit(t, "fx-ref", intake.Submission{Contest: "constitution", Area: "RF-A-1", Recount: rc.ID,
		Lines: lines("registered=1000 took_part=700 yes=495 no=175 both_marked=10 invalid=20")})
	p = page()
	for _, w := range []string{"Counted again: version 2", "Recount ordered (order " + rc.ID + ")", "500", "495"} {
		if !strings.Contains(p, w) {
			t.Errorf("after the recount, the page lacks %q", w)
		}
	}
	if strings.Contains(p, "status-recount") {
		t.Error("the protocol is still in recount after its new count")
	}
}
