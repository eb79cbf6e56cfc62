// Package decidecmd implements `dauys decide`: a stateless command that reads counts from a CSV file,
// applies a preset or an ad hoc list method from package decide, and prints the outcome with its
// explanation as text or JSON. It keeps nothing between runs and touches no store.
//
// It imports only decide, never the domain's store, intake or a store
// driver.
package decidecmd

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"os"
	"strings"

	"github.com/dauys/dauys/decide"
)

// Exit statuses of Run.
const (
	exitOK    = 0
	exitError = 1 // the output could not be written
	exitUsage = 2 // bad flags, or rules that cannot be applied
	// exitNotFound and exitRejected are those of every dauys command
	// (docs/cli.md).
	exitNotFound = 3 // the FILE does not exist
	exitRejected = 4 // the counts are refused
)

const usage = `usage: dauys decide --preset ID [--seats N] [--seed S] [--json] FILE
       dauys decide --method hare|droop|dhondt|sainte-lague|modified-sainte-lague --seats N
                    [--threshold PCT --threshold-base votes|votes+against_all|took_part [--threshold-exclusive]]
                    [--tie registration|lot] [--seed S] [--json] FILE
       dauys decide --list-presets

FILE is a CSV of area,line,count rows ("-" reads standard input); line is registered, took_part,
issued (voters who received ballots: the turnout of an election), invalid, against_all, both_marked,
yes, no or option:<name>, options in ballot order. List, plurality
and majority contests sum all areas; a referendum treats each area as a territorial unit.

Flags that override a preset's UNCONFIRMED points are listed below.
`

// options are the parsed command-line flags.
type options struct {
	preset, method, threshold, thresholdBase, tie, seed string
	againstAll, majorityBase, territorial, minTurnout   string
	seats                                               int
	thresholdExclusive, runnerUp, asJSON, listPresets   bool
	set                                                 map[string]bool // flags given explicitly
}

// Run executes `dauys decide` with args (not including "decide") and returns the exit status: 0 on
// success, 2 for bad usage, 3 for a missing FILE, 4 for refused counts, 1 if the output cannot
// be written.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	opts, files, err := parseFlags(args, stdout, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "decide: %v\n", err)
		return exitUsage
	}
	if opts.listPresets {
		return listPresets(stdout, opts.asJSON)
	}
	if len(files) != 1 {
		fmt.Fprintf(stderr, "decide: want exactly one FILE (or - for standard input), got %d\n%s", len(files), usage)
		return exitUsage
	}
	header, rules, err := buildRules(opts)
	if err != nil {
		fmt.Fprintf(stderr, "decide: %v\n", err)
		return exitUsage
	}
	in, name, err := readInput(files[0], stdin)
	if err != nil {
		fmt.Fprintf(stderr, "decide: %v\n", err)
		if errors.Is(err, fs.ErrNotExist) {
			return exitNotFound
		}
		return exitRejected
	}
	outcome, err := decide.Decide(rules, in)
	if err != nil {
		fmt.Fprintf(stderr, "decide: %s: %s\n", name, message(err))
		return exitRejected
	}
	if err := write(stdout, header, outcome, opts.asJSON); err != nil {
		fmt.Fprintf(stderr, "decide: write output: %v\n", err)
		return exitError
	}
	return exitOK
}

