package integrity

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/election"
	"github.com/dauys/dauys/internal/forensics"
	"github.com/dauys/dauys/internal/rules"
)

// Pseudo-options that forensics.Input carries after the contest's own
// options when the form has the line: valid ballots that count for no
// option. Without them every precinct with a vote "against all" or a
// referendum ballot marked both ways would count as one whose votes do not
// add up to the ballots cast (forensics.Totals.Inconsistent).
const (
	lineAgainstAll = "against_all"
	lineBothMarked = "both_marked"
)

// lineFound holds the ballots found in the boxes on a form whose took_part
// is the voters who received ballots (the Kazakh examples).
const lineFound = "found"

// DefaultContest returns the contest forensics looks at when none is named:
// the first list, majority or referendum contest that covers the whole
// election. Plurality contests are usually single-member districts, too
// small for the national statistics.
func DefaultContest(e *election.Election) (*dauys.Contest, error) {
	for i := range e.Contests {
		c := &e.Contests[i]
		switch c.Kind {
		case dauys.KindList, dauys.KindMajority, dauys.KindReferendum:
		default:
			continue
		}
		if coversAll(e, c) {
			return c, nil
		}
	}
	return nil, dauys.Errorf(dauys.EINVALID,
		"election %s has no list, majority or referendum contest over the whole country; name one with --contest", e.ID)
}

func coversAll(e *election.Election, c *dauys.Contest) bool {
	if len(c.Areas) == 0 {
		return true
	}
	for _, a := range c.Areas {
		if a == e.Tree.Root() {
			return true
		}
	}
	return false
}

// contest returns the named contest, or the default one for "".
func contest(e *election.Election, id string) (*dauys.Contest, error) {
	if id == "" {
		return DefaultContest(e)
	}
	c := e.Contest(id)
	if c == nil {
		return nil, dauys.Errorf(dauys.ENOTFOUND, "contest %q does not exist in election %s", id, e.ID)
	}
	return c, nil
}

// lineMap is the reading of one contest's form that forensics needs: the
// lines of the options.
type lineMap struct {
	cast    string   // the ballots found in the boxes: found, else took_part
	options []string // line names, in the order of names
	names   []string // option names for forensics.Input
}

func newLineMap(e *election.Election, c *dauys.Contest) lineMap {
	has := map[string]bool{}
	for _, l := range e.Validator(c.ID).Lines() {
		has[l.Name] = true
	}
	m := lineMap{cast: "took_part"}
	if has[lineFound] {
		m.cast = lineFound
	}
	if c.Kind == dauys.KindReferendum {
		m.options = []string{"yes", "no"}
		m.names = []string{"yes", "no"}
	} else {
		for _, o := range c.Options {
			m.options = append(m.options, dauys.OptionLinePrefix+o.ID)
			m.names = append(m.names, o.ID)
		}
	}
	for _, extra := range []string{lineAgainstAll, lineBothMarked} {
		if has[extra] {
			m.options = append(m.options, extra)
			m.names = append(m.names, extra)
		}
	}
	return m
}

// turnoutNumerator returns the ballots issued as the rules engine reads
// them (rules.Issued: the "issued" line, else the sum of the issued_*
// lines), else the ballots found in the boxes: the numerator of an
// election's turnout on the site and in dauys decide.
func turnoutNumerator(lines map[string]int64) int64 {
	if n := rules.Issued(lines); n > 0 {
		return n
	}
	return lines["took_part"]
}

func (m lineMap) precinct(e *election.Election, p *dauys.Protocol) forensics.Precinct {
	opts := make([]int64, len(m.options))
	for i, l := range m.options {
		opts[i] = p.Lines[l]
	}
	return forensics.Precinct{
		Area:       p.Area,
		Region:     region(e, p.Area),
		Registered: p.Lines["registered"],
		Issued:     turnoutNumerator(p.Lines),
		Cast:       p.Lines[m.cast],
		Invalid:    p.Lines["invalid"],
		Options:    opts,
	}
}

// region returns the precinct's ancestor at depth 1 (a child of the root),
// or the precinct itself if it hangs directly under the root.
func region(e *election.Election, area string) string {
	path := e.Tree.Path(area)
	if len(path) >= 2 {
		return path[1]
	}
	return area
}

// Protocols is what this package reads: the current protocols of an
// election. A dauys.Store has it, and so has a *tally.Tally, through which
// the pages read.
type Protocols interface {
	EachProtocol(ctx context.Context, election, contest string, fn func(*dauys.Protocol) error) error
}

