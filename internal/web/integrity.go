package web

import (
	"bytes"
	"context"
	"html/template"
	"math"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/election"
	"github.com/dauys/dauys/internal/forensics"
	"github.com/dauys/dauys/internal/integrity"
)

// The integrity page of an election: the statistical signals of its
// default contest (internal/forensics through internal/integrity) and, for
// every contest, whether the votes still to come could change the outcome.
// Every number is worded as a signal to look closer, never as a finding.

// signals are the statistics of one version of an election's results.
type signals struct {
	version string
	done    chan struct{}
	contest *dauys.Contest // nil: no contest suits the statistics
	report  *forensics.Report
	cross   *integrity.CrossContest
	// empty is set when the contest has no protocols yet.
	empty bool
	err   error
}

// signalCache keeps the latest signals of each election. The Monte Carlo
// of the integer-percentage test takes seconds on a national election, so
// it runs in the background, once per version, and at most once at a time
// per election: a reader who comes while it runs is told that the figures
// are being computed.
type signalCache struct {
	mu sync.Mutex
	m  map[string]*signals
}

// signalWait is how long a request waits for signals being computed
// before it answers "being computed"; a small election is done by then.
const signalWait = 2 * time.Second

// signalsOf returns the signals of an election at version when they are
// ready, starting their computation if none runs; nil while they are being
// computed.
func (s *Site) signalsOf(ctx context.Context, e *election.Election, version string) *signals {
	version = resultsPart(version)
	c := &s.signals
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]*signals{}
	}
	sg := c.m[e.ID]
	if sg == nil || sg.version != version && isDone(sg) {
		sg = &signals{version: version, done: make(chan struct{})}
		c.m[e.ID] = sg
		// The computation outlives the request that started it: the
		// next readers of this version want it too.
		go s.computeSignals(context.WithoutCancel(ctx), e, sg)
	}
	c.mu.Unlock()
	if sg.version != version {
		// An older version's computation is still running; this one
		// starts when it ends.
		return nil
	}
	t := time.NewTimer(signalWait)
	defer t.Stop()
	select {
	case <-sg.done:
		return sg
	case <-t.C:
	case <-ctx.Done():
	}
	return nil
}

func isDone(sg *signals) bool {
	select {
	case <-sg.done:
		return true
	default:
		return false
	}
}

// signalsReady reports whether the integrity page of an election can be
// rendered and kept for version.
func (s *Site) signalsReady(ctx context.Context, election, version string) bool {
	e, err := s.cfg.Tally.Election(ctx, election)
	if err != nil {
		return true // the render reports the error
	}
	return s.signalsOf(ctx, e, version) != nil
}

func (s *Site) computeSignals(ctx context.Context, e *election.Election, sg *signals) {
	defer close(sg.done)
	cfg := s.cfg.Forensics
	if cfg.Workers <= 0 {
		// Leave half the processors to the pages and the API.
		cfg.Workers = max(1, runtime.GOMAXPROCS(0)/2)
	}
	start := time.Now()
	computeSignals(ctx, s.cfg.Tally, e, cfg, sg)
	if sg.err != nil {
		s.log.Error("integrity signals failed", "election", e.ID, "err", sg.err)
		return
	}
	s.log.Info("integrity signals", "election", e.ID, "version", sg.version, "took", time.Since(start).Round(time.Millisecond))
}

// computeSignals fills sg from the store's current protocols. They may be
// a little newer than sg.version, never older.
func computeSignals(ctx context.Context, store integrity.Protocols, e *election.Election, cfg forensics.Config, sg *signals) {
	c, err := integrity.DefaultContest(e)
	if err != nil {
		if dauys.ErrorCode(err) != dauys.EINVALID {
			sg.err = err
		}
		return
	}
	sg.contest = c
	if sg.cross, err = integrity.CrossContestCheck(ctx, store, e, 0); err != nil {
		sg.err = err
		return
	}
	in, _, err := integrity.ForensicsInput(ctx, store, e, c.ID)
	if err != nil {
		sg.err = err
		return
	}
	if len(in.Precincts) == 0 {
		sg.empty = true
		return
	}
	sg.report, sg.err = forensics.Analyze(in, cfg)
}

// The page.

