package definition_test

import (
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/definition"
)

// kazakhExamples are the generated Kazakh definitions and the contest whose
// form each test below looks at.
var kazakhExamples = []struct{ id, contest string }{
	{"kz-2023", "mazhilis-list"},
	{"kz-2023", "mazhilis-smd-12"},
	{"kz-2023", "maslikhat-astana-list"},
	{"kz-kurultai-2026", "kurultai-list"},
	{"kz-referendum-2022", "constitution"},
}

// mustLoadExample loads a shipped example.
func mustLoadExample(tb testing.TB, id string) *dauys.Election {
	tb.Helper()
	e, err := definition.Load(filepath.Join(examplesDir, id))
	if err != nil {
		tb.Fatal(dauys.ErrorMessage(err))
	}
	return e
}

// kazakhProtocol is a consistent protocol of a precinct of 1,000 voters:
// 620 received ballots (took part), 600 of them in the stationary box and
// 18 in the mobile one (two voters went off with theirs), 9 invalid.
func kazakhProtocol(c *dauys.Contest) map[string]int64 {
	l := map[string]int64{
		"registered": 1000, "received": 1010, "took_part": 620, "absentee": 3, "outside": 20,
		"cancelled": 390, "lost": 0, "found_stationary": 600, "found_mobile": 18, "invalid": 9,
	}
	valid := int64(600 + 18 - 9)
	if c.Kind == dauys.KindReferendum {
		l["yes"], l["no"], l["both_marked"] = 450, 150, valid-600
		return l
	}
	l["against_all"] = 19
	left := valid - 19
	for i, o := range c.Options {
		n := left / 2
		if i == len(c.Options)-1 {
			n = left
		}
		l[dauys.OptionLinePrefix+o.ID] = n
		left -= n
	}
	return l
}

// TestKazakhForms checks the precinct protocol form of every Kazakh
// example: took_part is the voters who received ballots (the CEC's turnout
// base), the ballots found in the boxes are their own line, and the control
// relations and checks of a territorial commission catch what they must.
func TestKazakhForms(t *testing.T) {
	for _, ex := range kazakhExamples {
		t.Run(ex.id+"/"+ex.contest, func(t *testing.T) {
			e := mustLoadExample(t, ex.id)
			c := e.Contest(ex.contest)
			if c == nil {
				t.Fatalf("no contest %s", ex.contest)
			}
			f := e.Form(c.Form)
			v, err := dauys.NewValidator(f, c)
			if err != nil {
				t.Fatal(err)
			}
			titles := map[string]dauys.Line{}
			for _, l := range v.Lines() {
				titles[l.Name] = l
			}
			for _, name := range []string{"registered", "received", "took_part", "absentee", "outside", "cancelled", "lost", "found_stationary", "found_mobile", "found", "invalid"} {
				l, ok := titles[name]
				if !ok {
					t.Errorf("the form has no line %s", name)
					continue
				}
				if l.Title.KK == "" || l.Title.RU == "" || l.Title.EN == "" {
					t.Errorf("line %s lacks a kk, ru or en title: %+v", name, l.Title)
				}
			}
			if _, ok := titles["issued"]; ok {
				t.Error(`the form keeps a line "issued": took_part is the voters who received ballots`)
			}
			if !strings.Contains(titles["took_part"].Title.RU, "получивших бюллетени") {
				t.Errorf("took_part is %q, want the voters who received ballots", titles["took_part"].Title.RU)
			}
			if d := titles["found"].Derived; d != "found_stationary + found_mobile" {
				t.Errorf("found is derived from %q, want the stationary and the mobile boxes", d)
			}

			tests := []struct {
				name   string
				change func(l map[string]int64)
				errs   []string // codes of the relations that fail
				warns  []string // codes of the checks that hold
			}{
				{"consistent", func(map[string]int64) {}, nil, nil},
				{"a ballot more in the box than votes", func(l map[string]int64) { l["found_stationary"]++; l["took_part"]++; l["cancelled"]-- }, []string{"E_BALANCE"}, nil},
				{"ballots received unaccounted for", func(l map[string]int64) { l["cancelled"] -= 5 }, []string{"E_BALLOTS_RECEIVED"}, nil},
				{"a lost ballot accounts for one received", func(l map[string]int64) { l["cancelled"]--; l["lost"]++ }, nil, []string{"W_LOST"}},
				{"more in the boxes than issued", func(l map[string]int64) { l["took_part"] = 610; l["cancelled"] = 400 }, []string{"E_FOUND_OVER_ISSUED"}, nil},
				{"more in the mobile box than voted outside", func(l map[string]int64) { l["outside"] = 17 }, []string{"E_MOBILE_OVER_OUTSIDE"}, nil},
				{"more absentee voters than took part", func(l map[string]int64) { l["absentee"] = 621 }, []string{"E_ABSENTEE_OVER_ISSUED"}, []string{"W_ABSENTEE"}},
				{"more voted outside than took part", func(l map[string]int64) { l["outside"] = 621 }, []string{"E_OUTSIDE_OVER_ISSUED"}, []string{"W_OUTSIDE"}},
				{"more took part than on the lists", func(l map[string]int64) { l["registered"] = 619 }, []string{"E_ISSUED_OVER_LIST"}, []string{"W_TURNOUT"}},
				{"turnout above 95%", func(l map[string]int64) { l["registered"] = 650 }, nil, []string{"W_TURNOUT"}},
				{"many ballots not in the boxes", func(l map[string]int64) { l["took_part"] = 640; l["cancelled"] = 370 }, nil, []string{"W_UNRETURNED"}},
				{"a few ballots not in the boxes", func(l map[string]int64) { l["took_part"] = 625; l["cancelled"] = 385 }, nil, nil},
				{"mobile box above 15%", func(l map[string]int64) { l["outside"] = 100 }, nil, []string{"W_OUTSIDE"}},
				{"absentee above 5%", func(l map[string]int64) { l["absentee"] = 32 }, nil, []string{"W_ABSENTEE"}},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					l := kazakhProtocol(c)
					tt.change(l)
					errs, warns := v.Complete(maps.Clone(l))
					if got := codes(errs); !slices.Equal(got, tt.errs) {
						t.Errorf("errors %v, want %v (%+v)", got, tt.errs, errs)
					}
					if len(tt.errs) == 0 {
						if got := codes(warns); !slices.Equal(got, tt.warns) {
							t.Errorf("warnings %v, want %v", got, tt.warns)
						}
					}
				})
			}
		})
	}
}