// parseFlags parses the flags; --help prints the usage to stdout, bad
// flags print it to stderr.
func parseFlags(args []string, stdout, stderr io.Writer) (options, []string, error) {
	var o options
	fs := flag.NewFlagSet("decide", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {} // printed below, to the stream that fits
	printUsage := func(w io.Writer) {
		fmt.Fprint(w, usage)
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(stderr)
	}
	fs.StringVar(&o.preset, "preset", "", "apply the versioned preset `ID` (see --list-presets)")
	fs.StringVar(&o.method, "method", "", "allocate list seats by `METHOD` without a preset")
	fs.IntVar(&o.seats, "seats", 0, "seats to fill (list and plurality contests)")
	fs.StringVar(&o.threshold, "threshold", "", "threshold in `PERCENT` (e.g. 5, 7.5 or 15/2)")
	fs.StringVar(&o.thresholdBase, "threshold-base", "", "threshold base: votes, votes+against_all or took_part")
	fs.BoolVar(&o.thresholdExclusive, "threshold-exclusive", false, "require more than the threshold (default: at least)")
	fs.BoolVar(&o.runnerUp, "runner-up", false, "admit the list with the next most votes if only one list passes (--runner-up=false drops it from a preset)")
	fs.StringVar(&o.tie, "tie", "", "tie rule: registration or lot")
	fs.StringVar(&o.seed, "seed", "", "public `SEED` of the lot (with --tie lot; implies it)")
	fs.StringVar(&o.againstAll, "against-all", "", "meaning of an against-all plurality: ignore or rerun")
	fs.StringVar(&o.majorityBase, "majority-base", "", "majority denominator: took_part or votes+against_all")
	fs.StringVar(&o.territorial, "territorial", "", "referendum territorial rule: a `FRACTION` of units such as 2/3, or off")
	fs.StringVar(&o.minTurnout, "min-turnout", "", "plurality: minimum turnout in `PERCENT` of registered voters")
	fs.BoolVar(&o.asJSON, "json", false, "print JSON instead of text")
	fs.BoolVar(&o.listPresets, "list-presets", false, "list the presets and exit")

	// The flag package stops at the first argument that is not a flag; parse again after each one so
	// that flags may follow FILE, as in `dauys decide results.csv --json`.
	var files []string
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				printUsage(stdout)
			} else {
				printUsage(stderr)
			}
			return o, nil, err
		}
		left := fs.Args()
		if len(left) == 0 {
			break
		}
		if consumed := len(rest) - len(left); consumed > 0 && rest[consumed-1] == "--" {
			files = append(files, left...) // everything after "--" is a file name
			break
		}
		files = append(files, left[0])
		rest = left[1:]
	}
	o.set = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { o.set[f.Name] = true })
	return o, files, nil
}

func listPresets(w io.Writer, asJSON bool) int {
	var err error
	if asJSON {
		err = writeJSON(w, decide.Presets())
	} else {
		for _, p := range decide.Presets() {
			if _, err = fmt.Fprintf(w, "%-30s %s\n", p.ID, p.Title); err != nil {
				break
			}
		}
	}
	if err != nil {
		return exitError
	}
	return exitOK
}

// buildRules turns the flags into rules, and a header line naming the preset for the text output.
func buildRules(o options) (string, decide.Rules, error) {
	var (
		r      decide.Rules
		header string
	)
	switch {
	case o.preset != "" && o.method != "":
		return "", r, errors.New("give either --preset or --method, not both")
	case o.preset != "":
		p, err := decide.LookupPreset(o.preset)
		if err != nil {
			return "", r, errors.New(message(err))
		}
		r = p.Rules
		header = fmt.Sprintf("Preset %s: %s.\nSource: %s\n", p.ID, p.Title, p.Source)
		for _, u := range p.Unconfirmed {
			header += "UNCONFIRMED: " + u + "\n"
		}
		if o.set["method"] {
			return "", r, errors.New("--method cannot change a preset")
		}
	case o.method != "":
		r = decide.Rules{Kind: decide.KindList, Method: decide.Method(o.method), ThresholdInclusive: true}
		if !o.set["seats"] {
			return "", r, errors.New("--method needs --seats N")
		}
	default:
		return "", r, fmt.Errorf("give --preset ID or --method METHOD\n%s", usage)
	}
	if err := applyOverrides(o, &r); err != nil {
		return "", r, err
	}
	if r.Kind == decide.KindList && r.Seats == 0 && !o.set["seats"] {
		return "", r, fmt.Errorf("preset %s has no default number of seats (it differs per body): give --seats N", o.preset)
	}
	if err := r.Validate(); err != nil {
		return "", r, errors.New(message(err))
	}
	return header, r, nil
}

