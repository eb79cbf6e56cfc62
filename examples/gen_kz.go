//go:build ignore

// Command gen_kz writes the Kazakh example definitions: election.yaml and
// areas.csv of kz-2023, kz-referendum-2022 and kz-kurultai-2026.
//
// The regions, their names, ISO codes and cartogram tiles, the 228 real
// districts and cities (those of the day: 222 in March 2023, 221 in June
// 2022), and the published figures of registered voters and polling
// stations are real (read from the project's shared reference files
// kz/regions.csv and kz/districts.csv). Everything below the districts is
// synthetic: how many precincts each district has and how many voters each
// precinct has, drawn from a fixed seed so that every run writes the same
// bytes. The candidates of the single-member districts are invented.
//
// Run it from the repository root, with the shared reference files checked
// out next to the repository:
//
//	go run examples/gen_kz.go -shared ../shared
//
// and commit its output: the examples must load in a fresh clone that has
// no ../shared.
package main

import (
	"cmp"
	"encoding/csv"
	"flag"
	"fmt"
	"log"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/dauys/dauys/internal/demo"
)

func main() {
	shared := flag.String("shared", "../shared", "directory of the shared reference files (holding domain/kz)")
	out := flag.String("out", "examples", "directory of the examples")
	flag.Parse()
	ref, err := readReference(filepath.Join(*shared, "domain", "kz"))
	if err != nil {
		log.Fatal(err)
	}
	for _, ex := range examples {
		g := buildGeography(ref, ex)
		dir := filepath.Join(*out, ex.ID)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "areas.csv"), g.areasCSV(), 0o644); err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "election.yaml"), ex.Definition(g), 0o644); err != nil {
			log.Fatal(err)
		}
		if ex.Replay != nil {
			if err := os.WriteFile(filepath.Join(dir, "totals.csv"), totalsCSV(ex.Replay(g)), 0o644); err != nil {
				log.Fatal(err)
			}
		}
		var voters int64
		for _, p := range g.precincts {
			voters += p.registered
		}
		log.Printf("%s: %d regions, %d districts, %d precincts, %d voters", ex.ID, len(g.units), len(g.districts), len(g.precincts), voters)
	}
}

// example describes one generated definition.
type example struct {
	ID string
	// Year selects the districts: 2022 has none of those created after
	// June 2022, 2023 none of those formed after March 2023.
	Year int
	// Units17 counts the vote over the 17 units of 5 June 2022 (Abai,
	// Jetisu and Ulytau took effect on 8 June 2022).
	Units17 bool
	// Registered holds the units' voters on the lists where the
	// commissions published them for this vote, with the source; they
	// replace the figures of regions.csv, which are of other years.
	Registered map[string]fig
	// Replay, when set, writes the example's totals.csv: the official
	// figures and the estimated regional split the demo's protocols add
	// up to. ReplaySource is the replay block's source.
	Replay       func(g *geography) []total
	ReplaySource string
	// Precincts and Voters are the national totals to reach.
	Precincts int
	Voters    int64
	Seed      uint64
	// Hours are the turnout reporting hours, local to each precinct, that
	// come before the final figure at the close; HoursNote says where they
	// come from.
	Hours     []string
	HoursNote string
	// Zones gives the western regions their own time zone: before 1 March
	// 2024 they were an hour behind the capital.
	Zones bool
	// Abroad places the precincts abroad; they are counted in Precincts
	// and Voters, which are the national totals.
	Abroad abroadPlan
	// Definition writes election.yaml.
	Definition func(g *geography) []byte
}

var examples = []example{
	// 2023: the 10,223 polling stations, 77 of them abroad in 62 countries
	// (MFA), and the 12,035,578 voters of the CEC's results, 12,132 of them
	// abroad (MFA). The CEC stamped its figures of the day at hh:10 of the
	// capital's time (12:10, 16:10, 18:10; then 20:10, when the west was
	// still voting, and 22:10, the close); research/official/kz-mazhilis-2023.md
	// section 2.
	{ID: "kz-2023", Year: 2023, Precincts: 10146 + 77, Voters: 12035578, Seed: 2023, Definition: kz2023,
		Registered: map[string]fig{
			"KZ-71": official(788931, srcAstana2023), "KZ-35": official(761673, srcKaraganda23),
			"KZ-39": official(554655, srcKostanay2023), "KZ-59": official(382307, srcNKO2023),
			"KZ-AB": official(12132, srcMaz2023Abr),
		},
		Replay: replay2023, ReplaySource: "The CEC's final results of the Mazhilis party lists of 19 March 2023 (27 March 2023: kazpravda.kz, vlast.kz; took part: the CEC's preliminary count) and the regional maslikhat list results that territorial commissions published (Astana, Almaty, Karaganda, Kostanay); totals.csv gives every figure with its status and source.",
		Hours: []string{"12:10", "16:10", "18:10"}, Zones: true, Abroad: abroadPlan{77, 62, 12132, ""},
		HoursNote: "The CEC's reporting times of the day (its messages stamped 12:10, 16:10 and 18:10), local to each precinct here, then the final figure at the close (the CEC's 20:10 and 22:10 figures were the closes of the east and of the west). research/official/kz-mazhilis-2023.md section 2."},
	// 2022: 65 precincts abroad on the lists of the capital's commission
	// (elordainfo.kz); their countries and voters are not known (53
	// countries and 12,841 voters at the presidential election of November
	// 2022 are used). The CRC reported at 12:00, 14:00, 18:00, then 20:00
	// (the east's close) and 22:00 (everyone's); kz-referendum-2022.md 2c.
	{ID: "kz-referendum-2022", Year: 2022, Units17: true, Precincts: 10100 + 65, Voters: 11734642, Seed: 2022, Definition: kzReferendum2022,
		Registered: map[string]fig{
			"KZ-75": official(1129117, srcRef2022Prel+" (preliminary)"),
			"KZ-79": official(632072, "Shymkent city referendum commission before polling day: https://baq.kz/shymkentte-458-442-adam-referendumda-dauys-berdi_280058"),
			"KZ-43": official(462685, "Kyzylorda regional data before polling day, Kazinform: https://kaz.inform.kz/news/referendumga-katysudan-kyzylorda-oblysy-kosh-bastap-tur_a3940972/"),
		},
		Replay: replayRef2022, ReplaySource: "The Central Referendum Commission's final message on the referendum of 5 June 2022 (Kazakhstanskaya Pravda, quoted by zakon.kz 6016530); totals.csv gives every figure with its status and source.",
		Hours: []string{"12:00", "14:00", "18:00"}, Zones: true, Abroad: abroadPlan{65, 53, 12841, "KZ-71"},
		HoursNote: "The CRC's reporting times of the day (12:00, 14:00, 18:00), local to each precinct here, then the final figure at the close (the CRC's 20:00 and 22:00 figures were the closes of the east and of the west). research/official/kz-referendum-2022.md section 2c."},
	// The presidential election of 20 November 2022: the 20 regions (Abai,
	// Jetisu and Ulytau since 8 June 2022; the capital Astana again since
	// 17 September 2022), 10,101 stations, 68 abroad in 53 countries with
	// 12,841 voters (astanatimes.com); the CEC's figures of the day at
	// 10:05, 12:05, 16:00, 18:05, then 22:00 (kz-president-2022.md 2).
	{ID: "kz-president-2022", Year: 2022, Precincts: 10033 + 68, Voters: 11953465, Seed: 20221120, Definition: kzPresident2022,
		Hours: []string{"10:05", "12:05", "16:00", "18:05"}, Zones: true, Abroad: abroadPlan{68, 53, 12841, ""},
		HoursNote:  "The CEC's reporting times of the day (10:05, 12:05, 16:00, 18:05), local to each precinct here, then the final figure at the close. research/official/kz-president-2022.md section 2.",
		Registered: map[string]fig{"KZ-AB": official(12841, srcPres2022Abr)},
		Replay:     replayPres2022, ReplaySource: "The CEC's final results of the presidential election of 20 November 2022 (22 November 2022: inform.kz a4004726, arbatmedia.kz, astanatimes.com); totals.csv gives every figure with its status and source."},
	// The referendum of 6 October 2024 on a nuclear power plant: one time
	// zone since 1 March 2024; 10,249 stations at home and 74 abroad in 59
	// countries with 12,307 voters (astanatimes.com); the CRC reported every
	// two hours (kz-referendum-2024.md 3).
	{ID: "kz-referendum-2024", Year: 2024, Precincts: 10249 + 74, Voters: 12284487, Seed: 20241006, Definition: kzReferendum2024,
		Hours: []string{"10:00", "12:00", "14:00", "16:00", "18:00"}, Abroad: abroadPlan{74, 59, 12307, ""},
		HoursNote:  "The CRC's reporting times of the day (10:00 to 18:00 every two hours), local to each precinct, then the final figure at the close, 20:00. research/official/kz-referendum-2024.md section 3.",
		Registered: map[string]fig{"KZ-AB": official(12307, srcRef2024Abr)},
		Replay:     replayRef2024, ReplaySource: "The Central Referendum Commission's final results of the referendum of 6 October 2024 (check-point.kz 2398; zakon.kz 6451390; azattyq.org 33148869); totals.csv gives every figure with its status and source."},
	// The referendum of 15 March 2026 on a new Constitution: 10,388
	// stations at home and 71 abroad in 54 countries (asia24.media); the
	// voters abroad were not found (the 12,307 of 2024 are used).
	{ID: "kz-referendum-2026", Year: 2026, Precincts: 10388 + 71, Voters: 12482613, Seed: 20260315, Definition: kzReferendum2026,
		Hours: []string{"10:00", "14:00", "16:00", "18:00"}, Abroad: abroadPlan{71, 54, 12307, ""},
		HoursNote: "The CRC's reporting times of the day (10:00, 14:00, 16:00, 18:00), local to each precinct, then the final figure at the close, 20:00. research/official/kz-referendum-2026.md section 3.",
		Replay:    replayRef2026, ReplaySource: "The Central Referendum Commission's final results of the referendum of 15 March 2026 (exclusive.kz; almatanews.kz 199638); totals.csv gives every figure with its status and source."},
	// 2026: 10,388 domestic stations and 71 abroad in 54 countries (the
	// referendum of March 2026); one time zone. The Kurultai's reporting
	// hours were not found: those of the referendum of 15 March 2026 are
	// used. Its voters abroad were not found: the 12,307 of 2024 are used.
	{ID: "kz-kurultai-2026", Year: 2026, Precincts: 10388 + 71, Voters: 12461796, Seed: 2026, Definition: kzKurultai2026,
		Hours: []string{"10:00", "14:00", "16:00", "18:00"}, Abroad: abroadPlan{71, 54, 12307, ""},
		HoursNote: "Assumed: the reporting times of the referendum of 15 March 2026 (10:00, 14:00, 16:00, 18:00, then 20:00, the close; research/official/kz-referendum-2026.md section 3); the Kurultai's own were not found. Local to each precinct; one zone since 1 March 2024."},
}

// region is one of today's 20 regions with its reference facts.
type region struct {
	Key    string // region_en in the reference files
	ISO    string
	Slug   string
	KK     string
	RU     string
	EN     string
	Tile   [2]int
	Centre string // the city that is the regional centre
	// Estimate is a synthetic population for regions with no published
	// figure in regions.csv.
	Estimate int64
	// Rural is the typical size of a rural precinct: villages are bigger
	// in the densely settled south than in the steppe.
	Rural int64

	population, registered int64 // from regions.csv, 0 when unknown
	stations               int
}

func (r *region) city() bool { return r.Centre == "" }

// regions lists today's 17 oblasts and 3 cities in ISO order, with the
// names of KAZAKHSTAN.md section 8 and the tiles of section 9.
var regions = []*region{
	{Key: "Abai Region", ISO: "KZ-10", Slug: "abai", KK: "Абай облысы", RU: "область Абай", EN: "Abai Region", Tile: [2]int{5, 1}, Centre: "Semey", Rural: 600},
	{Key: "Akmola Region", ISO: "KZ-11", Slug: "akmola", KK: "Ақмола облысы", RU: "Акмолинская область", EN: "Akmola Region", Tile: [2]int{4, 0}, Centre: "Kokshetau", Rural: 550},
	{Key: "Aktobe Region", ISO: "KZ-15", Slug: "aktobe", KK: "Ақтөбе облысы", RU: "Актюбинская область", EN: "Aktobe Region", Tile: [2]int{1, 1}, Centre: "Aktobe", Rural: 750},
	{Key: "Almaty Region", ISO: "KZ-19", Slug: "almaty-region", KK: "Алматы облысы", RU: "Алматинская область", EN: "Almaty Region", Tile: [2]int{5, 4}, Centre: "Konaev", Rural: 1300},
	{Key: "Atyrau Region", ISO: "KZ-23", Slug: "atyrau", KK: "Атырау облысы", RU: "Атырауская область", EN: "Atyrau Region", Tile: [2]int{0, 2}, Centre: "Atyrau", Rural: 1100},
	{Key: "West Kazakhstan Region", ISO: "KZ-27", Slug: "west-kazakhstan", KK: "Батыс Қазақстан облысы", RU: "Западно-Казахстанская область", EN: "West Kazakhstan Region", Tile: [2]int{0, 1}, Centre: "Oral (Uralsk)", Estimate: 695600, Rural: 650},
	{Key: "Zhambyl Region", ISO: "KZ-31", Slug: "jambyl", KK: "Жамбыл облысы", RU: "Жамбылская область", EN: "Jambyl Region", Tile: [2]int{4, 3}, Centre: "Taraz", Rural: 1200},
	{Key: "Jetisu Region", ISO: "KZ-33", Slug: "jetisu", KK: "Жетісу облысы", RU: "область Жетісу", EN: "Jetisu Region", Tile: [2]int{5, 3}, Centre: "Taldykorgan", Estimate: 700000, Rural: 800},
	{Key: "Karaganda Region", ISO: "KZ-35", Slug: "karaganda", KK: "Қарағанды облысы", RU: "Карагандинская область", EN: "Karaganda Region", Tile: [2]int{4, 2}, Centre: "Karaganda", Rural: 600},
	{Key: "Kostanay Region", ISO: "KZ-39", Slug: "kostanay", KK: "Қостанай облысы", RU: "Костанайская область", EN: "Kostanay Region", Tile: [2]int{2, 0}, Centre: "Kostanay", Rural: 500},
	{Key: "Kyzylorda Region", ISO: "KZ-43", Slug: "kyzylorda", KK: "Қызылорда облысы", RU: "Кызылординская область", EN: "Kyzylorda Region", Tile: [2]int{2, 3}, Centre: "Kyzylorda", Rural: 1100},
	{Key: "Mangystau Region", ISO: "KZ-47", Slug: "mangystau", KK: "Маңғыстау облысы", RU: "Мангистауская область", EN: "Mangystau Region", Tile: [2]int{0, 3}, Centre: "Aktau", Estimate: 780000, Rural: 1500},
	{Key: "Pavlodar Region", ISO: "KZ-55", Slug: "pavlodar", KK: "Павлодар облысы", RU: "Павлодарская область", EN: "Pavlodar Region", Tile: [2]int{5, 0}, Centre: "Pavlodar", Rural: 600},
	{Key: "North Kazakhstan Region", ISO: "KZ-59", Slug: "north-kazakhstan", KK: "Солтүстік Қазақстан облысы", RU: "Северо-Казахстанская область", EN: "North Kazakhstan Region", Tile: [2]int{3, 0}, Centre: "Petropavl", Rural: 350},
	{Key: "Turkistan Region", ISO: "KZ-61", Slug: "turkistan", KK: "Түркістан облысы", RU: "Туркестанская область", EN: "Turkistan Region", Tile: [2]int{3, 3}, Centre: "Turkistan", Rural: 1400},
	{Key: "Ulytau Region", ISO: "KZ-62", Slug: "ulytau", KK: "Ұлытау облысы", RU: "область Ұлытау", EN: "Ulytau Region", Tile: [2]int{3, 2}, Centre: "Zhezkazgan", Rural: 500},
	{Key: "East Kazakhstan Region", ISO: "KZ-63", Slug: "east-kazakhstan", KK: "Шығыс Қазақстан облысы", RU: "Восточно-Казахстанская область", EN: "East Kazakhstan Region", Tile: [2]int{6, 1}, Centre: "Oskemen (Ust-Kamenogorsk)", Estimate: 730000, Rural: 550},
	{Key: "Astana", ISO: "KZ-71", Slug: "astana", KK: "Астана қаласы", RU: "город Астана", EN: "Astana", Tile: [2]int{4, 1}},
	{Key: "Almaty", ISO: "KZ-75", Slug: "almaty", KK: "Алматы қаласы", RU: "город Алматы", EN: "Almaty", Tile: [2]int{4, 4}},
	{Key: "Shymkent", ISO: "KZ-79", Slug: "shymkent", KK: "Шымкент қаласы", RU: "город Шымкент", EN: "Shymkent", Tile: [2]int{3, 4}},
}

func regionByKey(key string) *region {
	for _, r := range regions {
		if r.Key == key {
			return r
		}
	}
	log.Fatalf("no region %q", key)
	return nil
}

