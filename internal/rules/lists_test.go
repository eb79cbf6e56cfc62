package rules_test

import (
	"strings"
	"testing"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/rules"
)

// listElection has a Mazhilis-like list contest (the 2023 preset: women, young and disabled together at
// least 30% of a list and of the seats, refused otherwise) and a single-member district won by Erlan Nur.
func listElection(cands []dauys.Candidate, quota dauys.ListQuota) *dauys.Election {
	return &dauys.Election{ID: "e", Date: "2023-03-19", Contests: []dauys.Contest{
		{ID: "lists", Kind: dauys.KindList, Rules: dauys.Rules{Preset: "kz-mazhilis-2023", Seats: 10, ListQuota: quota},
			Options: []dauys.Option{{ID: "p", Name: dauys.T("Party"), Candidates: cands}, {ID: "q", Name: dauys.T("Other")}}},
		{ID: "smd-1", Kind: dauys.KindPlurality, Rules: dauys.Rules{Preset: "kz-maslikhat-2023-district"}},
	}}
}

func people(spec string) []dauys.Candidate {
	// One letter a candidate: w a woman, y young by birth year (born 1995, 28 in 2023), o born 1993 (30 in 2023),
	// d disabled, m none of them.
	var out []dauys.Candidate
	for i, r := range spec {
		c := dauys.Candidate{Name: dauys.T("Candidate " + string(rune('A'+i))), Gender: dauys.GenderMale, BirthYear: 1970}
		switch r {
		case 'w':
			c.Gender = dauys.GenderFemale
		case 'y':
			c.BirthYear = 1995
		case 'o':
			c.BirthYear = 1993
		case 'd':
			c.Disability = true
		}
		out = append(out, c)
	}
	return out
}

func TestCheckLists(t *testing.T) {
	tests := []struct {
		name    string
		list    string
		quota   dauys.ListQuota
		refused bool
		warned  bool
	}{
		{"three of ten meet the quota", "wydmmmmmmm", dauys.ListQuota{}, false, false},
		{"two of ten are refused", "wymmmmmmmm", dauys.ListQuota{}, true, false},
		// Born 1993 is 30 in 2023: not young under the age of 29.
		{"thirty is not young", "wyommmmmmm", dauys.ListQuota{}, true, false},
		{"a young age of 30 counts them", "wyommmmmmm", dauys.ListQuota{YoungAge: 30}, false, false},
		{"warn instead of refuse", "wymmmmmmmm", dauys.ListQuota{List: "warn"}, false, true},
		{"off", "mmmmmmmmmm", dauys.ListQuota{List: "off"}, false, false},
		{"a higher share", "wydmmmmmmm", dauys.ListQuota{Share: "40"}, true, false},
		{"the 2020 categories leave out disabilities", "wydmmmmmmm", dauys.ListQuota{Categories: []string{"women", "young"}}, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := listElection(people(tc.list), tc.quota)
			warnings, err := rules.CheckLists(e, &e.Contests[0])
			if (err != nil) != tc.refused || (len(warnings) > 0) != tc.warned {
				t.Errorf("CheckLists = %q, %v; want refused %v warned %v", warnings, err, tc.refused, tc.warned)
			}
			if err != nil && (!strings.Contains(err.Error(), "party list p") || dauys.ErrorCode(err) != dauys.EINVALID) {
				t.Errorf("error %v does not name the list", err)
			}
		})
	}
}

func TestCheckAssignment(t *testing.T) {
	list := people("wmmymmdmwm")
	list[4].Name = dauys.Text{KK: "Ерлан Нұр", RU: "Ерлан Нур", EN: "Erlan Nur"}
	winners := []rules.DistrictWinner{{Contest: "smd-1", Name: dauys.Text{RU: "ерлан  нур"}}}
	tests := []struct {
		name  string
		party string
		cands []int
		seats int
		code  string
		msg   string
	}{
		{"within the seats and the quota", "p", []int{1, 2, 4}, 3, "", ""},
		{"fewer than the seats", "p", []int{1, 2}, 3, "", ""},
		{"more candidates than seats", "p", []int{1, 2, 3, 4}, 3, dauys.EINVALID, "names 4 candidates for its 3 seats"},
		{"not on the list", "p", []int{1, 11}, 3, dauys.EINVALID, "not on the list"},
		{"elected in a district", "p", []int{1, 5}, 3, dauys.EINVALID, "single-member district smd-1"},
		{"a party without seats", "q", []int{1}, 0, dauys.EINVALID, "no seats"},
		{"an unknown party", "x", []int{1}, 1, dauys.ENOTFOUND, "not on the ballot"},
		// Two men of three: one of three is 33%, enough; three men of three are not.
		{"seats' quota met by one of three", "p", []int{1, 2, 3}, 3, "", ""},
		{"seats' quota missed", "p", []int{2, 3, 6}, 3, dauys.EINVALID, "seats' quota"},
		{"named twice", "p", []int{1, 1}, 3, dauys.EINVALID, "named twice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := listElection(list, dauys.ListQuota{})
			a := &dauys.SeatAssignment{Election: "e", Contest: "lists", Party: tc.party, Candidates: tc.cands}
			_, err := rules.CheckAssignment(e, a, rules.Assignment{Seats: tc.seats, DistrictWinners: winners})
			if dauys.ErrorCode(err) != tc.code || (tc.msg != "" && !strings.Contains(err.Error(), tc.msg)) {
				t.Errorf("CheckAssignment = %v, want code %q with %q", err, tc.code, tc.msg)
			}
		})
	}
	t.Run("a district contest has no list seats", func(t *testing.T) {
		e := listElection(list, dauys.ListQuota{})
		_, err := rules.CheckAssignment(e, &dauys.SeatAssignment{Election: "e", Contest: "smd-1", Party: "p", Candidates: []int{1}}, rules.Assignment{Seats: 1})
		if dauys.ErrorCode(err) != dauys.EINVALID {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("seats' quota as a warning", func(t *testing.T) {
		e := listElection(list, dauys.ListQuota{Seats: "warn"})
		w, err := rules.CheckAssignment(e, &dauys.SeatAssignment{Election: "e", Contest: "lists", Party: "p", Candidates: []int{2, 3, 6}}, rules.Assignment{Seats: 3})
		if err != nil || len(w) != 1 {
			t.Errorf("warnings %q, err %v", w, err)
		}
	})
}
