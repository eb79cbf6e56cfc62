package dauys

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Organisation is an observer organisation (a party, a public association,
// a candidate's team) registered by the CEC for an election. Its observers
// hold tokens or accounts with the observer role, its name and a precinct.
type Organisation struct {
	Election  string    `json:"election"`
	Name      string    `json:"name"`
	Kind      string    `json:"kind,omitempty"` // party, ngo, candidate, commission
	CreatedAt time.Time `json:"created_at"`
}

// MaxOrgName bounds an organisation's name.
const MaxOrgName = 100

// Validate checks an organisation before it is stored: a name people can
// read in a CSV file and on a page.
func (o *Organisation) Validate() error {
	switch {
	case o.Election == "":
		return Errorf(EINVALID, "an organisation is registered for an election")
	case strings.TrimSpace(o.Name) == "" || len(o.Name) > MaxOrgName:
		return Errorf(EINVALID, "an organisation's name has 1 to %d bytes", MaxOrgName)
	case strings.IndexFunc(o.Name, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0:
		return Errorf(EINVALID, "organisation name %s has control characters", QuotePrefix(o.Name))
	}
	return nil
}

// Observation is what an observer (or the commission itself) holds of a
// precinct's protocol: the numbers of its certified copy, with photos or
// scans of it. An observation never changes a count: it is compared with
// the official version (CompareObservation).
type Observation struct {
	// ID is given by the store, and never reused.
	ID       string           `json:"id"`
	Election string           `json:"election"`
	Contest  string           `json:"contest"`
	Area     string           `json:"area"`
	Org      string           `json:"org"`
	Lines    map[string]int64 `json:"lines"`
	// Observer is the principal that sent it; it is not published, since
	// it may name a person.
	Observer   string    `json:"-"`
	Source     string    `json:"-"`
	ReceivedAt time.Time `json:"received_at"`
	// Images are the photos and scans of the copy, oldest first.
	Images []ObservationImage `json:"images"`
}

// ObservationImage is one photo or scan of an observed copy, stored
// content-addressed under its SHA-256 after its metadata was stripped.
type ObservationImage struct {
	Election    string `json:"-"`
	Observation string `json:"observation"`
	// Contest, Area and Org are those of the observation; the store sets
	// them when it reads the image.
	Contest    string    `json:"-"`
	Area       string    `json:"-"`
	Org        string    `json:"-"`
	SHA256     string    `json:"sha256"`
	MediaType  string    `json:"media_type"`
	Size       int64     `json:"size"`
	Uploader   string    `json:"-"`
	ReceivedAt time.Time `json:"received_at"`
}

// ObservationStore keeps observer organisations, observations and their
// images' hashes. Both stores implement it and pass internal/storetest.
type ObservationStore interface {
	// RegisterOrganisation stores an organisation; EINVALID when Validate
	// fails, ECONFLICT when the election has one of that name, ENOTFOUND
	// when the election is missing. A zero CreatedAt is set to the store's
	// clock.
	RegisterOrganisation(ctx context.Context, o *Organisation) error
	// Organisations lists an election's organisations by name; ENOTFOUND
	// when the election is missing.
	Organisations(ctx context.Context, election string) ([]*Organisation, error)
	// SaveObservation stores an observation and sets its ID. ENOTFOUND
	// when the election or the organisation is missing; EINVALID without a
	// contest, area or lines.
	SaveObservation(ctx context.Context, o *Observation) error
	// Observations returns the observations of a precinct (every one of
	// the election for area ""), with their images, by area, contest and
	// ID; ENOTFOUND when the election is missing.
	Observations(ctx context.Context, election, area string) ([]*Observation, error)
	// Observation returns one observation with its images; ENOTFOUND when
	// there is none.
	Observation(ctx context.Context, election, id string) (*Observation, error)
	// AddObservationImage records an image of an observation. The same
	// image added twice to one observation is stored once: the second
	// call changes nothing and returns nil. ENOTFOUND when the observation
	// is missing.
	AddObservationImage(ctx context.Context, img *ObservationImage) error
	// ObservationImages returns every image of an election, in the order
	// they were added: what the transparency log appends.
	ObservationImages(ctx context.Context, election string) ([]*ObservationImage, error)
	// ObservationsVersion changes whenever an observation or an image of
	// the election is added, and whenever a complaint or a recount is
	// filed, decided, ordered or closed (ComplaintStore): the pages that
	// show them use it in their version.
	ObservationsVersion(ctx context.Context, election string) (int64, error)
}

// Discrepancy is one line on which an observed copy differs from the
// official version of the protocol. Official or Observed is nil when the
// line is on one side only.
type Discrepancy struct {
	Area        string `json:"area"`
	Contest     string `json:"contest"`
	Line        string `json:"line"`
	Official    *int64 `json:"official"`
	Observed    *int64 `json:"observed"`
	Org         string `json:"org"`
	Observation string `json:"observation"`
}

// CompareObservation compares an observation with the official version of
// the same protocol, line by line, and returns the lines that differ, by
// line name. official must be of the same contest and area.
func CompareObservation(o *Observation, official *Protocol) []Discrepancy {
	names := make([]string, 0, len(o.Lines)+len(official.Lines))
	for n := range o.Lines {
		names = append(names, n)
	}
	for n := range official.Lines {
		if _, ok := o.Lines[n]; !ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	var out []Discrepancy
	for _, n := range names {
		got, inObs := o.Lines[n]
		want, inOff := official.Lines[n]
		if inObs && inOff && got == want {
			continue
		}
		d := Discrepancy{Area: o.Area, Contest: o.Contest, Line: n, Org: o.Org, Observation: o.ID}
		if inOff {
			d.Official = &want
		}
		if inObs {
			d.Observed = &got
		}
		out = append(out, d)
	}
	return out
}

// Image limits: an upload is at most MaxImageBytes, and a picture at most
// MaxImagePixels, which bounds what decoding it allocates whatever its
// file size (a small PNG can claim a huge picture).
const (
	MaxImageBytes  = 10 << 20
	MaxImagePixels = 50_000_000
)

// Image media types Dauys accepts.
const (
	MediaJPEG = "image/jpeg"
	MediaPNG  = "image/png"
)

// ImageStore keeps the images of observations, content-addressed by the
// hex SHA-256 of their bytes: a folder by default (internal/imagestore),
// object storage later.
type ImageStore interface {
	// Put stores data under its hash; storing the same bytes twice is no
	// error. sha256 must be the hex SHA-256 of data.
	Put(ctx context.Context, sha256 string, data []byte) error
	// Get returns the bytes stored under a hash; ENOTFOUND when none.
	Get(ctx context.Context, sha256 string) ([]byte, error)
}

// CheckImageName refuses, as both stores do, an image name that is not
// the hex SHA-256 of its bytes.
func CheckImageName(sha256 string) error {
	if !ValidSHA256(sha256) {
		return Errorf(EINVALID, "an image is named by the hex SHA-256 of its bytes")
	}
	return nil
}

// CheckStored refuses, as both stores do, an observation without a
// contest, an area or lines.
func (o *Observation) CheckStored() error {
	if o.Contest == "" || o.Area == "" || len(o.Lines) == 0 {
		return Errorf(EINVALID, "an observation has a contest, an area and lines")
	}
	return nil
}

// ValidSHA256 reports whether s is a lowercase hex SHA-256.
func ValidSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// ObservationID formats a store's sequence number as an observation id.
func ObservationID(n int64) string { return fmt.Sprintf("%d", n) }