// cityPopulation holds approximate populations of the cities of oblast
// significance, used only as weights to share a region's voters among its
// districts (synthetic: rounded, not from the reference files).
var cityPopulation = map[string]int64{
	"Semey": 320000, "Kurchatov": 10458, "Kokshetau": 180000, "Stepnogorsk": 65000, "Kosshy": 50000,
	"Aktobe": 560000, "Konaev": 100000, "Alatau": 60000, "Atyrau": 390000, "Oral (Uralsk)": 330000,
	"Taraz": 430000, "Taldykorgan": 190000, "Tekeli": 30000, "Karaganda": 500000, "Balkhash": 80000,
	"Priozersk": 12000, "Saran": 50000, "Temirtau": 180000, "Shakhtinsk": 55000, "Kostanay": 260000,
	"Arkalyk": 40000, "Lisakovsk": 40000, "Rudny": 130000, "Kyzylorda": 330000, "Baikonur": 20000,
	"Aktau": 260000, "Zhanaozen": 160000, "Pavlodar": 360000, "Aksu": 70000, "Ekibastuz": 150000,
	"Petropavl": 220000, "Turkistan": 230000, "Arys": 80000, "Kentau": 100000, "Zhezkazgan": 90000,
	"Satpayev": 70000, "Karazhal": 20000, "Oskemen (Ust-Kamenogorsk)": 350000, "Ridder": 55000,
}

// createdAfterJune2022 are the units of districts.csv that did not exist on
// 5 June 2022 (SOURCES.md 1a; Nura is missing from the older list cited
// there and is treated the same way). The 2022 referendum leaves them out;
// their voters are counted in the districts they were split from.
var createdAfterJune2022 = map[string]bool{
	"Almaty Region/Alatau":                        true,
	"East Kazakhstan Region/Ulken Naryn District": true,
	"East Kazakhstan Region/Markakol District":    true,
	"Abai Region/Makanshy District":               true,
	"Abai Region/Zhanasemey District":             true,
	"Astana/Sarayshyk District":                   true,
	"Astana/Nura District":                        true,
}

// formedAfterMarch2023 maps the units of districts.csv that did not exist
// on 19 March 2023 to the district or city that held their territory then
// (SOURCES.md 1a; official/kz-mazhilis-2023.md section 4). Nura District of
// Astana is not here: it was formed in December 2022. The 2023 example
// leaves these units out and counts their territory in the one named.
var formedAfterMarch2023 = map[string]string{
	"Almaty Region/Alatau":                        "Ile District",           // decree of 9 January 2024
	"East Kazakhstan Region/Ulken Naryn District": "Katon-Karagay District", // formed again from it; decree late 2023 or 2024
	"East Kazakhstan Region/Markakol District":    "Kurchum District",       // formed again from it; same decree
	"Abai Region/Makanshy District":               "Urzhar District",        // same decree
	"Abai Region/Zhanasemey District":             "Semey",                  // same decree
	"Astana/Sarayshyk District":                   "Almaty District",        // named 27 August 2024
}

// existed reports whether a unit of districts.csv existed at the time of
// the example.
func existed(d refDistrict, year int) bool {
	key := d.Region + "/" + d.EN
	switch year {
	case 2022:
		// Nura District, formed in December 2022, did not exist at either
		// vote of 2022.
		return !createdAfterJune2022[key]
	case 2023:
		return formedAfterMarch2023[key] == ""
	}
	return true
}

// reference is what the shared files say.
type reference struct {
	districts []refDistrict
}

type refDistrict struct {
	Region, EN, KK, RU, Kind string
	Population               int64
}

func readReference(dir string) (*reference, error) {
	rows, err := readCSV(filepath.Join(dir, "regions.csv"))
	if err != nil {
		return nil, err
	}
	for _, row := range rows {
		r := regionByKey(row["region_en"])
		r.population = atoi(row["population"])
		r.registered = atoi(row["registered_voters"])
		r.stations = int(atoi(row["polling_stations"]))
	}
	rows, err = readCSV(filepath.Join(dir, "districts.csv"))
	if err != nil {
		return nil, err
	}
	ref := &reference{}
	for _, row := range rows {
		regionByKey(row["region_en"])
		ref.districts = append(ref.districts, refDistrict{
			Region: row["region_en"], EN: row["district_en"], KK: row["district_kk"], RU: row["district_ru"],
			Kind: row["kind"], Population: atoi(row["population"]),
		})
	}
	if len(ref.districts) != 228 {
		return nil, fmt.Errorf("districts.csv: %d rows, want 228", len(ref.districts))
	}
	return ref, nil
}

func readCSV(path string) ([]map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var rows []map[string]string
	for _, rec := range recs[1:] {
		row := map[string]string{}
		for i, h := range recs[0] {
			row[h] = rec[i]
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func atoi(s string) int64 {
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		log.Fatalf("bad number %q", s)
	}
	return n
}

// unit is a region as it stood at the time of an example: in 2022 some
// units held today's Abai, Jetisu and Ulytau regions.
type unit struct {
	ID, KK, RU, EN string
	Tile           [2]int
	Slug           string
	members        []*region
	registered     int64
	stations       int
	districts      []*district
	// estimated is true when the unit's voters are an estimate, not a
	// published figure.
	estimated bool
}

type district struct {
	ID           string
	Unit         *unit
	Ref          refDistrict
	weight       float64
	registered   int64
	natural      float64
	precincts    int
	capacity     int64 // typical precinct size
	metropolitan bool
}

type precinct struct {
	ID, Parent, Number string
	registered         int64
	// The names, zone, closing hour and kind of a precinct abroad or a
	// special one; empty for the others.
	KK, RU, EN         string
	zone, closes, kind string
}

// domesticPrecincts is the number of precincts at home.
func (g *geography) domesticPrecincts() int { return g.ex.Precincts - g.ex.Abroad.Precincts }

type geography struct {
	ex        example
	units     []*unit
	districts []*district
	precincts []precinct
}

// mergedIn2022 maps today's regions to the 2022 unit that held them.
var mergedIn2022 = map[string]string{"KZ-10": "KZ-63", "KZ-33": "KZ-19", "KZ-62": "KZ-35"}

func buildGeography(ref *reference, ex example) *geography {
	g := &geography{ex: ex}
	byISO := map[string]*unit{}
	for _, r := range regions {
		iso := r.ISO
		if ex.Units17 && mergedIn2022[iso] != "" {
			continue
		}
		u := &unit{ID: iso, KK: r.KK, RU: r.RU, EN: r.EN, Tile: r.Tile, Slug: r.Slug, members: []*region{r}}
		if ex.Units17 && iso == "KZ-71" {
			u.KK, u.RU, u.EN = "Нұр-Сұлтан қаласы", "город Нур-Султан", "Nur-Sultan"
		}
		g.units = append(g.units, u)
		byISO[iso] = u
	}
	if ex.Units17 {
		for _, r := range regions {
			if to := mergedIn2022[r.ISO]; to != "" {
				byISO[to].members = append(byISO[to].members, r)
			}
		}
	}
	g.shareVoters()
	for _, u := range g.units {
		for _, r := range u.members {
			for _, d := range ref.districts {
				if d.Region != r.Key || !existed(d, ex.Year) {
					continue
				}
				u.districts = append(u.districts, &district{Unit: u, Ref: d})
			}
		}
		if ex.Year == 2023 {
			u.attachLaterDistricts(ref)
		}
		for i, d := range u.districts {
			d.ID = fmt.Sprintf("%s-%02d", u.ID, i+1)
		}
		g.districts = append(g.districts, u.districts...)
		u.shareVoters()
	}
	g.shareStations()
	rng := rand.New(rand.NewPCG(ex.Seed, 0x6461757973))
	for _, u := range g.units {
		g.sharePrecincts(u, rng)
	}
	g.takeAbroadVoters()
	g.markSpecials()
	g.addAbroad()
	return g
}

// attachLaterDistricts adds the published population of each unit formed
// after March 2023 to the district that held its territory, where both
// have one, so that its voters are weighted where they voted.
func (u *unit) attachLaterDistricts(ref *reference) {
	for _, later := range ref.districts {
		parent := formedAfterMarch2023[later.Region+"/"+later.EN]
		if parent == "" || later.Population == 0 {
			continue
		}
		found := false
		for _, d := range u.districts {
			if d.Ref.Region == later.Region && d.Ref.EN == parent {
				found = true
				if d.Ref.Population > 0 {
					d.Ref.Population += later.Population
				}
			}
		}
		if !found && slices.ContainsFunc(u.members, func(r *region) bool { return r.Key == later.Region }) {
			log.Fatalf("%s: %s was formed from %q, which is not a district of the region", later.Region, later.EN, parent)
		}
	}
}

// population returns the region's published population, or an estimate
// from its registered voters, or the synthetic estimate.
func (r *region) populationEstimate() int64 {
	switch {
	case r.population > 0:
		return r.population
	case r.registered > 0:
		return int64(float64(r.registered) / 0.62)
	case r.Estimate > 0:
		return r.Estimate
	}
	log.Fatalf("%s: no population", r.Key)
	return 0
}

// shareVoters gives each unit its registered voters: the published figure
// where regions.csv has one, otherwise 0.62 of the population, and then
// scales the estimated figures so that the national total is reached.
func (g *geography) shareVoters() {
	var known, estimated int64
	for _, u := range g.units {
		if f, ok := g.ex.Registered[u.ID]; ok {
			u.registered = f.v
			known += u.registered
			continue
		}
		allKnown := true
		for _, r := range u.members {
			if r.registered == 0 {
				allKnown = false
			}
		}
		if allKnown {
			for _, r := range u.members {
				u.registered += r.registered
			}
			known += u.registered
			continue
		}
		for _, r := range u.members {
			u.registered += int64(0.62 * float64(r.populationEstimate()))
		}
		estimated += u.registered
		u.stations = -1 // marks an estimate to scale
	}
	factor := float64(g.ex.Voters-known) / float64(estimated)
	log.Printf("%s: estimated registered voters scaled by %.4f to reach %d", g.ex.ID, factor, g.ex.Voters)
	var total int64
	for _, u := range g.units {
		if u.stations == -1 {
			u.registered = int64(math.Round(float64(u.registered) * factor))
			u.stations = 0
			u.estimated = true
		}
		total += u.registered
	}
	// Put the rounding difference on the largest estimated unit.
	biggest := slices.MaxFunc(g.units, func(a, b *unit) int {
		return cmp.Or(cmp.Compare(boolInt(a.estimated), boolInt(b.estimated)), cmp.Compare(a.registered, b.registered))
	})
	biggest.registered += g.ex.Voters - total
}

// typicalSize is the natural size of a precinct in a district.
func typicalSize(d refDistrict, r *region) int64 {
	switch {
	case d.Kind == "city-district":
		return 2100
	case d.Kind == "city" && d.EN == r.Centre:
		return 1800
	case d.Kind == "city":
		return 1500
	}
	return r.Rural
}

// shareStations gives each unit its polling stations: the published figure
// where regions.csv has one (figures from 2023 to 2026, see SOURCES.md),
// otherwise a share of the rest in proportion to its natural number of
// precincts (its districts' voters over their typical precinct sizes).
func (g *geography) shareStations() {
	known := 0
	var natural []float64
	var rest float64
	for _, u := range g.units {
		n := 0
		for _, r := range u.members {
			if r.stations == 0 {
				n = -1
				break
			}
			n += r.stations
		}
		var nat float64
		for _, d := range u.districts {
			nat += d.natural
		}
		natural = append(natural, nat)
		if n > 0 {
			u.stations = n
			known += n
		} else {
			u.stations = 0
			rest += nat
		}
	}
	var shares []float64
	var idx []int
	for i, u := range g.units {
		if u.stations == 0 {
			shares = append(shares, natural[i]/rest*float64(g.domesticPrecincts()-known))
			idx = append(idx, i)
		}
	}
	for k, n := range largestRemainder(shares, g.domesticPrecincts()-known) {
		g.units[idx[k]].stations = n
	}
}

// shareVoters shares a unit's voters among its districts by population
// weight.
func (u *unit) shareVoters() {
	// Weights: the published district population where there is one, the
	// approximate city population, else an equal share of what remains of
	// the region's population.
	for _, r := range u.members {
		var ds []*district
		for _, d := range u.districts {
			if d.Ref.Region == r.Key {
				ds = append(ds, d)
			}
		}
		remaining := float64(r.populationEstimate())
		unknown := 0
		for _, d := range ds {
			switch {
			case d.Ref.Population > 0:
				d.weight = float64(d.Ref.Population)
			case d.Ref.Kind == "city" && cityPopulation[d.Ref.EN] > 0:
				d.weight = float64(cityPopulation[d.Ref.EN])
			default:
				unknown++
				continue
			}
			remaining -= d.weight
		}
		each := max(remaining/float64(max(unknown, 1)), 15000)
		for _, d := range ds {
			if d.weight == 0 {
				d.weight = each
			}
			d.capacity = typicalSize(d.Ref, r)
			d.metropolitan = d.Ref.Kind != "district"
		}
	}
	var weights []float64
	var sum float64
	for _, d := range u.districts {
		sum += d.weight
	}
	for _, d := range u.districts {
		weights = append(weights, d.weight/sum*float64(u.registered))
	}
	for i, v := range largestRemainder(weights, int(u.registered)) {
		u.districts[i].registered = int64(v)
	}
	for _, d := range u.districts {
		d.natural = float64(d.registered) / float64(d.capacity)
	}
}

// sharePrecincts shares a unit's stations among its districts by their
// natural number of precincts, and each district's voters among its
// precincts.
func (g *geography) sharePrecincts(u *unit, rng *rand.Rand) {
	var natural []float64
	var nsum float64
	for _, d := range u.districts {
		nsum += d.natural
	}
	for _, d := range u.districts {
		natural = append(natural, d.natural/nsum*float64(u.stations))
	}
	for i, n := range largestRemainder(natural, u.stations) {
		u.districts[i].precincts = n
	}
	// Every district has a precinct, and no precinct needs more than about
	// 2,900 voters: move precincts from the district with the smallest
	// precincts to the one that lacks them.
	const maxAverage = 2900
	for {
		var short *district
		for _, d := range u.districts {
			if d.precincts == 0 || d.registered > maxAverage*int64(d.precincts) {
				short = d
				break
			}
		}
		if short == nil {
			break
		}
		var donor *district
		for _, d := range u.districts {
			if d == short || d.precincts <= 1 {
				continue
			}
			if donor == nil || d.registered*int64(donor.precincts) < donor.registered*int64(d.precincts) {
				donor = d
			}
		}
		if donor == nil {
			log.Fatalf("%s: cannot give every district a precinct", u.ID)
		}
		donor.precincts--
		short.precincts++
	}
	number := 0
	for _, d := range u.districts {
		for _, v := range precinctSizes(d, rng) {
			number++
			g.precincts = append(g.precincts, precinct{
				ID:         fmt.Sprintf("%s-%04d", d.ID, number),
				Parent:     d.ID,
				Number:     strconv.Itoa(number),
				registered: v,
			})
		}
	}
}

// precinctSizes splits a district's voters among its precincts. Town
// precincts are of similar size; rural ones are skewed: many small villages
// and a few large ones. No precinct has more than 3,000 voters.
func precinctSizes(d *district, rng *rand.Rand) []int64 {
	n := d.precincts
	w := make([]float64, n)
	limit := make([]float64, n)
	for i := range w {
		if d.metropolitan {
			w[i] = 0.75 + 0.5*rng.Float64()
		} else {
			w[i] = math.Exp(0.75 * rng.NormFloat64())
		}
		// Each precinct's own ceiling, so that capped precincts do not
		// pile up at one number.
		limit[i] = float64(2500 + rng.IntN(501))
	}
	sizes := make([]int64, n)
	remaining, free := float64(d.registered), slices.Clone(w)
	for {
		var sum float64
		for _, x := range free {
			sum += x
		}
		over := false
		for i, x := range free {
			if x > 0 && x/sum*remaining > limit[i] {
				sizes[i], free[i], remaining, over = int64(limit[i]), 0, remaining-limit[i], true
			}
		}
		if !over {
			var shares []float64
			for _, x := range free {
				shares = append(shares, x/sum*remaining)
			}
			for i, v := range largestRemainder(shares, int(math.Round(remaining))) {
				if free[i] > 0 {
					sizes[i] = int64(v)
				}
			}
			break
		}
	}
	return sizes
}

// largestRemainder rounds shares to integers that sum to total.
func largestRemainder(shares []float64, total int) []int {
	out := make([]int, len(shares))
	type rem struct {
		i int
		r float64
	}
	var rems []rem
	sum := 0
	for i, s := range shares {
		out[i] = int(math.Floor(s))
		sum += out[i]
		rems = append(rems, rem{i, s - math.Floor(s)})
	}
	slices.SortStableFunc(rems, func(a, b rem) int { return cmp.Compare(b.r, a.r) })
	for k := 0; sum < total; k++ {
		out[rems[k%len(rems)].i]++
		sum++
	}
	return out
}

func (g *geography) areasCSV() []byte {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write([]string{"id", "parent", "level", "number", "iso", "registered", "name_kk", "name_ru", "name_en", "timezone", "closes", "kind"})
	for _, d := range g.districts {
		w.Write([]string{d.ID, d.Unit.ID, "district", "", "", "", d.Ref.KK, d.Ref.RU, d.Ref.EN, "", "", ""})
	}
	for _, p := range g.precincts {
		w.Write([]string{p.ID, p.Parent, "precinct", p.Number, "", strconv.FormatInt(p.registered, 10), p.KK, p.RU, p.EN, p.zone, p.closes, p.kind})
	}
	w.Flush()
	return []byte(b.String())
}

func (g *geography) unit(iso string) *unit {
	for _, u := range g.units {
		if u.ID == iso {
			return u
		}
	}
	log.Fatalf("no unit %s", iso)
	return nil
}

// ---- the YAML ----

// yamlWriter writes YAML by hand so that the files read like the
// documentation: ordered keys, flow mappings for names and comments.
type yamlWriter struct{ strings.Builder }

func (w *yamlWriter) line(indent int, format string, args ...any) {
	w.WriteString(strings.Repeat("  ", indent))
	fmt.Fprintf(w, format, args...)
	w.WriteByte('\n')
}

func (w *yamlWriter) comment(indent int, text string) {
	for _, l := range wrap(text, 76-2*indent) {
		w.line(indent, "# %s", l)
	}
}

func wrap(text string, width int) []string {
	var lines []string
	cur := ""
	for _, word := range strings.Fields(text) {
		if cur != "" && len([]rune(cur))+1+len([]rune(word)) > width {
			lines = append(lines, cur)
			cur = word
			continue
		}
		if cur != "" {
			cur += " "
		}
		cur += word
	}
	return append(lines, cur)
}

// q quotes a scalar for a flow context when it needs it.
func q(s string) string {
	plain := s != "" && !strings.ContainsAny(s, ",[]{}:#\"'&*!|>%@`") && strings.TrimSpace(s) == s
	if plain {
		switch strings.ToLower(s) {
		case "yes", "no", "true", "false", "null", "on", "off", "~":
			plain = false
		}
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			plain = false
		}
		if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "?") {
			plain = false
		}
	}
	if plain {
		return s
	}
	return strconv.Quote(s)
}

