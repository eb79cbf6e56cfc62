package decide

import (
	"fmt"
	"math/big"
	"strings"
)

// QuotaCategory is a group of people a list quota counts.
type QuotaCategory string

// The categories of Kazakhstan's list quota (Constitutional Law "On Elections", article 89.4).
const (
	QuotaWomen    QuotaCategory = "women"
	QuotaYoung    QuotaCategory = "young"
	QuotaDisabled QuotaCategory = "disabled"
)

// QuotaEnforcement says what breaking a quota does.
type QuotaEnforcement string

// The enforcements. The empty QuotaEnforcement means QuotaOff.
const (
	// QuotaOff does not check the quota.
	QuotaOff QuotaEnforcement = "off"
	// QuotaWarn reports a quota that is not met and goes on.
	QuotaWarn QuotaEnforcement = "warn"
	// QuotaRefuse refuses a list (or a seat assignment) that does not meet the quota: the CEC refuses to
	// register such a list (article 89 of the election law).
	QuotaRefuse QuotaEnforcement = "refuse"
)

// MaxQuotaAge bounds ListQuota.YoungAge.
const MaxQuotaAge = 150

// ListQuota is a law's minimum share of people of some categories on a party list and among those who
// take the party's seats. A person counts once however many categories they belong to: the law counts
// "representatives of the categories in total", i.e. people.
type ListQuota struct {
	// Share is the minimum percentage (30 means 30%), inclusive ("not less than thirty percent").
	Share *big.Rat `json:"share"`
	// Categories are the groups counted together.
	Categories []QuotaCategory `json:"categories"`
	// YoungAge is the oldest age, in completed years in the year of the election, at which a candidate
	// with a birth year but no explicit flag counts as young.
	YoungAge int `json:"young_age,omitempty"`
	// List is checked when a definition is loaded, over all candidates of a party list; Seats when a
	// party names who takes its seats, over those named.
	List  QuotaEnforcement `json:"list,omitempty"`
	Seats QuotaEnforcement `json:"seats,omitempty"`
}

// QuotaPerson is what a quota needs to know of one person.
type QuotaPerson struct {
	Woman, Young, Disabled bool
}

// Validate reports the first field of the quota that cannot be applied.
func (q *ListQuota) Validate() error {
	if q == nil {
		return nil
	}
	if q.Share == nil {
		return invalidField("list_quota.share", "a list quota needs a share")
	}
	if err := validPercent("list_quota.share", q.Share); err != nil {
		return err
	}
	if len(q.Categories) == 0 {
		return invalidField("list_quota.categories", "a list quota needs at least one category (women, young, disabled)")
	}
	for _, c := range q.Categories {
		switch c {
		case QuotaWomen, QuotaYoung, QuotaDisabled:
		default:
			return invalidField("list_quota.categories", fmt.Sprintf("unknown quota category %q (want women, young or disabled)", c))
		}
	}
	if q.YoungAge < 0 || q.YoungAge > MaxQuotaAge {
		return invalidField("list_quota.young_age", fmt.Sprintf("young age %d is outside 0..%d", q.YoungAge, MaxQuotaAge))
	}
	for _, e := range []struct {
		field string
		value QuotaEnforcement
	}{{"list_quota.list", q.List}, {"list_quota.seats", q.Seats}} {
		switch e.value {
		case "", QuotaOff, QuotaWarn, QuotaRefuse:
		default:
			return invalidField(e.field, fmt.Sprintf("unknown quota enforcement %q (want off, warn or refuse)", e.value))
		}
	}
	return nil
}

// Counts reports whether a person belongs to one of the quota's categories.
func (q *ListQuota) Counts(p QuotaPerson) bool {
	for _, c := range q.Categories {
		switch {
		case c == QuotaWomen && p.Woman, c == QuotaYoung && p.Young, c == QuotaDisabled && p.Disabled:
			return true
		}
	}
	return false
}

// QuotaCheck is the result of checking a quota over a group of people.
type QuotaCheck struct {
	People  int  `json:"people"`  // the size of the group
	Counted int  `json:"counted"` // those in at least one category
	Needed  int  `json:"needed"`  // the fewest that meet the share: ceil(share * people / 100)
	Met     bool `json:"met"`
}

// Check counts the people of the quota's categories and compares them with the share, exactly.
func (q *ListQuota) Check(people []QuotaPerson) QuotaCheck {
	r := QuotaCheck{People: len(people)}
	for _, p := range people {
		if q.Counts(p) {
			r.Counted++
		}
	}
	// needed = ceil(share * n / 100), in integers: share is num/den.
	num := new(big.Int).Mul(q.Share.Num(), big.NewInt(int64(len(people))))
	den := new(big.Int).Mul(q.Share.Denom(), big.NewInt(100))
	need, rem := new(big.Int).QuoRem(num, den, new(big.Int))
	if rem.Sign() > 0 {
		need.Add(need, big.NewInt(1))
	}
	r.Needed = int(need.Int64())
	r.Met = atLeastPercent(int64(r.Counted), int64(len(people)), q.Share, false)
	return r
}

// Describe names the categories and share for messages: "women, young together at least 30%".
func (q *ListQuota) Describe() string {
	names := make([]string, len(q.Categories))
	for i, c := range q.Categories {
		names[i] = string(c)
	}
	return fmt.Sprintf("%s together at least %s%%", strings.Join(names, ", "), percentString(q.Share))
}
