package dauys_test

import (
	"testing"

	"github.com/dauys/dauys"
)

func TestTransitionStatus(t *testing.T) {
	final := func(date, number string) *dauys.StatusChange {
		return &dauys.StatusChange{Election: "e", To: dauys.StatusFinal, DecisionDate: date, DecisionNumber: number}
	}
	to := func(s, reason string) *dauys.StatusChange {
		return &dauys.StatusChange{Election: "e", To: s, Reason: reason}
	}
	for _, tc := range []struct {
		name string
		from string
		c    *dauys.StatusChange
		code string
	}{
		{"polls open", dauys.StatusScheduled, to(dauys.StatusVoting, ""), ""},
		{"old pre-election reads as scheduled", dauys.StatusPreElection, to(dauys.StatusVoting, ""), ""},
		{"polls close", dauys.StatusVoting, to(dauys.StatusCounting, ""), ""},
		{"results established", dauys.StatusCounting, final("2026-03-17", "12/345"), ""},
		{"old complete reads as counting", dauys.StatusComplete, final("2026-03-17", "12/345"), ""},
		{"final without a decision", dauys.StatusCounting, final("", ""), dauys.EINVALID},
		{"final without a number", dauys.StatusCounting, final("2026-03-17", ""), dauys.EINVALID},
		{"final with a bad date", dauys.StatusCounting, final("17.03.2026", "12"), dauys.EINVALID},
		{"reopening", dauys.StatusFinal, to(dauys.StatusCounting, "court decision No. 5"), ""},
		{"old certified reads as final", dauys.StatusCertified, to(dauys.StatusCounting, "recount"), ""},
		{"reopening without a reason", dauys.StatusFinal, to(dauys.StatusCounting, ""), dauys.EINVALID},
		{"skipping voting", dauys.StatusScheduled, to(dauys.StatusCounting, ""), dauys.ECONFLICT},
		{"back to voting", dauys.StatusCounting, to(dauys.StatusVoting, ""), dauys.ECONFLICT},
		{"final again", dauys.StatusFinal, final("2026-03-17", "1"), dauys.ECONFLICT},
		{"same status", dauys.StatusVoting, to(dauys.StatusVoting, ""), dauys.ECONFLICT},
		{"unknown status", dauys.StatusVoting, to("done", ""), dauys.EINVALID},
		{"old names are not targets", dauys.StatusCounting, to(dauys.StatusCertified, ""), dauys.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := dauys.TransitionStatus(tc.from, tc.c)
			if got := dauys.ErrorCode(err); got != tc.code {
				t.Errorf("error %v (code %q), want %q", err, got, tc.code)
			}
		})
	}
}

func TestAcceptsResults(t *testing.T) {
	for status, refused := range map[string]bool{
		dauys.StatusScheduled: false, dauys.StatusPreElection: false, dauys.StatusVoting: false,
		dauys.StatusCounting: false, dauys.StatusComplete: false,
		dauys.StatusFinal: true, dauys.StatusCertified: true,
	} {
		err := dauys.AcceptsResults("e", status)
		if (err != nil) != refused {
			t.Errorf("status %s: %v", status, err)
		}
		if err != nil && dauys.ErrorCode(err) != dauys.ECONFLICT {
			t.Errorf("status %s: code %s", status, dauys.ErrorCode(err))
		}
	}
}

func TestFinalDecision(t *testing.T) {
	history := []dauys.StatusChange{
		{To: dauys.StatusCounting},
		{To: dauys.StatusFinal, DecisionDate: "2026-03-17", DecisionNumber: "1"},
	}
	if d := dauys.FinalDecision(history); d == nil || d.DecisionNumber != "1" {
		t.Errorf("decision %+v", d)
	}
	history = append(history, dauys.StatusChange{To: dauys.StatusCounting, Reason: "recount"})
	if d := dauys.FinalDecision(history); d != nil {
		t.Errorf("a reopened election has decision %+v", d)
	}
	if d := dauys.FinalDecision(nil); d != nil {
		t.Errorf("no history, decision %+v", d)
	}
}