func text(kk, ru, en string) string {
	return fmt.Sprintf("{kk: %s, ru: %s, en: %s}", q(kk), q(ru), q(en))
}

func (w *yamlWriter) header(ex example, g *geography, title, kk, ru, en, date, source string) {
	w.comment(0, title)
	w.comment(0, "Generated by examples/gen_kz.go from the reference files in ../shared/domain/kz; edit the generator, not this file. See README.md for what is real and what is synthetic.")
	w.line(0, "id: %s", ex.ID)
	w.line(0, "name:")
	w.line(1, "kk: %s", q(kk))
	w.line(1, "ru: %s", q(ru))
	w.line(1, "en: %s", q(en))
	w.line(0, "date: %s", date)
	w.line(0, "timezone: Asia/Almaty")
	w.pollingDay(ex)
	w.line(0, "status: pre-election")
	w.line(0, "source: >-")
	for _, l := range wrap(source, 74) {
		w.line(1, "%s", l)
	}
	if ex.ReplaySource != "" {
		w.comment(0, "A replay: the precinct protocols the demo plays are simulated so that they add up exactly to the official figures in totals.csv (and to estimates where none were published); every page says so. docs/definitions.md, Replays.")
		w.line(0, "replay:")
		w.line(1, "source: >-")
		for _, l := range wrap(ex.ReplaySource, 72) {
			w.line(2, "%s", l)
		}
		w.line(1, "totals: totals.csv")
	}
	w.line(0, "")
	w.comment(0, fmt.Sprintf("The country and its %d regions are here; the %d districts and cities and the %d precincts are in areas.csv.", len(g.units), len(g.districts), len(g.precincts)))
	w.line(0, "areas_file: areas.csv")
	w.line(0, "areas:")
	w.comment(1, "The polls are open from 7:00 to 20:00 local time, at home and at the missions abroad (MFA, 2022 and 2023); special precincts may close early.")
	w.line(1, "- {id: KZ, level: country, opens: %q, closes: %q, name: %s}", pollsOpen, pollsClose, text("Қазақстан Республикасы", "Республика Казахстан", "Republic of Kazakhstan"))
	if ex.Zones {
		w.comment(1, "Before 1 March 2024 the western regions were on UTC+5, an hour behind the capital (UTC+6); each region's zone is the IANA zone of its centre.")
	}
	for _, u := range g.units {
		zone := ""
		if ex.Zones && westernZones[u.ID] != "" {
			zone = ", timezone: " + westernZones[u.ID]
		}
		w.line(1, "- {id: %s, parent: KZ, level: region, iso: %s, tile: [%d, %d]%s, name: %s}", u.ID, u.ID, u.Tile[0], u.Tile[1], zone, text(u.KK, u.RU, u.EN))
	}
	if ex.Abroad.Precincts > 0 && ex.Abroad.Under == "" {
		w.comment(1, fmt.Sprintf("The %d precincts abroad, one district per country, each precinct on its own local time: counted in the country's totals and in no region's.", ex.Abroad.Precincts))
		w.line(1, "- {id: %s, parent: KZ, level: abroad, kind: abroad, name: %s}", abroadID, text("Шетелдегі сайлау учаскелері", "Избирательные участки за рубежом", "Precincts abroad"))
	}
	w.line(0, "")
}

// ---- the protocol forms ----
//
// The precinct protocol's lines as far as the law and the published
// figures evidence them (research/official/form-and-day.md section 2; the
// official form itself, an appendix of the CEC's resolution on electoral
// documents, was not found). Each line carries its evidence as a comment in
// election.yaml and in docs/definitions.md, and its kk/ru title is the
// published wording where one was found, otherwise the project's.

// formLine is a line of a generated form.
type formLine struct {
	Name, Kind, KK, RU, EN string
	Derived                string
	// Source is the line's evidence, written as a comment above it.
	Source string
}

// formRule is a control relation or a plausibility check.
type formRule struct {
	Code, Expr, KK, RU, EN string
}

const (
	notEvidenced = "Not evidenced by any published figure found: the ballot accounting of every post-Soviet form (the CEC's instruction of 1999 on protocols is listed, its text was not retrieved); wording the project's."
	sourceAbsent = "Evidenced: CEC, 2022 presidential election, 13,282 (baribar.kz); territorial commissions, 2023 maslikhats of Karaganda (417) and North Kazakhstan (283); ru as published, kk the project's."
	sourceMobile = "Evidenced: territorial commissions, 2023 maslikhats of Karaganda (6,115) and North Kazakhstan (4,476); law on elections art. 41 para. 6 and art. 44 para. 5 (the number of voters who voted outside the polling station); ru as published, kk the project's."
)

// ballotLines are the ballot accounting lines both forms share, after the
// voters' lines.
var ballotLines = []formLine{
	{Name: "cancelled", Kind: "ballots", KK: "Пайдаланылмаған және өтелген бюллетеньдер саны", RU: "Число неиспользованных и погашенных бюллетеней", EN: "Ballots unused and cancelled", Source: notEvidenced},
	{Name: "lost", Kind: "ballots", KK: "Жоғалған бюллетеньдер саны", RU: "Число утраченных бюллетеней", EN: "Ballots lost", Source: notEvidenced},
	{Name: "found_stationary", Kind: "ballots", KK: "Тұрақты жәшіктерден табылған бюллетеньдер саны", RU: "Число бюллетеней, обнаруженных в стационарных ящиках для голосования", EN: "Ballots found in the stationary boxes", Source: notEvidenced},
	{Name: "found_mobile", Kind: "ballots", KK: "Жылжымалы жәшіктерден табылған бюллетеньдер саны", RU: "Число бюллетеней, обнаруженных в переносных ящиках для голосования", EN: "Ballots found in the mobile boxes", Source: notEvidenced},
	{Name: "found", Kind: "ballots", Derived: "found_stationary + found_mobile", KK: "Жәшіктерден табылған бюллетеньдер саны", RU: "Число бюллетеней, обнаруженных в ящиках для голосования", EN: "Ballots found in the boxes", Source: "Computed: the stationary and the mobile boxes together."},
	{Name: "invalid", Kind: "ballots", KK: "Жарамсыз бюллетеньдер саны", RU: "Число недействительных бюллетеней", EN: "Invalid ballots", Source: "Evidenced: CEC, referendums of 2022 (205,924), 2024 (130,267) and 2026 (146,558); wording as published."},
}

// electionLines are the lines of the election form before the ballot
// accounting; the option lines and against all follow it.
var electionLines = []formLine{
	{Name: "registered", Kind: "voters", KK: "Тізімге енгізілген сайлаушылар саны", RU: "Число избирателей, включённых в списки", EN: "Voters on the lists", Source: "Evidenced: every published result (CEC, territorial commissions); wording as published."},
	{Name: "received", Kind: "ballots", KK: "Учаскелік сайлау комиссиясы алған бюллетеньдер саны", RU: "Число бюллетеней, полученных участковой избирательной комиссией", EN: "Ballots received by the precinct commission", Source: "Evidenced: reported per precinct in the press (dalanews.kz, precinct No. 379, Astana, 2023: 10,076 ballots received for 2,494 voters); wording the project's."},
	{Name: "took_part", Kind: "voters", KK: "Бюллетень алған сайлаушылар саны (дауыс беруге қатысқандар)", RU: "Число избирателей, получивших бюллетени (принявших участие в голосовании)", EN: "Voters who received ballots (took part)", Source: "Evidenced: CEC, 2022 presidential election, 8,300,046 voters «получили бюллетени», the published turnout of 69.44% (baribar.kz); wording as published. The CEC's turnout base."},
	{Name: "absentee", Kind: "voters", KK: "оның ішінде сырттай дауыс беру куәліктері бойынша", RU: "из них по открепительным удостоверениям", EN: "of whom with absentee certificates", Source: sourceAbsent},
	{Name: "outside", Kind: "voters", KK: "оның ішінде дауыс беруге арналған үй-жайдан тыс жерде дауыс бергендер", RU: "из них проголосовали вне помещения для голосования", EN: "of whom voted outside the polling station", Source: sourceMobile},
}

var electionTail = []formLine{
	{Name: "against_all", Kind: "votes", KK: "Барлығына қарсы", RU: "Против всех", EN: "Against all", Source: "Evidenced: on every ballot since 2022 (kstnews.kz, ballot; CEC results); wording as on the ballot."},
}

// referendumLines are the lines of the referendum form before the ballot
// accounting; the answers follow it.
var referendumLines = []formLine{
	{Name: "registered", Kind: "voters", KK: "Тізімге енгізілген азаматтар саны", RU: "Число граждан, включённых в списки", EN: "Citizens on the lists", Source: "Evidenced: the CRC's final message of 2022, «citizens entitled to take part» (zakon.kz 6016530); wording the project's."},
	{Name: "received", Kind: "ballots", KK: "Учаскелік референдум комиссиясы алған бюллетеньдер саны", RU: "Число бюллетеней, полученных участковой комиссией референдума", EN: "Ballots received by the precinct commission", Source: "Evidenced for elections only (see the election form); the referendum law refers voting to the election law; wording the project's."},
	{Name: "took_part", Kind: "voters", KK: "Бюллетень алған азаматтар саны (референдумға қатысқандар)", RU: "Число граждан, получивших бюллетени (принявших участие в референдуме)", EN: "Citizens who received ballots (took part)", Source: "Evidenced: the CRC's final message of 2022, «citizens who took part», 7,985,769, 68.05%, and every result since; the base of the answers' shares; wording the project's."},
	{Name: "absentee", Kind: "voters", KK: "оның ішінде сырттай дауыс беру куәліктері бойынша", RU: "из них по открепительным удостоверениям", EN: "of whom with absentee certificates", Source: "Evidenced for elections only (see the election form); wording as there."},
	{Name: "outside", Kind: "voters", KK: "оның ішінде дауыс беруге арналған үй-жайдан тыс жерде дауыс бергендер", RU: "из них проголосовали вне помещения для голосования", EN: "of whom voted outside the polling station", Source: "Evidenced for elections only (see the election form); wording as there."},
}

var referendumTail = []formLine{
	{Name: "yes", Kind: "votes", KK: "Иә", RU: "Да", EN: "Yes", Source: "Evidenced: CEC, 2022, 2024 and 2026."},
	{Name: "no", Kind: "votes", KK: "Жоқ", RU: "Нет", EN: "No", Source: "Evidenced: CEC, 2022, 2024 and 2026."},
	{Name: "both_marked", Kind: "ballots", KK: "Екі жауап та белгіленген бюллетеньдер саны", RU: "Число бюллетеней, в которых отмечены оба варианта ответа", EN: "Ballots with both answers marked", Source: "Evidenced: CEC, 2022 (125,859), 2024 (82,729), Mangystau 2026 (5,675); counted apart from invalid ballots; wording the project's."},
}

// Relations and checks. The voters' wording differs between the forms;
// the ballot accounting reads the same.
var (
	ballotRelations = []formRule{
		{"E_BALLOTS_RECEIVED", "received = took_part + cancelled + lost",
			"Алынған бюллетеньдер берілген, өтелген және жоғалған бюллетеньдер қосындысына тең емес",
			"Число полученных бюллетеней не равно сумме выданных, погашенных и утраченных",
			"Ballots received do not equal ballots issued + cancelled + lost"},
		{"E_FOUND_OVER_ISSUED", "found <= took_part",
			"Жәшіктерден табылған бюллетеньдер берілген бюллетеньдерден көп",
			"Бюллетеней в ящиках больше, чем выдано",
			"More ballots in the boxes than were issued"},
		{"E_MOBILE_OVER_OUTSIDE", "found_mobile <= outside",
			"Жылжымалы жәшіктердегі бюллетеньдер үй-жайдан тыс дауыс бергендерден көп",
			"Бюллетеней в переносных ящиках больше, чем проголосовавших вне помещения",
			"More ballots in the mobile boxes than voters who voted outside the polling station"},
		{"E_ABSENTEE_OVER_ISSUED", "absentee <= took_part",
			"Сырттай куәліктер бойынша дауыс бергендер бюллетень алғандардан көп",
			"Проголосовавших по открепительным удостоверениям больше, чем получивших бюллетени",
			"More voters with absentee certificates than voters who received ballots"},
		{"E_OUTSIDE_OVER_ISSUED", "outside <= took_part",
			"Үй-жайдан тыс дауыс бергендер бюллетень алғандардан көп",
			"Проголосовавших вне помещения больше, чем получивших бюллетени",
			"More voters outside the polling station than voters who received ballots"},
	}
	ballotChecks = []formRule{
		{"W_TURNOUT", "took_part > 95% registered",
			"Бюллетень алғандар тізімдегілердің 95%-ынан асады",
			"Явка выше 95% включённых в списки",
			"Turnout above 95% of those on the lists"},
		// A voter may leave with a ballot: a handful in a small precinct
		// is no sign; more than 5 ballots and 2% of those issued are.
		{"W_UNRETURNED", "took_part - found - 5 > 2% took_part",
			"Жәшіктерден берілген бюллетеньдердің 5-тен және 2%-дан астамы табылмады",
			"В ящиках не найдено более 5 и более 2% выданных бюллетеней",
			"More than 5 ballots and 2% of those issued were not found in the boxes"},
		{"W_OUTSIDE", "outside > 15% took_part",
			"Үй-жайдан тыс дауыс бергендер 15%-дан асады",
			"Вне помещения проголосовали более 15%",
			"More than 15% voted outside the polling station"},
		{"W_ABSENTEE", "absentee > 5% took_part",
			"Сырттай куәліктер бойынша дауыс бергендер 5%-дан асады",
			"По открепительным удостоверениям проголосовали более 5%",
			"More than 5% voted with absentee certificates"},
		{"W_LOST", "lost > 0",
			"Бюллетеньдер жоғалған",
			"Есть утраченные бюллетени",
			"Ballots were lost"},
		{"W_INVALID", "invalid > 5% found",
			"Жарамсыз бюллетеньдер 5%-дан асады",
			"Недействительных бюллетеней больше 5%",
			"More than 5% of the ballots are invalid"},
	}
	electionRelations = append([]formRule{
		{"E_BALANCE", "found = @options + against_all + invalid",
			"Жәшіктерден табылған бюллетеньдер нұсқаларға берілген дауыстар, «барлығына қарсы» және жарамсыз бюллетеньдер қосындысына тең емес",
			"Число бюллетеней в ящиках не равно сумме голосов за варианты, «против всех» и недействительных бюллетеней",
			"Ballots found in the boxes do not equal the votes for the options + against all + invalid ballots"},
		{"E_ISSUED_OVER_LIST", "took_part <= registered",
			"Бюллетень алғандар тізімдегі сайлаушылардан көп",
			"Получивших бюллетени больше, чем избирателей в списках",
			"More voters received ballots than there are voters on the lists"},
	}, ballotRelations...)
	electionChecks = append(slices.Clone(ballotChecks), formRule{"W_AGAINST_ALL", "against_all > 20% found",
		"«Барлығына қарсы» дауыстар 20%-дан асады",
		"Голосов «против всех» больше 20%",
		"More than 20% voted against all"})
	referendumRelations = append([]formRule{
		{"E_BALANCE", "found = yes + no + both_marked + invalid",
			"Жәшіктерден табылған бюллетеньдер «иә», «жоқ», екеуі де белгіленген және жарамсыз бюллетеньдер қосындысына тең емес",
			"Число бюллетеней в ящиках не равно сумме «да», «нет», бюллетеней с обоими ответами и недействительных",
			"Ballots found in the boxes do not equal yes + no + both marked + invalid"},
		{"E_ISSUED_OVER_LIST", "took_part <= registered",
			"Бюллетень алғандар тізімдегі азаматтардан көп",
			"Получивших бюллетени больше, чем граждан в списках",
			"More citizens received ballots than there are citizens on the lists"},
	}, ballotRelations...)
)

