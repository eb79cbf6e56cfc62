package integrity

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/decide"
	"github.com/dauys/dauys/internal/election"
	"github.com/dauys/dauys/internal/rla"
	"github.com/dauys/dauys/internal/rules"
)

// AuditFormat names the layout of the audit state document.
const AuditFormat = "dauys-audit-v1"

// Audit is the public state of a risk-limiting audit of one contest, kept
// in one JSON document that the audit board publishes after every step:
// the plan (reported results, manifest or batches, first-round size), the
// seed and the sample drawn from it, what the auditors recorded, and the
// latest status. Anyone can recompute the sample and the status from it.
type Audit struct {
	Format    string    `json:"format"`
	Election  string    `json:"election"`
	Contest   string    `json:"contest"`
	PlannedAt time.Time `json:"planned_at"`
	// Choices are the choices a ballot can be recorded under: the options
	// (yes and no in a referendum) and the form's lines for ballots that
	// count for none (invalid, against_all, both_marked).
	Choices []string    `json:"choices"`
	Plan    rla.Plan    `json:"plan"`
	Sample  *rla.Sample `json:"sample,omitempty"`
	// Recorded holds what the auditors found, by batch (precinct): for
	// BRAVO the choices on the batch's sampled ballots (every draw counts,
	// a ballot drawn twice twice), for MACRO the hand count of the whole
	// batch. A new record of a batch replaces the old one; History keeps
	// both.
	Recorded map[string]map[string]int64 `json:"recorded,omitempty"`
	Status   []rla.Status                `json:"status,omitempty"`
	History  []AuditEvent                `json:"history"`
}

// AuditEvent is one step of the audit, for the published record.
type AuditEvent struct {
	At     time.Time        `json:"at"`
	Action string           `json:"action"` // plan, sample, record
	Seed   string           `json:"seed,omitempty"`
	Size   int              `json:"size,omitempty"`
	Batch  string           `json:"batch,omitempty"`
	Counts map[string]int64 `json:"counts,omitempty"`
}

// AuditOptions configures a plan.
type AuditOptions struct {
	Method    rla.Method
	RiskLimit float64
	// Quantile is the chance that a BRAVO first round finishes the audit if
	// the reported results are right; 0 means 0.9.
	Quantile float64
	Now      time.Time
}