func codes(fs []dauys.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code)
	}
	slices.Sort(out)
	return out
}

// TestKazakh2023Geography checks the 2023 example against the sources of
// the project's research: the districts of March 2023, Balkhash District in
// single-member district No. 12, the official designation of the
// districts, and the published list seats of five regional maslikhats.
func TestKazakh2023Geography(t *testing.T) {
	e := mustLoadExample(t, "kz-2023")
	byName := map[string]string{} // "KZ-19/Balkhash District" -> area id
	for _, a := range e.Areas {
		if a.Level == dauys.LevelDistrict {
			byName[a.Parent+"/"+a.Name.EN] = a.ID
		}
	}
	for _, later := range []string{"KZ-19/Alatau", "KZ-71/Sarayshyk District", "KZ-63/Ulken Naryn District", "KZ-63/Markakol District", "KZ-10/Makanshy District", "KZ-10/Zhanasemey District"} {
		if id, ok := byName[later]; ok {
			t.Errorf("%s (%s) was formed after March 2023", later, id)
		}
	}
	for _, then := range []string{"KZ-71/Nura District", "KZ-71/Almaty District", "KZ-19/Ile District", "KZ-63/Katon-Karagay District", "KZ-63/Kurchum District", "KZ-10/Urzhar District", "KZ-10/Semey"} {
		if _, ok := byName[then]; !ok {
			t.Errorf("%s existed in March 2023 and is missing", then)
		}
	}
	balkhash := byName["KZ-19/Balkhash District"]
	for n, want := range map[string]bool{"mazhilis-smd-11": false, "mazhilis-smd-12": true} {
		c := e.Contest(n)
		if got := slices.Contains(c.Areas, balkhash); got != want {
			t.Errorf("%s holds Balkhash District (%s): %v, want %v", n, balkhash, got, want)
		}
	}
	// Balkhash town, Priozersk, Saran and Shakhtinsk are in No. 19 with
	// Temirtau; No. 18 is Karaganda with two districts.
	for _, town := range []string{"Balkhash", "Priozersk", "Saran", "Shakhtinsk", "Temirtau"} {
		if id := byName["KZ-35/"+town]; !slices.Contains(e.Contest("mazhilis-smd-19").Areas, id) {
			t.Errorf("%s (%s) is not in district No. 19", town, id)
		}
	}
	for _, c := range e.Contests {
		if !strings.HasPrefix(c.ID, "mazhilis-smd-") {
			continue
		}
		if !strings.Contains(c.Name.KK, "бірмандаттық аумақтық сайлау округі") || !strings.Contains(c.Name.RU, "одномандатный территориальный избирательный округ") {
			t.Errorf("%s is named %q / %q, not by its official designation", c.ID, c.Name.KK, c.Name.RU)
		}
	}
	for region, seats := range map[string]int{"astana": 17, "almaty": 21, "shymkent": 16, "kostanay": 16, "north-kazakhstan": 15} {
		if c := e.Contest("maslikhat-" + region + "-list"); c == nil || c.Rules.Seats != seats {
			t.Errorf("maslikhat-%s-list: %+v, want %d list seats", region, c, seats)
		}
	}
}

// TestKurultaiPollingDay: the Kurultai was elected on 23 August 2026 (set
// on 1 July 2026; research/official/kz-kurultai-2026.md).
func TestKurultaiPollingDay(t *testing.T) {
	if e := mustLoadExample(t, "kz-kurultai-2026"); e.Date != "2026-08-23" {
		t.Errorf("polling day %s, want 2026-08-23", e.Date)
	}
}