// form writes one form: its lines with their evidence, the relations and
// the checks.
func (w *yamlWriter) form(id, about string, optionLines bool, lines [][]formLine, relations, checks []formRule) {
	w.comment(1, about)
	w.line(1, "- id: %s", id)
	w.line(2, "lines:")
	last := ""
	for _, part := range lines {
		for _, l := range part {
			if l.Source != last {
				w.comment(3, l.Source)
			}
			last = l.Source
			derived := ""
			if l.Derived != "" {
				derived = ", derived: " + q(l.Derived)
			}
			w.line(3, "- {name: %s, kind: %s%s, title: %s}", q(l.Name), l.Kind, derived, text(l.KK, l.RU, l.EN))
		}
	}
	if optionLines {
		w.comment(2, "One votes line option:<id> per party or candidate follows the lines above.")
		w.line(2, "option_lines: true")
	}
	for _, block := range []struct {
		key   string
		rules []formRule
	}{{"relations", relations}, {"checks", checks}} {
		w.line(2, "%s:", block.key)
		for _, r := range block.rules {
			w.line(3, "- code: %s", r.Code)
			w.line(4, "expr: %s", q(r.Expr))
			w.line(4, "message:")
			w.line(5, "kk: %s", q(r.KK))
			w.line(5, "ru: %s", q(r.RU))
			w.line(5, "en: %s", q(r.EN))
		}
	}
}

// electionForm writes the form of every election contest: party lists,
// single-member districts, maslikhats and the president.
func (w *yamlWriter) electionForm() {
	w.line(0, "forms:")
	w.form("election", "One form serves the party lists and the single-member districts (and would serve a maslikhat district or the president): the votes of each option, party or candidate, are added as option lines. took_part is the voters who received ballots, the CEC's turnout base; the ballots found in the boxes are the line found.",
		true, [][]formLine{electionLines, ballotLines, electionTail}, electionRelations, electionChecks)
}

// referendumForm writes the form of a republican referendum.
func (w *yamlWriter) referendumForm() {
	w.line(0, "forms:")
	w.form("referendum", "took_part is the citizens who received ballots, the base of turnout and of the answers' shares; the ballots found in the boxes are the line found. Ballots with both answers marked are counted apart from invalid ones, as the CEC publishes them.",
		false, [][]formLine{referendumLines, ballotLines, referendumTail}, referendumRelations, ballotChecks)
}

const wideImport = `import:
  # A wide CSV file: one row per precinct and contest,
  # area,contest,registered,received,...,against_all,option:<id>,...
  # with blank cells for the lines that are not on the row's contest.
  area_column: area
  contest_column: contest
`

// party is an option of the party lists.
type party struct {
	ID, Color                 string
	KK, RU, EN                string
	ShortKK, ShortRU, ShortEN string
}

// parties2023 are the parties of the 19 March 2023 ballot, in the order of
// KAZAKHSTAN.md section 8. The colours are illustrative.
var parties2023 = []party{
	{"amanat", "#1c75bc", "«AMANAT» партиясы", "Партия «AMANAT»", "AMANAT Party", "AMANAT", "AMANAT", "AMANAT"},
	{"auyl", "#7cb342", "«Ауыл» халықтық-демократиялық патриоттық партиясы", "Народно-демократическая патриотическая партия «Ауыл»", "Auyl People's Democratic Patriotic Party", "Ауыл", "Ауыл", "Auyl"},
	{"respublica", "#f57c00", "«Respublica» партиясы", "Партия «Respublica»", "Respublica Party", "Respublica", "Respublica", "Respublica"},
	{"ak-zhol", "#0d47a1", "«Ақ жол» Қазақстанның демократиялық партиясы", "Демократическая партия Казахстана «Ак жол»", "Ak Zhol Democratic Party of Kazakhstan", "Ақ жол", "Ак жол", "Ak Zhol"},
	{"qhp", "#c62828", "Қазақстан Халық партиясы", "Народная партия Казахстана", "People's Party of Kazakhstan", "ҚХП", "НПК", "PPK"},
	{"osdp", "#ad1457", "Жалпыұлттық социал-демократиялық партия", "Общенациональная социал-демократическая партия", "Nationwide Social Democratic Party", "ЖСДП", "ОСДП", "OSDP"},
	{"baytaq", "#2e7d32", "«Байтақ» Қазақстан жасылдар партиясы", "Партия зелёных Казахстана «Байтак»", "Baytaq Green Party of Kazakhstan", "Байтақ", "Байтак", "Baytaq"},
}

func (w *yamlWriter) partyOptions(indent int, anchor string) {
	w.line(indent, "options: &%s", anchor)
	for _, p := range parties2023 {
		w.line(indent+1, "- id: %s", p.ID)
		w.line(indent+2, "name: %s", text(p.KK, p.RU, p.EN))
		w.line(indent+2, "short: %s", text(p.ShortKK, p.ShortRU, p.ShortEN))
		w.line(indent+2, "color: %q", p.Color)
	}
}

// maslikhatListSeats2023 holds the list seats of the regional maslikhats
// of 2023 where they were published (research/official/kz-mazhilis-2023.md
// section 5): North Kazakhstan 30 = 15 + 15 and Kostanay 32 = 16 + 16
// (territorial commissions, inform.kz), Shymkent 32 = 16 + 16 (otyrar.kz),
// Astana 17 and Almaty 21 by list (their results, which the Hare quota
// reproduces).
var maslikhatListSeats2023 = map[string]int{"KZ-59": 15, "KZ-39": 16, "KZ-79": 16, "KZ-71": 17, "KZ-75": 21}

// smd is one of the 29 Mazhilis single-member districts of 2023.
type smd struct {
	Number int
	Region string   // ISO code
	Seat   string   // the district's seat, where known
	Areas  []string // district_en of the region's districts, or nil for the whole region
}

// smds2023 follows KAZAKHSTAN.md section 3 (seats per region) and the
// numbering of SOURCES.md section 3 (the three cities first, then the
// regions in the order of the Kazakh alphabet). Where a region has more
// than one district, the grouping of its districts is confirmed for Nos. 1-7,
// 11, 12 and 19 (research/official/kz-mazhilis-2023.md section 4: Balkhash
// District is in No. 12, Balkhash town in No. 19), No. 18 is the rest of
// its region, and the grouping is synthetic for the others. Konaev, the seat of No. 11, is put in No. 11 (unconfirmed); Nura
// District, split from Esil District in December 2022, in No. 2 with it
// (inferred, not confirmed).
var smds2023 = []smd{
	{1, "KZ-71", "", []string{"Almaty District", "Baikonyr District"}},
	{2, "KZ-71", "", []string{"Esil District", "Saryarka District", "Nura District"}},
	{3, "KZ-75", "", []string{"Alatau District", "Auezov District"}},
	{4, "KZ-75", "", []string{"Almaly District", "Zhetysu District", "Turksib District"}},
	{5, "KZ-75", "", []string{"Bostandyk District", "Medeu District", "Nauryzbay District"}},
	{6, "KZ-79", "", []string{"Abay District", "Turan District", "Al-Farabi District"}},
	{7, "KZ-79", "", []string{"Enbekshi District", "Karatau District"}},
	{8, "KZ-10", "Semey", nil},
	{9, "KZ-11", "Kokshetau", nil},
	{10, "KZ-15", "Aktobe", nil},
	{11, "KZ-19", "Konaev", []string{"Konaev", "Talgar District", "Enbekshikazakh District", "Uigur District", "Raiymbek District", "Kegen District"}},
	{12, "KZ-19", "Kaskelen", []string{"Karasay District", "Zhambyl District", "Ile District", "Balkhash District"}},
	{13, "KZ-23", "Atyrau", nil},
	{14, "KZ-27", "Oral", nil},
	{15, "KZ-31", "Taraz", []string{"Taraz", "Baizak District", "Zhualy District", "Talas District", "Sarysu District", "Moiynkum District"}},
	{16, "KZ-31", "Shu", []string{"Zhambyl District", "Korday District", "Merki District", "Turar Ryskulov District", "Shu District"}},
	{17, "KZ-33", "Taldykorgan", nil},
	{18, "KZ-35", "Karaganda", []string{"Karaganda", "Bukhar-Zhyrau District", "Osakarov District"}},
	{19, "KZ-35", "Temirtau", []string{"Temirtau", "Balkhash", "Priozersk", "Saran", "Shakhtinsk", "Abay District", "Aktogay District", "Karkaraly District", "Nura District", "Shet District"}},
	{20, "KZ-39", "Kostanay", nil},
	{21, "KZ-43", "Kyzylorda", nil},
	{22, "KZ-47", "Aktau", nil},
	{23, "KZ-55", "Pavlodar", nil},
	{24, "KZ-59", "Petropavl", nil},
	{25, "KZ-61", "Turkistan", []string{"Turkistan", "Kentau", "Arys", "Sauran District", "Otyrar District", "Suzak District"}},
	{26, "KZ-61", "Lenger", []string{"Sairam District", "Tole Bi District", "Tulkibas District", "Kazygurt District", "Ordabasy District", "Baidibek District"}},
	{27, "KZ-61", "Saryagash", []string{"Saryagash District", "Keles District", "Maktaaral District", "Zhetysai District", "Shardara District"}},
	{28, "KZ-62", "Zhezkazgan", nil},
	{29, "KZ-63", "Oskemen", nil},
}

// smdAreas returns the area ids of a district and checks that the split
// regions are covered exactly once.
func smdAreas(g *geography) map[int][]string {
	out := map[int][]string{}
	used := map[string]int{}
	for _, s := range smds2023 {
		u := g.unit(s.Region)
		if s.Areas == nil {
			out[s.Number] = []string{u.ID}
			used[u.ID]++
			continue
		}
		for _, en := range s.Areas {
			found := false
			for _, d := range u.districts {
				if d.Ref.EN == en {
					out[s.Number] = append(out[s.Number], d.ID)
					used[d.ID]++
					found = true
				}
			}
			if !found {
				log.Fatalf("SMD %d: no district %q in %s", s.Number, en, u.ID)
			}
		}
	}
	if len(smds2023) != 29 {
		log.Fatalf("%d SMDs, want 29", len(smds2023))
	}
	for _, u := range g.units {
		if used[u.ID] > 0 {
			continue
		}
		for _, d := range u.districts {
			if used[d.ID] != 1 {
				log.Fatalf("district %s (%s) is in %d SMDs", d.ID, d.Ref.EN, used[d.ID])
			}
		}
	}
	return out
}

// Names for the synthetic candidates: Kazakh and Russian Cyrillic and the
// English transliteration.
type name struct{ KK, RU, EN string }

var (
	surnames = []name{
		{"Абдрахманов", "Абдрахманов", "Abdrakhmanov"}, {"Ахметов", "Ахметов", "Akhmetov"}, {"Бекболатов", "Бекболатов", "Bekbolatov"},
		{"Дүйсенбаев", "Дюсенбаев", "Duisenbayev"}, {"Ерланов", "Ерланов", "Yerlanov"}, {"Жақсылықов", "Жаксылыков", "Zhaksylykov"},
		{"Жұмабаев", "Жумабаев", "Zhumabayev"}, {"Исабеков", "Исабеков", "Issabekov"}, {"Қасымов", "Касымов", "Kassymov"},
		{"Қожахметов", "Кожахметов", "Kozhakhmetov"}, {"Мұратов", "Муратов", "Muratov"}, {"Нұрланов", "Нурланов", "Nurlanov"},
		{"Оспанов", "Оспанов", "Ospanov"}, {"Сәрсенбаев", "Сарсенбаев", "Sarsenbayev"}, {"Серікбаев", "Серикбаев", "Serikbayev"},
		{"Тоқтаров", "Токтаров", "Toktarov"}, {"Төлеуов", "Толеуов", "Toleuov"}, {"Шәкенов", "Шакенов", "Shakenov"},
		{"Есімов", "Есимов", "Yessimov"}, {"Байжанов", "Байжанов", "Baizhanov"}, {"Әлиев", "Алиев", "Aliyev"},
		{"Омаров", "Омаров", "Omarov"}, {"Рахымжанов", "Рахимжанов", "Rakhymzhanov"}, {"Тұрсынов", "Турсынов", "Tursynov"},
		{"Ғабдуллин", "Габдуллин", "Gabdullin"}, {"Мамыров", "Мамыров", "Mamyrov"}, {"Қалиев", "Калиев", "Kaliyev"},
		{"Бейсенов", "Бейсенов", "Beisenov"}, {"Сұлтанов", "Султанов", "Sultanov"}, {"Жанұзақов", "Жанузаков", "Zhanuzakov"},
		{"Әбенов", "Абенов", "Abenov"}, {"Қуанышев", "Куанышев", "Kuanyshev"}, {"Смағұлов", "Смагулов", "Smagulov"},
		{"Ыбыраев", "Ибраев", "Ibrayev"}, {"Мұхамеджанов", "Мухамеджанов", "Mukhamedzhanov"}, {"Тәжібаев", "Таджибаев", "Tazhibayev"},
	}
	maleNames = []name{
		{"Нұрлан", "Нурлан", "Nurlan"}, {"Ерлан", "Ерлан", "Yerlan"}, {"Асхат", "Асхат", "Askhat"}, {"Дәулет", "Даулет", "Daulet"},
		{"Бауыржан", "Бауржан", "Bauyrzhan"}, {"Ержан", "Ержан", "Yerzhan"}, {"Марат", "Марат", "Marat"}, {"Серік", "Серик", "Serik"},
		{"Талғат", "Талгат", "Talgat"}, {"Арман", "Арман", "Arman"}, {"Ғалым", "Галым", "Galym"}, {"Қайрат", "Кайрат", "Kairat"},
		{"Болат", "Болат", "Bolat"}, {"Жандос", "Жандос", "Zhandos"}, {"Мейрам", "Мейрам", "Meiram"}, {"Айдос", "Айдос", "Aidos"},
		{"Руслан", "Руслан", "Ruslan"}, {"Темірлан", "Темирлан", "Temirlan"},
	}
	femaleNames = []name{
		{"Айгүл", "Айгуль", "Aigul"}, {"Гүлнар", "Гульнар", "Gulnar"}, {"Сәуле", "Сауле", "Saule"}, {"Динара", "Динара", "Dinara"},
		{"Жанар", "Жанар", "Zhanar"}, {"Мәдина", "Мадина", "Madina"}, {"Ақмарал", "Акмарал", "Akmaral"}, {"Әсел", "Асель", "Assel"},
		{"Гүлмира", "Гульмира", "Gulmira"}, {"Айжан", "Айжан", "Aizhan"}, {"Ләззат", "Ляззат", "Lyazzat"}, {"Назгүл", "Назгуль", "Nazgul"},
	}
	// Russian, Ukrainian, Korean and German names for the north and the
	// big cities, where many voters are not Kazakh.
	otherPeople = []struct{ Given, Surname name }{
		{name{"Сергей", "Сергей", "Sergey"}, name{"Иванов", "Иванов", "Ivanov"}},
		{name{"Елена", "Елена", "Yelena"}, name{"Петренко", "Петренко", "Petrenko"}},
		{name{"Виктор", "Виктор", "Viktor"}, name{"Ким", "Ким", "Kim"}},
		{name{"Ольга", "Ольга", "Olga"}, name{"Шевченко", "Шевченко", "Shevchenko"}},
		{name{"Андрей", "Андрей", "Andrey"}, name{"Кузнецов", "Кузнецов", "Kuznetsov"}},
		{name{"Татьяна", "Татьяна", "Tatyana"}, name{"Миллер", "Миллер", "Miller"}},
		{name{"Дмитрий", "Дмитрий", "Dmitriy"}, name{"Пак", "Пак", "Pak"}},
	}
	northern = map[string]bool{"KZ-11": true, "KZ-35": true, "KZ-39": true, "KZ-55": true, "KZ-59": true, "KZ-63": true, "KZ-71": true, "KZ-75": true}
)

type candidate struct {
	ID     string
	Name   name
	Party  string
	sortBy string
}

// candidates invents 3 to 6 candidates for a district: an AMANAT nominee,
// up to two nominees of other parties and the rest self-nominated. Taken
// holds the names already used, so that nobody runs in two districts.
func candidates(s smd, rng *rand.Rand, taken map[string]bool) []candidate {
	n := 3 + rng.IntN(4)
	others := []string{"auyl", "respublica", "ak-zhol", "qhp", "osdp", "baytaq"}
	rng.Shuffle(len(others), func(i, j int) { others[i], others[j] = others[j], others[i] })
	nominees := rng.IntN(3)
	if nominees > n-2 {
		nominees = n - 2
	}
	parties := append([]string{"amanat"}, others[:nominees]...)
	var out []candidate
	used := map[string]bool{}
	for i := range n {
		var c candidate
		for {
			var given, sur name
			var family string // the surname before the feminine ending
			if northern[s.Region] && rng.IntN(5) == 0 {
				p := otherPeople[rng.IntN(len(otherPeople))]
				given, sur = p.Given, p.Surname
				family = sur.EN
			} else {
				sur = surnames[rng.IntN(len(surnames))]
				family = sur.EN
				if rng.IntN(4) == 0 {
					given = femaleNames[rng.IntN(len(femaleNames))]
					if strings.HasSuffix(sur.RU, "ов") || strings.HasSuffix(sur.RU, "ев") || strings.HasSuffix(sur.RU, "ин") {
						sur = name{sur.KK + "а", sur.RU + "а", sur.EN + "a"}
					}
				} else {
					given = maleNames[rng.IntN(len(maleNames))]
				}
			}
			c = candidate{
				ID:     strings.ToLower(given.EN + "-" + sur.EN),
				Name:   name{sur.KK + " " + given.KK, sur.RU + " " + given.RU, given.EN + " " + sur.EN},
				sortBy: sur.RU + " " + given.RU,
			}
			if !taken[c.ID] && !used[family] {
				taken[c.ID], used[family] = true, true
				break
			}
		}
		if i < len(parties) {
			c.Party = parties[i]
		}
		out = append(out, c)
	}
	// Candidates appear on the ballot in alphabetical order.
	slices.SortFunc(out, func(a, b candidate) int { return strings.Compare(a.sortBy, b.sortBy) })
	return out
}