type integrityPage struct {
	basePage
	Caveat string
	// ReplayCaveat says that on a replay the signals test the simulated
	// precinct figures, not the election.
	ReplayCaveat string
	Contest      string
	ContestHref  string
	Pending      bool
	NoContest    bool
	NoProtocols  bool
	Signals      *signalsView
	Outlook      []outlookView
}

type signalsView struct {
	Precincts, Registered, Issued, Turnout string
	Inconsistent                           int
	Leader                                 string
	Fingerprint                            template.HTML
	Integer                                []integerRow
	IntegerIncluded, IntegerNote           string
	Modes                                  []string
	Peaks                                  []string
	Digits                                 []digitRow
	Outliers                               int
	OutlierNote                            string
	OutlierLinks                           []link
	CrossPrecincts                         int
	CrossIssued, CrossTookPart             int
}

type integerRow struct {
	What, Observed, Expected, Excess, SD, P string
}

type digitRow struct {
	Option, Test, N, ChiSquare, P string
	Small                         bool
}

type outlookView struct {
	Name, Href                string
	CanChange                 bool
	Statement                 string
	Missing, Outstanding      string
	Margin, MarginBetween     string
	LastSeat, LastSeatBetween string
}

// maxOutlierLinks bounds the outlying precincts linked from the page; the
// full list is in `dauys forensics --json`.
const maxOutlierLinks = 10

func (rc *renderCtx) integrity() (*integrityPage, error) {
	L := rc.L
	p := &integrityPage{basePage: rc.base(L.T("IntegrityTitle"), []link{{Text: rc.areaName(rc.e.Tree.Area(rc.e.Tree.Root())), Href: rc.overviewHref()}}),
		Caveat: L.T("IntegrityCaveat")}
	if rc.e.IsReplay() {
		p.ReplayCaveat = L.T("IntegrityReplay")
	}
	out, err := integrity.Outstanding(rc.ctx, rc.s.cfg.Tally, rc.e, "")
	if err != nil {
		return nil, err
	}
	for i := range out.Contests {
		p.Outlook = append(p.Outlook, rc.outlookView(&out.Contests[i]))
	}
	sg := rc.opts.signals
	if sg == nil && !rc.opts.static {
		sg = rc.s.signalsOf(rc.ctx, rc.e, rc.opts.version)
	}
	if sg == nil {
		p.Pending = true
		// A different version makes the page's script fetch the page
		// again at its next poll, when the figures may be ready.
		if p.Live != nil {
			p.Live.Version += "~pending"
		}
		return p, nil
	}
	if sg.err != nil {
		return nil, sg.err
	}
	if sg.contest == nil {
		p.NoContest = true
		return p, nil
	}
	p.Contest, p.ContestHref = L.Name(sg.contest.Name), rc.contestHref(sg.contest.ID)
	if sg.empty || sg.report == nil {
		p.NoProtocols = true
		return p, nil
	}
	v, err := rc.signalsView(sg)
	if err != nil {
		return nil, err
	}
	p.Signals = v
	return p, nil
}

// reportName names an option of the forensics report, which uses option
// ids and the pseudo-options yes, no, against_all and both_marked.
func (rc *renderCtx) reportName(c *dauys.Contest, id string) string {
	switch id {
	case "yes":
		return rc.L.T("Yes")
	case "no":
		return rc.L.T("No")
	case "against_all":
		return rc.L.T("AgainstAll")
	case "both_marked":
		return rc.L.T("BothMarked")
	}
	return rc.optionLabel(c, id)
}

