package rules_test

import (
	"testing"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/rules"
)

func TestRulesFromDefinition(t *testing.T) {
	tests := []struct {
		name string
		c    dauys.Contest
		ok   bool
	}{
		{"preset", dauys.Contest{ID: "c", Kind: "list", Rules: dauys.Rules{Preset: "kz-mazhilis-2023", Seats: 69}}, true},
		{"method", dauys.Contest{ID: "c", Kind: "list", Rules: dauys.Rules{Method: "dhondt", Seats: 10, Threshold: "5", ThresholdBase: "votes"}}, true},
		{"unknown preset", dauys.Contest{ID: "c", Kind: "list", Rules: dauys.Rules{Preset: "nope"}}, false},
		{"kind mismatch", dauys.Contest{ID: "c", Kind: "plurality", Rules: dauys.Rules{Preset: "kz-mazhilis-2023"}}, false},
		{"bad threshold", dauys.Contest{ID: "c", Kind: "list", Rules: dauys.Rules{Method: "hare", Seats: 5, Threshold: "five"}}, false},
		{"referendum explicit", dauys.Contest{ID: "c", Kind: "referendum", Rules: dauys.Rules{Method: "referendum", Quorum: "50", Territorial: "2/3"}}, true},
		{"majority", dauys.Contest{ID: "c", Kind: "majority", Rules: dauys.Rules{Method: "majority", MajorityBase: "took_part"}}, true},
		{"majority of valid votes", dauys.Contest{ID: "c", Kind: "majority", Rules: dauys.Rules{Method: "majority", MajorityBase: "valid"}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := rules.Check(&tt.c); (err == nil) != tt.ok {
				t.Errorf("Check = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}