func kz2023(g *geography) []byte {
	ex := g.ex
	var w yamlWriter
	w.header(ex, g,
		"The combined election of 19 March 2023: the Mazhilis (69 seats by party lists and 29 single-member districts) and the maslikhats of the 17 regions and 3 cities of republican significance.",
		"Қазақстан Республикасы Парламенті Мәжілісінің және мәслихаттарының депутаттарын сайлау, 2023",
		"Выборы депутатов Мажилиса Парламента и маслихатов Республики Казахстан, 2023",
		"Elections to the Mazhilis of the Parliament and to the maslikhats of the Republic of Kazakhstan, 2023",
		"2023-03-19",
		"Regions, districts and cities as of March 2023, parties, the seats of the Mazhilis, the 12,035,578 voters on the lists (CEC) and the list seats of five regional maslikhats are real (KAZAKHSTAN.md, kz/regions.csv, kz/districts.csv and kz/SOURCES.md of the project's reference files, and the project's research on the official results). Precincts and their voters below the regions, the grouping of districts into the single-member districts of Jambyl and Turkistan, the candidates and the list seats of the other fifteen maslikhats are synthetic or estimated; see README.md.")
	w.line(0, "contests:")
	w.comment(1, "The Mazhilis party list: 69 seats, 5% threshold (preset kz-mazhilis-2023). Every precinct votes in it.")
	w.line(1, "- id: mazhilis-list")
	w.line(2, "name: %s", text("Мәжіліс, партиялық тізімдер", "Мажилис, партийные списки", "Mazhilis, party lists"))
	w.line(2, "kind: list")
	w.line(2, "body: mazhilis")
	w.line(2, "rules: {preset: kz-mazhilis-2023, seats: 69}")
	w.line(2, "form: election")
	w.partyOptions(2, "parties")
	w.line(0, "")
	w.comment(1, "The 29 Mazhilis single-member districts, decided by plurality. Their candidates are invented (an AMANAT nominee in each, some nominees of other parties and self-nominated candidates, in alphabetical order), except the winners of Nos. 1, 3, 6, 7, 11, 12 and 19, who are real (see README.md); the votes of every district are simulated.")
	rng := rand.New(rand.NewPCG(ex.Seed, 29))
	areas := smdAreas(g)
	taken := map[string]bool{}
	for i, s := range smds2023 {
		u := g.unit(s.Region)
		w.line(1, "- id: mazhilis-smd-%02d", s.Number)
		w.line(2, "name: %s", text(
			fmt.Sprintf("Мәжіліс, бірмандаттық аумақтық сайлау округі № %d", s.Number),
			fmt.Sprintf("Мажилис, одномандатный территориальный избирательный округ № %d", s.Number),
			fmt.Sprintf("Mazhilis, single-member territorial district No. %d", s.Number)))
		w.line(2, "kind: plurality")
		w.line(2, "body: mazhilis")
		if i == 0 {
			w.line(2, "rules: &smd {method: plurality, seats: 1}")
		} else {
			w.line(2, "rules: *smd")
		}
		w.line(2, "form: election")
		if s.Areas == nil {
			w.line(2, "areas: [%s]  # %s", u.ID, u.EN)
		} else {
			w.line(2, "areas: [%s]  # %s: %s", strings.Join(areas[s.Number], ", "), u.EN, strings.Join(s.Areas, ", "))
		}
		w.line(2, "options:")
		for _, c := range withWinner(candidates(s, rng, taken), s.Number) {
			party := ""
			if c.Party != "" {
				party = ", party: " + c.Party
			}
			w.line(3, "- {id: %s, name: %s%s}", c.ID, text(c.Name.KK, c.Name.RU, c.Name.EN), party)
		}
	}
	w.line(0, "")
	w.comment(1, "The party lists of the 20 regional maslikhats (preset kz-maslikhat-2023-regional: half of each maslikhat by lists, 5% threshold). The list seats of Astana, Almaty, Shymkent, Kostanay and North Kazakhstan are the published ones; the others are estimated (13 + one per 150,000 voters, 12 to 20), and every party is shown on every list. See README.md.")
	for _, u := range g.units {
		seats, published := maslikhatListSeats2023[u.ID]
		if !published {
			seats = min(20, max(12, 13+int(u.registered/150000)))
		}
		w.line(1, "- id: maslikhat-%s-list", u.Slug)
		w.line(2, "name: %s", text(u.KK+" мәслихаты, партиялық тізімдер", "Маслихат ("+u.RU+"), партийные списки", u.EN+" maslikhat, party lists"))
		w.line(2, "kind: list")
		w.line(2, "body: maslikhat-%s", u.Slug)
		if published {
			w.line(2, "rules: {preset: kz-maslikhat-2023-regional, seats: %d}  # published", seats)
		} else {
			w.line(2, "rules: {preset: kz-maslikhat-2023-regional, seats: %d}  # estimated", seats)
		}
		w.line(2, "form: election")
		w.line(2, "areas: [%s]", u.ID)
		w.line(2, "options: *parties")
	}
	w.line(0, "")
	w.electionForm()
	w.line(0, "")
	w.WriteString(wideImport)
	return []byte(w.String())
}

func kzKurultai2026(g *geography) []byte {
	ex := g.ex
	var w yamlWriter
	w.header(ex, g,
		"The election of the Kurultai, the single chamber of parliament under the Constitution adopted by the referendum of 15 March 2026: 145 seats by nationwide party lists, polling day 23 August 2026. Illustrative: the ballot is a placeholder.",
		"Қазақстан Республикасы Құрылтайының депутаттарын сайлау, 2026",
		"Выборы депутатов Курултая Республики Казахстан, 2026",
		"Election of the Kurultai of the Republic of Kazakhstan, 2026",
		"2026-08-23", // set by the President on 1 July 2026 (timesca.com/?p=51256)
		"Regions, districts and cities are real (KAZAKHSTAN.md, kz/regions.csv, kz/districts.csv and kz/SOURCES.md of the project's reference files), and so are the seats (145, one nationwide list) and the polling day, 23 August 2026 (set on 1 July 2026). The 5% threshold and the other rules of the preset are partly unconfirmed; the parties on the ballot, the precincts and their voters are illustrative or synthetic; see README.md.")
	w.line(0, "contests:")
	w.comment(1, "The illustrative ballot repeats the seven parties of 2023.")
	w.line(1, "- id: kurultai-list")
	w.line(2, "name: %s", text("Құрылтай, партиялық тізімдер", "Курултай, партийные списки", "Kurultai, party lists"))
	w.line(2, "kind: list")
	w.line(2, "body: kurultai")
	w.line(2, "rules: {preset: kz-kurultai-2026, seats: 145}")
	w.line(2, "form: election")
	w.comment(2, "The party lists are invented, of a realistic length (see the generator's partyOptionsWithLists): no Kurultai list has been published.")
	w.partyOptionsWithLists(2, "parties", 2026, 2026)
	w.line(0, "")
	w.electionForm()
	w.line(0, "")
	w.WriteString(wideImport)
	return []byte(w.String())
}

func kzReferendum2022(g *geography) []byte {
	ex := g.ex
	var w yamlWriter
	w.header(ex, g,
		"The republican referendum of 5 June 2022 on amendments to the Constitution, counted over the 17 units of polling day: 14 oblasts and the cities of Nur-Sultan, Almaty and Shymkent (Abai, Jetisu and Ulytau oblasts took effect on 8 June 2022).",
		"Республикалық референдум, 2022 жылғы 5 маусым",
		"Республиканский референдум 5 июня 2022 года",
		"Republican referendum of 5 June 2022",
		"2022-06-05",
		"The 17 units, their names on polling day and the rules are real (KAZAKHSTAN.md sections 5 and 9); the districts and cities are today's (kz/districts.csv) grouped under their 2022 units, without those created after the vote. Precincts and their voters are synthetic; see README.md.")
	w.referendumContest("Valid when more than half of the citizens on the lists take part; adopted when more than half of the participants vote yes in at least two thirds of the units (12 of 17): preset kz-referendum-constitutional, with the regions as the units.",
		"constitution", "kz-referendum-constitutional", true,
		"2022 жылғы 6 мамырда бұқаралық ақпарат құралдарында жарияланған «Қазақстан Республикасының Конституциясына өзгерістер мен толықтырулар енгізу туралы» Қазақстан Республикасы Заңының жобасында баяндалған Қазақстан Республикасының Конституциясына өзгерістер мен толықтыруларды қабылдайсыз ба?",
		"Принимаете ли Вы изменения и дополнения в Конституцию Республики Казахстан, изложенные в проекте Закона Республики Казахстан «О внесении изменений и дополнений в Конституцию Республики Казахстан», опубликованном в средствах массовой информации 6 мая 2022 года?",
		"Do you accept the amendments and additions to the Constitution of the Republic of Kazakhstan set out in the draft Law of the Republic of Kazakhstan \"On Amendments and Additions to the Constitution of the Republic of Kazakhstan\" published in the media on 6 May 2022?")
	return []byte(w.String())
}

// ---- polling day: reporting hours, time zones, precincts abroad, special precincts ----

// pollsOpen and pollsClose are the poll hours, local time, at home and at
// the missions abroad ("с 7.00 до 20.00 по местному времени", the MFA for
// 2022 and 2023; law on elections).
const pollsOpen, pollsClose = "07:00", "20:00"

// westernZones are the regions whose clocks differed from the capital's
// before 1 March 2024 (research/official/form-and-day.md section 1c: Aktobe,
// Atyrau, West Kazakhstan, Kyzylorda and Mangystau opened and closed an hour
// after Astana, on UTC+5), with Kostanay, on UTC+6 like the capital but a
// zone of its own in the IANA database. The embedded zone database carries
// the offsets of each date; examples/zones_test.go checks them.
var westernZones = map[string]string{
	"KZ-15": "Asia/Aqtobe", "KZ-23": "Asia/Atyrau", "KZ-27": "Asia/Oral",
	"KZ-43": "Asia/Qyzylorda", "KZ-47": "Asia/Aqtau", "KZ-39": "Asia/Qostanay",
}

// abroadPlan says how many precincts an example has abroad, in how many
// countries, with how many voters, and under whom they are counted.
type abroadPlan struct {
	Precincts, Countries int
	Voters               int64
	// Under is the region whose commission counted them; "" gives them a
	// unit of their own directly under the root, of kind abroad.
	Under string
}

// city is a place with a Kazakh embassy or consulate. Weight is its share
// of the voters abroad, relative to the others.
type city struct {
	KK, RU, EN, Zone string
	Weight           int
}

// country is a country with Kazakh missions: the first city is the
// embassy's, the others consulates.
type country struct {
	ISO        string
	KK, RU, EN string
	Cities     []city
}

