package decidecmd_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dauys/dauys/internal/decidecmd"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// run calls Run and returns its exit status and outputs.
func run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := decidecmd.Run(args, strings.NewReader(stdin), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"mazhilis-2021", []string{"--preset", "kz-mazhilis-2021", "testdata/mazhilis-2021.csv"}},
		{"referendum-2022", []string{"--preset", "kz-referendum-constitutional", "testdata/referendum-2022.csv"}},
		{"president", []string{"--preset", "kz-president", "testdata/president.csv"}},
		{"district", []string{"--preset", "kz-maslikhat-2023-district", "testdata/district.csv"}},
		{"district-rerun", []string{"--preset", "kz-maslikhat-2023-district", "--against-all", "rerun", "testdata/district.csv"}},
		{"hare-lot", []string{"--method", "hare", "--seats", "2", "--threshold", "5", "--threshold-base", "votes+against_all", "--tie", "lot", "--seed", "cec-draw-1", "testdata/lists-tie.csv"}},
		{"dhondt-registration", []string{"--method", "dhondt", "--seats", "3", "testdata/lists-tie.csv"}},
	}
	for _, tc := range tests {
		for _, format := range []string{"txt", "json"} {
			t.Run(tc.name+"."+format, func(t *testing.T) {
				args := tc.args
				if format == "json" {
					args = append([]string{"--json"}, args...)
				}
				code, stdout, stderr := run(t, "", args...)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				if format == "json" && !json.Valid([]byte(stdout)) {
					t.Fatalf("invalid JSON:\n%s", stdout)
				}
				golden := filepath.Join("testdata", "golden", tc.name+"."+format)
				if *update {
					if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(golden, []byte(stdout), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test -update to create it)", err)
				}
				if stdout != string(want) {
					t.Errorf("output differs from %s (run go test -update after checking):\n%s", golden, stdout)
				}
			})
		}
	}
}

func TestJSONContract(t *testing.T) {
	// The shapes the issue asks for, read back as a consumer would.
	t.Run("list", func(t *testing.T) {
		_, stdout, _ := run(t, "", "--json", "--preset", "kz-mazhilis-2021", "testdata/mazhilis-2021.csv")
		var got struct {
			Seats []struct {
				Option string `json:"option"`
				Votes  int64  `json:"votes"`
				Passed bool   `json:"passed"`
				Seats  int    `json:"seats"`
			} `json:"seats"`
			Explanation map[string]any `json:"explanation"`
		}
		if err := json.Unmarshal([]byte(stdout), &got); err != nil {
			t.Fatal(err)
		}
		want := []int{76, 12, 10, 0, 0}
		if len(got.Seats) != len(want) {
			t.Fatalf("seats = %+v", got.Seats)
		}
		for i, s := range got.Seats {
			if s.Seats != want[i] {
				t.Errorf("%s: %d seats, want %d", s.Option, s.Seats, want[i])
			}
		}
		if got.Seats[0].Option != "Nur Otan" || got.Seats[0].Votes != 5148074 || !got.Seats[0].Passed || got.Seats[4].Passed {
			t.Errorf("seats = %+v", got.Seats)
		}
		if got.Explanation == nil {
			t.Error("no explanation")
		}
	})
	t.Run("majority", func(t *testing.T) {
		_, stdout, _ := run(t, "", "--json", "--preset", "kz-president", "testdata/president.csv")
		var got struct {
			Elected *string  `json:"elected"`
			Runoff  []string `json:"runoff"`
		}
		if err := json.Unmarshal([]byte(stdout), &got); err != nil {
			t.Fatal(err)
		}
		if got.Elected != nil || len(got.Runoff) != 2 || got.Runoff[0] != "Candidate A" || got.Runoff[1] != "Candidate B" {
			t.Errorf("elected %v runoff %v", got.Elected, got.Runoff)
		}
	})
	t.Run("president 2022 as the CEC published it", func(t *testing.T) {
		// The official totals (sources in the CSV): Tokayev's 81.31% is of the votes for candidates plus
		// against all; the preset used to divide by all who took part and show 77.79%.
		_, stdout, _ := run(t, "", "--json", "--preset", "kz-president", "testdata/president-2022.csv")
		var got struct {
			Elected     *string `json:"elected"`
			Explanation struct {
				Bases   []struct{ Figure, Of string } `json:"bases"`
				Turnout struct {
					PercentHundredths string `json:"percent_hundredths"`
				} `json:"turnout"`
				Candidates []struct {
					Option string `json:"option"`
					Share  struct {
						PercentHundredths string `json:"percent_hundredths"`
					} `json:"share"`
				} `json:"candidates"`
			} `json:"explanation"`
		}
		if err := json.Unmarshal([]byte(stdout), &got); err != nil {
			t.Fatal(err)
		}
		ex := got.Explanation
		if got.Elected == nil || *got.Elected != "Tokayev" || ex.Turnout.PercentHundredths != "69.44" ||
			len(ex.Candidates) != 6 || ex.Candidates[0].Share.PercentHundredths != "81.31" {
			t.Errorf("elected %v, turnout %s, candidates %+v; want Tokayev, 69.44, 81.31", got.Elected, ex.Turnout.PercentHundredths, ex.Candidates)
		}
		bases := map[string]string{}
		for _, b := range ex.Bases {
			bases[b.Figure] = b.Of
		}
		if bases["turnout"] != "registered" || bases["share"] != "votes+against_all" || bases["majority"] != "votes+against_all" {
			t.Errorf("bases = %v", bases)
		}
		_, text, _ := run(t, "", "--preset", "kz-president", "testdata/president-2022.csv")
		spaced := strings.Join(strings.Fields(text), " ") // the table's column widths do not matter here
		for _, want := range []string{"Turnout: 69.44%.", "Tokayev 6456393 81.31 77.79 81.31 elected", "against all 460484 5.55 5.80"} {
			if !strings.Contains(spaced, want) {
				t.Errorf("text lacks %q:\n%s", want, text)
			}
		}
	})
	t.Run("referendum", func(t *testing.T) {
		_, stdout, _ := run(t, "", "--json", "--preset", "kz-referendum-constitutional", "testdata/referendum-2022.csv")
		var got struct {
			Valid             bool `json:"valid"`
			Adopted           bool `json:"adopted"`
			UnitsWithMajority int  `json:"units_with_majority"`
			UnitsRequired     int  `json:"units_required"`
		}
		if err := json.Unmarshal([]byte(stdout), &got); err != nil {
			t.Fatal(err)
		}
		if !got.Valid || !got.Adopted || got.UnitsWithMajority != 15 || got.UnitsRequired != 12 {
			t.Errorf("referendum = %+v", got)
		}
	})
}

