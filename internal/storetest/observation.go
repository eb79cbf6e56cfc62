package storetest

import (
	"maps"
	"strings"
	"testing"

	"github.com/dauys/dauys"
)

// testObservations holds both stores to the ObservationStore contract:
// organisations per election, observations with ids never reused, images
// stored once per observation and listed in the order they were added, and
// a version that grows with each.
func testObservations(t *testing.T, fresh func(*testing.T) dauys.Store) {
	s := fresh(t)
	f := newFixture(t, s)
	ctx := t.Context()
	id := f.e.ID

	checkCode(t, "organisation of a missing election", s.RegisterOrganisation(ctx, &dauys.Organisation{Election: "nope", Name: "A"}), dauys.ENOTFOUND)
	checkCode(t, "organisation without a name", s.RegisterOrganisation(ctx, &dauys.Organisation{Election: id, Name: " "}), dauys.EINVALID)
	checkCode(t, "organisation with a long name", s.RegisterOrganisation(ctx, &dauys.Organisation{Election: id, Name: strings.Repeat("x", dauys.MaxOrgName+1)}), dauys.EINVALID)
	checkCode(t, "organisation", s.RegisterOrganisation(ctx, &dauys.Organisation{Election: id, Name: "Adal", Kind: "ngo", CreatedAt: at(1)}), "")
	checkCode(t, "second organisation", s.RegisterOrganisation(ctx, &dauys.Organisation{Election: id, Name: "Aq Jol", Kind: "party"}), "")
	checkCode(t, "same organisation", s.RegisterOrganisation(ctx, &dauys.Organisation{Election: id, Name: "Adal"}), dauys.ECONFLICT)
	orgs, err := s.Organisations(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(orgs) != 2 || orgs[0].Name != "Adal" || orgs[0].Kind != "ngo" || !orgs[0].CreatedAt.Equal(at(1)) || orgs[1].Name != "Aq Jol" || orgs[1].CreatedAt.IsZero() {
		t.Errorf("organisations %+v", orgs)
	}
	_, err = s.Organisations(ctx, "nope")
	checkCode(t, "organisations of a missing election", err, dauys.ENOTFOUND)

	lines := map[string]int64{"registered": 1200, "took_part": 900, "yes": 500, "no": 400}
	obs := func(area, org string) *dauys.Observation {
		return &dauys.Observation{Election: id, Contest: contestRef, Area: area, Org: org, Lines: maps.Clone(lines),
			Observer: "observer@" + area, Source: "test", ReceivedAt: at(2)}
	}
	checkCode(t, "observation of an unregistered organisation", s.SaveObservation(ctx, obs("p1", "Nobody")), dauys.ENOTFOUND)
	checkCode(t, "observation without lines", s.SaveObservation(ctx, &dauys.Observation{Election: id, Contest: contestRef, Area: "p1", Org: "Adal"}), dauys.EINVALID)
	v0, err := s.ObservationsVersion(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	o1, o2, o3 := obs("p1", "Adal"), obs("p1", "Aq Jol"), obs("p3", "Adal")
	for _, o := range []*dauys.Observation{o1, o2, o3} {
		if err := s.SaveObservation(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	if o1.ID == "" || o1.ID == o2.ID || o2.ID == o3.ID || o1.ID == o3.ID {
		t.Fatalf("observation ids %q %q %q", o1.ID, o2.ID, o3.ID)
	}
	v1, err := s.ObservationsVersion(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if v1 == v0 {
		t.Errorf("version stayed %d after three observations", v0)
	}

	sha := strings.Repeat("ab", 32)
	img := &dauys.ObservationImage{Election: id, Observation: o1.ID, SHA256: sha, MediaType: dauys.MediaJPEG, Size: 1234, Uploader: "u", ReceivedAt: at(3)}
	checkCode(t, "image", s.AddObservationImage(ctx, img), "")
	checkCode(t, "same image again", s.AddObservationImage(ctx, img), "")
	img2 := *img
	img2.Observation = o3.ID
	checkCode(t, "same image on another observation", s.AddObservationImage(ctx, &img2), "")
	bad := *img
	bad.Observation = "999999"
	checkCode(t, "image of a missing observation", s.AddObservationImage(ctx, &bad), dauys.ENOTFOUND)
	bad.Observation = "x"
	checkCode(t, "image of a malformed observation id", s.AddObservationImage(ctx, &bad), dauys.ENOTFOUND)
	bad = *img
	bad.Election = "nope"
	checkCode(t, "image of another election's observation", s.AddObservationImage(ctx, &bad), dauys.ENOTFOUND)
	bad = *img
	bad.SHA256 = "abc"
	checkCode(t, "image with a bad hash", s.AddObservationImage(ctx, &bad), dauys.EINVALID)
	if v2, err := s.ObservationsVersion(ctx, id); err != nil || v2 == v1 {
		t.Errorf("version %d (%v) after images, was %d", v2, err, v1)
	}

	all, err := s.Observations(ctx, id, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 || all[0].Area != "p1" || all[2].Area != "p3" {
		t.Fatalf("observations %+v", all)
	}
	got := all[0]
	if got.ID != o1.ID || got.Org != "Adal" || !maps.Equal(got.Lines, lines) || got.Observer != "observer@p1" || got.Source != "test" || !got.ReceivedAt.Equal(at(2)) {
		t.Errorf("observation %+v, want %+v", got, o1)
	}
	if len(got.Images) != 1 || got.Images[0].SHA256 != sha || got.Images[0].MediaType != dauys.MediaJPEG || got.Images[0].Size != 1234 ||
		got.Images[0].Observation != o1.ID || !got.Images[0].ReceivedAt.Equal(at(3)) {
		t.Errorf("images %+v", got.Images)
	}
	if len(all[1].Images) != 0 || len(all[2].Images) != 1 {
		t.Errorf("images of the others: %+v, %+v", all[1].Images, all[2].Images)
	}
	p3, err := s.Observations(ctx, id, "p3")
	if err != nil || len(p3) != 1 || p3[0].ID != o3.ID || len(p3[0].Images) != 1 {
		t.Errorf("observations of p3: %+v, %v", p3, err)
	}
	if none, err := s.Observations(ctx, id, "p2"); err != nil || len(none) != 0 {
		t.Errorf("observations of p2: %+v, %v", none, err)
	}
	_, err = s.Observations(ctx, "nope", "")
	checkCode(t, "observations of a missing election", err, dauys.ENOTFOUND)

	one, err := s.Observation(ctx, id, o3.ID)
	if err != nil || one.Area != "p3" || len(one.Images) != 1 {
		t.Errorf("observation %s: %+v, %v", o3.ID, one, err)
	}
	for _, missing := range []string{"999999", "x", ""} {
		_, err = s.Observation(ctx, id, missing)
		checkCode(t, "observation "+missing, err, dauys.ENOTFOUND)
	}
	_, err = s.Observation(ctx, "nope", o1.ID)
	checkCode(t, "observation of another election", err, dauys.ENOTFOUND)

	imgs, err := s.ObservationImages(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(imgs) != 2 || imgs[0].Observation != o1.ID || imgs[1].Observation != o3.ID || imgs[0].Election != id ||
		imgs[1].Area != "p3" || imgs[1].Contest != contestRef || imgs[1].Org != "Adal" {
		t.Errorf("images %+v", imgs)
	}

	// A user acts for an organisation as a token does.
	if us, ok := s.(dauys.UserStore); ok {
		mustCreateUser(t, us, &dauys.User{Name: "aigerim", Role: dauys.RoleObserver, Election: id, Area: "p1", Org: "Adal", PasswordHash: "x", CreatedAt: at(4)})
		u, err := us.User(ctx, "aigerim")
		if err != nil || u.Org != "Adal" || u.Principal().Org != "Adal" {
			t.Errorf("user with an organisation: %+v, %v", u, err)
		}
	}
}
