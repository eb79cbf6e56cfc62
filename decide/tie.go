package decide

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
)

// The stages at which a tie can decide something.
const (
	TieStageRemainder = "remainder" // equal remainders compete for the last seats of a largest-remainder method
	TieStageQuotient  = "quotient"  // equal quotients compete for the last seats of a divisor method
	TieStageRunnerUp  = "runner_up" // equal votes compete for admission as the runner-up list
	TieStagePlurality = "plurality" // equal votes compete for the last seats of a plurality contest
	TieStageRunoff    = "runoff"    // equal votes compete for a place in the runoff
)

// Tie records a tie that decided something and how the tie rule broke it. Only ties that change the
// outcome are recorded (options tied for places that all of them get are not a decision), and every such
// tie is recorded.
type Tie struct {
	Stage string `json:"stage"`
	// Options are all the tied options, in ballot order.
	Options []string `json:"options"`
	// Value is the equal remainder, quotient or vote count, exactly.
	Value string `json:"value"`
	// Places is how many of the tied options get the seat or place at stake.
	Places int `json:"places"`
	// Awarded are the options that got it, in the order the tie rule preferred them.
	Awarded []string `json:"awarded"`
	Rule    TieRule  `json:"rule"`
	Seed    string   `json:"seed,omitempty"`
	// Lots are the lot keys of the tied options, smallest (preferred) first, for a lot.
	Lots        []Lot  `json:"lots,omitempty"`
	Explanation string `json:"explanation"`
}

// Lot is one option's lot key.
type Lot struct {
	Option string `json:"option"`
	Key    string `json:"key"`
}

// LotKey returns the lot key of an option under a public seed: the lower-case hexadecimal SHA-256 digest
// of the UTF-8 bytes of seed, one zero byte, and the UTF-8 bytes of the option name. The zero byte keeps
// ("ab", "c") and ("a", "bc") apart. Anyone can recompute a key with
//
//	printf '%s\0%s' "$SEED" "$NAME" | sha256sum
//
// Among tied options the smallest key (comparing the digests as big-endian numbers, which is the same as
// comparing the hex strings) wins first.
func LotKey(seed, name string) string {
	h := sha256.New()
	h.Write([]byte(seed))
	h.Write([]byte{0})
	h.Write([]byte(name))
	return hex.EncodeToString(h.Sum(nil))
}

// tieOrder is a strict priority order over all options that breaks every tie the same way. Ordering the
// whole ballot once, rather than each tied group when it arises, gives the same answers (a lot restricted
// to a group orders it as the whole lot does) and keeps the hot loops free of hashing.
type tieOrder struct {
	rule  TieRule
	seed  string
	names []string
	rank  []int    // rank[i] is option i's place in the priority order; lower wins
	keys  []string // lot keys, with TieLot
}

func newTieOrder(r Rules, names []string) tieOrder {
	t := tieOrder{rule: r.tieRule(), seed: r.Seed, names: names, rank: make([]int, len(names))}
	if t.rule != TieLot {
		for i := range t.rank {
			t.rank[i] = i
		}
		return t
	}
	t.keys = make([]string, len(names))
	order := make([]int, len(names))
	for i, n := range names {
		t.keys[i] = LotKey(r.Seed, n)
		order[i] = i
	}
	// Equal keys would need equal names, which Input.validate rejects; ballot order settles them anyway.
	sort.SliceStable(order, func(a, b int) bool { return t.keys[order[a]] < t.keys[order[b]] })
	for place, i := range order {
		t.rank[i] = place
	}
	return t
}

// before reports whether option i beats option j in a tie.
func (t tieOrder) before(i, j int) bool { return t.rank[i] < t.rank[j] }

// report describes a decisive tie among group (option indexes) of which awarded got places.
func (t tieOrder) report(stage, value, what string, group, awarded []int) Tie {
	inBallot := append([]int(nil), group...)
	sort.Ints(inBallot)
	won := append([]int(nil), awarded...)
	sort.Slice(won, func(a, b int) bool { return t.before(won[a], won[b]) })
	tie := Tie{
		Stage:   stage,
		Options: t.namesOf(inBallot),
		Value:   value,
		Places:  len(awarded),
		Awarded: t.namesOf(won),
		Rule:    t.rule,
	}
	places := plural(len(awarded), what)
	tied := fmt.Sprintf("%s are tied at %s for %s", joinNames(tie.Options), value, places)
	if t.rule == TieLot {
		tie.Seed = t.seed
		byKey := append([]int(nil), group...)
		sort.Slice(byKey, func(a, b int) bool { return t.before(byKey[a], byKey[b]) })
		keys := make([]string, len(byKey))
		for k, i := range byKey {
			tie.Lots = append(tie.Lots, Lot{Option: t.names[i], Key: t.keys[i]})
			keys[k] = fmt.Sprintf("%s (%s)", t.names[i], t.keys[i])
		}
		tie.Explanation = fmt.Sprintf("%s; the lot with seed %q orders them by SHA-256(seed || 0x00 || name), smallest first: %s; so %s.",
			tied, t.seed, strings.Join(keys, ", "), awardedText(tie.Awarded, what))
		return tie
	}
	tie.Explanation = fmt.Sprintf("%s; the rule prefers the option registered earlier (earlier on the ballot), so %s.",
		tied, awardedText(tie.Awarded, what))
	return tie
}

func (t tieOrder) namesOf(idx []int) []string {
	out := make([]string, len(idx))
	for k, i := range idx {
		out[k] = t.names[i]
	}
	return out
}

func awardedText(names []string, what string) string {
	if len(names) == 1 {
		return names[0] + " gets the " + what
	}
	return joinNames(names) + " get the " + what + "s"
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// joinNames joins names as "A, B and C".
func joinNames(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
