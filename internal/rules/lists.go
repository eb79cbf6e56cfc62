package rules

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"unicode"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/decide"
)

// applyQuota lays a definition's list_quota over the preset's: the fields
// it sets replace the preset's, and a quota without a preset starts empty.
func applyQuota(r *decide.Rules, spec dauys.ListQuota) error {
	if spec.Share == "" && len(spec.Categories) == 0 && spec.YoungAge == 0 && spec.List == "" && spec.Seats == "" {
		return nil
	}
	q := &decide.ListQuota{}
	if r.ListQuota != nil {
		*q = *r.ListQuota
		q.Share = new(big.Rat).Set(r.ListQuota.Share)
		q.Categories = append([]decide.QuotaCategory(nil), r.ListQuota.Categories...)
	}
	if spec.Share != "" {
		p, ok := new(big.Rat).SetString(spec.Share)
		if !ok {
			return fmt.Errorf("list_quota.share %q is not a number", spec.Share)
		}
		q.Share = p
	}
	if len(spec.Categories) > 0 {
		q.Categories = q.Categories[:0]
		for _, c := range spec.Categories {
			q.Categories = append(q.Categories, decide.QuotaCategory(c))
		}
	}
	if spec.YoungAge != 0 {
		q.YoungAge = spec.YoungAge
	}
	if spec.List != "" {
		q.List = decide.QuotaEnforcement(spec.List)
	}
	if spec.Seats != "" {
		q.Seats = decide.QuotaEnforcement(spec.Seats)
	}
	r.ListQuota = q
	return nil
}

// QuotaPeople maps candidates to what the quota counts. A candidate is
// young when marked so, or when the age reached in the year of the
// election (its date's year) is at most the quota's young age.
func QuotaPeople(e *dauys.Election, q *decide.ListQuota, cands []dauys.Candidate) []decide.QuotaPerson {
	year, _ := strconv.Atoi(e.Date[:min(4, len(e.Date))])
	out := make([]decide.QuotaPerson, len(cands))
	for i, c := range cands {
		young := c.Young || (c.BirthYear > 0 && year > 0 && q.YoungAge > 0 && year-c.BirthYear <= q.YoungAge)
		out[i] = decide.QuotaPerson{Woman: c.Gender == dauys.GenderFemale, Young: young, Disabled: c.Disability}
	}
	return out
}

// CheckLists is the definition loader's check of a list contest's party
// lists against the law's list quota: a list that misses a quota enforced
// by refusal is an error, one enforced by warning a warning. Lists without
// candidates are not checked: a definition may leave them out.
func CheckLists(e *dauys.Election, c *dauys.Contest) (warnings []string, err error) {
	if c.Kind != dauys.KindList {
		return nil, nil
	}
	r, err := For(c)
	if err != nil || r.ListQuota == nil {
		return nil, err
	}
	q := r.ListQuota
	var refused []string
	for _, o := range c.Options {
		if len(o.Candidates) == 0 {
			continue
		}
		chk := q.Check(QuotaPeople(e, q, o.Candidates))
		if chk.Met {
			continue
		}
		msg := fmt.Sprintf("party list %s: %d of %d candidates are %s, fewer than the %d the list quota (%s) needs",
			o.ID, chk.Counted, chk.People, categoryWords(q), chk.Needed, q.Describe())
		switch q.List {
		case decide.QuotaRefuse:
			refused = append(refused, msg)
		case decide.QuotaWarn:
			warnings = append(warnings, msg)
		}
	}
	if len(refused) > 0 {
		return warnings, dauys.Errorf(dauys.EINVALID, "%s", strings.Join(refused, "; "))
	}
	return warnings, nil
}

func categoryWords(q *decide.ListQuota) string {
	names := make([]string, len(q.Categories))
	for i, c := range q.Categories {
		names[i] = string(c)
	}
	return strings.Join(names, " or ")
}

