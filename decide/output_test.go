package decide_test

import (
	"bytes"
	"encoding/json"
	"io"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/dauys/dauys/decide"
)

func keysOf(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func mustJSON(t *testing.T, o *decide.Outcome) map[string]any {
	t.Helper()
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestJSONShapes(t *testing.T) {
	preset := func(id string) decide.Rules {
		p, err := decide.LookupPreset(id)
		if err != nil {
			t.Fatal(err)
		}
		return p.Rules
	}
	tests := []struct {
		name  string
		rules decide.Rules
		in    decide.Input
		keys  []string
		check func(t *testing.T, m map[string]any)
	}{
		{
			name: "list", rules: preset("kz-mazhilis-2021"), in: mazhilis2021(),
			keys: []string{"explanation", "indices", "kind", "rules", "seats", "ties", "total_seats"},
			check: func(t *testing.T, m map[string]any) {
				seats := m["seats"].([]any)
				if len(seats) != 5 {
					t.Fatalf("seats lists %d options, want all 5", len(seats))
				}
				last := seats[4].(map[string]any)
				want := map[string]any{"option": "Adal", "votes": 258618.0, "passed": false, "admitted": false, "seats": 0.0}
				if !reflect.DeepEqual(last, want) {
					t.Errorf("last seat entry = %v, want %v", last, want)
				}
				rules := m["rules"].(map[string]any)
				if rules["threshold"] != "7" || rules["method"] != "hare" || rules["threshold_base"] != "votes" {
					t.Errorf("rules = %v", rules)
				}
				ex := m["explanation"].(map[string]any)
				for _, k := range []string{"summary", "threshold", "quota", "lists", "remainders"} {
					if _, ok := ex[k]; !ok {
						t.Errorf("explanation lacks %q: %v", k, keysOf(ex))
					}
				}
				if q := ex["quota"].(map[string]any)["value"].(map[string]any); q["exact"] != "6599921/98" {
					t.Errorf("quota = %v", q)
				}
				if ties := m["ties"].([]any); len(ties) != 0 {
					t.Errorf("ties = %v", ties)
				}
			},
		},
		{
			name:  "plurality",
			rules: preset("kz-maslikhat-2023-district"),
			in:    decide.Input{Options: []string{"A", "B"}, Total: decide.Counts{Options: []int64{300, 250}, AgainstAll: 400}},
			keys:  []string{"against_all_plurality", "elected", "explanation", "kind", "rerun_required", "rules", "ties", "winners"},
			check: func(t *testing.T, m map[string]any) {
				if m["elected"] != "A" || m["against_all_plurality"] != true || m["rerun_required"] != false {
					t.Errorf("json = %v", m)
				}
			},
		},
		{
			name:  "majority with runoff",
			rules: preset("kz-president"),
			in:    decide.Input{Options: []string{"A", "B", "C"}, Total: decide.Counts{TookPart: 100, Options: []int64{45, 30, 25}}},
			keys:  []string{"elected", "explanation", "kind", "rerun_required", "rules", "runoff", "ties"},
			check: func(t *testing.T, m map[string]any) {
				if m["elected"] != nil || !reflect.DeepEqual(m["runoff"], []any{"A", "B"}) {
					t.Errorf("elected %v runoff %v", m["elected"], m["runoff"])
				}
			},
		},
		{
			name:  "majority elected",
			rules: preset("kz-president"),
			in:    decide.Input{Options: []string{"A", "B"}, Total: decide.Counts{TookPart: 100, Options: []int64{60, 40}}},
			keys:  []string{"elected", "explanation", "kind", "rerun_required", "rules", "runoff", "ties"},
			check: func(t *testing.T, m map[string]any) {
				if m["elected"] != "A" || m["runoff"] != nil {
					t.Errorf("elected %v runoff %v", m["elected"], m["runoff"])
				}
			},
		},
		{
			name:  "referendum",
			rules: preset("kz-referendum-constitutional"),
			in:    referendumInput(12, nil),
			keys:  []string{"adopted", "explanation", "kind", "national_majority", "quorum_met", "rules", "units_required", "units_with_majority", "valid"},
			check: func(t *testing.T, m map[string]any) {
				if m["valid"] != true || m["adopted"] != true || m["units_with_majority"] != 12.0 || m["units_required"] != 12.0 {
					t.Errorf("json = %v", m)
				}
				ex := m["explanation"].(map[string]any)
				if units := ex["units"].([]any); len(units) != 17 {
					t.Errorf("%d units explained", len(units))
				}
				if rules := m["rules"].(map[string]any); rules["territorial"] != "2/3" || rules["quorum"] != "50" {
					t.Errorf("rules = %v", rules)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := mustJSON(t, MustDecide(t, tc.rules, tc.in))
			if got := keysOf(m); !equalStrings(got, tc.keys) {
				t.Errorf("keys = %v, want %v", got, tc.keys)
			}
			tc.check(t, m)
		})
	}
}

func TestRulesRoundTrip(t *testing.T) {
	// Rules written into an outcome must read back to the same rules, so a result can be re-decided later.
	for _, p := range decide.Presets() {
		t.Run(p.ID, func(t *testing.T) {
			b, err := json.Marshal(p.Rules)
			if err != nil {
				t.Fatal(err)
			}
			var back decide.Rules
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			b2, err := json.Marshal(back)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b, b2) {
				t.Errorf("round trip changed the rules:\n%s\n%s", b, b2)
			}
		})
	}
}

func TestWriteText(t *testing.T) {
	p, _ := decide.LookupPreset("kz-mazhilis-2021")
	tests := []struct {
		name  string
		rules decide.Rules
		in    decide.Input
		want  []string
	}{
		{"list", p.Rules, mazhilis2021(), []string{
			"98 seats allocated by the largest remainder method with the Hare quota",
			"Threshold: 7% of votes for lists",
			"6599921/98",
			"Nur Otan", "76.442014", "People's Party",
			"Remainders ranked: 1. People's Party 0.785551 +1; 2.",
			"Gallagher 6.533204",
			"Ties: none",
		}},
		{"tie", decide.Rules{Kind: decide.KindList, Method: decide.MethodDHondt, Seats: 1}, listInput([]string{"A", "B"}, []int64{5, 5}), []string{
			"Ties:", "A and B are tied at 5/1 (5.000000) for 1 seat", "registered earlier",
		}},
		{"plurality", decide.Rules{Kind: decide.KindPlurality, Seats: 1}, decide.Input{Options: []string{"A", "B"}, Total: decide.Counts{Options: []int64{3, 2}, AgainstAll: 4}}, []string{
			"against all", "Against-all plurality: yes", "Elected: A.",
		}},
		{"majority", decide.Rules{Kind: decide.KindMajority}, decide.Input{Options: []string{"A", "B", "C"}, Total: decide.Counts{TookPart: 10, Options: []int64{4, 3, 3}}}, []string{
			"% of took part", "runoff between A and B", "Ties:",
		}},
		{"referendum", decide.Rules{Kind: decide.KindReferendum}, referendumInput(3, nil), []string{
			"Turkistan", "Yes majority", "territorial rule off", "Adopted: no.",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			if err := MustDecide(t, tc.rules, tc.in).WriteText(&b); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("text lacks %q:\n%s", w, b.String())
				}
			}
		})
	}
}

func TestZeroOutcomeDoesNotPanic(t *testing.T) {
	// Callers may build an Outcome by hand (say, from storage); rendering it must not panic.
	for _, kind := range []decide.Kind{"", decide.KindList, decide.KindPlurality, decide.KindMajority, decide.KindReferendum} {
		t.Run(string(kind), func(t *testing.T) {
			o := &decide.Outcome{Kind: kind}
			if err := o.WriteText(io.Discard); err != nil {
				t.Fatal(err)
			}
			if _, err := json.Marshal(o); err != nil {
				t.Fatal(err)
			}
		})
	}
}