// missions are the countries of the precincts abroad, the first
// Countries of them used by an example. The MFA's list for each vote was
// not retrieved (only the counts: 77 stations in 62 countries in 2023, 71
// in 54 in 2026, 65 in 2022): which countries and cities, and the voters
// of each, are illustrative.
var missions = []country{
	{"RU", "Ресей", "Россия", "Russia", []city{{"Мәскеу", "Москва", "Moscow", "Europe/Moscow", 10}, {"Санкт-Петербург", "Санкт-Петербург", "Saint Petersburg", "Europe/Moscow", 4}, {"Қазан", "Казань", "Kazan", "Europe/Moscow", 2}, {"Астрахан", "Астрахань", "Astrakhan", "Europe/Astrakhan", 2}, {"Омбы", "Омск", "Omsk", "Asia/Omsk", 2}, {"Новосібір", "Новосибирск", "Novosibirsk", "Asia/Novosibirsk", 2}, {"Екатеринбург", "Екатеринбург", "Yekaterinburg", "Asia/Yekaterinburg", 2}}},
	{"CN", "Қытай", "Китай", "China", []city{{"Бейжің", "Пекин", "Beijing", "Asia/Shanghai", 3}, {"Шанхай", "Шанхай", "Shanghai", "Asia/Shanghai", 2}, {"Гуанчжоу", "Гуанчжоу", "Guangzhou", "Asia/Shanghai", 1}, {"Сянган", "Сянган", "Hong Kong", "Asia/Hong_Kong", 1}, {"Үрімжі", "Урумчи", "Urumqi", "Asia/Urumqi", 2}, {"Сиань", "Сиань", "Xi'an", "Asia/Shanghai", 1}}},
	{"TR", "Түркия", "Турция", "Turkey", []city{{"Анкара", "Анкара", "Ankara", "Europe/Istanbul", 3}, {"Стамбул", "Стамбул", "Istanbul", "Europe/Istanbul", 4}}},
	{"US", "АҚШ", "США", "United States", []city{{"Вашингтон", "Вашингтон", "Washington", "America/New_York", 2}, {"Нью-Йорк", "Нью-Йорк", "New York", "America/New_York", 3}, {"Сан-Франциско", "Сан-Франциско", "San Francisco", "America/Los_Angeles", 2}}},
	{"DE", "Германия", "Германия", "Germany", []city{{"Берлин", "Берлин", "Berlin", "Europe/Berlin", 3}, {"Франкфурт-на-Майне", "Франкфурт-на-Майне", "Frankfurt am Main", "Europe/Berlin", 3}}},
	{"AE", "Біріккен Араб Әмірліктері", "Объединённые Арабские Эмираты", "United Arab Emirates", []city{{"Әбу-Даби", "Абу-Даби", "Abu Dhabi", "Asia/Dubai", 2}, {"Дубай", "Дубай", "Dubai", "Asia/Dubai", 3}}},
	{"SA", "Сауд Арабиясы", "Саудовская Аравия", "Saudi Arabia", []city{{"Эр-Рияд", "Эр-Рияд", "Riyadh", "Asia/Riyadh", 1}, {"Жидда", "Джидда", "Jeddah", "Asia/Riyadh", 1}}},
	{"UZ", "Өзбекстан", "Узбекистан", "Uzbekistan", []city{{"Ташкент", "Ташкент", "Tashkent", "Asia/Tashkent", 3}}},
	{"KG", "Қырғызстан", "Кыргызстан", "Kyrgyzstan", []city{{"Бішкек", "Бишкек", "Bishkek", "Asia/Bishkek", 3}}},
	{"GB", "Ұлыбритания", "Великобритания", "United Kingdom", []city{{"Лондон", "Лондон", "London", "Europe/London", 3}}},
	{"KR", "Корея Республикасы", "Республика Корея", "Republic of Korea", []city{{"Сеул", "Сеул", "Seoul", "Asia/Seoul", 3}}},
	{"CZ", "Чехия", "Чехия", "Czech Republic", []city{{"Прага", "Прага", "Prague", "Europe/Prague", 2}}},
	{"PL", "Польша", "Польша", "Poland", []city{{"Варшава", "Варшава", "Warsaw", "Europe/Warsaw", 2}}},
	{"FR", "Франция", "Франция", "France", []city{{"Париж", "Париж", "Paris", "Europe/Paris", 2}}},
	{"IT", "Италия", "Италия", "Italy", []city{{"Рим", "Рим", "Rome", "Europe/Rome", 2}}},
	{"ES", "Испания", "Испания", "Spain", []city{{"Мадрид", "Мадрид", "Madrid", "Europe/Madrid", 1}}},
	{"NL", "Нидерланды", "Нидерланды", "Netherlands", []city{{"Гаага", "Гаага", "The Hague", "Europe/Amsterdam", 1}}},
	{"BE", "Бельгия", "Бельгия", "Belgium", []city{{"Брюссель", "Брюссель", "Brussels", "Europe/Brussels", 1}}},
	{"AT", "Австрия", "Австрия", "Austria", []city{{"Вена", "Вена", "Vienna", "Europe/Vienna", 1}}},
	{"CH", "Швейцария", "Швейцария", "Switzerland", []city{{"Берн", "Берн", "Bern", "Europe/Zurich", 1}}},
	{"BY", "Беларусь", "Беларусь", "Belarus", []city{{"Минск", "Минск", "Minsk", "Europe/Minsk", 2}}},
	{"UA", "Украина", "Украина", "Ukraine", []city{{"Киев", "Киев", "Kyiv", "Europe/Kyiv", 1}}},
	{"AZ", "Әзербайжан", "Азербайджан", "Azerbaijan", []city{{"Баку", "Баку", "Baku", "Asia/Baku", 1}}},
	{"GE", "Грузия", "Грузия", "Georgia", []city{{"Тбилиси", "Тбилиси", "Tbilisi", "Asia/Tbilisi", 2}}},
	{"AM", "Армения", "Армения", "Armenia", []city{{"Ереван", "Ереван", "Yerevan", "Asia/Yerevan", 1}}},
	{"TJ", "Тәжікстан", "Таджикистан", "Tajikistan", []city{{"Душанбе", "Душанбе", "Dushanbe", "Asia/Dushanbe", 1}}},
	{"TM", "Түрікменстан", "Туркменистан", "Turkmenistan", []city{{"Ашхабад", "Ашхабад", "Ashgabat", "Asia/Ashgabat", 1}}},
	{"MN", "Моңғолия", "Монголия", "Mongolia", []city{{"Ұлан-Батыр", "Улан-Батор", "Ulaanbaatar", "Asia/Ulaanbaatar", 1}}},
	{"JP", "Жапония", "Япония", "Japan", []city{{"Токио", "Токио", "Tokyo", "Asia/Tokyo", 2}}},
	{"IN", "Үндістан", "Индия", "India", []city{{"Нью-Дели", "Нью-Дели", "New Delhi", "Asia/Kolkata", 1}}},
	{"PK", "Пәкістан", "Пакистан", "Pakistan", []city{{"Исламабад", "Исламабад", "Islamabad", "Asia/Karachi", 1}}},
	{"IR", "Иран", "Иран", "Iran", []city{{"Тегеран", "Тегеран", "Tehran", "Asia/Tehran", 1}}},
	{"QA", "Катар", "Катар", "Qatar", []city{{"Доха", "Доха", "Doha", "Asia/Qatar", 1}}},
	{"KW", "Кувейт", "Кувейт", "Kuwait", []city{{"Кувейт", "Эль-Кувейт", "Kuwait City", "Asia/Kuwait", 1}}},
	{"EG", "Египет", "Египет", "Egypt", []city{{"Каир", "Каир", "Cairo", "Africa/Cairo", 1}}},
	{"IL", "Израиль", "Израиль", "Israel", []city{{"Тель-Авив", "Тель-Авив", "Tel Aviv", "Asia/Jerusalem", 1}}},
	{"JO", "Иордания", "Иордания", "Jordan", []city{{"Амман", "Амман", "Amman", "Asia/Amman", 1}}},
	{"MY", "Малайзия", "Малайзия", "Malaysia", []city{{"Куала-Лумпур", "Куала-Лумпур", "Kuala Lumpur", "Asia/Kuala_Lumpur", 1}}},
	{"SG", "Сингапур", "Сингапур", "Singapore", []city{{"Сингапур", "Сингапур", "Singapore", "Asia/Singapore", 1}}},
	{"ID", "Индонезия", "Индонезия", "Indonesia", []city{{"Джакарта", "Джакарта", "Jakarta", "Asia/Jakarta", 1}}},
	{"TH", "Таиланд", "Таиланд", "Thailand", []city{{"Бангкок", "Бангкок", "Bangkok", "Asia/Bangkok", 1}}},
	{"VN", "Вьетнам", "Вьетнам", "Vietnam", []city{{"Ханой", "Ханой", "Hanoi", "Asia/Ho_Chi_Minh", 1}}},
	{"CA", "Канада", "Канада", "Canada", []city{{"Оттава", "Оттава", "Ottawa", "America/Toronto", 1}}},
	{"HU", "Венгрия", "Венгрия", "Hungary", []city{{"Будапешт", "Будапешт", "Budapest", "Europe/Budapest", 1}}},
	{"RO", "Румыния", "Румыния", "Romania", []city{{"Бухарест", "Бухарест", "Bucharest", "Europe/Bucharest", 1}}},
	{"BG", "Болгария", "Болгария", "Bulgaria", []city{{"София", "София", "Sofia", "Europe/Sofia", 1}}},
	{"GR", "Грекия", "Греция", "Greece", []city{{"Афины", "Афины", "Athens", "Europe/Athens", 1}}},
	{"LV", "Латвия", "Латвия", "Latvia", []city{{"Рига", "Рига", "Riga", "Europe/Riga", 1}}},
	{"LT", "Литва", "Литва", "Lithuania", []city{{"Вильнюс", "Вильнюс", "Vilnius", "Europe/Vilnius", 1}}},
	{"EE", "Эстония", "Эстония", "Estonia", []city{{"Таллин", "Таллин", "Tallinn", "Europe/Tallinn", 1}}},
	{"SE", "Швеция", "Швеция", "Sweden", []city{{"Стокгольм", "Стокгольм", "Stockholm", "Europe/Stockholm", 1}}},
	{"FI", "Финляндия", "Финляндия", "Finland", []city{{"Хельсинки", "Хельсинки", "Helsinki", "Europe/Helsinki", 1}}},
	{"RS", "Сербия", "Сербия", "Serbia", []city{{"Белград", "Белград", "Belgrade", "Europe/Belgrade", 1}}},
	{"MD", "Молдова", "Молдова", "Moldova", []city{{"Кишинев", "Кишинёв", "Chisinau", "Europe/Chisinau", 1}}},
	{"AU", "Австралия", "Австралия", "Australia", []city{{"Канберра", "Канберра", "Canberra", "Australia/Sydney", 1}}},
	{"BR", "Бразилия", "Бразилия", "Brazil", []city{{"Бразилиа", "Бразилиа", "Brasilia", "America/Sao_Paulo", 1}}},
	{"ZA", "Оңтүстік Африка Республикасы", "Южно-Африканская Республика", "South Africa", []city{{"Претория", "Претория", "Pretoria", "Africa/Johannesburg", 1}}},
	{"MA", "Марокко", "Марокко", "Morocco", []city{{"Рабат", "Рабат", "Rabat", "Africa/Casablanca", 1}}},
	{"OM", "Оман", "Оман", "Oman", []city{{"Маскат", "Маскат", "Muscat", "Asia/Muscat", 1}}},
	{"HR", "Хорватия", "Хорватия", "Croatia", []city{{"Загреб", "Загреб", "Zagreb", "Europe/Zagreb", 1}}},
	{"SK", "Словакия", "Словакия", "Slovakia", []city{{"Братислава", "Братислава", "Bratislava", "Europe/Bratislava", 1}}},
	{"MX", "Мексика", "Мексика", "Mexico", []city{{"Мехико", "Мехико", "Mexico City", "America/Mexico_City", 1}}},
	{"ET", "Эфиопия", "Эфиопия", "Ethiopia", []city{{"Аддис-Абеба", "Аддис-Абеба", "Addis Ababa", "Africa/Addis_Ababa", 1}}},
}

// consulates is the order in which the first countries' further cities
// get a precinct once every country has one: the biggest communities
// first.
var consulates = []string{
	"Saint Petersburg", "Istanbul", "New York", "Dubai", "Shanghai", "Frankfurt am Main", "Kazan", "Urumqi",
	"Omsk", "San Francisco", "Jeddah", "Guangzhou", "Hong Kong", "Astrakhan", "Novosibirsk", "Yekaterinburg", "Xi'an",
}

// abroadPrecinct is a precinct at a mission abroad.
type abroadPrecinct struct {
	country *country
	city    city
}

// abroadPrecincts chooses the missions of an example's precincts abroad:
// the embassy of each of the first Countries countries, then consulates
// in the order of consulates.
func abroadPrecincts(p abroadPlan) []abroadPrecinct {
	if p.Countries > len(missions) || p.Precincts < p.Countries {
		log.Fatalf("abroad: %d precincts in %d countries cannot be placed (%d countries known)", p.Precincts, p.Countries, len(missions))
	}
	var out []abroadPrecinct
	for i := range p.Countries {
		out = append(out, abroadPrecinct{&missions[i], missions[i].Cities[0]})
	}
	for _, name := range consulates {
		if len(out) == p.Precincts {
			break
		}
		for i := range p.Countries {
			for _, c := range missions[i].Cities[1:] {
				if c.EN == name {
					out = append(out, abroadPrecinct{&missions[i], c})
				}
			}
		}
	}
	if len(out) != p.Precincts {
		log.Fatalf("abroad: only %d of %d precincts could be placed", len(out), p.Precincts)
	}
	// Keep each country's precincts together, embassy first.
	slices.SortStableFunc(out, func(a, b abroadPrecinct) int {
		return cmp.Compare(slices.IndexFunc(missions, func(c country) bool { return c.ISO == a.country.ISO }),
			slices.IndexFunc(missions, func(c country) bool { return c.ISO == b.country.ISO }))
	})
	return out
}

// addAbroad adds the precincts abroad: in a unit of their own with a
// district per country, or, when the plan names a region, in one district
// of that region (2022: the 65 precincts abroad were on the lists of the
// capital's commission). Their voters are shared by the cities' weights.
func (g *geography) addAbroad() {
	p := g.ex.Abroad
	if p.Precincts == 0 {
		return
	}
	places := abroadPrecincts(p)
	var weights []float64
	var sum float64
	for _, a := range places {
		sum += float64(a.city.Weight)
	}
	for _, a := range places {
		weights = append(weights, float64(a.city.Weight)/sum*float64(p.Voters))
	}
	voters := largestRemainder(weights, int(p.Voters))
	if p.Under != "" {
		u := g.unit(p.Under)
		d := &district{ID: u.ID + "-AB", Unit: u, Ref: refDistrict{
			KK: "Шетелдегі сайлау учаскелері", RU: "Избирательные участки за рубежом", EN: "Precincts abroad"}}
		g.districts = append(g.districts, d)
		number := 0
		for _, q := range g.precincts {
			if strings.HasPrefix(q.ID, u.ID+"-") {
				number = max(number, int(atoi(q.Number)))
			}
		}
		for i, a := range places {
			number++
			g.precincts = append(g.precincts, precinct{
				ID: fmt.Sprintf("%s-%04d", d.ID, number), Parent: d.ID, Number: strconv.Itoa(number),
				registered: int64(voters[i]), zone: a.city.Zone,
				KK: a.city.KK + ", " + a.country.KK, RU: a.city.RU + ", " + a.country.RU, EN: a.city.EN + ", " + a.country.EN,
			})
		}
		return
	}
	for i, a := range places {
		d := "KZ-AB-" + a.country.ISO
		if i == 0 || places[i-1].country != a.country {
			g.districts = append(g.districts, &district{ID: d, Unit: g.abroadUnit(), Ref: refDistrict{KK: a.country.KK, RU: a.country.RU, EN: a.country.EN}})
		}
		g.precincts = append(g.precincts, precinct{
			ID: fmt.Sprintf("%s-%04d", d, i+1), Parent: d, Number: strconv.Itoa(i + 1),
			registered: int64(voters[i]), zone: a.city.Zone, KK: a.city.KK, RU: a.city.RU, EN: a.city.EN,
		})
	}
}

// abroadID is the unit of the precincts abroad when they have their own.
const abroadID = "KZ-AB"

func (g *geography) abroadUnit() *unit {
	return &unit{ID: abroadID}
}

// special is a precinct at a hospital or a military unit that closes
// early (law on elections: such precincts may end voting once all on
// their lists have voted). Which precincts, their names, voters and hours
// are illustrative.
type special struct {
	Region, District string // a region's Key and a district's EN name
	KK, RU, EN       string
	Closes           string
	Voters           int64
}

var specials = []special{
	{"Almaty", "Almaly District", "№ 4 қалалық клиникалық аурухана", "Городская клиническая больница № 4", "City Clinical Hospital No. 4", "14:00", 260},
	{"Astana", "Esil District", "№ 2 көпбейінді аурухана", "Многопрофильная больница № 2", "Multidisciplinary Hospital No. 2", "16:00", 310},
	{"Aktobe Region", "Aktobe", "№ 5571 әскери бөлім", "Войсковая часть № 5571", "Military unit No. 5571", "14:00", 640},
	{"East Kazakhstan Region", "Oskemen (Ust-Kamenogorsk)", "Облыстық онкологиялық диспансер", "Областной онкологический диспансер", "Regional Oncology Centre", "16:00", 220},
}

// markSpecials makes the last precinct of each special's district a
// special precinct with its own name, hours and voters; the voters it no
// longer has go to the district's other precincts, so that the district's
// total and every id stay as they were.
func (g *geography) markSpecials() {
	for _, s := range specials {
		var d *district
		for _, x := range g.districts {
			if x.Ref.Region == s.Region && x.Ref.EN == s.District {
				d = x
			}
		}
		if d == nil {
			log.Fatalf("special precinct: no district %s in %s", s.District, s.Region)
		}
		var mine []int
		for i, p := range g.precincts {
			if p.Parent == d.ID {
				mine = append(mine, i)
			}
		}
		last := mine[len(mine)-1]
		rest := mine[:len(mine)-1]
		spare := g.precincts[last].registered - s.Voters
		if len(rest) == 0 || spare < 0 {
			log.Fatalf("special precinct in %s: cannot move %d voters", d.ID, spare)
		}
		p := &g.precincts[last]
		p.registered, p.closes, p.kind = s.Voters, s.Closes, "special"
		p.KK, p.RU, p.EN = s.KK, s.RU, s.EN
		for k, i := range rest {
			add := spare / int64(len(rest))
			if int64(k) < spare%int64(len(rest)) {
				add++
			}
			g.precincts[i].registered += add
			if g.precincts[i].registered > 3000 {
				log.Fatalf("special precinct in %s: precinct %s would have %d voters", d.ID, g.precincts[i].ID, g.precincts[i].registered)
			}
		}
	}
}

// pollingDay writes the election's reporting hours and the root's poll
// hours, the keys that follow `areas_file` in the header.
func (w *yamlWriter) pollingDay(ex example) {
	w.comment(0, ex.HoursNote)
	hours := make([]string, 0, len(ex.Hours)+1)
	for _, h := range ex.Hours {
		hours = append(hours, strconv.Quote(h))
	}
	w.line(0, "turnout_hours: [%s, close]", strings.Join(hours, ", "))
}

// takeAbroadVoters takes the voters abroad off the precincts at home of
// the units whose voters are estimated, in proportion to their size: the
// national total includes them, and the geography at home is drawn as if
// it held them all, so that the precincts' ids stay those of the examples
// before the precincts abroad were added. The published totals of regions
// stay exact.
func (g *geography) takeAbroadVoters() {
	take := g.ex.Abroad.Voters
	if take == 0 {
		return
	}
	estimated := map[string]bool{}
	for _, d := range g.districts {
		estimated[d.ID] = d.Unit.estimated
	}
	var idx []int
	var shares []float64
	var sum int64
	for i, p := range g.precincts {
		if estimated[p.Parent] {
			idx = append(idx, i)
			sum += p.registered
		}
	}
	for _, i := range idx {
		shares = append(shares, float64(g.precincts[i].registered)/float64(sum)*float64(take))
	}
	for k, n := range largestRemainder(shares, int(take)) {
		g.precincts[idx[k]].registered -= int64(n)
	}
}

// Invented party lists. No real list of a Kurultai election exists yet, so
// each party of the illustrative ballot gets a list of a realistic length
// (a list may exceed the 145 seats by at most 30%, KAZAKHSTAN.md section 2;
// small parties field shorter ones), made of common Kazakh names drawn from
// a fixed seed. Every list meets the list quota of the kz-kurultai-2026
// preset: women, young people and people with disabilities together at
// least 30% of it. The lists are marked list_invented, and the site says so.

// listLengths are the invented lists' lengths, by party.
var listLengths = map[string]int{"amanat": 170, "auyl": 60, "respublica": 75, "ak-zhol": 90, "qhp": 65, "osdp": 45, "baytaq": 35}

// partyOptionsWithLists is partyOptions with an invented list for each
// party, for an election in year.
func (w *yamlWriter) partyOptionsWithLists(indent int, anchor string, year int, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 16))
	w.line(indent, "options: &%s", anchor)
	for _, p := range parties2023 {
		w.line(indent+1, "- id: %s", p.ID)
		w.line(indent+2, "name: %s", text(p.KK, p.RU, p.EN))
		w.line(indent+2, "short: %s", text(p.ShortKK, p.ShortRU, p.ShortEN))
		w.line(indent+2, "color: %q", p.Color)
		w.line(indent+2, "list_invented: true")
		w.line(indent+2, "candidates:")
		for i := range listLengths[p.ID] {
			// One in three a woman, and one in ten more at random; one in
			// eight young (at most 29 in the year of the election).
			female := i%3 == 1 || rng.IntN(10) == 0
			age := 30 + rng.IntN(36)
			if rng.IntN(8) == 0 {
				age = 25 + rng.IntN(5)
			}
			first := maleNames[rng.IntN(len(maleNames))]
			if female {
				first = femaleNames[rng.IntN(len(femaleNames))]
			}
			sur := surnames[rng.IntN(len(surnames))]
			gender := "male"
			if female {
				gender = "female"
				if strings.HasSuffix(sur.RU, "ов") || strings.HasSuffix(sur.RU, "ев") || strings.HasSuffix(sur.RU, "ин") {
					sur = name{sur.KK + "а", sur.RU + "а", sur.EN + "a"}
				}
			}
			// Surname first in Kazakh and Russian, as on the ballots.
			w.line(indent+3, "- {name: %s, gender: %s, birth_year: %d}",
				text(sur.KK+" "+first.KK, sur.RU+" "+first.RU, first.EN+" "+sur.EN), gender, year-age)
		}
	}
}

