package main_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dauys/dauys/decide"
)

// officialTotals are the CEC's final national figures of the 2022
// presidential election (decide/testdata/official.json, event
// kz-president-2022, with the source of each count), as
// testdata/kz-president-2022/protocol.csv puts them into one precinct; the
// ballots found in the boxes (took_part) and the invalid ballots were not
// published and are made up so that took_part is below the voters who
// received ballots (issued), which tells the two turnouts apart.
var officialTotals = struct {
	registered, issued, tookPart, invalid, againstAll int64
	options                                           []string
	votes                                             []int64
}{
	registered: 11953465, issued: 8300046, tookPart: 8290046, invalid: 349568, againstAll: 460484,
	options: []string{"tokayev", "dairabayev", "abden", "kazhyken", "auesbayev", "tursynbekova"},
	votes:   []int64{6456393, 271641, 206206, 200907, 176116, 168731},
}

// outcomeShares reads the figures of a majority outcome as JSON.
type outcomeShares struct {
	Explanation struct {
		Turnout    decide.Fraction        `json:"turnout"`
		Candidates []decide.CandidateLine `json:"candidates"`
	} `json:"explanation"`
}

func (o outcomeShares) shares() map[string]string {
	m := map[string]string{}
	for _, c := range o.Explanation.Candidates {
		m[c.Option] = c.Share.PercentHundredths
	}
	return m
}

