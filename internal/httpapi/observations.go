package httpapi

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/csvsafe"
	"github.com/dauys/dauys/internal/intake"
)

// observationRequest is the body of POST .../observations: the pinned
// {"contest","area","lines"}.
type observationRequest struct {
	Contest string           `json:"contest"`
	Area    string           `json:"area"`
	Lines   map[string]int64 `json:"lines"`
}

// postObservation takes an observer's copy of a precinct's protocol. The copy is
// checked against the form as a protocol is, stored in the name of the
// credential's organisation and compared with the official version; it
// never changes a count.
func (s *Server) postObservation(w http.ResponseWriter, r *http.Request) {
	var req observationRequest
	object := ""
	who, e, ok := s.authorizedWrite(w, r, &req, ActionObserve, func() (string, string) {
		object = "observation/" + dauys.ClipText(req.Contest, 64) + "/" + dauys.ClipText(req.Area, 64)
		return req.Area, object
	})
	if !ok {
		return
	}
	sub := intake.Submission{Contest: req.Contest, Area: req.Area, Lines: req.Lines,
		Submitter: who.principal.Subject, Source: "api " + s.clientAddr(r)}
	o, err := s.cfg.Intake.Observe(r.Context(), e.ID, who.principal.Org, sub)
	detail := ""
	if err == nil {
		object, detail = object+"/"+o.ID, "organisation "+o.Org
	}
	if !s.recorded(w, r, who, dauys.AuditObserve, e.ID, req.Area, object, detail, err) {
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": o.ID, "org": o.Org, "contest": o.Contest, "area": o.Area, "lines": o.Lines})
}

// observeImage takes a photo or scan of an observation's copy: a JPEG or
// PNG body of at most dauys.MaxImageBytes, whose metadata is stripped and
// whose hash goes into the election's transparency log.
func (s *Server) observeImage(w http.ResponseWriter, r *http.Request) {
	who, err := s.authenticate(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	e, err := s.cfg.Tally.Election(r.Context(), r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if s.cfg.Images == nil {
		s.Error(w, r, dauys.Errorf(dauys.EINVALID, "this server keeps no images"))
		return
	}
	id := r.PathValue("obs")
	object := "observation/" + dauys.ClipText(id, 32) + "/image"
	o, err := s.cfg.Tally.Observation(r.Context(), e.ID, id)
	if err == nil {
		err = Authorize(&who.principal, ActionObserve, e, o.Area)
	}
	if err != nil {
		s.refuseWrite(w, r, who, e.ID, "", object, err)
		return
	}
	body, ok := s.readImage(w, r)
	if !ok {
		return
	}
	img, err := s.cfg.Intake.AddImage(r.Context(), s.cfg.Images, e.ID, o.ID, who.principal.Org, r.Header.Get("Content-Type"), body, who.principal.Subject)
	detail := ""
	if err == nil {
		detail = "sha256 " + img.SHA256
	}
	if !s.recorded(w, r, who, dauys.AuditObserveImage, e.ID, o.Area, object, detail, err) {
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"sha256": img.SHA256, "media_type": img.MediaType, "size": img.Size})
}

// readImage reads an image's body within dauys.MaxImageBytes, answering
// 413 beyond it.
func (s *Server) readImage(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, dauys.MaxImageBytes))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		writeProblem(w, problem{Type: "https://dauys.kz/problems/invalid", Title: http.StatusText(http.StatusRequestEntityTooLarge),
			Status: http.StatusRequestEntityTooLarge, Code: dauys.EINVALID,
			Detail: fmt.Sprintf("an image is at most %d bytes", mbe.Limit)})
		return nil, false
	} else if err != nil {
		s.Error(w, r, dauys.Errorf(dauys.EINVALID, "bad request body: %v", err))
		return nil, false
	}
	return body, true
}

// observations lists the copies observers sent for an area, with their
// images' hashes; who sent them is not published.
func (s *Server) observations(w http.ResponseWriter, r *http.Request) {
	election, area, err := s.areaOf(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	c, err := s.cfg.Tally.Checks(r.Context(), election, area)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	out := []*dauys.Observation{}
	for _, copies := range c.Precincts {
		for _, cp := range copies {
			out = append(out, cp.Observation)
		}
	}
	slices.SortFunc(out, func(a, b *dauys.Observation) int {
		return cmp.Or(cmp.Compare(a.Area, b.Area), cmp.Compare(a.Contest, b.Contest), cmp.Compare(len(a.ID), len(b.ID)), cmp.Compare(a.ID, b.ID))
	})
	writeJSON(w, http.StatusOK, map[string]any{"observations": out})
}

// discrepancies answers every line on which an observer's copy differs
// from the current official version, with how many precincts were
// observed and how many match.
func (s *Server) discrepancies(w http.ResponseWriter, r *http.Request) {
	election, area, err := s.areaOf(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	// Kept in the results cache, which a stored protocol, copy or photo
	// empties: on election night every reader asks the same question.
	body, err := s.cache.get(r.Context(), s.cfg.Now(), election, "discrepancies\x00"+area, func(ctx context.Context) (any, error) {
		return s.cfg.Tally.Checks(ctx, election, area)
	})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	body.write(w, r)
}

// DiscrepancyColumns is the header of the discrepancies CSV download.
var DiscrepancyColumns = []string{"area", "contest", "line", "official", "observed", "org", "observation"}

// discrepanciesCSV is the same list as a CSV file, one discrepancy a row;
// an empty cell is a line on one side only.
func (s *Server) discrepanciesCSV(w http.ResponseWriter, r *http.Request) {
	election, area, err := s.areaOf(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	c, err := s.cfg.Tally.Checks(r.Context(), election, area)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var b bytes.Buffer
	cw := csvsafe.NewWriter(&b)
	cw.Write(DiscrepancyColumns)
	num := func(p *int64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatInt(*p, 10)
	}
	for _, d := range c.Discrepancies {
		cw.Write([]string{d.Area, d.Contest, d.Line, num(d.Official), num(d.Observed), d.Org, d.Observation})
	}
	cw.Flush()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="discrepancies.csv"`)
	w.Header().Set("Cache-Control", "public, max-age=1")
	w.Write(b.Bytes())
}

// image serves an observer's image by its hash, for the pages: the bytes
// never change, and are served as the type they were checked to be.
func (s *Server) image(w http.ResponseWriter, r *http.Request) {
	sum := r.PathValue("sha256")
	if s.cfg.Images == nil || !dauys.ValidSHA256(sum) {
		s.Error(w, r, dauys.Errorf(dauys.ENOTFOUND, "no such image"))
		return
	}
	b, err := s.cfg.Images.Get(r.Context(), sum)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	kind := dauys.MediaJPEG
	if bytes.HasPrefix(b, []byte("\x89PNG")) {
		kind = dauys.MediaPNG
	}
	w.Header().Set("Content-Type", kind)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.Write(b)
}