// PlanAudit plans an audit of a contest from its protocols in the store:
// for BRAVO the contest's reported totals and a ballot manifest of the
// precincts' ballots cast (took_part), in area id order; for MACRO every
// precinct as a batch with its reported votes. Every precinct must have
// reported: an audit checks final results.
//
// The audited outcome is the one the rules give: the winners of a
// plurality contest, the elected candidate or the runoff pair of a
// majority contest, and the side with more votes in a referendum, each
// against every other option. BRAVO and MACRO test that each winner has
// more votes than each loser; they do not test a share threshold (a
// majority of participants, a quorum or a territorial rule). A list
// contest's seat allocation is not a winner-loser outcome, and is refused.
func PlanAudit(ctx context.Context, store Protocols, e *election.Election, contestID string, opt AuditOptions) (*Audit, error) {
	c := e.Contest(contestID)
	if c == nil {
		return nil, dauys.Errorf(dauys.ENOTFOUND, "contest %q does not exist in election %s", contestID, e.ID)
	}
	if c.Kind == dauys.KindList {
		return nil, dauys.Errorf(dauys.EINVALID,
			"contest %s allocates seats to lists; BRAVO and MACRO audit winners against losers and cannot confirm a seat allocation", c.ID)
	}
	if opt.Method != rla.MethodBravo && opt.Method != rla.MethodMacro {
		return nil, dauys.Errorf(dauys.EINVALID, "unknown audit method %q (want bravo or macro)", opt.Method)
	}
	if !(opt.RiskLimit > 0 && opt.RiskLimit < 1) {
		return nil, dauys.Errorf(dauys.EINVALID, "the risk limit must be between 0 and 1 (for example 0.05), not %v", opt.RiskLimit)
	}
	if opt.Quantile == 0 {
		opt.Quantile = 0.9
	}
	if !(opt.Quantile > 0 && opt.Quantile < 1) {
		return nil, dauys.Errorf(dauys.EINVALID, "the quantile must be between 0 and 1 (for example 0.9), not %v", opt.Quantile)
	}

	choices := auditChoices(e, c)
	// The ballots of a batch are those in its boxes: found where the form
	// has that line (took_part is then the voters who received ballots).
	cast := newLineMap(e, c).cast
	totals := map[string]int64{}
	lines := map[string]int64{}
	var manifest []rla.ManifestBatch
	var batches []rla.Batch
	err := store.EachProtocol(ctx, e.ID, c.ID, func(p *dauys.Protocol) error {
		votes := map[string]int64{}
		for _, ch := range choices {
			v := p.Lines[choiceLine(c, ch)]
			votes[ch] = v
			totals[ch] += v
		}
		for k, v := range p.Lines {
			lines[k] += v
		}
		took := p.Lines[cast]
		manifest = append(manifest, rla.ManifestBatch{ID: p.Area, Ballots: took})
		batches = append(batches, rla.Batch{ID: p.Area, Ballots: took, Reported: rla.Tally{c.ID: votes}})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("integrity: read protocols of %s: %w", c.ID, err)
	}
	expected, _ := e.Tree.Expected(e.Tree.Root(), c)
	if int64(len(manifest)) < int64(expected) {
		return nil, dauys.Errorf(dauys.EINVALID, "contest %s: %d of %d precincts have reported; an audit checks the final results",
			c.ID, len(manifest), expected)
	}

	winners, err := reportedWinners(c, lines)
	if err != nil {
		return nil, err
	}
	ac := rla.Contest{Name: c.ID, Reported: totals, BallotsCast: lines[cast]}
	isWinner := map[string]bool{}
	for _, w := range winners {
		isWinner[w] = true
		ac.Winners = append(ac.Winners, w)
	}
	for _, ch := range optionChoices(c) {
		if !isWinner[ch] {
			ac.Losers = append(ac.Losers, ch)
		}
	}
	if err := ac.Validate(); err != nil {
		return nil, auditError(err)
	}
	var plan rla.Plan
	switch opt.Method {
	case rla.MethodBravo:
		plan, err = rla.NewBravoPlan([]rla.Contest{ac}, manifest, opt.RiskLimit, opt.Quantile)
	default:
		plan, err = rla.NewMacroPlan([]rla.Contest{ac}, batches, opt.RiskLimit)
	}
	if err != nil {
		return nil, auditError(err)
	}
	return &Audit{Format: AuditFormat, Election: e.ID, Contest: c.ID, PlannedAt: opt.Now.UTC(), Choices: choices, Plan: plan,
		History: []AuditEvent{{At: opt.Now.UTC(), Action: "plan", Size: plan.SampleSize}}}, nil
}

// reportedWinners decides the contest on its totals with the rules engine.
func reportedWinners(c *dauys.Contest, lines map[string]int64) ([]string, error) {
	if c.Kind == dauys.KindReferendum {
		switch yes, no := lines["yes"], lines["no"]; {
		case yes > no:
			return []string{"yes"}, nil
		case no > yes:
			return []string{"no"}, nil
		}
		return nil, dauys.Errorf(dauys.EINVALID, "contest %s: yes and no are tied; only a full hand count can decide it", c.ID)
	}
	r, err := rules.For(c)
	if err != nil {
		return nil, err
	}
	o, err := decide.Decide(r, rules.Input(c, lines))
	if err != nil {
		return nil, fmt.Errorf("integrity: decide contest %s: %w", c.ID, err)
	}
	switch {
	case o.Elected != nil:
		return []string{*o.Elected}, nil
	case len(o.Runoff) > 0:
		return o.Runoff, nil
	case len(o.Winners) > 0:
		return o.Winners, nil
	}
	return nil, dauys.Errorf(dauys.EINVALID, "contest %s has no reported winner to audit", c.ID)
}

// optionChoices are the contest's options as audit choices.
func optionChoices(c *dauys.Contest) []string {
	if c.Kind == dauys.KindReferendum {
		return []string{"yes", "no"}
	}
	out := make([]string, len(c.Options))
	for i, o := range c.Options {
		out[i] = o.ID
	}
	return out
}

// auditChoices adds to the options the lines of ballots that count for
// none of them, when the form has them.
func auditChoices(e *election.Election, c *dauys.Contest) []string {
	out := optionChoices(c)
	has := map[string]bool{}
	for _, l := range e.Validator(c.ID).Lines() {
		has[l.Name] = true
	}
	for _, l := range []string{lineAgainstAll, lineBothMarked, "invalid"} {
		if has[l] {
			out = append(out, l)
		}
	}
	return out
}

// choiceLine is the protocol line that holds a choice's votes.
func choiceLine(c *dauys.Contest, choice string) string {
	switch {
	case c.Kind == dauys.KindReferendum, choice == lineAgainstAll, choice == lineBothMarked, choice == "invalid":
		return choice
	}
	return dauys.OptionLinePrefix + choice
}

// auditError maps package rla's errors to domain errors.
func auditError(err error) error {
	switch {
	case errors.Is(err, rla.ErrTie):
		return dauys.Errorf(dauys.EINVALID, "%v", err)
	case errors.Is(err, rla.ErrInvalid):
		return dauys.Errorf(dauys.EINVALID, "%s", strings.TrimPrefix(err.Error(), "audit: invalid input: "))
	}
	return err
}

// Check validates a state read from a file, so that a hand-edited or
// truncated document is refused with a reason instead of misleading.
func (a *Audit) Check() error {
	switch {
	case a.Format != AuditFormat:
		return dauys.Errorf(dauys.EINVALID, "not a Dauys audit state (format %q, want %q)", a.Format, AuditFormat)
	case len(a.Plan.Contests) != 1 || a.Plan.Contests[0].Name != a.Contest:
		return dauys.Errorf(dauys.EINVALID, "the audit state's plan does not cover contest %q", a.Contest)
	case a.Sample != nil && a.Sample.Method != a.Plan.Method:
		return dauys.Errorf(dauys.EINVALID, "the audit state's sample was drawn for %s, the plan is %s", a.Sample.Method, a.Plan.Method)
	}
	return nil
}

// SampleSize is the number of ballots (BRAVO) or batch draws (MACRO)
// drawn so far.
func (a *Audit) SampleSize() int {
	if a.Sample == nil {
		return 0
	}
	return len(a.Sample.Ballots) + len(a.Sample.Draws)
}

// NextSize is the sample size the next `sample` step draws by default: the
// plan's first round, or the drawn sample plus the escalation the latest
// status asks for; 0 when neither applies.
func (a *Audit) NextSize() int {
	if a.Sample == nil {
		return a.Plan.SampleSize
	}
	extra := 0
	for _, st := range a.Status {
		if st.Escalate {
			extra = max(extra, st.NextRoundSize)
		}
	}
	if extra == 0 {
		return 0
	}
	return a.SampleSize() + extra
}

// Draw draws the first n items of the sample from the public seed (n = 0:
// NextSize). The seed cannot change once a sample is drawn, and n cannot
// shrink it: escalating extends the same sample.
func (a *Audit) Draw(seed string, n int, now time.Time) error {
	if strings.TrimSpace(seed) == "" {
		return dauys.Errorf(dauys.EINVALID, "the seed is empty; roll it in public (for example 20 ten-sided dice) and pass it with --seed")
	}
	if a.Sample != nil && a.Sample.Seed != seed {
		return dauys.Errorf(dauys.EINVALID, "the sample was drawn with seed %q; a different seed would replace a published sample", a.Sample.Seed)
	}
	if n == 0 {
		n = a.NextSize()
		switch {
		case n == 0 && a.Status == nil:
			return dauys.Errorf(dauys.EINVALID, "%d items are already drawn; record them and ask for the status, or give --n to draw more", a.SampleSize())
		case n == 0:
			return dauys.Errorf(dauys.EINVALID, "the latest status asks for no more draws; give --n to draw more anyway")
		}
	}
	if n < 0 {
		return dauys.Errorf(dauys.EINVALID, "the sample size must be positive, not %d", n)
	}
	if n < a.SampleSize() {
		return dauys.Errorf(dauys.EINVALID, "%d items are already drawn; a sample can grow, never shrink (asked for %d)", a.SampleSize(), n)
	}
	s, err := a.Plan.Sample(seed, n)
	if err != nil {
		return auditError(err)
	}
	a.Sample = &s
	a.Status = nil
	a.History = append(a.History, AuditEvent{At: now.UTC(), Action: "sample", Seed: seed, Size: n})
	return nil
}

// drawsPerBatch counts the draws located in each batch.
func (a *Audit) drawsPerBatch() map[string]int64 {
	out := map[string]int64{}
	if a.Sample == nil {
		return out
	}
	for _, b := range a.Sample.Ballots {
		out[b.Batch]++
	}
	for _, d := range a.Sample.Draws {
		out[d.BatchID]++
	}
	return out
}

// Draws returns how many draws of the sample fall in a batch.
func (a *Audit) Draws(batch string) int64 { return a.drawsPerBatch()[batch] }

func (a *Audit) hasBatch(id string) bool {
	for _, b := range a.Plan.Manifest {
		if b.ID == id {
			return true
		}
	}
	for _, b := range a.Plan.Batches {
		if b.ID == id {
			return true
		}
	}
	return false
}

// Record enters what the auditors found in one batch. Choices must be the
// audit's choices; with BRAVO the counts must add up to the ballots drawn
// from the batch.
func (a *Audit) Record(batch string, counts map[string]int64, now time.Time) error {
	if err := a.checkRecord(batch, counts); err != nil {
		return err
	}
	if a.Recorded == nil {
		a.Recorded = map[string]map[string]int64{}
	}
	a.Recorded[batch] = counts
	a.Status = nil
	a.History = append(a.History, AuditEvent{At: now.UTC(), Action: "record", Batch: batch, Counts: counts})
	return nil
}

func (a *Audit) checkRecord(batch string, counts map[string]int64) error {
	if a.Sample == nil {
		return dauys.Errorf(dauys.EINVALID, "no sample has been drawn yet: run `dauys audit sample --seed S` first")
	}
	if !a.hasBatch(batch) {
		return dauys.Errorf(dauys.EINVALID, "batch %q is not a precinct of the audit's manifest", batch)
	}
	known := map[string]bool{}
	for _, ch := range a.Choices {
		known[ch] = true
	}
	var sum int64
	for ch, n := range counts {
		if !known[ch] {
			return dauys.Errorf(dauys.EINVALID, "batch %s: unknown choice %q (choices: %s)", batch, ch, strings.Join(a.Choices, ", "))
		}
		if n < 0 {
			return dauys.Errorf(dauys.EINVALID, "batch %s: negative count for %q", batch, ch)
		}
		sum += n
	}
	if a.Plan.Method == rla.MethodBravo {
		drawn := a.drawsPerBatch()[batch]
		if drawn == 0 {
			return dauys.Errorf(dauys.EINVALID, "batch %s has no sampled ballots", batch)
		}
		if sum != drawn {
			return dauys.Errorf(dauys.EINVALID, "batch %s: %d ballots were drawn from it (a ballot drawn twice counts twice), but the counts add up to %d",
				batch, drawn, sum)
		}
	}
	return nil
}

// ParseCounts reads "choice=N,choice=N".
func ParseCounts(s string) (map[string]int64, error) {
	out := map[string]int64{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, num, ok := strings.Cut(part, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, dauys.Errorf(dauys.EINVALID, "counts: %q is not choice=N", part)
		}
		n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
		if err != nil || n < 0 {
			return nil, dauys.Errorf(dauys.EINVALID, "counts: %q is not a whole number of ballots", part)
		}
		if _, dup := out[name]; dup {
			return nil, dauys.Errorf(dauys.EINVALID, "counts: %q is given twice", name)
		}
		out[name] = n
	}
	if len(out) == 0 {
		return nil, dauys.Errorf(dauys.EINVALID, "counts: nothing given (want choice=N,...)")
	}
	return out, nil
}

// RecordCSV enters a file of audited counts: a header "batch" followed by
// choice names, then one row per batch. The file is checked completely
// before anything is recorded, and a problem is named by its line.
func (a *Audit) RecordCSV(r io.Reader, name string, now time.Time) (int, error) {
	cr := csv.NewReader(r)
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return 0, dauys.Errorf(dauys.EINVALID, "%s: no header line: %v", name, err)
	}
	if len(header) < 2 || strings.ToLower(strings.TrimSpace(strings.TrimPrefix(header[0], "\ufeff"))) != "batch" {
		return 0, dauys.Errorf(dauys.EINVALID, "%s:1: the header must be batch,<choice>,... (choices: %s)", name, strings.Join(a.Choices, ", "))
	}
	type row struct {
		batch  string
		counts map[string]int64
	}
	var rows []row
	seen := map[string]int{}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		} else if err != nil {
			return 0, dauys.Errorf(dauys.EINVALID, "%s: %v", name, err)
		}
		batch := strings.TrimSpace(rec[0])
		if prev, dup := seen[batch]; dup {
			return 0, dauys.Errorf(dauys.EINVALID, "%s:%d: batch %q is already on line %d", name, line, batch, prev)
		}
		seen[batch] = line
		counts := map[string]int64{}
		for j := 1; j < len(header); j++ {
			cell := strings.TrimSpace(rec[j])
			n, err := strconv.ParseInt(cell, 10, 64)
			if err != nil || n < 0 {
				return 0, dauys.Errorf(dauys.EINVALID, "%s:%d: column %q: %q is not a whole number of ballots", name, line, header[j], cell)
			}
			counts[strings.TrimSpace(header[j])] = n
		}
		if err := a.checkRecord(batch, counts); err != nil {
			return 0, dauys.Errorf(dauys.EINVALID, "%s:%d: %s", name, line, dauys.ErrorMessage(err))
		}
		rows = append(rows, row{batch, counts})
	}
	for _, r := range rows {
		if err := a.Record(r.batch, r.counts, now); err != nil {
			return 0, err
		}
	}
	return len(rows), nil
}

