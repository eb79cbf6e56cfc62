package decide_test

import (
	"fmt"
	"os"

	"github.com/dauys/dauys/decide"
)

// The Mazhilis election of 10 January 2021 under the preset that encodes its rules.
func Example() {
	p, err := decide.LookupPreset("kz-mazhilis-2021")
	if err != nil {
		panic(err)
	}
	o, err := decide.Decide(p.Rules, decide.Input{
		Options: []string{"Nur Otan", "Ak Zhol", "People's Party", "Auyl", "Adal"},
		Total:   decide.Counts{Options: []int64{5148074, 792828, 659019, 383023, 258618}},
	})
	if err != nil {
		panic(err)
	}
	for _, s := range o.Seats {
		fmt.Printf("%s: %d\n", s.Option, s.Seats)
	}
	fmt.Println("quota:", o.Explanation.Quota.Value.Exact)
	// Output:
	// Nur Otan: 76
	// Ak Zhol: 12
	// People's Party: 10
	// Auyl: 0
	// Adal: 0
	// quota: 6599921/98
}

func ExampleAllocate() {
	// Wikipedia's D'Hondt example: 8 seats among 100,000, 80,000, 30,000 and 20,000 votes.
	seats, err := decide.Allocate(decide.MethodDHondt, []int64{100000, 80000, 30000, 20000}, 8)
	if err != nil {
		panic(err)
	}
	fmt.Println(seats)
	// Output: [4 3 1 0]
}

func ExampleLotKey() {
	// Reproduce with: printf '%s\0%s' kz-2023 'Ak Zhol' | sha256sum
	fmt.Println(decide.LotKey("kz-2023", "Ak Zhol"))
	// Output: f90436f2677a3fd2661ebc7f7a11b95ee0ec8cce0f93304b5461ccefd0068e9e
}

func ExampleOutcome_WriteText() {
	o, err := decide.Decide(decide.Rules{Kind: decide.KindMajority}, decide.Input{
		Options: []string{"A", "B", "C"},
		Total:   decide.Counts{TookPart: 10300, Invalid: 300, AgainstAll: 200, Options: []int64{5100, 3000, 1700}},
	})
	if err != nil {
		panic(err)
	}
	if err := o.WriteText(os.Stdout); err != nil {
		panic(err)
	}
	// Output:
	// A candidate with more than half of the voters who took part is elected; otherwise the two candidates with the most votes go to a runoff, which is won by plurality; ties for a runoff place go to the candidate registered earlier.
	//
	// Bases (shares are rounded half up to the hundredth from the exact fractions):
	// - share: The published share of each candidate and of against all is of the votes for candidates plus against all (10000), as the CEC publishes it; the share of all who took part is shown beside it.
	// - majority: A candidate is elected with more than half of the voters who took part (10300), at least 5151 votes.
	//
	// Majority base: voters who took part = 10300; more than half needs at least 5151 votes.
	//
	// Rank  Candidate    Votes  % of base  % of took part  % of valid  Result
	// 1     A            5100   49.51      49.51           51.00       runoff
	// 2     B            3000   29.13      29.13           30.00       runoff
	// 3     C            1700   16.50      16.50           17.00
	//       against all  200               1.94            2.00
	//
	// Took part 10300 (invalid 300); valid votes (candidates plus against all) 10000.
	// Elected: nobody; runoff between A and B.
	//
	// Ties: none decided a seat or place.
	//
	// No candidate has more than half of 10300 (at least 5151 votes needed; the leader has 5100), so A and B go to a runoff.
}
