package dauys

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// TurnoutClose is the reporting time of a precinct's final turnout figure,
// the number of voters who received ballots when the polls closed. It
// sorts after every "HH:MM" hour.
const TurnoutClose = "close"

// TurnoutReport is a precinct commission's report of how many voters have
// received ballots by one of the election's reporting times. Reports are
// kept like protocols: a second, different figure for the same precinct
// and time is an amendment with a reason and becomes the next version;
// nothing is overwritten.
type TurnoutReport struct {
	Election string `json:"election"`
	Area     string `json:"area"`
	// Time is one of the election's TurnoutTimes: "HH:MM" local to the
	// precinct, or TurnoutClose.
	Time   string `json:"time"`
	Voters int64  `json:"voters"`

	Version   int       `json:"version"`
	Kind      string    `json:"kind"` // ProtocolOriginal or ProtocolAmendment
	Reason    string    `json:"reason,omitempty"`
	Submitter string    `json:"submitter,omitempty"`
	Source    string    `json:"source,omitempty"`
	Received  time.Time `json:"received"`
}

// TurnoutResult is the answer to one report of a batch: the stored (or
// already stored) version, or the error that refused it.
type TurnoutResult struct {
	Outcome string         `json:"outcome,omitempty"`
	Report  *TurnoutReport `json:"report,omitempty"`
	Err     error          `json:"-"`
}

// TurnoutTimes returns the election's reporting times in order: its
// TurnoutHours, then TurnoutClose unless listed. Nil when it defines no
// hours.
func (e *Election) TurnoutTimes() []string {
	if len(e.TurnoutHours) == 0 {
		return nil
	}
	times := slices.Clone(e.TurnoutHours)
	if times[len(times)-1] != TurnoutClose {
		times = append(times, TurnoutClose)
	}
	return times
}