// ---- replays: the official figures and the estimated regional split ----

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// fig is a figure with its status (official, derived or estimated) and
// its source.
type fig struct {
	v              int64
	status, source string
}

func official(v int64, source string) fig { return fig{v, "official", source} }
func derived(v int64, source string) fig  { return fig{v, "derived", source} }

// total is a row of an example's totals.csv.
type total struct {
	contest, area, line string
	fig
}

// replayContest is what is known of one contest of a replay: the national
// figures, the published figures of some units, and the published day's
// turnout and shares that shape the estimate of the others.
type replayContest struct {
	Contest string
	// Lines are the lines the ballots found in the boxes divide into.
	Lines []string
	// National holds registered, took_part and every line.
	National map[string]fig
	// Regional holds the units' published figures, by unit id and line;
	// a unit may have some lines only.
	Regional map[string]map[string]fig
	// Turnout is the published turnout of a unit on polling day, in
	// percent: the weights of the estimated units' voters.
	Turnout map[string]float64
	// Hints are published shares of the voters who took part, in percent,
	// that shape a unit's estimated lines.
	Hints map[string]map[string]float64
	// Estimate says how the estimated figures were made.
	Estimate string
}

// unitRegistered returns the voters on the lists of each unit, the
// precincts abroad under their own unit included, by unit id, and the
// units in order.
func (g *geography) unitRegistered() (map[string]int64, []string) {
	unitOf := map[string]string{}
	for _, d := range g.districts {
		unitOf[d.ID] = d.Unit.ID
	}
	reg := map[string]int64{}
	var order []string
	for _, u := range g.units {
		order = append(order, u.ID)
	}
	for _, p := range g.precincts {
		u := unitOf[p.Parent]
		if _, ok := reg[u]; !ok && !slices.Contains(order, u) {
			order = append(order, u)
		}
		reg[u] += p.registered
	}
	return reg, order
}

// replayTotals estimates the units' figures that were not published so
// that, with the published ones, every line sums exactly to the national
// figure: took_part is apportioned among the units without a published
// figure by their voters times their published turnout of the day
// (largest remainder, integers), then the lines by demo.FillTable, shaped
// by the national shares and the published hints.
func (g *geography) replayTotals(rc replayContest) ([]total, map[string]map[string]int64) {
	reg, units := g.unitRegistered()
	var out []total
	for _, l := range append([]string{"registered", "took_part"}, rc.Lines...) {
		f, ok := rc.National[l]
		if !ok {
			log.Fatalf("%s %s: no national %s", g.ex.ID, rc.Contest, l)
		}
		out = append(out, total{rc.Contest, "KZ", l, f})
	}
	var regSum int64
	for _, u := range units {
		regSum += reg[u]
	}
	if regSum != rc.National["registered"].v {
		log.Fatalf("%s: the precincts have %d voters, the national figure is %d", g.ex.ID, regSum, rc.National["registered"].v)
	}
	got := map[string]map[string]int64{}
	for _, u := range units {
		got[u] = map[string]int64{"registered": reg[u]}
	}
	// took_part.
	rest := rc.National["took_part"].v
	var free []string
	var weights []int64
	for _, u := range units {
		if f, ok := rc.Regional[u]["took_part"]; ok {
			got[u]["took_part"] = f.v
			rest -= f.v
			continue
		}
		t, ok := rc.Turnout[u]
		if !ok {
			t = 100 * float64(rc.National["took_part"].v) / float64(rc.National["registered"].v)
		}
		free = append(free, u)
		weights = append(weights, reg[u]*int64(math.Round(t*100)))
	}
	shares, err := demo.Apportion(rest, weights)
	if err != nil {
		log.Fatal(err)
	}
	for i, u := range free {
		got[u]["took_part"] = shares[i]
		if shares[i] > reg[u] {
			log.Fatalf("%s %s: unit %s: %d took part of %d", g.ex.ID, rc.Contest, u, shares[i], reg[u])
		}
	}
	// The lines.
	rows := make([]int64, len(units))
	cols := make([]int64, len(rc.Lines))
	for j, l := range rc.Lines {
		cols[j] = rc.National[l].v
	}
	shape := make([][]float64, len(units))
	tp := float64(rc.National["took_part"].v)
	for i, u := range units {
		rows[i] = got[u]["took_part"]
		shape[i] = make([]float64, len(rc.Lines))
		for j, l := range rc.Lines {
			if f, ok := rc.Regional[u][l]; ok {
				rows[i] -= f.v
				cols[j] -= f.v
				continue
			}
			share := float64(rc.National[l].v) / tp * 100
			if h, ok := rc.Hints[u][l]; ok {
				share = h
			}
			shape[i][j] = share
		}
		if rows[i] < 0 {
			log.Fatalf("%s %s: unit %s: its published lines exceed its voters", g.ex.ID, rc.Contest, u)
		}
	}
	table, err := demo.FillTable(rows, cols, shape)
	if err != nil {
		log.Fatalf("%s %s: %v", g.ex.ID, rc.Contest, err)
	}
	for i, u := range units {
		for j, l := range rc.Lines {
			if f, ok := rc.Regional[u][l]; ok {
				got[u][l] = f.v
			} else {
				got[u][l] = table[i][j]
			}
		}
	}
	for _, u := range units {
		for _, l := range append([]string{"registered", "took_part"}, rc.Lines...) {
			f := fig{got[u][l], "estimated", rc.Estimate}
			if p, ok := rc.Regional[u][l]; ok {
				f = p
			} else if l == "registered" {
				if p, ok := g.ex.Registered[u]; ok {
					f = p
				} else {
					f.source = "Estimated: the unit's precincts in areas.csv (see README.md)."
				}
			}
			out = append(out, total{rc.Contest, u, l, f})
		}
	}
	return out, got
}

// totalsCSV writes an example's totals.csv.
func totalsCSV(ts []total) []byte {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write([]string{"contest", "area", "line", "value", "status", "source"})
	for _, t := range ts {
		w.Write([]string{t.contest, t.area, t.line, strconv.FormatInt(t.v, 10), t.status, t.source})
	}
	w.Flush()
	return []byte(b.String())
}

// The sources of the official figures (research: docs/sources/kz-official).
const (
	srcRef2022      = "CRC final message, Kazakhstanskaya Pravda, quoted by zakon.kz: http://www.zakon.kz/sobytiia/6016530-izmeneniia-v-konstitutsiiu-kazakhstana-vstupili-v-silu.html"
	srcRef2022Both  = "CRC preliminary message of 6 June 2022 and https://en.wikipedia.org/wiki/2022_Kazakh_constitutional_referendum (not in the excerpt of the final message)"
	srcRef2022Prel  = "CRC preliminary data, 6 June 2022, via https://informburo.kz/novosti/k-kakom-regione-kazahstana-bolshe-vsego-progolosovavshih-protiv-popravok-v-konstituciyu"
	srcPres2022     = "CEC final results, 22 Nov 2022 (chairman quoted): https://www.inform.kz/en/cec-announces-final-results-of-nov-20-presidential-election_a4004726"
	srcPres2022More = "CEC chairman quoted: https://arbatmedia.kz/amp/news-kz/460-484-celoveka-na-prezidentskix-vyborax-v-kazaxstane-progolosovali-protiv-vsex-5071 ; https://astanatimes.com/2022/11/preliminary-results-of-presidential-election-incumbent-tokayev-wins-81-31-of-votes/"
	srcPres2022Abr  = "Voters abroad (registered and voted), final: astanatimes.com 2022/11 (research kz-president-2022.md section 3)"
	srcMaz2023      = "CEC final results (chairman quoted): https://kazpravda.kz/n/itogi-vyborov-v-mazhilis-podveli-v-tsik"
	srcMaz2023Reg   = "CEC-quoted: https://vlast.kz/novosti/54446-cik-raspredelil-deputatskie-mandaty-mezdu-partiami.html"
	srcMaz2023TP    = "CEC preliminary count of voters who received ballots, 19 Mar 2023 (deputy chairman K. Petrov via Interfax): https://dzen.ru/a/ZBc5Gwb85DbBi44U (the final count behind 54.21% was not found)"
	srcMaz2023Abr   = "MFA: 12,132 voters abroad, 8,800 voted (informburo.kz; ru24.net/mix/344874352)"
	srcAstana2023   = "Astana territorial commission, chairman quoted: https://bes.media/news/amanat-pervye-s-68-ak-zhol-vtorye-s-16-–-vybory-v-maslihat-astany-956"
	srcAlmaty2023   = "Almaty city territorial commission, member quoted: https://nur-news.net/politika/item/160653-rezultaty-vyborov-v-maslihat-almaty"
	srcKaraganda23  = "Karaganda regional territorial commission via Kazinform: https://world-news247.net/regiony/item/1057727-obyavleny-itogi-vyborov-deputatov-maslihata-karagandinskoy-oblasti"
	srcKostanay2023 = "Kostanay regional territorial commission's official message: https://kostanaytany.kz/sajlaw-qorytyndylary-twraly/"
	srcNKO2023      = "North Kazakhstan regional territorial commission: https://el.kz./ru/v-sko-podveli-itogi-vyborov-deputatov-oblastnogo-maslihata_69061"
	srcRef2024      = "CRC final results: https://check-point.kz/publication?id=2398"
	srcRef2024No    = "CRC preliminary results (confirmed as final): https://zakon.kz/obshestvo/6451390-nazvany-predvaritelnye-itogi-referenduma-po-stroitelstvu-aes.html"
	srcRef2024Both  = "CRC preliminary results via Azattyq: https://azattyq.org/amp/33148869.html (zakon.kz's 82,722 is 7 short of took part: a typo)"
	srcRef2024Abr   = "Voters abroad (registered and voted): https://astanatimes.com/2024/10/overseas-voting-in-nuclear-power-plant-referendum-completes/"
	srcRef2026      = "CRC final results (chairman Abdirov): https://exclusive.kz/rezultaty-referenduma-ozvuchili-v-kazahstane"
	srcRef2026No    = "CRC preliminary results (the final count did not differ): https://almatanews.kz/199638-predvaritelnye-rezultaty-golosovanija-po-novoj-konstitucii-ozvucheny.html"
	srcRef2026Both  = "Same source, which labels the line 'ballots of unofficial form'; taken as both answers marked (Mangystau's report has that line and no other): label unconfirmed"
	srcMangystau26  = "CEC data (preliminary) reported by infohub.kz: https://infohub.kz/kz/article/skolko-jitelei-mangistau-progolosovali-protiv-popravok-v-konstitusiiu-na-referendume.html"
)

var refLines = []string{"yes", "no", "both_marked", "invalid"}

// estimateNote says how a replay's unpublished unit figures are estimated.
const estimateNote = "Estimated, not published: see README.md, How the figures not published are estimated."

func refNational(reg, tp, yes, no, both, inv fig) map[string]fig {
	return map[string]fig{"registered": reg, "took_part": tp, "yes": yes, "no": no, "both_marked": both, "invalid": inv}
}

func replayRef2022(g *geography) []total {
	ts, _ := g.replayTotals(replayContest{
		Contest: "constitution", Lines: refLines, Estimate: estimateNote,
		National: refNational(official(11734642, srcRef2022), official(7985769, srcRef2022), official(6163516, srcRef2022),
			official(1490470, srcRef2022), official(125859, srcRef2022Both), official(205924, srcRef2022)),
		Regional: map[string]map[string]fig{
			// Almaty city's preliminary line: took part as published, the
			// lines from its published percentages (65.22, 27.41, 2.77, 4.6).
			"KZ-75": {"took_part": official(373057, srcRef2022Prel+" (preliminary)"),
				"yes":         derived(243308, "65.22% of the preliminary took part, "+srcRef2022Prel),
				"no":          derived(102255, "27.41% of the preliminary took part, "+srcRef2022Prel),
				"both_marked": derived(10334, "2.77% of the preliminary took part, "+srcRef2022Prel),
				"invalid":     derived(17160, "the rest of the preliminary took part (4.60%), "+srcRef2022Prel)},
		},
		// The CRC's figures at 22:00 (Turkistan: its final 80.31%).
		Turnout: map[string]float64{"KZ-11": 73.81, "KZ-15": 58.06, "KZ-19": 72.83, "KZ-23": 67.68, "KZ-27": 69.37, "KZ-31": 69.59,
			"KZ-35": 77.39, "KZ-39": 72.28, "KZ-43": 79.89, "KZ-47": 61.19, "KZ-55": 75.53, "KZ-59": 75.49, "KZ-61": 80.31,
			"KZ-63": 77.49, "KZ-71": 57.06, "KZ-79": 72.53},
		// Published preliminary shares (rossaprimavera.ru, informburo.kz).
		Hints: map[string]map[string]float64{
			"KZ-47": {"yes": 71.00, "no": 26.39}, "KZ-15": {"yes": 71.47, "no": 24.71}, "KZ-27": {"yes": 73.27, "no": 24.16},
			"KZ-23": {"yes": 73.14, "no": 23.29}, "KZ-39": {"no": 20.87},
		},
	})
	return ts
}

func replayPres2022(g *geography) []total {
	lines := []string{"option:abden", "option:auesbayev", "option:dairabayev", "option:kazhyken", "option:tokayev", "option:tursynbekova", "against_all", "invalid"}
	ts, _ := g.replayTotals(replayContest{
		Contest: "president", Lines: lines, Estimate: estimateNote,
		National: map[string]fig{
			"registered": official(11953465, srcPres2022More), "took_part": official(8300046, srcPres2022),
			"option:tokayev": official(6456393, srcPres2022), "option:dairabayev": official(271641, srcPres2022More),
			"option:abden": official(206206, srcPres2022More), "option:kazhyken": official(200907, srcPres2022More),
			"option:auesbayev": official(176116, srcPres2022More), "option:tursynbekova": official(168731, srcPres2022More),
			"against_all": official(460484, srcPres2022More),
			"invalid":     derived(359568, "Took part minus the votes for candidates and against all (8,300,046 - 7,940,478): the CEC did not publish its invalid ballots, so every ballot not counted for a candidate or against all is put on this line"),
		},
		Regional: map[string]map[string]fig{"KZ-AB": {"took_part": official(11360, srcPres2022Abr)}},
		// The CEC's figures at 22:00.
		Turnout: map[string]float64{"KZ-10": 80.18, "KZ-11": 78.87, "KZ-15": 72.81, "KZ-19": 72.10, "KZ-23": 70.87, "KZ-27": 68.67,
			"KZ-31": 79.57, "KZ-33": 81.42, "KZ-35": 78.39, "KZ-39": 79.28, "KZ-43": 81.07, "KZ-47": 66.99, "KZ-55": 77.58,
			"KZ-59": 79.01, "KZ-61": 80.37, "KZ-62": 75.48, "KZ-63": 79.49, "KZ-71": 48.60, "KZ-75": 28.72, "KZ-79": 59.79},
	})
	return ts
}

func replayRef2024(g *geography) []total {
	tk := "CRC preliminary figures for Turkistan Region via Azattyq: https://azattyq.org/amp/33148869.html"
	ts, _ := g.replayTotals(replayContest{
		Contest: "nuclear-power-plant", Lines: refLines, Estimate: estimateNote,
		National: refNational(official(12284487, srcRef2024), official(7820204, srcRef2024), official(5561937, srcRef2024),
			official(2045271, srcRef2024No), official(82729, srcRef2024Both), official(130267, srcRef2024No)),
		Regional: map[string]map[string]fig{
			"KZ-61": {"took_part": official(888415, tk), "yes": official(693766, tk), "no": official(178148, tk)},
			"KZ-AB": {"took_part": official(9976, srcRef2024Abr)},
		},
		// The CRC's figures at 20:00; Kyzylorda's and Almaty's after the
		// count (the highest and the lowest, Azattyq).
		Turnout: map[string]float64{"KZ-10": 69.57, "KZ-11": 71.63, "KZ-15": 75.15, "KZ-19": 68.71, "KZ-23": 63.28, "KZ-27": 67.03,
			"KZ-31": 61.28, "KZ-33": 68.01, "KZ-35": 72.12, "KZ-39": 73.45, "KZ-43": 82.23, "KZ-47": 54.03, "KZ-55": 65.09,
			"KZ-59": 66.31, "KZ-62": 70.69, "KZ-63": 73.79, "KZ-71": 50.81, "KZ-75": 25.21, "KZ-79": 70.57},
		// The highest yes (Kostanay) and the highest no (Almaty city),
		// Azattyq; Ulytau had the most yes in bes.media's shares.
		Hints: map[string]map[string]float64{"KZ-39": {"yes": 82.18}, "KZ-75": {"no": 39.24, "yes": 57}, "KZ-62": {"yes": 82}},
	})
	return ts
}

