package decide

import (
	"bytes"
	"encoding/json"
)

// MarshalJSON emits the shape of the outcome's kind with snake_case keys:
//
//	list:       {"kind", "seats": [{"option", "votes", "passed", "admitted", "seats"}...], "total_seats",
//	             "ties", "indices", "rules", "explanation"}
//	plurality:  {"kind", "elected", "winners", "against_all_plurality", "rerun_required", "ties", "rules",
//	             "explanation"}
//	majority:   {"kind", "elected", "runoff", "rerun_required", "ties", "rules", "explanation"}
//	referendum: {"kind", "valid", "adopted", "quorum_met", "national_majority", "units_with_majority",
//	             "units_required", "rules", "explanation"}
//
// "elected" and "runoff" are null when there is none; "ties" is always an array, empty without ties.
func (o *Outcome) MarshalJSON() ([]byte, error) {
	if o == nil {
		return []byte("null"), nil
	}
	ties := o.Ties
	if ties == nil {
		ties = []Tie{}
	}
	switch o.Kind {
	case KindList:
		seats := o.Seats
		if seats == nil {
			seats = []OptionSeats{}
		}
		return marshal(struct {
			Kind        Kind          `json:"kind"`
			Seats       []OptionSeats `json:"seats"`
			TotalSeats  int           `json:"total_seats"`
			Ties        []Tie         `json:"ties"`
			Indices     *Indices      `json:"indices"`
			Rules       Rules         `json:"rules"`
			Explanation Explanation   `json:"explanation"`
		}{o.Kind, seats, o.TotalSeats, ties, o.Indices, o.Rules, o.Explanation})
	case KindPlurality:
		winners := o.Winners
		if winners == nil {
			winners = []string{}
		}
		return marshal(struct {
			Kind                Kind        `json:"kind"`
			Elected             *string     `json:"elected"`
			Winners             []string    `json:"winners"`
			AgainstAllPlurality bool        `json:"against_all_plurality"`
			RerunRequired       bool        `json:"rerun_required"`
			Ties                []Tie       `json:"ties"`
			Rules               Rules       `json:"rules"`
			Explanation         Explanation `json:"explanation"`
		}{o.Kind, o.Elected, winners, o.AgainstAllPlurality, o.RerunRequired, ties, o.Rules, o.Explanation})
	case KindMajority:
		return marshal(struct {
			Kind          Kind        `json:"kind"`
			Elected       *string     `json:"elected"`
			Runoff        []string    `json:"runoff"`
			RerunRequired bool        `json:"rerun_required"`
			Ties          []Tie       `json:"ties"`
			Rules         Rules       `json:"rules"`
			Explanation   Explanation `json:"explanation"`
		}{o.Kind, o.Elected, o.Runoff, o.RerunRequired, ties, o.Rules, o.Explanation})
	default:
		return marshal(struct {
			Kind              Kind        `json:"kind"`
			Valid             bool        `json:"valid"`
			Adopted           bool        `json:"adopted"`
			QuorumMet         bool        `json:"quorum_met"`
			NationalMajority  bool        `json:"national_majority"`
			UnitsWithMajority int         `json:"units_with_majority"`
			UnitsRequired     int         `json:"units_required"`
			Rules             Rules       `json:"rules"`
			Explanation       Explanation `json:"explanation"`
		}{o.Kind, o.Valid, o.Adopted, o.QuorumMet, o.NationalMajority, o.UnitsWithMajority, o.UnitsRequired, o.Rules, o.Explanation})
	}
}

// marshal encodes v without escaping <, > and &, which the explanation uses in comparisons (">=") and
// which JSON does not require escaping; json.Marshal of an Outcome still escapes them if asked to.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