func TestStdinAndFlagOrder(t *testing.T) {
	csv, err := os.ReadFile("testdata/mazhilis-2021.csv")
	if err != nil {
		t.Fatal(err)
	}
	_, want, _ := run(t, "", "--json", "--preset", "kz-mazhilis-2021", "testdata/mazhilis-2021.csv")
	tests := []struct {
		name string
		args []string
	}{
		{"stdin", []string{"--json", "--preset", "kz-mazhilis-2021", "-"}},
		{"flags after the file", []string{"-", "--preset", "kz-mazhilis-2021", "--json"}},
		{"single dash flags", []string{"-preset=kz-mazhilis-2021", "-json", "-"}},
		{"double dash before the file", []string{"--preset", "kz-mazhilis-2021", "--json", "--", "-"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := run(t, string(csv), tc.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if stdout != want {
				t.Errorf("output differs from reading the file:\n%s", stdout)
			}
		})
	}
}

func TestOverrides(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		want   string
		absent string
	}{
		// A district preset with a lot instead of registration: --seed implies --tie lot.
		{"seed implies lot", []string{"--preset", "kz-maslikhat-2023-district", "--seed", "s", "--json", "testdata/district.csv"}, `"tie": "lot"`, ""},
		{"runner-up off", []string{"--preset", "kz-mazhilis-2023", "--runner-up=false", "--json", "testdata/mazhilis-2021.csv"}, `"method": "hare"`, `"admit_runner_up"`},
		{"regional seats", []string{"--preset", "kz-maslikhat-2023-regional", "--seats", "16", "--json", "testdata/mazhilis-2021.csv"}, `"total_seats": 16`, ""},
		{"exclusive threshold", []string{"--method", "droop", "--seats", "10", "--threshold", "7.5%", "--threshold-base", "votes", "--threshold-exclusive", "--json", "testdata/mazhilis-2021.csv"}, `"comparison": ">"`, ""},
		{"territorial off", []string{"--preset", "kz-referendum-constitutional", "--territorial", "off", "--json", "testdata/referendum-2022.csv"}, `"units_required": 0`, ""},
		{"ordinary with the regional rule", []string{"--preset", "kz-referendum-ordinary", "--territorial", "2/3", "--json", "testdata/referendum-2022.csv"}, `"units_required": 12`, ""},
		{"majority of valid votes", []string{"--preset", "kz-president", "--majority-base", "votes+against_all", "--json", "testdata/president.csv"}, `"base": "votes+against_all"`, ""},
		{"majority of all who took part", []string{"--preset", "kz-president", "--majority-base", "took_part", "--json", "testdata/president.csv"}, `"base": "took_part"`, ""},
		{"list presets", []string{"--list-presets"}, "kz-referendum-ordinary", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := run(t, "", tc.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if !strings.Contains(stdout, tc.want) {
				t.Errorf("output lacks %s:\n%s", tc.want, stdout)
			}
			if tc.absent != "" && strings.Contains(stdout, tc.absent) {
				t.Errorf("output has %s:\n%s", tc.absent, stdout)
			}
		})
	}
}

