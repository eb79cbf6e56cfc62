// Package verify checks a published election independently of the system
// that counted it. It trusts one thing, the CEC's public log key, and reads
// only what `dauys publish` writes: the transparency log (checkpoint, hash
// tiles and entry bundles) and the results files. It then
//
//   - checks the checkpoint's signature (and witnesses' cosignatures);
//   - rebuilds the Merkle tree from the entries and compares its root with
//     the checkpoint, and its hashes with the published tiles;
//   - checks that every checkpoint the log ever signed, and any an observer
//     kept, is a prefix of this tree: that the log was never forked;
//   - replays the log: the definition (read with internal/definition as
//     `dauys election import` reads it), its areas, the commission keys and
//     every protocol version, which must be checked against its form,
//     numbered without gaps and, where the election requires it, signed by
//     a key registered for its precinct;
//   - adds the current versions up at every level of the geography,
//     decides every contest with the rules engine (decide), and compares
//     every number of every published results file with its own.
//
// It imports the domain, decide, internal/definition, internal/tlog's
// formats and internal/rules (rules.For and rules.Input, the one mapping
// of a definition's rules and a contest's lines to the rules engine), and
// never a store, intake, internal/election, tally or web code: it must not
// share the counting system's mistakes.
package verify

import (
	"context"
	"fmt"
	"runtime"
	"strings"

	"golang.org/x/mod/sumdb/note"

	"github.com/dauys/dauys/internal/tlog"
)

// Config says what to verify and whom to trust.
type Config struct {
	Source Source
	// Election is the id of the election; empty to take it from the
	// source's current.json or its only log.
	Election string
	// Key is the CEC's log verifier key, the one thing the verifier
	// trusts.
	Key note.Verifier
	// Witnesses are the cosignature keys of witnesses; Quorum of them
	// must have cosigned the checkpoint.
	Witnesses []note.Verifier
	Quorum    int
	// Checkpoints are signed checkpoints seen before, on election night
	// for instance: each must be a prefix of the published log.
	Checkpoints [][]byte
	// LogOnly skips the results files: the log is checked and replayed,
	// the totals recomputed but not compared.
	LogOnly bool
	// Workers read results files in parallel (default GOMAXPROCS, at
	// least 4).
	Workers int
	// Progress, when set, is told what the verifier is doing.
	Progress func(format string, args ...any)
}