func (rc *renderCtx) signalsView(sg *signals) (*signalsView, error) {
	L, rep, c := rc.L, sg.report, sg.contest
	t := rep.Totals
	v := &signalsView{Precincts: L.N(int64(t.Precincts)), Registered: L.N(t.Registered), Issued: L.N(t.Issued),
		Turnout: L.Pct(t.Issued, t.Registered), Inconsistent: t.Inconsistent, Leader: rc.reportName(c, rep.LeaderName)}

	var svg bytes.Buffer
	err := forensics.FingerprintSVG(&svg, rep.Fingerprint,
		forensics.WithTitle(L.T("FingerprintTitle", "Contest", L.Name(c.Name))),
		forensics.WithDescription(L.T("FingerprintDesc", "Precincts", t.Precincts, "Leader", v.Leader)),
		forensics.WithAxisLabels(L.T("FingerprintTurnout"), L.T("FingerprintLeader", "Leader", v.Leader)),
		forensics.WithUnitLabels(L.T("FingerprintPrecincts"), L.T("FingerprintVoters"), L.T("FingerprintEmpty")),
		forensics.WithScaleNote(L.T("FingerprintLogScale")),
		forensics.WithSize(400), forensics.WithIDPrefix(rc.chartID()))
	if err != nil {
		return nil, err
	}
	// The SVG is a standalone document; inside the page it needs no XML
	// declaration.
	doc := svg.String()
	if i := strings.Index(doc, "<svg"); i > 0 {
		doc = doc[i:]
	}
	v.Fingerprint = template.HTML(doc)

	ip := rep.IntegerPercent
	row := func(what string, observed int, expected, excess, sd, p float64) integerRow {
		return integerRow{What: what, Observed: L.N(int64(observed)), Expected: rc.float(expected, 1), Excess: rc.signed(excess, 1),
			SD: rc.float(sd, 1), P: rc.pValue(p)}
	}
	v.Integer = []integerRow{
		row(L.T("IntegerAny"), ip.Any, ip.ExpectedAny, ip.ExcessAny, ip.SDAny, ip.PAny),
		row(L.T("IntegerLeader", "Leader", v.Leader), ip.Leader, ip.ExpectedLeader, ip.ExcessLeader, ip.SDLeader, ip.PLeader),
		row(L.T("IntegerTurnout"), ip.Turnout, ip.ExpectedTurnout, ip.ExcessTurnout, ip.SDTurnout, ip.PTurnout),
	}
	v.IntegerIncluded = L.T("IntegerIncluded", "Included", int64(ip.Included), "Precincts", int64(t.Precincts),
		"MinRegistered", ip.MinRegistered, "MaxPercent", ip.MaxPercent)
	v.IntegerNote = L.T("IntegerNote", "Replicates", int64(ip.Replicates), "Seed", strconv.FormatUint(ip.Seed, 10),
		"Tolerance", L.Dec(strconv.FormatFloat(float64(ip.Tolerance)/100, 'f', 2, 64), 2))

	for _, m := range rep.Turnout.Modes {
		v.Modes = append(v.Modes, L.PctD(int64(m.TurnoutPercent), 100, 0)+"–"+L.PctD(int64(m.TurnoutPercent+1), 100, 0))
	}
	for _, pk := range rep.Turnout.Peaks {
		v.Peaks = append(v.Peaks, L.PctD(int64(pk.TurnoutPermille), 1000, 1))
	}
	for _, set := range []struct {
		test  string
		tests []forensics.DigitTest
	}{{L.T("DigitLast"), rep.LastDigit}, {L.T("DigitSecond"), rep.SecondDigit}} {
		for _, d := range set.tests {
			r := digitRow{Option: rc.reportName(c, d.Option), Test: set.test, N: L.N(d.N), ChiSquare: rc.float(d.ChiSquare, 2), P: rc.pValue(d.PValue),
				Small: d.N < 50}
			v.Digits = append(v.Digits, r)
		}
	}

	o := rep.Outliers
	v.Outliers = o.Count
	v.OutlierNote = L.T("OutliersNote", "Turnout", o.TurnoutPercent, "Leader", o.LeaderPercent, "Invalid", o.InvalidPercent,
		"MinRegistered", o.MinRegistered)
	for i, op := range o.Precincts {
		if i == maxOutlierLinks {
			break
		}
		a := rc.e.Tree.Area(op.Area)
		if a == nil {
			continue
		}
		v.OutlierLinks = append(v.OutlierLinks, link{Text: rc.areaName(a), Href: rc.areaHref(op.Area)})
	}
	if sg.cross != nil {
		v.CrossPrecincts, v.CrossIssued, v.CrossTookPart = sg.cross.Precincts, len(sg.cross.Issued), len(sg.cross.TookPart)
	}
	return v, nil
}

// float formats a display value of the statistics.
func (rc *renderCtx) float(x float64, digits int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "–"
	}
	return rc.L.Dec(strconv.FormatFloat(x, 'f', digits+2, 64), digits)
}