// ValidClock reports whether s is a time of day written "HH:MM", 00:00 to
// 23:59.
func ValidClock(s string) bool {
	if len(s) != 5 || s[2] != ':' {
		return false
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s[:2] <= "23" && s[3] <= '5'
}

// TurnoutPrecinct is what the turnout check needs to know of the precinct a
// report is for, as the store holds it.
type TurnoutPrecinct struct {
	// Chain is the precinct followed by its ancestors, nearest first;
	// empty when the area does not exist.
	Chain []Area
	// Leaf is false when the area has areas below it.
	Leaf bool
	// Current holds the current version of the precinct's report at each
	// time that has one.
	Current map[string]*TurnoutReport
}

// ReconcileTurnout checks a turnout report against the election's
// reporting times and the precinct, and decides what it does to the
// precinct's history at its time, as Reconcile does for protocols:
//   - the area must be a precinct (a leaf) of the election and the time one
//     of times, within the precinct's poll hours (EffectivePollHours);
//   - 0 <= voters <= MaxCount, and no more than the precinct's registered
//     voters when that number is known (not 0);
//   - the same figure as the current version is a duplicate; a first
//     report is version 1; a different figure is a conflict unless sent
//     as an amendment with a reason, which becomes the next version;
//   - the figure may not be less than the current report of an earlier
//     time, nor more than that of a later one: voters who received
//     ballots only ever add up through the day.
//
// The errors carry kk/ru/en texts that name the precinct and time.
func ReconcileTurnout(times []string, p *TurnoutPrecinct, r *TurnoutReport) (outcome string, version int, err error) {
	if r.Election == "" || r.Area == "" || r.Time == "" {
		return "", 0, Errorf(EINVALID, "a turnout report needs an election, an area and a time")
	}
	if r.Kind != "" && r.Kind != ProtocolOriginal && r.Kind != ProtocolAmendment {
		return "", 0, Errorf(EINVALID, "precinct %s, %s: unknown report kind %q", r.Area, ClipText(r.Time, 16), ClipText(r.Kind, 32))
	}
	if len(p.Chain) == 0 {
		return "", 0, turnoutError(ENOTFOUND, r,
			"%s учаскесі жоқ", "Участка %s нет", "Precinct %s does not exist")
	}
	if !p.Leaf {
		return "", 0, turnoutError(EINVALID, r,
			"%s учаске емес: оның астында аумақтар бар; келуді учаскелер хабарлайды",
			"%s — не участок: в нём есть другие территории; явку сообщают участки",
			"%s is not a precinct: it has areas below it; turnout is reported by precincts")
	}
	at := slices.Index(times, r.Time)
	if at < 0 {
		return "", 0, turnoutError(EINVALID, r,
			"%s учаскесі: уақыт сайлауда анықталмаған",
			"Участок %s: это время не определено для выборов",
			"Precinct %s: the time is not one of the election's reporting times")
	}
	if opens, closes := EffectivePollHours(p.Chain); r.Time != TurnoutClose &&
		(opens != "" && r.Time < opens || closes != "" && r.Time > closes) {
		hours := ClipText(opens, 16) + "–" + ClipText(closes, 16)
		return "", 0, turnoutError(EINVALID, r,
			"%s учаскесі: уақыт учаскенің дауыс беру уақытынан тыс ("+hours+")",
			"Участок %s: время вне часов голосования участка ("+hours+")",
			"Precinct %s: the time is outside the precinct's poll hours ("+hours+")")
	}
	registered := p.Chain[0].Registered
	switch {
	case r.Voters < 0:
		return "", 0, turnoutError(EINVALID, r,
			"%s учаскесі: сайлаушылар саны теріс", "Участок %s: число избирателей отрицательно", "Precinct %s: the number of voters is negative")
	case r.Voters > MaxCount:
		return "", 0, turnoutError(EINVALID, r,
			"%s учаскесі: сайлаушылар саны тым үлкен", "Участок %s: число избирателей слишком велико", "Precinct %s: the number of voters is too large")
	case registered > 0 && r.Voters > registered:
		return "", 0, turnoutError(EINVALID, r,
			fmt.Sprintf("%%s учаскесі: %d сайлаушы тізімдегі %d-ден көп", r.Voters, registered),
			fmt.Sprintf("Участок %%s: %d избирателей больше, чем %d в списках", r.Voters, registered),
			fmt.Sprintf("Precinct %%s: %d voters is more than the %d on the lists", r.Voters, registered))
	}
	current := p.Current[r.Time]
	switch {
	case current != nil && current.Voters == r.Voters:
		return OutcomeDuplicate, current.Version, nil
	case current == nil && r.Kind == ProtocolAmendment:
		return "", 0, turnoutError(ECONFLICT, r,
			"%s учаскесі: түзететін есеп жоқ", "Участок %s: нет сообщения для исправления", "Precinct %s: there is no report to amend")
	case current != nil && r.Kind != ProtocolAmendment:
		return "", 0, turnoutError(ECONFLICT, r,
			fmt.Sprintf("%%s учаскесі: басқа сан (%d) қабылданған; себебін көрсетіп түзету жіберіңіз", current.Voters),
			fmt.Sprintf("Участок %%s: уже принято другое число (%d); направьте исправление с указанием причины", current.Voters),
			fmt.Sprintf("Precinct %%s: a different figure (%d) was already accepted; send an amendment with a reason", current.Voters))
	case current != nil && r.Reason == "":
		return "", 0, Errorf(EINVALID, "precinct %s, %s: an amendment needs a reason", r.Area, r.Time)
	}
	for i, t := range times {
		other := p.Current[t]
		if other == nil || i == at {
			continue
		}
		if i < at && r.Voters < other.Voters {
			return "", 0, turnoutError(ECONFLICT, r,
				fmt.Sprintf("%%s учаскесі: %d саны %s кезіндегі %d санынан аз", r.Voters, t, other.Voters),
				fmt.Sprintf("Участок %%s: %d меньше, чем %d на %s", r.Voters, other.Voters, t),
				fmt.Sprintf("Precinct %%s: %d is less than the %d reported at %s", r.Voters, other.Voters, t))
		}
		if i > at && r.Voters > other.Voters {
			return "", 0, turnoutError(ECONFLICT, r,
				fmt.Sprintf("%%s учаскесі: %d саны кейінгі %s кезіндегі %d санынан көп", r.Voters, t, other.Voters),
				fmt.Sprintf("Участок %%s: %d больше, чем %d на более позднее время %s", r.Voters, other.Voters, t),
				fmt.Sprintf("Precinct %%s: %d is more than the %d reported at the later time %s", r.Voters, other.Voters, t))
		}
	}
	if current == nil {
		return OutcomeAccepted, 1, nil
	}
	return OutcomeAmended, current.Version + 1, nil
}

// turnoutError returns an error whose texts are kk, ru and en with the
// precinct's id in place of their first %s, followed by the time.
func turnoutError(code string, r *TurnoutReport, kk, ru, en string) *Error {
	area, at := ClipText(r.Area, 64), ClipText(r.Time, 16)
	// The area goes in by replacement, not as a format argument, since the
	// texts may already hold stored values (poll hours) that are not
	// formats.
	t := Text{
		KK: strings.Replace(kk, "%s", area, 1) + " (" + at + ")",
		RU: strings.Replace(ru, "%s", area, 1) + " (" + at + ")",
		EN: strings.Replace(en, "%s", area, 1) + " (" + at + ")",
	}
	return &Error{Code: code, Message: t.EN, Text: t}
}

// TurnoutDelta returns what replacing old (nil for none) by new changes in
// the running totals at new's time of the precinct and its ancestors:
// voters, the registered voters of reporting precincts and the number of
// reporting precincts. registered is the precinct's.
func TurnoutDelta(old, new *TurnoutReport, registered int64) (voters, reg, reported int64) {
	if old == nil {
		return new.Voters, registered, 1
	}
	return new.Voters - old.Voters, 0, 0
}

// TurnoutTotal is the running total of one reporting time in an area: the
// voters who received ballots in its precincts that reported at that time,
// their registered voters and their number.
type TurnoutTotal struct {
	Time       string `json:"time"`
	Voters     int64  `json:"voters"`
	Registered int64  `json:"registered"`
	Reported   int64  `json:"reported"`
}

// TurnoutTotals is an area's turnout through the day as a store holds it.
type TurnoutTotals struct {
	Election string `json:"election"`
	Area     string `json:"area"`
	// Registered and Precincts count every precinct below the area (the
	// area itself when it is a precinct), reported or not.
	Registered int64 `json:"registered"`
	Precincts  int64 `json:"precincts"`
	// Times holds the times that have a report, in time order.
	Times []TurnoutTotal `json:"times"`
}

// EffectiveZone returns the time zone of the first area of chain (an area
// followed by its ancestors, nearest first) that sets one, or fallback
// (the election's Timezone) when none does.
func EffectiveZone(chain []Area, fallback string) string {
	for _, a := range chain {
		if a.Timezone != "" {
			return a.Timezone
		}
	}
	return fallback
}

// EffectivePollHours returns the opening and closing hours of the first
// areas of chain (an area followed by its ancestors, nearest first) that
// set them, each inherited on its own, so that a special precinct may set
// only an early Closes; "" when none sets one.
func EffectivePollHours(chain []Area) (opens, closes string) {
	for _, a := range chain {
		if opens == "" {
			opens = a.Opens
		}
		if closes == "" {
			closes = a.Closes
		}
	}
	return opens, closes
}

// Chain returns the area with the id followed by its ancestors, nearest
// first; nil when there is no such area. It stops at a cycle of parents.
func (e *Election) Chain(id string) []Area {
	byID := make(map[string]int, len(e.Areas))
	for i := range e.Areas {
		byID[e.Areas[i].ID] = i
	}
	var chain []Area
	for i, ok := byID[id]; ok && len(chain) <= len(e.Areas); i, ok = byID[e.Areas[i].Parent] {
		chain = append(chain, e.Areas[i])
	}
	return chain
}

// Abroad reports whether an area is abroad: whether it or one of its
// ancestors in chain is of kind AreaAbroad.
func Abroad(chain []Area) bool {
	return slices.ContainsFunc(chain, func(a Area) bool { return a.Kind == AreaAbroad })
}