// applyOverrides applies the flags given explicitly, refusing those that mean nothing for the kind of
// contest so that a mistyped command does not silently decide something else.
func applyOverrides(o options, r *decide.Rules) error {
	kind := r.Kind
	only := func(flagName string, kinds ...decide.Kind) error {
		if !o.set[flagName] {
			return nil
		}
		for _, k := range kinds {
			if k == kind {
				return nil
			}
		}
		return fmt.Errorf("--%s does not apply to a %s contest", flagName, kind)
	}
	for flagName, kinds := range map[string][]decide.Kind{
		"seats":               {decide.KindList, decide.KindPlurality},
		"threshold":           {decide.KindList},
		"threshold-base":      {decide.KindList},
		"threshold-exclusive": {decide.KindList},
		"runner-up":           {decide.KindList},
		"tie":                 {decide.KindList, decide.KindPlurality, decide.KindMajority},
		"seed":                {decide.KindList, decide.KindPlurality, decide.KindMajority},
		"against-all":         {decide.KindPlurality},
		"min-turnout":         {decide.KindPlurality},
		"majority-base":       {decide.KindMajority},
		"territorial":         {decide.KindReferendum},
	} {
		if err := only(flagName, kinds...); err != nil {
			return err
		}
	}
	if o.set["seats"] {
		r.Seats = o.seats
	}
	if o.set["threshold"] {
		t, err := parsePercent("--threshold", o.threshold)
		if err != nil {
			return err
		}
		r.Threshold = t
		if !o.set["threshold-base"] && r.ThresholdBase == "" {
			return errors.New("--threshold needs --threshold-base votes, votes+against_all or took_part")
		}
	}
	if o.set["threshold-base"] {
		if r.Threshold == nil {
			return errors.New("--threshold-base needs --threshold PCT")
		}
		r.ThresholdBase = decide.ThresholdBase(o.thresholdBase)
	}
	if o.set["threshold-exclusive"] {
		r.ThresholdInclusive = !o.thresholdExclusive
	}
	if o.set["runner-up"] {
		r.AdmitRunnerUp = o.runnerUp
	}
	if o.set["tie"] {
		r.Tie = decide.TieRule(o.tie)
	}
	if o.set["seed"] {
		r.Seed = o.seed
		if !o.set["tie"] {
			r.Tie = decide.TieLot
		}
	}
	if o.set["against-all"] {
		r.AgainstAll = decide.AgainstAllRule(o.againstAll)
	}
	if o.set["min-turnout"] {
		t, err := parsePercent("--min-turnout", o.minTurnout)
		if err != nil {
			return err
		}
		r.MinTurnout = t
	}
	if o.set["majority-base"] {
		r.MajorityBase = decide.ThresholdBase(o.majorityBase)
	}
	if o.set["territorial"] {
		if o.territorial == "off" {
			r.Territorial = nil
		} else {
			share, ok := new(big.Rat).SetString(o.territorial)
			if !ok {
				return fmt.Errorf("--territorial %q is not a fraction such as 2/3 or off", o.territorial)
			}
			r.Territorial = share
		}
	}
	return nil
}

// parsePercent reads a percentage such as 5, 7.5, 15/2 or 5%, exactly.
func parsePercent(flagName, s string) (*big.Rat, error) {
	p, ok := new(big.Rat).SetString(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	if !ok {
		return nil, fmt.Errorf("%s %q is not a percentage such as 5 or 7.5", flagName, s)
	}
	return p, nil
}

func readInput(file string, stdin io.Reader) (decide.Input, string, error) {
	if file == "-" {
		in, err := ReadCSV(stdin, "stdin")
		return in, "stdin", err
	}
	f, err := os.Open(file)
	if err != nil {
		return decide.Input{}, file, err
	}
	defer f.Close()
	in, err := ReadCSV(f, file)
	return in, file, err
}

func write(w io.Writer, header string, o *decide.Outcome, asJSON bool) error {
	if asJSON {
		return writeJSON(w, o)
	}
	if header != "" {
		if _, err := fmt.Fprintln(w, header); err != nil {
			return err
		}
	}
	return o.WriteText(w)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// message returns the user-facing text of an error from package decide, without its package prefix, and
// names the flag behind a rules field.
func message(err error) string {
	var de *decide.Error
	if !errors.As(err, &de) {
		return err.Error()
	}
	flagOf := map[string]string{
		"seats": "--seats", "method": "--method", "threshold": "--threshold", "threshold_base": "--threshold-base",
		"tie": "--tie", "seed": "--seed", "against_all": "--against-all", "min_turnout": "--min-turnout",
		"majority_base": "--majority-base", "territorial": "--territorial", "preset": "--preset",
	}
	if f, ok := flagOf[de.Field]; ok {
		return f + ": " + de.Message
	}
	return de.Message
}