func (rc *renderCtx) signed(x float64, digits int) string {
	s := rc.float(x, digits)
	if x > 0 && s != "–" {
		return "+" + s
	}
	return s
}

// pValue writes a p-value to three places, and a smaller one as "< 0.001".
func (rc *renderCtx) pValue(p float64) string {
	if p < 0.001 {
		return "< " + rc.L.Dec("0.001", 3)
	}
	return rc.float(p, 3)
}

// outlookView says in the page's language what integrity.Outstanding
// says in English: whether the outcome can still change, with the numbers
// behind it.
func (rc *renderCtx) outlookView(co *integrity.ContestOutlook) outlookView {
	L := rc.L
	c := rc.e.Contest(co.Contest)
	v := outlookView{Name: L.Name(co.Name), Href: rc.contestHref(co.Contest), CanChange: co.CanChange,
		Missing:     L.T("OutlookMissing", "Missing", co.PrecinctsMissing, "Expected", co.PrecinctsExpected),
		Outstanding: L.N(co.VotesOutstanding)}
	if co.UnknownRegistered > 0 {
		v.Outstanding = L.T("OutlookUnbounded")
	}
	if m := co.Margin; m != nil && c != nil {
		v.Margin = L.N(m.Votes)
		v.MarginBetween = L.T("OutlookBetween", "Leader", rc.reportName(c, m.Leader), "RunnerUp", rc.reportName(c, m.RunnerUp))
	}
	if s := co.LastSeat; s != nil && c != nil && s.Added > 0 {
		v.LastSeat = L.N(s.Added)
		v.LastSeatBetween = L.T("OutlookLastSeat", "From", rc.reportName(c, s.From), "To", rc.reportName(c, s.To))
	}
	var parts []string
	switch {
	case co.PrecinctsReported == 0:
		parts = append(parts, L.T("OutlookNoneReported"))
	case co.PrecinctsMissing == 0:
		parts = append(parts, L.T("OutlookAllReported", "Expected", co.PrecinctsExpected))
	case co.UnknownRegistered > 0:
		parts = append(parts, L.T("OutlookCanChange"), L.T("OutlookUnknown", "Missing", co.PrecinctsMissing, "Unknown", co.UnknownRegistered))
	case co.CanChange && co.Witness == "":
		// Only the Droop quota's rounding leaves a change open without a
		// witness.
		parts = append(parts, L.T("OutlookOpen", "Missing", co.PrecinctsMissing, "Outstanding", co.VotesOutstanding))
	default:
		if co.CanChange {
			parts = append(parts, L.T("OutlookCanChange"))
		} else {
			parts = append(parts, L.T("OutlookCannotChange"))
		}
		parts = append(parts, L.T("OutlookStillOut", "Missing", co.PrecinctsMissing, "Expected", co.PrecinctsExpected, "Outstanding", co.VotesOutstanding))
		if v.Margin != "" {
			parts = append(parts, L.T("OutlookLead", "Leader", rc.reportName(c, co.Margin.Leader), "RunnerUp", rc.reportName(c, co.Margin.RunnerUp), "Votes", co.Margin.Votes))
		}
		if co.CanChange {
			if w := rc.witness(c, co.Witness); w != "" {
				parts = append(parts, L.T("OutlookWitness", "Way", w))
			}
		} else {
			parts = append(parts, L.T("OutlookStays"))
		}
	}
	v.Statement = strings.Join(parts, " ")
	return v
}

// witness translates the way of voting that integrity.Outstanding found
// to change the outcome; its wording is that package's, in English.
func (rc *renderCtx) witness(c *dauys.Contest, w string) string {
	L := rc.L
	switch {
	case w == "they all voted yes":
		return L.T("WitnessFor", "Option", L.T("Yes"))
	case w == "they all voted no":
		return L.T("WitnessFor", "Option", L.T("No"))
	case w == "they all voted against all":
		return L.T("WitnessFor", "Option", L.T("AgainstAll"))
	case w == "all their ballots were invalid":
		return L.T("WitnessInvalid")
	case w == "none of them voted":
		return L.T("WitnessNone")
	case strings.HasPrefix(w, "they all voted for ") && c != nil:
		return L.T("WitnessFor", "Option", rc.reportName(c, strings.TrimPrefix(w, "they all voted for ")))
	}
	return ""
}