func replayRef2026(g *geography) []total {
	ts, _ := g.replayTotals(replayContest{
		Contest: "constitution", Lines: refLines, Estimate: estimateNote,
		National: refNational(official(12482613, srcRef2026), official(9127192, srcRef2026), official(7954667, srcRef2026),
			official(898099, srcRef2026No), fig{127868, "official", srcRef2026Both}, official(146558, srcRef2026No)),
		Regional: map[string]map[string]fig{
			"KZ-47": {"took_part": official(345554, srcMangystau26), "yes": official(322732, srcMangystau26), "no": official(9303, srcMangystau26),
				"both_marked": official(5675, srcMangystau26), "invalid": official(7844, srcMangystau26)},
		},
		// The CRC's figures at 20:00 (North Kazakhstan and Ulytau: 18:00,
		// their 20:00 figures were not in the excerpt).
		Turnout: map[string]float64{"KZ-10": 75.45, "KZ-11": 79.82, "KZ-15": 87.05, "KZ-19": 71.46, "KZ-23": 74.04, "KZ-27": 68.94,
			"KZ-31": 85.06, "KZ-33": 78.49, "KZ-35": 84.30, "KZ-39": 81.21, "KZ-43": 93.04, "KZ-55": 75.51,
			"KZ-59": 68.58, "KZ-61": 84.03, "KZ-62": 70.57, "KZ-63": 86.42, "KZ-71": 60.36, "KZ-75": 33.43, "KZ-79": 75.82},
	})
	return ts
}

// maslikhatLists2023 are the published list results of regional
// maslikhats of 2023: votes by party (0 where the party was not on the
// list), against all (-1 where not published) and took part (-1 where not
// published), with the source.
var maslikhatLists2023 = map[string]struct {
	votes      map[string]int64
	againstAll int64
	tookPart   int64
	source     string
}{
	"KZ-71": {map[string]int64{"amanat": 227307, "auyl": 2147, "respublica": 5401, "ak-zhol": 56045, "qhp": 18174, "osdp": 0, "baytaq": 18154}, 3269, 332694, srcAstana2023},
	"KZ-75": {map[string]int64{"amanat": 151531, "auyl": 8264, "respublica": 38369, "ak-zhol": 15273, "qhp": 38563, "osdp": 0, "baytaq": 23266}, 16490, 302270, srcAlmaty2023},
	"KZ-35": {map[string]int64{"amanat": 231843, "auyl": 57998, "respublica": 27292, "ak-zhol": 48323, "qhp": 46790, "osdp": 0, "baytaq": 27590}, 8905, 452538, srcKaraganda23},
	"KZ-39": {map[string]int64{"amanat": 195232, "auyl": 44220, "respublica": 22115, "ak-zhol": 66220, "qhp": 22325}, -1, -1, srcKostanay2023},
}

func replay2023(g *geography) []total {
	var lines []string
	for _, p := range parties2023 {
		lines = append(lines, "option:"+p.ID)
	}
	lines = append(lines, "against_all", "invalid")
	national := map[string]fig{
		"registered": official(12035578, srcMaz2023Reg), "took_part": official(6521860, srcMaz2023TP),
		"against_all": official(248291, srcMaz2023),
		"invalid":     derived(155419, "Took part (preliminary) minus the votes for parties and against all (6,366,441, vlast.kz): the CEC's invalid ballots were not found, so every ballot not counted for a party or against all is put on this line"),
	}
	for i, v := range []int64{3431510, 693938, 547154, 535139, 432920, 331058, 146431} {
		national["option:"+parties2023[i].ID] = official(v, srcMaz2023)
	}
	fromMaslikhat := "Estimated: the took part of the region's maslikhat election as its territorial commission published it, "
	regional := map[string]map[string]fig{
		"KZ-AB": {"took_part": official(8800, srcMaz2023Abr)},
		"KZ-59": {"took_part": fig{244376, "estimated", fromMaslikhat + srcNKO2023}},
	}
	hints := map[string]map[string]float64{}
	for u, m := range maslikhatLists2023 {
		if m.tookPart > 0 {
			regional[u] = map[string]fig{"took_part": {m.tookPart, "estimated", fromMaslikhat + m.source}}
		}
		// The maslikhat's shares shape the region's Mazhilis estimate.
		var sum int64
		for _, v := range m.votes {
			sum += v
		}
		hints[u] = map[string]float64{}
		for id, v := range m.votes {
			if v > 0 {
				hints[u]["option:"+id] = 100 * float64(v) / float64(sum) * 0.96
			}
		}
	}
	ts, got := g.replayTotals(replayContest{
		Contest: "mazhilis-list", Lines: lines, National: national, Regional: regional, Hints: hints,
		Estimate: estimateNote,
		// The CEC's figures at 22:10.
		Turnout: map[string]float64{"KZ-10": 57.02, "KZ-11": 60.01, "KZ-15": 58.00, "KZ-19": 60.03, "KZ-23": 51.23, "KZ-27": 59.20,
			"KZ-31": 65.21, "KZ-33": 55.32, "KZ-35": 59.48, "KZ-39": 65.10, "KZ-43": 67.21, "KZ-47": 54.10, "KZ-55": 58.68,
			"KZ-59": 65.25, "KZ-61": 53.01, "KZ-62": 58.99, "KZ-63": 64.15, "KZ-71": 42.91, "KZ-75": 25.82, "KZ-79": 45.46},
	})
	ts = append(ts, smdWinnerTotals()...)
	// The regional maslikhats' lists: the published results where there
	// are some, else the region's estimated Mazhilis figures.
	for _, u := range g.units {
		contest := "maslikhat-" + u.Slug + "-list"
		row := got[u.ID]
		emit := func(line string, f fig) { ts = append(ts, total{contest, u.ID, line, f}) }
		reg := fig{row["registered"], "estimated", "Estimated: the region's precincts in areas.csv (see README.md)."}
		if p, ok := g.ex.Registered[u.ID]; ok {
			reg = p
		}
		emit("registered", reg)
		m, published := maslikhatLists2023[u.ID]
		if !published {
			est := "Estimated: the region's estimated Mazhilis list figures (the maslikhat's results were not published)."
			tp := fig{row["took_part"], "estimated", est}
			if u.ID == "KZ-59" {
				tp = official(row["took_part"], srcNKO2023)
			}
			emit("took_part", tp)
			for _, l := range lines {
				emit(l, fig{row[l], "estimated", est})
			}
			continue
		}
		tp := row["took_part"]
		if m.tookPart > 0 {
			emit("took_part", official(m.tookPart, m.source))
		} else {
			emit("took_part", fig{tp, "estimated", "Estimated: the region's estimated Mazhilis took part (not published for the maslikhat)."})
		}
		var valid int64
		var missing []string
		for _, p := range parties2023 {
			v, ok := m.votes[p.ID]
			switch {
			case !ok:
				missing = append(missing, "option:"+p.ID)
			case v == 0:
				emit("option:"+p.ID, derived(0, "Not on the list: the published lines without it reproduce every published percentage; "+m.source))
			default:
				emit("option:"+p.ID, official(v, m.source))
			}
			valid += v
		}
		if m.againstAll >= 0 {
			valid += m.againstAll
			emit("against_all", official(m.againstAll, m.source))
			emit("invalid", derived(tp-valid, "Took part minus the votes for parties and against all (invalid ballots not published); "+m.source))
			continue
		}
		// Kostanay: the other lists' votes and against all were not in the
		// excerpt; the rest of the voters are shared among them and the
		// invalid ballots by the region's Mazhilis estimate, halved for the
		// lists so that they stay under the 5% threshold as published.
		missing = append(missing, "against_all", "invalid")
		w := make([]int64, len(missing))
		for i, l := range missing {
			w[i] = row[l]
			if strings.HasPrefix(l, "option:") {
				w[i] /= 2
			}
		}
		parts, err := demo.Apportion(tp-valid, w)
		if err != nil {
			log.Fatal(err)
		}
		for i, l := range missing {
			emit(l, fig{parts[i], "estimated", "Estimated: not in the excerpt of the published result; the region's voters less the published lines, shared by its Mazhilis estimate"})
		}
	}
	return ts
}

// presidentCandidates are the candidates of 20 November 2022 in the order
// of the ballot (alphabetical in Russian, then against all; kstnews.kz).
var presidentCandidates = []struct{ ID, KK, RU, EN, Nominee string }{
	{"abden", "Қарақат Әбден", "Каракат Абден", "Karakat Abden", "National Alliance of Professional Social Workers"},
	{"auesbayev", "Нұрлан Әуесбаев", "Нурлан Ауесбаев", "Nurlan Auesbayev", "OSDP"},
	{"dairabayev", "Жигули Дайырбаев", "Жигули Дайрабаев", "Jiguli Dairabayev", "Auyl"},
	{"kazhyken", "Мейрам Қажыкен", "Мейрам Кажыкен", "Meiram Kazhyken", "Amanat Commonwealth of Trade Unions"},
	{"tokayev", "Қасым-Жомарт Тоқаев", "Касым-Жомарт Токаев", "Kassym-Jomart Tokayev", "self-nominated (People's Coalition)"},
	{"tursynbekova", "Салтанат Тұрсынбекова", "Салтанат Турсынбекова", "Saltanat Tursynbekova", "Qazaq analary - dasturge zhol"},
}

func kzPresident2022(g *geography) []byte {
	ex := g.ex
	var w yamlWriter
	w.header(ex, g,
		"The early presidential election of 20 November 2022, replayed: the CEC's national figures, precinct protocols simulated to add up to them.",
		"Қазақстан Республикасы Президентінің кезектен тыс сайлауы, 2022 жылғы 20 қараша",
		"Внеочередные выборы Президента Республики Казахстан 20 ноября 2022 года",
		"Early presidential election, 20 November 2022",
		"2022-11-20",
		"The national result (the CEC's final figures), the candidates, the rules, the 20 regions of the day and their districts, the CEC's reporting hours, the 68 precincts abroad in 53 countries with 12,841 voters and the 11,360 who voted there are real. The regional split of the votes, the precincts and their voters and every protocol are simulated or estimated; see README.md and totals.csv.")
	w.line(0, "contests:")
	w.comment(1, "Elected with more than half of the votes for candidates and against all, the base of every percentage the CEC published (preset kz-president); otherwise a runoff of the top two.")
	w.line(1, "- id: president")
	w.line(2, "name: %s", text("Қазақстан Республикасының Президенті", "Президент Республики Казахстан", "President of the Republic of Kazakhstan"))
	w.line(2, "kind: majority")
	w.line(2, "rules: {preset: kz-president}")
	w.line(2, "form: election")
	w.line(2, "options:")
	for _, c := range presidentCandidates {
		w.line(3, "- {id: %s, name: %s}  # %s", c.ID, text(c.KK, c.RU, c.EN), c.Nominee)
	}
	w.line(0, "")
	w.electionForm()
	w.line(0, "")
	w.WriteString(wideImport)
	return []byte(w.String())
}

func kzReferendum2024(g *geography) []byte {
	ex := g.ex
	var w yamlWriter
	w.header(ex, g,
		"The republican referendum of 6 October 2024 on building a nuclear power plant, replayed: the CRC's national figures, precinct protocols simulated to add up to them.",
		"Республикалық референдум, 2024 жылғы 6 қазан",
		"Республиканский референдум 6 октября 2024 года",
		"Republican referendum of 6 October 2024",
		"2024-10-06",
		"The national result (the CRC's final figures), Turkistan Region's published line, the question, the rules, the 20 regions and their districts, the CRC's reporting hours, the 74 precincts abroad in 59 countries with 12,307 voters and the 9,976 who voted there are real. The other regions' figures, the precincts and their voters and every protocol are simulated or estimated; see README.md and totals.csv.")
	w.referendumContest("A question other than the Constitution: valid when more than half of the citizens on the lists take part, adopted when more than half of the participants vote yes nationally (preset kz-referendum-ordinary). The Kazakh wording has two published variants (aikyn.kz, kaz.zakon.kz); the first is used.",
		"nuclear-power-plant", "kz-referendum-ordinary", false,
		"Сіз Қазақстанда атом электр стансасын салуға келісесіз бе?",
		"Согласны ли вы со строительством атомной электростанции в Казахстане?",
		"Do you agree with the construction of a nuclear power plant in Kazakhstan?")
	return []byte(w.String())
}

func kzReferendum2026(g *geography) []byte {
	ex := g.ex
	var w yamlWriter
	w.header(ex, g,
		"The republican referendum of 15 March 2026 on a new Constitution, replayed: the CRC's national figures, precinct protocols simulated to add up to them.",
		"Республикалық референдум, 2026 жылғы 15 наурыз",
		"Республиканский референдум 15 марта 2026 года",
		"Republican referendum of 15 March 2026",
		"2026-03-15",
		"The national result (the CRC's final figures), Mangystau Region's published line, the question, the rules, the 20 regions and their districts, the CRC's reporting hours and the 71 precincts abroad in 54 countries are real. The other regions' figures, the voters abroad, the precincts and their voters and every protocol are simulated or estimated; see README.md and totals.csv.")
	w.referendumContest("A new Constitution: valid when more than half of the citizens on the lists take part; adopted when more than half of the participants vote yes nationally and in at least two thirds of the 20 regions (14), preset kz-referendum-constitutional. The regional figures are estimates except Mangystau's: the CRC announced the adoption on the national figures.",
		"constitution", "kz-referendum-constitutional", true,
		"2026 жылғы 12 ақпанда бұқаралық ақпарат құралдарында жарияланған Қазақстан Республикасының жаңа Конституциясын қабылдайсыз ба?",
		"Принимаете ли Вы новую Конституцию Республики Казахстан, проект которой опубликован в средствах массовой информации 12 февраля 2026 года?",
		"Do you accept the new Constitution of the Republic of Kazakhstan, the draft of which was published in the media on 12 February 2026?")
	return []byte(w.String())
}

// referendumContest writes a referendum's one contest, its form and the
// import note: the question in kk, ru and en, the preset and, where the
// law counts them (a constitutional referendum), the regions as units.
func (w *yamlWriter) referendumContest(comment, id, preset string, regionUnits bool, kk, ru, en string) {
	w.line(0, "contests:")
	w.comment(1, comment)
	w.line(1, "- id: %s", id)
	w.line(2, "name:")
	w.line(3, "kk: %s", q(kk))
	w.line(3, "ru: %s", q(ru))
	w.line(3, "en: %s", q(en))
	w.line(2, "kind: referendum")
	w.line(2, "rules: {preset: %s}", preset)
	if regionUnits {
		w.line(2, "units: region")
	}
	w.line(2, "form: referendum")
	w.line(0, "")
	w.referendumForm()
	w.line(0, "")
	w.WriteString(wideImport)
}

// smdWinner is a published winner of a Mazhilis single-member district of
// 2023 (research kz-mazhilis-2023.md section 4; the kk and ru spellings
// are transliterated from the sources' English, not confirmed).
type smdWinner struct {
	ID     string
	Name   name
	Party  string // "" for a self-nominated candidate
	Source string
}

var smdWinners2023 = map[int]smdWinner{
	1:  {"daulet-turlykhanov", name{"Тұрлыханов Дәулет", "Турлыханов Даулет", "Daulet Turlykhanov"}, "amanat", "https://worddisk.com/wiki/Kazakhstan's_1st_electoral_district"},
	3:  {"yermurat-bapi", name{"Бапи Ермұрат", "Бапи Ермурат", "Yermurat Bapi"}, "", "Wikipedia, Kazakhstan's 3rd electoral district (research kz-mazhilis-2023.md section 4)"},
	6:  {"danarbek-issabekov", name{"Исабеков Данарбек", "Исабеков Данарбек", "Danarbek Issabekov"}, "amanat", "http://everything.explained.today/Kazakhstan%27s_6th_electoral_district"},
	7:  {"bolatbek-nazhmetdinuly", name{"Нәжметдинұлы Болатбек", "Нажметдинулы Болатбек", "Bolatbek Nazhmetdinuly"}, "amanat", "https://pinocchiopedia.com/wiki/Kazakhstan%27s_7th_electoral_district"},
	11: {"ardak-nazarov", name{"Назаров Ардақ", "Назаров Ардак", "Ardak Nazarov"}, "", "https://hyperlinked.wiki/wiki.php?slug=Kazakhstan%27s_11th_electoral_district"},
	12: {"daniyar-kaskaraurov", name{"Қасқарауов Данияр", "Каскарауов Данияр", "Daniyar Kaskaraurov"}, "", "http://cryer.org.uk/Kazakhstan%27s_12th_electoral_district"},
	19: {"arman-kalykov", name{"Қалықов Арман", "Калыков Арман", "Arman Kalykov"}, "amanat", "https://alem.dynip.sapo.pt/wiki/content/wikipedia_en_all_maxi_2024-01/A/Kazakhstan's_19th_electoral_district"},
}

// withWinner puts a district's published winner on its ballot in place of
// the invented candidate of the same nomination (the AMANAT nominee, or a
// self-nominated candidate), keeping the alphabetical order.
func withWinner(cs []candidate, number int) []candidate {
	win, ok := smdWinners2023[number]
	if !ok {
		return cs
	}
	for i, c := range cs {
		if c.Party == win.Party {
			cs[i] = candidate{ID: win.ID, Name: win.Name, Party: win.Party, sortBy: win.Name.RU}
			break
		}
	}
	slices.SortFunc(cs, func(a, b candidate) int { return strings.Compare(a.sortBy, b.sortBy) })
	return cs
}

// smdWinnerTotals are the totals rows naming the published winners: the
// replay makes them win.
func smdWinnerTotals() []total {
	var out []total
	for _, n := range slices.Sorted(maps.Keys(smdWinners2023)) {
		w := smdWinners2023[n]
		out = append(out, total{fmt.Sprintf("mazhilis-smd-%02d", n), "KZ", "elected:" + w.ID, official(1, w.Source)})
	}
	return out
}