// TestOfficialFiguresAgree: the site, the API's results, the CSV download
// and dauys decide --json show the same hundredths for the same totals, and
// they are the CEC's: turnout 69.44% (the voters who received ballots over
// registered, not the ballots in the boxes, 69.35%), Tokayev 81.31% of the
// votes for candidates and against all (not 77.88% of the ballots in the
// boxes), and so on for every candidate. On SQLite and on PostgreSQL.
func TestOfficialFiguresAgree(t *testing.T) {
	tot := officialTotals
	// The CEC's published percentages (decide/testdata/official.json).
	want := map[string]string{"tokayev": "81.31", "dairabayev": "3.42", "abden": "2.60", "kazhyken": "2.53", "auesbayev": "2.22", "tursynbekova": "2.12"}
	const wantTurnout = "69.44"

	// dauys decide on the same totals.
	var in strings.Builder
	in.WriteString("area,line,count\n")
	for _, l := range []struct {
		line string
		n    int64
	}{{"registered", tot.registered}, {"issued", tot.issued}, {"took_part", tot.tookPart}, {"invalid", tot.invalid}, {"against_all", tot.againstAll}} {
		fmt.Fprintf(&in, "KZ,%s,%d\n", l.line, l.n)
	}
	for i, o := range tot.options {
		fmt.Fprintf(&in, "KZ,option:%s,%d\n", o, tot.votes[i])
	}
	inPath := filepath.Join(t.TempDir(), "totals.csv")
	if err := os.WriteFile(inPath, []byte(in.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var cli outcomeShares
	if err := json.Unmarshal([]byte(mustRun(t, "decide", "--preset", "kz-president", "--json", inPath)), &cli); err != nil {
		t.Fatal(err)
	}
	if got := cli.shares(); !equalShares(got, want) || cli.Explanation.Turnout.PercentHundredths != wantTurnout {
		t.Fatalf("dauys decide: shares %v, turnout %s; want %v and %s", got, cli.Explanation.Turnout.PercentHundredths, want, wantTurnout)
	}

	dbs := map[string]string{"sqlite": filepath.Join(t.TempDir(), "dauys.db")}
	if u := postgresURL(t); u != "" {
		dbs["postgres"] = u
	}
	for name, db := range dbs {
		t.Run(name, func(t *testing.T) {
			mustRun(t, "init", "--db", db)
			mustRun(t, "election", "import", "--db", db, "testdata/kz-president-2022")
			mustRun(t, "protocols", "import", "--db", db, "--election", "kz-president-2022", "testdata/kz-president-2022/protocol.csv")
			base := "http://" + startServe(t, "--db", db)

			// The API's results carry the rules engine's outcome.
			var api struct {
				Contests []struct {
					Outcome outcomeShares `json:"outcome"`
				} `json:"contests"`
			}
			if err := json.Unmarshal(get(t, base+"/api/v1/elections/kz-president-2022/results"), &api); err != nil || len(api.Contests) != 1 {
				t.Fatalf("API results: %v, %d contests", err, len(api.Contests))
			}
			o := api.Contests[0].Outcome
			if got := o.shares(); !equalShares(got, want) || o.Explanation.Turnout.PercentHundredths != wantTurnout {
				t.Errorf("API: shares %v, turnout %s; want %v and %s", got, o.Explanation.Turnout.PercentHundredths, want, wantTurnout)
			}

			// The site, in English and in Russian: the key figures, the
			// headline with its base, and every candidate's share.
			page := string(get(t, base+"/en/e/kz-president-2022/c/president.html"))
			for _, s := range []string{
				`<dd data-k="took_part">8,300,046</dd>`,
				`<dd data-k="turnout">` + wantTurnout + `%</dd>`,
				"Kassym-Jomart Tokayev, with 81.31% of the votes for candidates and against all",
			} {
				if !strings.Contains(page, s) {
					t.Errorf("the English page lacks %q", s)
				}
			}
			for _, o := range tot.options {
				if !strings.Contains(page, ">"+want[o]+"%<") {
					t.Errorf("the English page lacks %s's share %s%%", o, want[o])
				}
			}
			ru := string(get(t, base+"/ru/e/kz-president-2022/c/president.html"))
			for _, s := range []string{`<dd data-k="turnout">69,44` + "\u00a0%</dd>", "Касым-Жомарт Токаев, 81,31\u00a0% голосов за кандидатов и «против всех»"} {
				if !strings.Contains(ru, s) {
					t.Errorf("the Russian page lacks %q", s)
				}
			}
			area := string(get(t, base+"/en/e/kz-president-2022/a/KZ.html"))
			if !strings.Contains(area, `<dd data-k="turnout">`+wantTurnout+`%</dd>`) {
				t.Errorf("the country page's turnout is not %s%%", wantTurnout)
			}
			// The CSV download has the counts, the voters who received
			// ballots included, and they give the same hundredths.
			rows, err := csv.NewReader(strings.NewReader(string(get(t, base+"/data/kz-president-2022/a/KZ.csv")))).ReadAll()
			if err != nil || len(rows) < 2 {
				t.Fatalf("CSV: %v, %d rows", err, len(rows))
			}
			col := map[string]int{}
			for i, h := range rows[0] {
				col[h] = i
			}
			for _, h := range []string{"option", "votes", "registered", "took_part", "issued"} {
				if _, ok := col[h]; !ok {
					t.Fatalf("CSV has no column %q: %v", h, rows[0])
				}
			}
			votes := map[string]int64{}
			var registered, issued int64
			for _, r := range rows[1:] {
				if r[col["area"]] != "KZ" {
					continue
				}
				n, _ := strconv.ParseInt(r[col["votes"]], 10, 64)
				votes[r[col["option"]]] = n
				registered, _ = strconv.ParseInt(r[col["registered"]], 10, 64)
				issued, _ = strconv.ParseInt(r[col["issued"]], 10, 64)
			}
			valid := votes["against_all"]
			for _, o := range tot.options {
				valid += votes[o]
			}
			fromCSV := map[string]string{}
			for _, o := range tot.options {
				fromCSV[o] = decide.Percent(votes[o], valid)
			}
			if !equalShares(fromCSV, want) || decide.Percent(issued, registered) != wantTurnout {
				t.Errorf("CSV: shares %v, turnout %s (issued %d of %d); want %v and %s", fromCSV, decide.Percent(issued, registered), issued, registered, want, wantTurnout)
			}

		})
	}
}

func equalShares(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// get fetches a URL and fails the test unless it answers 200.
func get(t *testing.T, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v\n%.300s", url, resp.StatusCode, err, b)
	}
	return b
}

// TestListSharesOfTookPart: a list whose shares are of all who took part
// (testdata/list-took-part: Alpha 500 and Beta 300 of 1,000 who took part)
// shows them so on every card and table of the site, 50.00% and 30.00% as
// in the rules engine's explanation, not of the valid votes (62.50% and
// 37.50%).
func TestListSharesOfTookPart(t *testing.T) {
	db := filepath.Join(t.TempDir(), "dauys.db")
	mustRun(t, "init", "--db", db)
	mustRun(t, "election", "import", "--db", db, "testdata/list-took-part")
	mustRun(t, "protocols", "import", "--db", db, "--election", "list-took-part", "testdata/list-took-part/protocol.csv")
	base := "http://" + startServe(t, "--db", db)
	for _, path := range []string{"/en/e/list-took-part/index.html", "/en/e/list-took-part/c/list.html", "/en/e/list-took-part/a/LT.html"} {
		page := string(get(t, base+path))
		for _, s := range []string{">50.00%<", ">30.00%<"} {
			if !strings.Contains(page, s) {
				t.Errorf("%s lacks the share %s", path, s)
			}
		}
		for _, s := range []string{"62.50%", "37.50%"} {
			if strings.Contains(page, s) {
				t.Errorf("%s shows %s, a share of the valid votes", path, s)
			}
		}
	}
}