// Progress is how much of the drawn sample the auditors have recorded.
type Progress struct {
	Drawn    int64 `json:"drawn"`
	Recorded int64 `json:"recorded"`
	// Waiting lists the batches whose record is missing or, for BRAVO,
	// does not yet cover the ballots drawn from them (after an
	// escalation), in id order.
	Waiting []string `json:"waiting,omitempty"`
}

// Evaluate measures the risk once every drawn ballot or batch has been
// recorded, and stores the status in the audit. While records are missing
// it returns only the progress: a risk measured on the batches that
// happened to be counted first would not be the sequential test's.
func (a *Audit) Evaluate() (Progress, []rla.Status, error) {
	var p Progress
	if a.Sample == nil {
		return p, nil, dauys.Errorf(dauys.EINVALID, "no sample has been drawn yet: run `dauys audit sample --seed S` first")
	}
	drawn := a.drawsPerBatch()
	for id, n := range drawn {
		p.Drawn += n
		rec, ok := a.Recorded[id]
		var sum int64
		for _, v := range rec {
			sum += v
		}
		if !ok || (a.Plan.Method == rla.MethodBravo && sum != n) {
			p.Waiting = append(p.Waiting, id)
			continue
		}
		p.Recorded += n
	}
	sort.Strings(p.Waiting)
	if len(p.Waiting) > 0 {
		a.Status = nil
		return p, nil, nil
	}
	var rec rla.Record
	if a.Plan.Method == rla.MethodBravo {
		ballots := map[string]int64{}
		for id := range drawn {
			for ch, v := range a.Recorded[id] {
				ballots[ch] += v
			}
		}
		rec.Ballots = map[string]map[string]int64{a.Contest: ballots}
	} else {
		rec.Batches = map[string]rla.Tally{}
		for id, counts := range a.Recorded {
			rec.Batches[id] = rla.Tally{a.Contest: counts}
		}
	}
	st, err := a.Plan.Status(*a.Sample, rec)
	if err != nil {
		return p, nil, auditError(err)
	}
	a.Status = st
	return p, st, nil
}