// Problem is one thing that does not verify: where, and what.
type Problem struct {
	Where   string `json:"where"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	if p.Where == "" {
		return p.Message
	}
	return p.Where + ": " + p.Message
}

// maxProblems is how many problems a report lists; the others are counted.
const maxProblems = 200

// Report is the outcome of a verification.
type Report struct {
	Election   string          `json:"election"`
	Source     string          `json:"source"`
	Checkpoint tlog.Checkpoint `json:"-"`
	Root       string          `json:"root_hash"`
	Size       int64           `json:"entries"`
	// Cosigned counts the witnesses that cosigned the checkpoint.
	Cosigned int `json:"cosigned"`
	// Checkpoints counts the earlier checkpoints found consistent.
	Checkpoints int `json:"checkpoints_consistent"`
	// Versions counts the protocol versions in the log, Amendments those
	// after a first version, Signed those with a valid commission
	// signature, Precincts the precinct and contest pairs reported.
	Versions   int `json:"protocol_versions"`
	Amendments int `json:"amendments"`
	Signed     int `json:"signed"`
	Precincts  int `json:"protocols"`
	Keys       int `json:"keys"`
	Areas      int `json:"areas"`
	// Images counts the observers' images the log holds, ImagesChecked
	// those published and found to hash as logged, ImagesMissing those
	// the source does not publish.
	Images        int `json:"images"`
	ImagesChecked int `json:"images_checked"`
	ImagesMissing int `json:"images_missing"`
	// Results counts the results files compared, Outcomes the contest
	// outcomes recomputed and compared.
	Results  int `json:"results_files"`
	Outcomes int `json:"outcomes"`

	Problems []Problem `json:"problems"`
	// More counts the problems beyond those listed.
	More int `json:"more_problems"`
}

// OK reports whether everything verified.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

func (r *Report) add(where, format string, args ...any) {
	if len(r.Problems) >= maxProblems {
		r.More++
		return
	}
	r.Problems = append(r.Problems, Problem{Where: where, Message: fmt.Sprintf(format, args...)})
}

// Summary describes the report in a few lines.
func (r *Report) Summary() string {
	var b strings.Builder
	if r.OK() {
		fmt.Fprintf(&b, "VERIFIED election %s from %s\n", r.Election, r.Source)
	} else {
		fmt.Fprintf(&b, "NOT VERIFIED: election %s from %s: %d problem(s)\n", r.Election, r.Source, len(r.Problems)+r.More)
	}
	fmt.Fprintf(&b, "log: %d entries, root %s, signed by the CEC key", r.Size, r.Root)
	if r.Cosigned > 0 {
		fmt.Fprintf(&b, ", cosigned by %d witness(es)", r.Cosigned)
	}
	fmt.Fprintf(&b, "; %d earlier checkpoint(s) consistent\n", r.Checkpoints)
	fmt.Fprintf(&b, "replayed: %d areas, %d keys, %d protocol versions (%d amendments, %d signed) of %d protocols\n",
		r.Areas, r.Keys, r.Versions, r.Amendments, r.Signed, r.Precincts)
	if r.Images > 0 {
		fmt.Fprintf(&b, "images: %d logged, %d published and matching their hashes, %d not published\n", r.Images, r.ImagesChecked, r.ImagesMissing)
	}
	if r.Results > 0 {
		fmt.Fprintf(&b, "recomputed: %d results files and %d outcomes compared\n", r.Results, r.Outcomes)
	}
	for _, p := range r.Problems {
		fmt.Fprintf(&b, "  %s\n", p)
	}
	if r.More > 0 {
		fmt.Fprintf(&b, "  ... and %d more\n", r.More)
	}
	return b.String()
}

// errStop ends a verification at a problem that makes the rest
// meaningless, such as a checkpoint that does not verify.
type errStop struct{}

func (errStop) Error() string { return "verification stopped" }

// Verify checks the election the config names and reports every problem
// it finds. The error is for a cancelled context only: anything wrong with
// what is published is a Problem of the report.
func Verify(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Workers <= 0 {
		cfg.Workers = max(4, runtime.GOMAXPROCS(0))
	}
	if cfg.Progress == nil {
		cfg.Progress = func(string, ...any) {}
	}
	v := &verifier{cfg: cfg, report: &Report{Election: cfg.Election}}
	if cfg.Source != nil {
		v.report.Source = cfg.Source.String()
	}
	err := v.run(ctx)
	if ctx.Err() != nil {
		return v.report, ctx.Err()
	}
	if err != nil {
		if _, stop := err.(errStop); !stop {
			v.report.add("", "%v", err)
		}
	}
	return v.report, nil
}

// verifier holds the state of one verification.
type verifier struct {
	cfg    Config
	report *Report
	log    *logState
	count  *count
	sigs   *signatures
	images []loggedImage
}

func (v *verifier) run(ctx context.Context) error {
	if v.cfg.Key == nil {
		return fmt.Errorf("no log key to verify with")
	}
	if v.cfg.Source == nil {
		return fmt.Errorf("nothing to verify")
	}
	if v.report.Election == "" {
		v.report.Election, _ = onlyLog(v.cfg.Source)
	}
	if v.report.Election == "" {
		return fmt.Errorf("%s: which election? Give its id", v.cfg.Source)
	}
	v.cfg.Progress("reading the log of %s", v.report.Election)
	if err := v.readLog(ctx); err != nil {
		return err
	}
	v.cfg.Progress("replaying %d entries", v.report.Size)
	if err := v.replay(); err != nil {
		return err
	}
	v.cfg.Progress("adding up %d protocols", v.report.Precincts)
	if err := v.count.total(); err != nil {
		v.report.add("totals", "%v", err)
	}
	if len(v.images) > 0 {
		v.cfg.Progress("comparing %d images with their logged hashes", len(v.images))
		if err := v.checkImages(ctx); err != nil {
			return err
		}
	}
	if v.cfg.LogOnly {
		return nil
	}
	v.cfg.Progress("comparing the results files")
	return v.compareResults(ctx)
}