// ForensicsInput reads the current protocols of one contest ("" for the
// default contest) in area id order and maps them to the forensics input:
// registered voters, ballots issued (the turnout numerator), ballots cast
// (took_part), invalid ballots and the votes per option in ballot order (yes
// and no for a referendum), followed by "against_all" and "both_marked"
// when the form has those lines.
func ForensicsInput(ctx context.Context, store Protocols, e *election.Election, contestID string) (forensics.Input, *dauys.Contest, error) {
	c, err := contest(e, contestID)
	if err != nil {
		return forensics.Input{}, nil, err
	}
	m := newLineMap(e, c)
	in := forensics.Input{Options: m.names}
	err = store.EachProtocol(ctx, e.ID, c.ID, func(p *dauys.Protocol) error {
		in.Precincts = append(in.Precincts, m.precinct(e, p))
		return nil
	})
	if err != nil {
		return forensics.Input{}, nil, fmt.Errorf("integrity: read protocols of %s: %w", c.ID, err)
	}
	// The Monte Carlo seeds each precinct's generator by its position, so
	// the order is part of the result; byte order of area ids makes it the
	// same whatever order a store returns.
	sort.SliceStable(in.Precincts, func(i, j int) bool { return in.Precincts[i].Area < in.Precincts[j].Area })
	return in, c, nil
}

// Forensics computes the statistical signals of one contest ("" for the
// default contest) from its current protocols. The report is deterministic
// for a given store content and cfg.
func Forensics(ctx context.Context, store Protocols, e *election.Election, contest string, cfg forensics.Config) (*forensics.Report, error) {
	in, c, err := ForensicsInput(ctx, store, e, contest)
	if err != nil {
		return nil, err
	}
	if len(in.Precincts) == 0 {
		return nil, dauys.Errorf(dauys.EINVALID, "contest %s has no protocols yet: there is nothing to analyse", c.ID)
	}
	rep, err := forensics.Analyze(in, cfg)
	if errors.Is(err, forensics.ErrInvalid) {
		return nil, dauys.Errorf(dauys.EINVALID, "contest %s: %v", c.ID, err)
	} else if err != nil {
		return nil, fmt.Errorf("integrity: analyse %s: %w", c.ID, err)
	}
	return rep, nil
}

// CrossContest is the cross-contest consistency of an election: for every
// precinct that reports in two or more contests, the ballots issued and the
// ballots cast in each. Voters normally receive every ballot at once, so
// differences above the tolerance are listed for a look at the protocols.
type CrossContest struct {
	Tolerance int64 `json:"tolerance"`
	// Precincts counts the precincts with protocols in at least two contests.
	Precincts int `json:"precincts"`
	// Issued compares the turnout numerator (ballots issued) per contest,
	// TookPart the ballots found in the boxes.
	Issued   []forensics.CrossContestFinding `json:"issued"`
	TookPart []forensics.CrossContestFinding `json:"took_part"`
}

// CrossContestCheck compares, precinct by precinct, the ballots issued and
// the ballots cast across all contests of the election. An election with a
// single contest has nothing to compare and gets an empty result.
func CrossContestCheck(ctx context.Context, store Protocols, e *election.Election, tolerance int64) (*CrossContest, error) {
	out := &CrossContest{Tolerance: max(tolerance, 0), Issued: []forensics.CrossContestFinding{}, TookPart: []forensics.CrossContestFinding{}}
	if len(e.Contests) < 2 {
		return out, nil
	}
	maps := map[string]lineMap{}
	for i := range e.Contests {
		c := &e.Contests[i]
		maps[c.ID] = newLineMap(e, c)
	}
	issued := map[string]map[string]int64{}
	took := map[string]map[string]int64{}
	err := store.EachProtocol(ctx, e.ID, "", func(p *dauys.Protocol) error {
		m, ok := maps[p.Contest]
		if !ok {
			return nil
		}
		if issued[p.Area] == nil {
			issued[p.Area], took[p.Area] = map[string]int64{}, map[string]int64{}
		}
		issued[p.Area][p.Contest] = turnoutNumerator(p.Lines)
		took[p.Area][p.Contest] = p.Lines[m.cast]
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("integrity: read protocols: %w", err)
	}
	for _, byContest := range issued {
		if len(byContest) >= 2 {
			out.Precincts++
		}
	}
	out.Issued = forensics.CrossContest(issued, out.Tolerance)
	out.TookPart = forensics.CrossContest(took, out.Tolerance)
	return out, nil
}
