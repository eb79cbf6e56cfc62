package decidecmd

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/dauys/dauys/decide"
)

// optionPrefix starts the line name of a vote count for an option (party or candidate).
const optionPrefix = "option:"

// countField returns where a protocol line other than an option goes in c, or nil for an unknown line.
func countField(line string, c *decide.Counts) *int64 {
	switch line {
	case "registered":
		return &c.Registered
	case "took_part":
		return &c.TookPart
	case "issued":
		return &c.Issued
	case "invalid":
		return &c.Invalid
	case "against_all":
		return &c.AgainstAll
	case "both_marked":
		return &c.BothMarked
	case "yes":
		return &c.Yes
	case "no":
		return &c.No
	}
	return nil
}

// ReadCSV parses long-format counts: one `area,line,count` record per row, an optional header row
// `area,line,count`, blank lines and lines starting with # ignored. line is registered, took_part,
// issued, invalid, against_all, both_marked, yes, no or option:<name>; options take the order of their first
// appearance, which is the ballot (registration) order. Each area becomes a territorial unit and the
// total is the sum over areas. name labels error messages, which carry the line number: "name:7: ...".
func ReadCSV(r io.Reader, name string) (decide.Input, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // the field count is checked here, for a clearer message
	cr.Comment = '#'
	cr.ReuseRecord = true

	var (
		in       decide.Input
		optIndex = map[string]int{}
		unitOf   = map[string]int{}
		unitOpts []map[int]int64 // per unit: option index -> votes
		firstOn  = map[[2]string]int{}
		rows     int
	)
	for first := true; ; first = false {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return decide.Input{}, fmt.Errorf("%s:%d: %v", name, pe.Line, pe.Err)
			}
			return decide.Input{}, fmt.Errorf("%s: %v", name, err)
		}
		lineNo, _ := cr.FieldPos(0)
		fail := func(format string, args ...any) error {
			return fmt.Errorf("%s:%d: %s", name, lineNo, fmt.Sprintf(format, args...))
		}
		if first && len(rec) > 0 {
			// Spreadsheets often start a UTF-8 file with a byte order mark.
			rec[0] = strings.TrimPrefix(rec[0], "\uFEFF")
			if isHeader(rec) {
				continue
			}
		}
		if len(rec) != 3 {
			return decide.Input{}, fail("want 3 fields area,line,count, got %d", len(rec))
		}
		area, line, count := strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1]), strings.TrimSpace(rec[2])
		if area == "" {
			return decide.Input{}, fail("area is empty")
		}
		n, err := parseCount(count)
		if err != nil {
			return decide.Input{}, fail("%v", err)
		}
		option, isOption := strings.CutPrefix(line, optionPrefix)
		option = strings.TrimSpace(option)
		if isOption {
			if option == "" {
				return decide.Input{}, fail("line %q names no option", line)
			}
			line = optionPrefix + option
		} else if countField(line, &in.Total) == nil {
			return decide.Input{}, fail("unknown line %q (want registered, took_part, issued, invalid, against_all, both_marked, yes, no or option:<name>)", line)
		}
		key := [2]string{area, line}
		if prev, dup := firstOn[key]; dup {
			return decide.Input{}, fail("duplicate area %q line %q (first on line %d)", area, line, prev)
		}
		firstOn[key] = lineNo
		rows++

		u, ok := unitOf[area]
		if !ok {
			u = len(in.Units)
			unitOf[area] = u
			in.Units = append(in.Units, decide.Unit{Name: area})
			unitOpts = append(unitOpts, map[int]int64{})
		}
		if !isOption {
			*countField(line, &in.Units[u].Counts) = n
			total := countField(line, &in.Total)
			if *total > math.MaxInt64-n {
				return decide.Input{}, fail("the total of line %q exceeds %d", line, int64(math.MaxInt64))
			}
			*total += n
			continue
		}
		k, ok := optIndex[option]
		if !ok {
			k = len(in.Options)
			optIndex[option] = k
			in.Options = append(in.Options, option)
			in.Total.Options = append(in.Total.Options, 0)
		}
		unitOpts[u][k] = n
		if in.Total.Options[k] > math.MaxInt64-n {
			return decide.Input{}, fail("the total of line %q exceeds %d", line, int64(math.MaxInt64))
		}
		in.Total.Options[k] += n
	}
	if rows == 0 {
		return decide.Input{}, fmt.Errorf("%s: no counts (want rows of area,line,count)", name)
	}
	for u := range in.Units {
		votes := make([]int64, len(in.Options))
		for k, n := range unitOpts[u] {
			votes[k] = n
		}
		in.Units[u].Counts.Options = votes
	}
	return in, nil
}

func isHeader(rec []string) bool {
	want := []string{"area", "line", "count"}
	if len(rec) != len(want) {
		return false
	}
	for i := range want {
		if !strings.EqualFold(strings.TrimSpace(rec[i]), want[i]) {
			return false
		}
	}
	return true
}

// parseCount accepts a non-negative integer written in decimal digits only: no sign, no separators, no
// fraction, because a protocol count is never anything else.
func parseCount(s string) (int64, error) {
	switch {
	case s == "":
		return 0, errors.New("count is empty")
	case s[0] == '-' && isDigits(s[1:]) && strings.Trim(s[1:], "0") != "":
		return 0, fmt.Errorf("count %q is negative", s)
	case !isDigits(s):
		return 0, fmt.Errorf("count %q is not a whole number (digits only)", s)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("count %q is too large", s)
	}
	return n, nil
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}
