package web

import (
	"context"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/tally"
)

// What observers' copies of the protocols say: on an area's page, how
// many precincts were observed and how many copies match, area by area;
// on a precinct's page, each copy beside the official protocol, with its
// images and the lines that differ.

type observersView struct {
	Observed, Matching int
	Summary            string
	Rows               []observedRow
	// CSV links to every discrepancy below the area; the exported site,
	// which has no API, shows none.
	CSV string
}

type observedRow struct {
	Name, Href         string
	Observed, Matching int
}

type copyView struct {
	Org, At, AtISO string
	ID             string
	Matches        bool
	Status         string
	Differences    []differenceView
	Images         []imageView
}

type differenceView struct {
	Line, Title        string
	Official, Observed string
}

type imageView struct {
	Href, SHA256 string
}

// checks compares the observers' copies at or below an area with the
// official protocols.
// A precinct's page compares its own few copies; the other pages share
// the checks of the whole election, made once per version of its pages.
func (rc *renderCtx) checks(area string) (*tally.Checks, error) {
	if c := rc.opts.checks; c != nil {
		return c.Within(rc.e.Tree, area), nil
	}
	if rc.e.Tree.IsLeaf(area) || rc.opts.version == "" {
		return rc.s.cfg.Tally.Checks(rc.ctx, rc.e.ID, area)
	}
	c, err := rc.s.checksCache.get(rc.e.ID, rc.opts.version, func() (*tally.Checks, error) {
		return rc.s.cfg.Tally.Checks(rc.ctx, rc.e.ID, "")
	})
	if err != nil {
		return nil, err
	}
	return c.Within(rc.e.Tree, area), nil
}

// checksCache keeps the checks of each election for one version of its
// pages: every area page of that version filters them.
type checksCache struct {
	mu sync.Mutex
	m  map[string]checksAt
}

type checksAt struct {
	version string
	checks  *tally.Checks
}

func (c *checksCache) get(election, version string, compute func() (*tally.Checks, error)) (*tally.Checks, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if x, ok := c.m[election]; ok && x.version == version {
		return x.checks, nil
	}
	checks, err := compute()
	if err != nil {
		return nil, err
	}
	if c.m == nil {
		c.m = map[string]checksAt{}
	}
	c.m[election] = checksAt{version, checks}
	return checks, nil
}

// publishImages writes the images of every observer's copy and every
// complaint into the export, under images/<sha256> (verify.ImagePath), where the pages link
// them and where `dauys verify` compares them with the hashes the log
// holds. Without an image store the pages link images that are not there.
func (p *publisher) publishImages(ctx context.Context) error {
	if p.s.cfg.Images == nil {
		return nil
	}
	var sums []string
	for _, copies := range p.checks.Precincts {
		for _, cp := range copies {
			for _, img := range cp.Observation.Images {
				sums = append(sums, img.SHA256)
			}
		}
	}
	for _, cs := range p.disp.complaints {
		for _, c := range cs {
			sums = append(sums, c.Images...)
		}
	}
	seen := map[string]bool{}
	for _, sum := range sums {
		if seen[sum] {
			continue
		}
		seen[sum] = true
		b, err := p.s.cfg.Images.Get(ctx, sum)
		if err != nil {
			return fmt.Errorf("web: publish image %s: %w", sum, err)
		}
		if err := p.write("images/"+sum, b); err != nil {
			return err
		}
	}
	return nil
}

// observersView summarises the checks of an area, with a row for each of
// its children where any precinct was observed; nil when no precinct at
// or below it was.
func (rc *renderCtx) observersView(c *tally.Checks, area string) *observersView {
	if c.Observed == 0 {
		return nil
	}
	v := &observersView{Observed: c.Observed, Matching: c.Matching,
		Summary: rc.L.T("ObservedSummary", "Observed", c.Observed, "Matching", c.Matching, "Differing", c.Observed-c.Matching)}
	if !rc.opts.static {
		v.CSV = rc.root + "api/v1/elections/" + url.PathEscape(rc.e.ID) + "/discrepancies.csv"
		if area != rc.e.Tree.Root() {
			v.CSV += "?area=" + url.QueryEscape(area)
		}
	}
	if rc.e.Tree.IsLeaf(area) {
		return v
	}
	for _, child := range rc.e.Tree.Children(area) {
		observed, matching := c.Count(rc.e.Tree, child)
		if observed == 0 {
			continue
		}
		v.Rows = append(v.Rows, observedRow{Name: rc.areaName(rc.e.Tree.Area(child)), Href: rc.areaHref(child),
			Observed: observed, Matching: matching})
	}
	return v
}

