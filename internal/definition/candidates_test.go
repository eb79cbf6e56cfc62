package definition_test

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/definition"
)

// withList gives AMANAT a list of three: a name alone, a name in three languages with the facts the quota
// counts, and a young man.
var withList = strings.Replace(base, `      - {id: amanat, name: {en: AMANAT}, color: "#1c75bc"}`, `      - id: amanat
        name: {en: AMANAT}
        color: "#1c75bc"
        list_invented: true
        candidates:
          - Ерлан Қошанов
          - {name: {kk: Айгүл Сейтқали, ru: Айгуль Сейткали, en: Aigul Seitkali}, gender: female, birth_year: 1980}
          - {name: {en: Dias Nur}, gender: male, young: true, disability: true}`, 1)

func TestCandidates(t *testing.T) {
	e := mustParse(t, withList, baseAreas)
	o := e.Contests[0].Options[0]
	want := []dauys.Candidate{
		{Name: dauys.T("Ерлан Қошанов")},
		{Name: dauys.Text{KK: "Айгүл Сейтқали", RU: "Айгуль Сейткали", EN: "Aigul Seitkali"}, Gender: "female", BirthYear: 1980},
		{Name: dauys.Text{EN: "Dias Nur"}, Gender: "male", Young: true, Disability: true},
	}
	if !slices.Equal(o.Candidates, want) || !o.ListInvented {
		t.Errorf("candidates = %+v (invented %v)", o.Candidates, o.ListInvented)
	}
}

func TestCandidateProblems(t *testing.T) {
	tests := []struct{ from, to, want string }{
		{"gender: female, birth_year: 1980", "gender: woman, birth_year: 1980", `candidate 2: gender "woman" is not female or male`},
		{"gender: female, birth_year: 1980", "gender: female, birth_year: 2030", "candidate 2: birth year 2030 is not between 1900"},
		{"          - Ерлан Қошанов", `          - ""`, "candidate 1 has no name"},
		{"young: true", "young: yes please", "expected true or false"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			y := strings.Replace(withList, tc.from, tc.to, 1)
			_, err := definition.Parse([]byte(y), "election.yaml", fstest.MapFS{"areas.csv": {Data: []byte(baseAreas)}})
			if msg := mustInvalid(t, err); !strings.Contains(msg, tc.want) {
				t.Errorf("message:\n%s\nwant %q", msg, tc.want)
			}
		})
	}
}

// TestCheckListsHook: the list check refuses with the contest's place, and its warnings reach Warn with the
// file and line of the contest's options.
func TestCheckListsHook(t *testing.T) {
	fsys := fstest.MapFS{"areas.csv": {Data: []byte(baseAreas)}}
	var warned []string
	opt := definition.Options{
		CheckRules: func(*dauys.Contest) error { return nil },
		CheckLists: func(e *dauys.Election, c *dauys.Contest) ([]string, error) {
			if c.ID == "list" {
				return []string{"party list amanat: 1 of 3"}, nil
			}
			return nil, nil
		},
		Warn: func(msg string) { warned = append(warned, msg) },
	}
	if _, err := definition.ParseWith([]byte(withList), "election.yaml", fsys, opt); err != nil {
		t.Fatal(err)
	}
	want := "election.yaml:" + itoa(lineOf(t, withList, "    options:")) + ": contest list: party list amanat: 1 of 3"
	if len(warned) != 1 || warned[0] != want {
		t.Errorf("warnings %q, want %q", warned, want)
	}
	opt.CheckLists = func(e *dauys.Election, c *dauys.Contest) ([]string, error) {
		return nil, dauys.Errorf(dauys.EINVALID, "party list amanat misses the quota")
	}
	_, err := definition.ParseWith([]byte(withList), "election.yaml", fsys, opt)
	if msg := mustInvalid(t, err); !strings.Contains(msg, "contest list: party list amanat misses the quota") {
		t.Errorf("message %s", msg)
	}
}
