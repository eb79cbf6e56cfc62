package dauys

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Complaint statuses: filed until the competent commission decides.
const (
	ComplaintFiled          = "filed"
	ComplaintRejected       = "rejected"
	ComplaintUpheld         = "upheld"
	ComplaintRecountOrdered = "recount-ordered"
)

// MaxComplaintText bounds a complaint's and a decision's text, in
// characters.
const MaxComplaintText = 4000

// Complaint is a complaint about a precinct, filed by anyone with an
// account, and the decision of the competent commission on it. Its status
// and decision are public; who filed it is not.
type Complaint struct {
	ID       string `json:"id"`
	Election string `json:"election"`
	Area     string `json:"area"`
	Contest  string `json:"contest,omitempty"`
	Text     string `json:"text"`
	// Complainant is the principal that filed it: personal data, never
	// published.
	Complainant string    `json:"-"`
	FiledAt     time.Time `json:"filed_at"`
	Status      string    `json:"status"`
	Decision    string    `json:"decision,omitempty"`
	DecidedBy   string    `json:"decided_by,omitempty"`
	DecidedAt   time.Time `json:"decided_at,omitzero"`
	// Recount is the id of the recount the decision ordered.
	Recount string `json:"recount,omitempty"`
	// Images are the SHA-256 of the photos attached to the complaint,
	// stripped of their metadata, oldest first; they are published with
	// it.
	Images []string `json:"images,omitempty"`
}

// Validate checks a complaint before it is filed.
func (c *Complaint) Validate() error {
	switch {
	case c.Election == "" || c.Area == "":
		return Errorf(EINVALID, "a complaint is about a precinct of an election")
	case strings.TrimSpace(c.Text) == "":
		return Errorf(EINVALID, "a complaint says what happened: its text is empty")
	case utf8.RuneCountInString(c.Text) > MaxComplaintText:
		return Errorf(EINVALID, "a complaint has at most %d characters", MaxComplaintText)
	}
	return nil
}

// ComplaintDecision is the commission's decision on a complaint.
type ComplaintDecision struct {
	Election, Complaint string
	Status              string // rejected, upheld or recount-ordered
	Decision            string // the reasoned text
	DecidedBy           string
	DecidedAt           time.Time
}

// Validate checks a decision: a known outcome and a reasoned text.
func (d *ComplaintDecision) Validate() error {
	switch d.Status {
	case ComplaintRejected, ComplaintUpheld, ComplaintRecountOrdered:
	default:
		return Errorf(EINVALID, "a decision rejects, upholds or orders a recount, not %s", QuotePrefix(d.Status))
	}
	if strings.TrimSpace(d.Decision) == "" {
		return Errorf(EINVALID, "a decision gives its reasons: its text is empty")
	}
	if utf8.RuneCountInString(d.Decision) > MaxComplaintText {
		return Errorf(EINVALID, "a decision has at most %d characters", MaxComplaintText)
	}
	return nil
}

// Recount is a commission's order to count a precinct's ballots of a
// contest again, on a complaint or of its own motion. While it is open
// the precinct is in recount; the amendment that carries the new count
// references it and closes it (Version).
type Recount struct {
	ID        string    `json:"id"`
	Election  string    `json:"election"`
	Area      string    `json:"area"`
	Contest   string    `json:"contest"`
	Reason    string    `json:"reason"`
	Complaint string    `json:"complaint,omitempty"`
	OrderedBy string    `json:"ordered_by"`
	OrderedAt time.Time `json:"ordered_at"`
	// Version is the protocol version the recount produced; 0 while the
	// recount is open.
	Version int       `json:"version,omitempty"`
	DoneAt  time.Time `json:"done_at,omitzero"`
}

// Open reports whether the recount has not produced its protocol yet.
func (r *Recount) Open() bool { return r.Version == 0 }

// Validate checks a recount order.
func (r *Recount) Validate() error {
	switch {
	case r.Election == "" || r.Area == "" || r.Contest == "":
		return Errorf(EINVALID, "a recount is of a precinct's protocol of a contest")
	case strings.TrimSpace(r.Reason) == "":
		return Errorf(EINVALID, "a recount order gives its reason")
	case utf8.RuneCountInString(r.Reason) > MaxComplaintText:
		return Errorf(EINVALID, "a recount order's reason has at most %d characters", MaxComplaintText)
	}
	return nil
}

// ComplaintStore keeps complaints and recount orders. Both stores
// implement it and pass internal/storetest.
type ComplaintStore interface {
	// FileComplaint stores a complaint as filed and sets its ID; EINVALID
	// when Validate fails, ENOTFOUND when the election is missing.
	FileComplaint(ctx context.Context, c *Complaint) error
	// DecideComplaint records the decision on a filed complaint; a
	// decision to recount also orders the recount (of the complaint's
	// contest, which it must name), in the same transaction, and returns
	// it. ECONFLICT when the complaint is decided already, ENOTFOUND when
	// it is missing, EINVALID when Validate fails.
	DecideComplaint(ctx context.Context, d *ComplaintDecision) (*Recount, error)
	// Complaints lists the complaints about a precinct (every one of the
	// election for area ""), oldest first; ENOTFOUND when the election is
	// missing.
	Complaints(ctx context.Context, election, area string) ([]*Complaint, error)
	// OrderRecount stores a recount order and sets its ID; ECONFLICT when
	// the precinct's protocol of the contest has an open recount already.
	OrderRecount(ctx context.Context, r *Recount) error
	// Recounts lists the recounts of a precinct (every one of the election
	// for area ""), oldest first.
	Recounts(ctx context.Context, election, area string) ([]*Recount, error)
	// AddComplaintImage attaches a photo, already stored under its
	// SHA-256 in an ImageStore, to a complaint; the same photo twice is
	// stored once. ENOTFOUND when the complaint is missing.
	AddComplaintImage(ctx context.Context, election, complaint, sha256 string, at time.Time) error
	// CompleteRecount records the protocol version an open recount
	// produced. ENOTFOUND when the recount is missing, ECONFLICT when it is
	// closed already.
	CompleteRecount(ctx context.Context, election, id string, version int, at time.Time) error
}
