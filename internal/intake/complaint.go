package intake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/election"
)

// FileComplaint files a complaint about a precinct of an election (and, if
// it names one, a contest the precinct votes in).
func (s *Service) FileComplaint(ctx context.Context, c *dauys.Complaint) error {
	e, err := s.elections.Load(ctx, c.Election)
	if err != nil {
		return err
	}
	if err := precinctOf(e, c.Area, c.Contest, c.Contest == ""); err != nil {
		return err
	}
	if c.FiledAt.IsZero() {
		c.FiledAt = s.now().UTC()
	}
	if err := s.store.FileComplaint(ctx, c); err != nil {
		return err
	}
	s.notifyStored(e.ID)
	return nil
}

// AddComplaintImage attaches a photo to a complaint, for its complainant
// only: checked, stripped of its metadata and stored content-addressed as
// an observer's photo is (CleanImage). It returns the photo's SHA-256.
func (s *Service) AddComplaintImage(ctx context.Context, images dauys.ImageStore, election, complaint, mediaType string, data []byte, who string) (string, error) {
	cs, err := s.store.Complaints(ctx, election, "")
	if err != nil {
		return "", err
	}
	var c *dauys.Complaint
	for _, x := range cs {
		if x.ID == complaint {
			c = x
		}
	}
	switch {
	case c == nil:
		return "", dauys.Errorf(dauys.ENOTFOUND, "election %s has no complaint %s", election, dauys.QuotePrefix(complaint))
	case c.Complainant != who:
		return "", dauys.Errorf(dauys.EFORBIDDEN, "only who filed complaint %s adds photos to it", c.ID)
	case len(c.Images) >= MaxComplaintImages:
		return "", dauys.Errorf(dauys.EINVALID, "complaint %s has %d photos, the most it takes", c.ID, MaxComplaintImages)
	}
	clean, _, err := CleanImage(mediaType, data)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(clean)
	hash := hex.EncodeToString(sum[:])
	if err := images.Put(ctx, hash, clean); err != nil {
		return "", err
	}
	if err := s.store.AddComplaintImage(ctx, election, c.ID, hash, s.now().UTC()); err != nil {
		return "", err
	}
	s.notifyStored(election)
	return hash, nil
}

// MaxComplaintImages bounds the photos of one complaint.
const MaxComplaintImages = 20

// DecideComplaint records the commission's decision on a complaint; a
// decision to recount orders the recount, which it returns.
func (s *Service) DecideComplaint(ctx context.Context, d *dauys.ComplaintDecision) (*dauys.Recount, error) {
	if d.DecidedAt.IsZero() {
		d.DecidedAt = s.now().UTC()
	}
	r, err := s.store.DecideComplaint(ctx, d)
	if err != nil {
		return nil, err
	}
	s.notifyStored(d.Election)
	return r, nil
}

// OrderRecount orders a precinct's protocol of a contest counted again, of
// the commission's own motion.
func (s *Service) OrderRecount(ctx context.Context, r *dauys.Recount) error {
	e, err := s.elections.Load(ctx, r.Election)
	if err != nil {
		return err
	}
	if err := precinctOf(e, r.Area, r.Contest, false); err != nil {
		return err
	}
	if r.OrderedAt.IsZero() {
		r.OrderedAt = s.now().UTC()
	}
	if err := s.store.OrderRecount(ctx, r); err != nil {
		return err
	}
	s.notifyStored(e.ID)
	return nil
}

// precinctOf checks that area is a precinct of the election and, unless
// anyContest, that contest is one it votes in.
func precinctOf(e *election.Election, area, contest string, anyContest bool) error {
	if a := e.Tree.Area(area); a == nil || !e.Tree.IsLeaf(area) {
		return dauys.Errorf(dauys.ENOTFOUND, "election %s has no precinct %s", e.ID, dauys.QuotePrefix(area))
	}
	if anyContest {
		return nil
	}
	c := e.Contest(contest)
	if c == nil {
		return dauys.Errorf(dauys.ENOTFOUND, "election %s has no contest %s", e.ID, dauys.QuotePrefix(contest))
	}
	if !e.Tree.InContest(area, c) {
		return dauys.Errorf(dauys.EINVALID, "precinct %s does not vote in contest %s", area, c.ID)
	}
	return nil
}

// prepareRecounts turns each submission that names a recount into the
// amendment the recount produces, and refuses it (in results) when the
// order is not an open recount of its precinct and contest.
func (s *Service) prepareRecounts(ctx context.Context, e *election.Election, subs []Submission, results []Result) error {
	var open map[string]*dauys.Recount
	for i := range subs {
		sub := &subs[i]
		if sub.Recount == "" {
			continue
		}
		if open == nil {
			rs, err := s.store.Recounts(ctx, e.ID, "")
			if err != nil {
				return err
			}
			open = map[string]*dauys.Recount{}
			for _, r := range rs {
				open[r.ID] = r
			}
		}
		r := open[sub.Recount]
		switch {
		case r == nil:
			results[i].Err = dauys.Errorf(dauys.ENOTFOUND, "election %s has no recount order %s", e.ID, dauys.QuotePrefix(sub.Recount))
		case r.Area != sub.Area || r.Contest != sub.Contest:
			results[i].Err = dauys.Errorf(dauys.EINVALID, "recount order %s is for precinct %s, contest %s", r.ID, r.Area, r.Contest)
		case !r.Open():
			results[i].Err = dauys.Errorf(dauys.ECONFLICT, "recount order %s is closed: its count is version %d", r.ID, r.Version)
		default:
			sub.Amendment = true
			if sub.Reason == "" {
				sub.Reason = fmt.Sprintf("Recount ordered (order %s): %s", r.ID, r.Reason)
			}
		}
	}
	return nil
}

// completeRecounts closes the recount orders whose new count was stored,
// or which found the count of the current version again.
func (s *Service) completeRecounts(ctx context.Context, election string, subs []Submission, results []Result) error {
	for i := range subs {
		if subs[i].Recount == "" || (results[i].Outcome != dauys.OutcomeAmended && results[i].Outcome != dauys.OutcomeDuplicate) || results[i].Protocol == nil {
			continue
		}
		p := results[i].Protocol
		if err := s.store.CompleteRecount(ctx, election, subs[i].Recount, p.Version, p.ReceivedAt); err != nil {
			return err
		}
	}
	return nil
}