// copyViews shows the copies of one contest's protocol at a precinct.
func (rc *renderCtx) copyViews(c *dauys.Contest, copies []tally.CheckedCopy) []copyView {
	L := rc.L
	var titles map[string]string
	var out []copyView
	for i := range copies {
		cp := &copies[i]
		o := cp.Observation
		if o.Contest != c.ID {
			continue
		}
		if titles == nil {
			titles = rc.lineTitles(c)
		}
		v := copyView{Org: o.Org, ID: o.ID, At: L.DateTime(o.ReceivedAt), AtISO: o.ReceivedAt.UTC().Format(time.RFC3339), Matches: cp.Matches()}
		switch {
		case cp.Official == nil:
			v.Status = L.T("CopyNoOfficial")
		case v.Matches:
			v.Status = L.T("CopyMatches")
		default:
			v.Status = L.T("CopyDiffers", "Lines", len(cp.Discrepancies))
		}
		num := func(p *int64) string {
			if p == nil {
				return "–"
			}
			return L.N(*p)
		}
		for _, d := range cp.Discrepancies {
			t := titles[d.Line]
			if t == "" {
				t = d.Line
			}
			v.Differences = append(v.Differences, differenceView{Line: d.Line, Title: t, Official: num(d.Official), Observed: num(d.Observed)})
		}
		for _, img := range o.Images {
			v.Images = append(v.Images, imageView{Href: rc.root + "images/" + img.SHA256, SHA256: img.SHA256})
		}
		out = append(out, v)
	}
	return out
}

// Complaints about a precinct and recounts ordered there, as the precinct
// page shows them: statuses and decisions, never who complained.

type disputesView struct {
	Complaints []complaintView
	Recounts   []recountView
}

type complaintView struct {
	ID, Contest, Text    string
	Filed, FiledISO      string
	Status, StatusText   string
	Decision, DecidedAt  string
	DecidedBy, RecountID string
	Images               []imageView
}

type recountView struct {
	ID, Contest, Reason string
	Ordered, OrderedISO string
	Complaint           string
	Open                bool
	Text                string
}

// disputes returns the complaints and recounts of a precinct, and which
// contests are in recount; nil when there are none.
func (rc *renderCtx) disputes(area string) (*disputesView, map[string]bool, error) {
	var cs []*dauys.Complaint
	var rs []*dauys.Recount
	if d := rc.opts.disputes; d != nil {
		cs, rs = d.complaints[area], d.recounts[area]
	} else {
		var err error
		if cs, err = rc.s.cfg.Tally.Complaints(rc.ctx, rc.e.ID, area); err != nil {
			return nil, nil, err
		}
		if rs, err = rc.s.cfg.Tally.Recounts(rc.ctx, rc.e.ID, area); err != nil {
			return nil, nil, err
		}
	}
	if len(cs) == 0 && len(rs) == 0 {
		return nil, nil, nil
	}
	L := rc.L
	contest := func(id string) string {
		if c := rc.e.Contest(id); c != nil {
			return L.Name(c.Name)
		}
		return id
	}
	v := &disputesView{}
	for _, c := range cs {
		cv := complaintView{ID: c.ID, Text: c.Text, Filed: L.DateTime(c.FiledAt), FiledISO: c.FiledAt.UTC().Format(time.RFC3339),
			Status: c.Status, StatusText: L.T("Complaint_" + c.Status), Decision: c.Decision, DecidedBy: c.DecidedBy, RecountID: c.Recount}
		if c.Contest != "" {
			cv.Contest = contest(c.Contest)
		}
		for _, sum := range c.Images {
			cv.Images = append(cv.Images, imageView{Href: rc.root + "images/" + sum, SHA256: sum})
		}
		if !c.DecidedAt.IsZero() {
			cv.DecidedAt = L.DateTime(c.DecidedAt)
		}
		v.Complaints = append(v.Complaints, cv)
	}
	open := map[string]bool{}
	for _, r := range rs {
		rv := recountView{ID: r.ID, Contest: contest(r.Contest), Reason: r.Reason, Ordered: L.DateTime(r.OrderedAt),
			OrderedISO: r.OrderedAt.UTC().Format(time.RFC3339), Complaint: r.Complaint, Open: r.Open()}
		if r.Open() {
			open[r.Contest] = true
			rv.Text = L.T("RecountOpen")
		} else {
			rv.Text = L.T("RecountDone", "Version", r.Version, "At", L.DateTime(r.DoneAt))
		}
		v.Recounts = append(v.Recounts, rv)
	}
	return v, open, nil
}

// disputes are an election's complaints and recounts by precinct.
type disputes struct {
	complaints map[string][]*dauys.Complaint
	recounts   map[string][]*dauys.Recount
}

// readDisputes reads every complaint and recount of an election once, for
// an export.
func readDisputes(ctx context.Context, t *tally.Tally, election string) (*disputes, error) {
	cs, err := t.Complaints(ctx, election, "")
	if err != nil {
		return nil, err
	}
	rs, err := t.Recounts(ctx, election, "")
	if err != nil {
		return nil, err
	}
	d := &disputes{complaints: map[string][]*dauys.Complaint{}, recounts: map[string][]*dauys.Recount{}}
	for _, c := range cs {
		d.complaints[c.Area] = append(d.complaints[c.Area], c)
	}
	for _, r := range rs {
		d.recounts[r.Area] = append(d.recounts[r.Area], r)
	}
	return d, nil
}
