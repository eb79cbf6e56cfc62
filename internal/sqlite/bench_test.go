package sqlite_test

import (
	"flag"
	"strconv"
	"strings"
	"testing"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/storetest"
)

var precincts = flag.String("precincts", "10000",
	"comma-separated election sizes, in precincts, for BenchmarkTotals; pass it after -args: -args -precincts=10000,1000000")

// sizes parses -precincts.
func sizes(tb testing.TB) []int {
	tb.Helper()
	var out []int
	for _, f := range strings.Split(*precincts, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			tb.Fatalf("-precincts: bad size %q", f)
		}
		out = append(out, n)
	}
	return out
}

func open(tb testing.TB) dauys.Store { return MustOpen(tb) }

// BenchmarkSaveProtocols reports protocols/s for batches of 1000. A national
// import (96,000 protocols):
//
//	go test -run '^$' -bench SaveProtocols -benchtime 96x ./internal/sqlite/
func BenchmarkSaveProtocols(b *testing.B) { storetest.BenchSaveProtocols(b, open) }

// BenchmarkTotals reads national and regional totals. At a million
// precincts (the setup takes a few minutes and about 1.5 GB of disk):
//
//	go test -run '^$' -bench Totals -timeout 1h ./internal/sqlite/ -args -precincts=10000,1000000
func BenchmarkTotals(b *testing.B) { storetest.BenchTotals(b, open, sizes(b)) }