// Assignment is what checking a party's seat assignment needs beyond the
// definition: the seats the outcome gave the party, and the names of the
// winners of the election's single-member districts.
type Assignment struct {
	Seats           int
	DistrictWinners []DistrictWinner
}

// DistrictWinner is a candidate elected in a single-member district.
type DistrictWinner struct {
	Contest string
	Name    dauys.Text
}

// CheckAssignment checks a party's seat assignment against the law: the
// party won seats and names no more candidates than it won; each named
// candidate is on its list and not elected in a single-member district of
// the same election; and those named meet the seats' quota where the law
// has one. It returns warnings for a quota enforced by warning.
func CheckAssignment(e *dauys.Election, a *dauys.SeatAssignment, facts Assignment) (warnings []string, err error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	c := e.Contest(a.Contest)
	if c == nil {
		return nil, dauys.Errorf(dauys.ENOTFOUND, "contest %s does not exist in election %s", dauys.ClipText(a.Contest, 64), e.ID)
	}
	if c.Kind != dauys.KindList {
		return nil, dauys.Errorf(dauys.EINVALID, "contest %s is a %s contest: only party lists have seats to assign", c.ID, c.Kind)
	}
	var party *dauys.Option
	for i := range c.Options {
		if c.Options[i].ID == a.Party {
			party = &c.Options[i]
		}
	}
	if party == nil {
		return nil, dauys.Errorf(dauys.ENOTFOUND, "party %s is not on the ballot of contest %s", dauys.ClipText(a.Party, 64), c.ID)
	}
	if facts.Seats == 0 {
		return nil, dauys.Errorf(dauys.EINVALID, "party %s has no seats in contest %s: the commission allocated none", party.ID, c.ID)
	}
	if len(a.Candidates) > facts.Seats {
		return nil, dauys.Errorf(dauys.EINVALID, "party %s names %d candidates for its %d seats", party.ID, len(a.Candidates), facts.Seats)
	}
	named := make([]dauys.Candidate, len(a.Candidates))
	for i, pos := range a.Candidates {
		if pos > len(party.Candidates) {
			return nil, dauys.Errorf(dauys.EINVALID, "candidate %d is not on the list of party %s, which has %d candidates", pos, party.ID, len(party.Candidates))
		}
		named[i] = party.Candidates[pos-1]
		for _, w := range facts.DistrictWinners {
			if sameName(named[i].Name, w.Name) {
				return nil, dauys.Errorf(dauys.EINVALID, "candidate %d of party %s, %s, is elected in single-member district %s and cannot also take a list seat",
					pos, party.ID, named[i].Name.In("en"), w.Contest)
			}
		}
	}
	r, err := For(c)
	if err != nil {
		return nil, err
	}
	if q := r.ListQuota; q != nil && q.Seats != "" && q.Seats != decide.QuotaOff {
		chk := q.Check(QuotaPeople(e, q, named))
		if !chk.Met {
			msg := fmt.Sprintf("%d of the %d candidates named are %s, fewer than the %d the seats' quota (%s) needs",
				chk.Counted, chk.People, categoryWords(q), chk.Needed, q.Describe())
			if q.Seats == decide.QuotaRefuse {
				return nil, dauys.Errorf(dauys.EINVALID, "party %s: %s", party.ID, msg)
			}
			warnings = append(warnings, msg)
		}
	}
	return warnings, nil
}

// sameName reports whether two names are the same person's in any language
// both give, ignoring case and spacing: the one link between a list and a
// district's ballot, which name the same people separately.
func sameName(a, b dauys.Text) bool {
	norm := func(s string) string {
		return strings.ToLower(strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " "))
	}
	for _, p := range [][2]string{{a.KK, b.KK}, {a.RU, b.RU}, {a.EN, b.EN}} {
		if p[0] != "" && p[1] != "" && norm(p[0]) == norm(p[1]) {
			return true
		}
	}
	return false
}