func TestBadInput(t *testing.T) {
	const list = "--preset=kz-mazhilis-2021"
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"negative count", "area,line,count\nA,option:X,10\nA,option:Y,-3\n", []string{list, "-"}, `decide: stdin:3: count "-3" is negative`},
		{"non-integer count", "A,option:X,10.5\n", []string{list, "-"}, `decide: stdin:1: count "10.5" is not a whole number`},
		{"thousands separator", "A,option:X,\"10,500\"\n", []string{list, "-"}, `decide: stdin:1: count "10,500" is not a whole number`},
		{"too large", "A,option:X,99999999999999999999\n", []string{list, "-"}, `decide: stdin:1: count "99999999999999999999" is too large`},
		{"unknown line", "A,option:X,1\nA,spoilt,4\n", []string{list, "-"}, `decide: stdin:2: unknown line "spoilt"`},
		{"empty option", "A,option:,1\n", []string{list, "-"}, `decide: stdin:1: line "option:" names no option`},
		{"duplicate", "A,option:X,1\nB,option:X,2\n\nA,option:X,3\n", []string{list, "-"}, `decide: stdin:4: duplicate area "A" line "option:X" (first on line 1)`},
		{"wrong field count", "A,option:X\n", []string{list, "-"}, `decide: stdin:1: want 3 fields`},
		{"empty area", " ,option:X,1\n", []string{list, "-"}, `decide: stdin:1: area is empty`},
		{"bad quoting", "A,\"option:X,1\n", []string{list, "-"}, `decide: stdin:`},
		{"no rows", "area,line,count\n", []string{list, "-"}, `decide: stdin: no counts`},
		{"unknown preset", "A,option:X,1\n", []string{"--preset", "kz-senate", "-"}, `decide: --preset: unknown preset "kz-senate"`},
		{"seats below one", "A,option:X,1\n", []string{"--method", "hare", "--seats", "0", "-"}, `decide: --seats: seats must be at least 1, got 0`},
		{"method without seats", "A,option:X,1\n", []string{"--method", "hare", "-"}, `decide: --method needs --seats N`},
		{"unknown method", "A,option:X,1\n", []string{"--method", "imperiali", "--seats", "3", "-"}, `decide: --method: unknown method "imperiali"`},
		{"threshold without base", "A,option:X,1\n", []string{"--method", "hare", "--seats", "3", "--threshold", "5", "-"}, `--threshold needs --threshold-base`},
		{"bad threshold", "A,option:X,1\n", []string{"--method", "hare", "--seats", "3", "--threshold", "five", "--threshold-base", "votes", "-"}, `--threshold "five" is not a percentage`},
		{"lot without seed", "A,option:X,1\n", []string{"--method", "hare", "--seats", "3", "--tie", "lot", "-"}, `decide: --seed: the lot tie rule needs a public seed`},
		{"regional preset without seats", "A,option:X,1\n", []string{"--preset", "kz-maslikhat-2023-regional", "-"}, `give --seats N`},
		{"seats for a referendum", "A,yes,1\n", []string{"--preset", "kz-referendum-ordinary", "--seats", "3", "-"}, `--seats does not apply to a referendum contest`},
		{"preset and method", "A,option:X,1\n", []string{list, "--method", "hare", "-"}, `give either --preset or --method`},
		{"no file", "", []string{list}, `want exactly one FILE`},
		{"two files", "", []string{list, "a.csv", "b.csv"}, `want exactly one FILE`},
		{"missing file", "", []string{list, "testdata/does-not-exist.csv"}, `decide: open testdata/does-not-exist.csv`},
		{"unknown flag", "", []string{"--sets", "3"}, `flag provided but not defined: -sets`},
		{"took part base without the line", "A,option:X,10\nA,option:Y,5\n", []string{"--method", "hare", "--seats", "3", "--threshold", "5", "--threshold-base", "took_part", "-"}, `decide: stdin: took_part (0) is less than the ballots counted`},
		{"referendum with inconsistent counts", "A,took_part,5\nA,yes,4\nA,no,3\n", []string{"--preset", "kz-referendum-ordinary", "-"}, `decide: stdin: total: took_part (5) is less than yes + no + both marked + invalid (7)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := run(t, tc.stdin, tc.args...)
			want := 2 // usage
			switch {
			case strings.HasPrefix(tc.want, "decide: stdin"):
				want = 4 // refused counts
			case strings.HasPrefix(tc.want, "decide: open"):
				want = 3 // not found
			}
			if code != want {
				t.Errorf("exit %d, want %d (stdout %q)", code, want, stdout)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tc.want)
			}
		})
	}
}

func TestBadInputNamesTheFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "input.csv")
	body := "area,line,count\nA,option:X,1\nA,option:Y,2\nA,option:Z,3\nB,option:X,4\nB,option:Y,5\nB,option:Z,-3\n"
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, "", "--preset", "kz-mazhilis-2021", path)
	if want := "decide: " + path + `:7: count "-3" is negative` + "\n"; code != 4 || stderr != want {
		t.Errorf("exit %d, stderr %q; want 4 and %q", code, stderr, want)
	}
}

func TestHelp(t *testing.T) {
	// Help asked for goes to standard output, for a pager; help after a
	// mistake goes to standard error.
	code, stdout, stderr := run(t, "", "--help")
	if code != 0 || !strings.Contains(stdout, "usage: dauys decide") || !strings.Contains(stdout, "-threshold-base") || stderr != "" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, stderr = run(t, "", "--no-such-flag")
	if code != 2 || stdout != "" || !strings.Contains(stderr, "usage: dauys decide") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}
