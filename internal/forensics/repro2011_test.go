package forensics_test

import (
	"math"
	"testing"

	"github.com/dauys/dauys/internal/forensics"
)

// Published figures for the 2011 State Duma election (data README; Kobak,
// Shpilkin & Pshenichnikov, method of the dkobak/elections significance2018
// notebook).
const (
	published2011Included = 86718
	published2011Any      = 17803
	published2011Leader   = 9708
	published2011Turnout  = 9216

	published2011ExcessAny     = 1003.5
	published2011ExcessLeader  = 767.1
	published2011ExcessTurnout = 449.3
	published2011SDAny         = 113.1

	// The notebook's replicate count is not part of the published figures; we
	// assume 1000, the same as ours. If the authors used more, their standard
	// error is smaller and the tolerance below is slightly generous, never
	// too strict.
	published2011Replicates = 1000
)

func TestReproduce2011IntegerPercentages(t *testing.T) {
	in := mustLoadCEC2011(t)
	if got, want := len(in.Precincts), 95225; got != want {
		t.Fatalf("read %d stations, want %d", got, want)
	}
	var registered int64
	for _, p := range in.Precincts {
		registered += p.Registered
	}
	if registered != 109229337 {
		t.Fatalf("registered voters sum to %d, want 109,229,337", registered)
	}

	rep, err := forensics.Analyze(in, forensics.Config{Seed: 2011})
	if err != nil {
		t.Fatal(err)
	}
	if rep.LeaderName != `6. Всероссийская политическая партия "ЕДИНАЯ РОССИЯ"` {
		t.Errorf("leader = %q, want United Russia", rep.LeaderName)
	}
	ip := rep.IntegerPercent
	t.Logf("included %d, any %d (leader %d, turnout %d)", ip.Included, ip.Any, ip.Leader, ip.Turnout)
	t.Logf("excess any %.1f (sd %.1f, expected %.1f), leader %.1f (sd %.1f), turnout %.1f (sd %.1f)",
		ip.ExcessAny, ip.SDAny, ip.ExpectedAny, ip.ExcessLeader, ip.SDLeader, ip.ExcessTurnout, ip.SDTurnout)

	// The counts are exact integer tests and must match exactly.
	for _, c := range []struct {
		name      string
		got, want int
	}{
		{"included", ip.Included, published2011Included},
		{"any", ip.Any, published2011Any},
		{"leader", ip.Leader, published2011Leader},
		{"turnout", ip.Turnout, published2011Turnout},
	} {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}

	// The excess is observed − mean(null); both means are Monte Carlo
	// estimates with standard error sd/√replicates. The difference of two
	// independent estimates has standard error sd·√(1/R₁ + 1/R₂), and we allow
	// three of those (a two-sided 99.7% band).
	for _, c := range []struct {
		name           string
		got, want, sd  float64
		publishedSDRef float64
	}{
		{"any", ip.ExcessAny, published2011ExcessAny, ip.SDAny, published2011SDAny},
		{"leader", ip.ExcessLeader, published2011ExcessLeader, ip.SDLeader, ip.SDLeader},
		{"turnout", ip.ExcessTurnout, published2011ExcessTurnout, ip.SDTurnout, ip.SDTurnout},
	} {
		se := math.Sqrt(c.sd*c.sd/float64(ip.Replicates) + c.publishedSDRef*c.publishedSDRef/published2011Replicates)
		if d := math.Abs(c.got - c.want); d > 3*se {
			t.Errorf("excess %s = %.1f, want %.1f ± %.1f (3 standard errors)", c.name, c.got, c.want, 3*se)
		}
	}

	// The standard deviation of 1000 replicates is itself estimated with a
	// relative standard error of about 1/√(2·1000) ≈ 2.2%; 15% is wide enough
	// for sampling noise and narrow enough to catch a wrong null model.
	if rel := math.Abs(ip.SDAny-published2011SDAny) / published2011SDAny; rel > 0.15 {
		t.Errorf("sd any = %.1f, want %.1f within 15%%", ip.SDAny, published2011SDAny)
	}
}

// BenchmarkAnalyze2011 runs the whole analysis, 1000 Monte Carlo replicates
// included, on the 95,225 stations of 2011. Goal: under 10 s on two cores.
//
//	go test ./internal/forensics -run '^$' -bench Analyze2011 -benchtime 3x
func BenchmarkAnalyze2011(b *testing.B) {
	in := mustLoadCEC2011(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := forensics.Analyze(in, forensics.Config{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
