package storetest

import (
	"strings"
	"testing"

	"github.com/dauys/dauys"
)

// testComplaints holds both stores to the ComplaintStore contract:
// complaints filed and decided once, a decision to recount ordering the
// recount in the same transaction, one open recount per precinct and
// contest, and a recount closed by the version it produced.
func testComplaints(t *testing.T, fresh func(*testing.T) dauys.Store) {
	s := fresh(t)
	f := newFixture(t, s)
	ctx := t.Context()
	id := f.e.ID

	file := func(area, contest, text string) *dauys.Complaint {
		t.Helper()
		c := &dauys.Complaint{Election: id, Area: area, Contest: contest, Text: text, Complainant: "voter-1", FiledAt: at(1)}
		if err := s.FileComplaint(ctx, c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	checkCode(t, "complaint without text", s.FileComplaint(ctx, &dauys.Complaint{Election: id, Area: "p1", Text: " "}), dauys.EINVALID)
	checkCode(t, "complaint too long", s.FileComplaint(ctx, &dauys.Complaint{Election: id, Area: "p1", Text: strings.Repeat("я", dauys.MaxComplaintText+1)}), dauys.EINVALID)
	checkCode(t, "complaint of a missing election", s.FileComplaint(ctx, &dauys.Complaint{Election: "nope", Area: "p1", Text: "x"}), dauys.ENOTFOUND)
	c1 := file("p1", contestRef, "The count was done behind closed doors")
	c2 := file("p1", "", "Observers were not let in")
	c3 := file("p3", contestRef, "Ballots found after the count")
	if c1.ID == "" || c1.ID == c2.ID || c1.Status != dauys.ComplaintFiled {
		t.Fatalf("complaints %+v %+v", c1, c2)
	}
	v0, err := s.ObservationsVersion(ctx, id)
	if err != nil {
		t.Fatal(err)
	}

	decide := func(c, status, text string) (*dauys.Recount, error) {
		return s.DecideComplaint(ctx, &dauys.ComplaintDecision{Election: id, Complaint: c, Status: status, Decision: text, DecidedBy: "tec-1", DecidedAt: at(2)})
	}
	_, err = decide(c2.ID, "maybe", "x")
	checkCode(t, "unknown decision", err, dauys.EINVALID)
	_, err = decide(c2.ID, dauys.ComplaintRejected, "")
	checkCode(t, "decision without reasons", err, dauys.EINVALID)
	_, err = decide("999999", dauys.ComplaintRejected, "x")
	checkCode(t, "decision on a missing complaint", err, dauys.ENOTFOUND)
	_, err = decide(c2.ID, dauys.ComplaintRecountOrdered, "recount")
	checkCode(t, "recount on a complaint without a contest", err, dauys.EINVALID)
	if r, err := decide(c2.ID, dauys.ComplaintRejected, "Observers were admitted at 19:40, as the register shows"); err != nil || r != nil {
		t.Errorf("reject: %v, %+v", err, r)
	}
	_, err = decide(c2.ID, dauys.ComplaintUpheld, "again")
	checkCode(t, "second decision", err, dauys.ECONFLICT)
	r, err := decide(c1.ID, dauys.ComplaintRecountOrdered, "The doors were closed: the ballots are counted again in public")
	if err != nil || r == nil || r.ID == "" || r.Area != "p1" || r.Contest != contestRef || r.Complaint != c1.ID || !r.Open() {
		t.Fatalf("recount ordered: %+v, %v", r, err)
	}

	// One open recount per precinct and contest.
	checkCode(t, "second open recount", s.OrderRecount(ctx, &dauys.Recount{Election: id, Area: "p1", Contest: contestRef, Reason: "again", OrderedBy: "tec"}), dauys.ECONFLICT)
	checkCode(t, "recount without reason", s.OrderRecount(ctx, &dauys.Recount{Election: id, Area: "p3", Contest: contestRef}), dauys.EINVALID)
	own := &dauys.Recount{Election: id, Area: "p3", Contest: contestRef, Reason: "The commission's own motion", OrderedBy: "tec-2", OrderedAt: at(3)}
	checkCode(t, "recount of the commission's motion", s.OrderRecount(ctx, own), "")

	checkCode(t, "complete with no version", s.CompleteRecount(ctx, id, r.ID, 0, at(4)), dauys.EINVALID)
	checkCode(t, "complete a missing recount", s.CompleteRecount(ctx, id, "999999", 2, at(4)), dauys.ENOTFOUND)
	checkCode(t, "complete", s.CompleteRecount(ctx, id, r.ID, 2, at(4)), "")
	checkCode(t, "complete twice", s.CompleteRecount(ctx, id, r.ID, 3, at(5)), dauys.ECONFLICT)
	checkCode(t, "a new recount once the first is closed", s.OrderRecount(ctx, &dauys.Recount{Election: id, Area: "p1", Contest: contestRef, Reason: "second", OrderedBy: "tec"}), "")

	sha := strings.Repeat("c0", 32)
	checkCode(t, "complaint image", s.AddComplaintImage(ctx, id, c1.ID, sha, at(5)), "")
	checkCode(t, "same complaint image", s.AddComplaintImage(ctx, id, c1.ID, sha, at(6)), "")
	checkCode(t, "image of a missing complaint", s.AddComplaintImage(ctx, id, "999999", sha, at(5)), dauys.ENOTFOUND)
	checkCode(t, "image of another election's complaint", s.AddComplaintImage(ctx, "nope", c1.ID, sha, at(5)), dauys.ENOTFOUND)
	checkCode(t, "image with a bad hash", s.AddComplaintImage(ctx, id, c1.ID, "x", at(5)), dauys.EINVALID)

	cs, err := s.Complaints(ctx, id, "p1")
	if err != nil || len(cs) != 2 {
		t.Fatalf("complaints of p1: %+v, %v", cs, err)
	}
	if got := cs[0]; got.Status != dauys.ComplaintRecountOrdered || got.Recount != r.ID || got.DecidedBy != "tec-1" || !got.DecidedAt.Equal(at(2)) ||
		got.Complainant != "voter-1" || !got.FiledAt.Equal(at(1)) || got.Text != c1.Text {
		t.Errorf("complaint %+v", got)
	}
	if len(cs[0].Images) != 1 || cs[0].Images[0] != sha || len(cs[1].Images) != 0 {
		t.Errorf("complaint images: %v, %v", cs[0].Images, cs[1].Images)
	}
	if cs[1].Status != dauys.ComplaintRejected || cs[1].Recount != "" {
		t.Errorf("rejected complaint %+v", cs[1])
	}
	if all, err := s.Complaints(ctx, id, ""); err != nil || len(all) != 3 || all[2].ID != c3.ID {
		t.Errorf("all complaints: %+v, %v", all, err)
	}
	rs, err := s.Recounts(ctx, id, "p1")
	if err != nil || len(rs) != 2 || rs[0].Version != 2 || !rs[0].DoneAt.Equal(at(4)) || rs[0].Complaint != c1.ID || !rs[1].Open() {
		t.Errorf("recounts of p1: %+v, %v", rs, err)
	}
	if all, err := s.Recounts(ctx, id, ""); err != nil || len(all) != 3 {
		t.Errorf("all recounts: %+v, %v", all, err)
	}
	_, err = s.Complaints(ctx, "nope", "")
	checkCode(t, "complaints of a missing election", err, dauys.ENOTFOUND)
	if v1, err := s.ObservationsVersion(ctx, id); err != nil || v1 <= v0 {
		t.Errorf("version %d (%v) after decisions and recounts, was %d", v1, err, v0)
	}
}
