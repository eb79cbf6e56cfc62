package definition_test

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/definition"
)

// electionDay is base with polling-day fields: reporting hours, the
// western region an hour behind, a special precinct that closes early and
// the precincts abroad under their own unit.
func electionDay(t *testing.T, edits ...string) string {
	t.Helper()
	yaml := strings.Replace(base, "timezone: Asia/Almaty\n", "timezone: Asia/Almaty\nturnout_hours: [\"10:00\", \"12:00\", \"14:00\", \"16:00\", \"18:00\"]\n", 1)
	yaml = strings.Replace(yaml, "name: {en: Almaty}}", "name: {en: Almaty}, opens: \"07:00\", closes: \"20:00\"}", 1)
	yaml = strings.Replace(yaml, "  - {id: KZ-71, parent: KZ,", "  - {id: KZ-AB, parent: KZ, level: abroad, kind: abroad, name: {en: Abroad}}\n  - {id: KZ-71, parent: KZ,", 1)
	for i := 0; i+1 < len(edits); i += 2 {
		if !strings.Contains(yaml, edits[i]) {
			t.Fatalf("edit %q: not in the definition", edits[i])
		}
		yaml = strings.Replace(yaml, edits[i], edits[i+1], 1)
	}
	return yaml
}

const electionDayAreas = baseAreas + `KZ-AB-EU,KZ-AB,district,,,,,,Europe
KZ-AB-EU-0901,KZ-AB-EU,precinct,901,,20,,,Berlin
`

const electionDayHeader = "id,parent,level,number,iso,registered,name_kk,name_ru,name_en,timezone,opens,closes,kind\n"

func TestParseElectionDay(t *testing.T) {
	areas := electionDayHeader +
		strings.ReplaceAll(strings.TrimPrefix(electionDayAreas, strings.SplitN(baseAreas, "\n", 2)[0]+"\n"), "\n", ",,,,\n")
	areas = strings.Replace(areas, "KZ-75-01-0002,KZ-75-01,precinct,2,,1870,,,,,,,", "KZ-75-01-0002,KZ-75-01,precinct,2,,1870,,,Hospital 2,,,14:00,special", 1)
	areas = strings.Replace(areas, "Berlin,,,,", "Berlin,Europe/Berlin,,,abroad", 1)
	e := mustParse(t, electionDay(t), areas)
	if got := e.TurnoutTimes(); !slices.Equal(got, []string{"10:00", "12:00", "14:00", "16:00", "18:00", dauys.TurnoutClose}) {
		t.Errorf("turnout times %v", got)
	}
	hospital := e.Chain("KZ-75-01-0002")
	if opens, closes := dauys.EffectivePollHours(hospital); opens != "07:00" || closes != "14:00" || hospital[0].Kind != dauys.AreaSpecial {
		t.Errorf("the hospital's hours %s-%s, kind %q", opens, closes, hospital[0].Kind)
	}
	berlin := e.Chain("KZ-AB-EU-0901")
	if z := dauys.EffectiveZone(berlin, e.Timezone); z != "Europe/Berlin" || !dauys.Abroad(berlin) {
		t.Errorf("Berlin: zone %s, abroad %v", z, dauys.Abroad(berlin))
	}
	if z := dauys.EffectiveZone(e.Chain("KZ-71-01-0001"), e.Timezone); z != "Asia/Almaty" {
		t.Errorf("Astana's zone %s, want the election's", z)
	}
	// A definition without the new columns reads as before.
	plain := mustParse(t, base, baseAreas)
	for _, a := range plain.Areas {
		if a.Timezone != "" || a.Opens != "" || a.Closes != "" || a.Kind != "" {
			t.Errorf("area %s gained polling-day fields: %+v", a.ID, a)
		}
	}
}

func TestElectionDayProblems(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edits []string
		areas string
		want  []string
	}{
		{
			name:  "turnout hours",
			edits: []string{`["10:00", "12:00", "14:00", "16:00", "18:00"]`, `["10:00", "09:00", "25:00", "close", "12:00"]`},
			want: []string{
				`election.yaml:5: election: turnout hour 09:00 does not come after 10:00`,
				`election.yaml:5: election: turnout hour "25:00" is not a time of day`,
				`election.yaml:5: election: turnout hour "close" may only come last`,
			},
		},
		{
			name:  "zone, hours and kind of areas",
			edits: []string{`name: {en: Almaty}, opens: "07:00", closes: "20:00"}`, `name: {en: Almaty}, opens: "21:00", closes: "20:00", timezone: Asia/Nowhere, kind: embassy}`},
			want: []string{
				`election.yaml:9: area KZ-75: timezone "Asia/Nowhere" is not an IANA time zone`,
				`election.yaml:9: area KZ-75: kind "embassy" is unknown (known: abroad, special)`,
				`election.yaml:9: area KZ-75: the polls close at 20:00, not after they open at 21:00`,
			},
		},
		{
			name:  "a bad hour",
			edits: []string{`opens: "07:00"`, `opens: 7am`},
			want:  []string{`election.yaml:9: area KZ-75: opens "7am" is not a time of day written HH:MM`},
		},
		{
			name:  "a special area with areas below it",
			edits: []string{`name: {en: Almaty}, opens`, `name: {en: Almaty}, kind: special, opens`},
			want:  []string{`election.yaml:9: area KZ-75: kind special is for a precinct, but areas lie below it`},
		},
		{
			name:  "abroad inside a region",
			areas: electionDayHeader + "KZ-75-01,KZ-75,district,,,,,,,,,,\nKZ-75-01-0001,KZ-75-01,precinct,1,,10,,,,,,,abroad\n",
			want:  []string{"areas.csv:3: area KZ-75-01-0001: kind abroad belongs to the unit directly under the root that holds the precincts abroad and to the areas below it, not to an area of KZ-75"},
		},
		{
			name:  "an inherited closing before the precinct opens",
			areas: electionDayHeader + "KZ-75-01,KZ-75,district,,,,,,,,,,\nKZ-75-01-0001,KZ-75-01,precinct,1,,10,,,,,21:00,,\n",
			want:  []string{"areas.csv:3: area KZ-75-01-0001: the polls close at 20:00, not after they open at 21:00"},
		},
		{
			name:  "abroad counted as a territorial unit",
			edits: []string{"{id: KZ-AB, parent: KZ, level: abroad,", "{id: KZ-AB, parent: KZ, level: region,"},
			want:  []string{"election.yaml:10: area KZ-AB: an area abroad is at level region, the territorial units of contest referendum, and would count as one"},
		},
		{
			name:  "a bad zone in the areas file",
			areas: electionDayHeader + "KZ-75-01,KZ-75,district,,,,,,,Mars/Olympus,,,\n",
			want:  []string{`areas.csv:2: area KZ-75-01: timezone "Mars/Olympus" is not an IANA time zone`},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			areas := electionDayAreas
			if tc.areas != "" {
				areas = tc.areas
			}
			_, err := definition.Parse([]byte(electionDay(t, tc.edits...)), "election.yaml", fstest.MapFS{"areas.csv": {Data: []byte(areas)}})
			msg := mustInvalid(t, err)
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("missing problem %q in:\n%s", w, msg)
				}
			}
		})
	}
}
