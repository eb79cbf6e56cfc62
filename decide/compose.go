package decide

// BodySeats is one party's seats in a body elected by a parallel (mixed, non-compensatory) system.
type BodySeats struct {
	Option    string `json:"option"`
	List      int    `json:"list"`
	Districts int    `json:"districts"`
	Total     int    `json:"total"`
}

// Body is the composition of a body elected in parallel: list seats and district seats simply add up,
// with no compensation between the tiers (the Mazhilis since 2023: 69 list seats + 29 districts,
// KAZAKHSTAN.md §1).
type Body struct {
	// Seats lists the parties of the list contest in ballot order (0 seats included), then the other
	// winners of districts (independents, parties without a list) in order of first appearance.
	Seats []BodySeats `json:"seats"`
	// ListSeats and DistrictSeats are the seats filled in each tier; Vacant counts districts without a
	// winner (a re-run is required there); Total is ListSeats + DistrictSeats.
	ListSeats     int `json:"list_seats"`
	DistrictSeats int `json:"district_seats"`
	Vacant        int `json:"vacant"`
	Total         int `json:"total"`
}

// ComposeParallel adds the district winners to the list seats of a list Outcome. districtWinners holds,
// for each district, the party (or other affiliation) of its winner, or "" for a district that elected
// nobody.
func ComposeParallel(list *Outcome, districtWinners []string) (Body, error) {
	if list == nil || list.Kind != KindList {
		return Body{}, invalidInput("ComposeParallel needs the outcome of a list contest")
	}
	var b Body
	pos := make(map[string]int, len(list.Seats))
	for _, s := range list.Seats {
		pos[s.Option] = len(b.Seats)
		b.Seats = append(b.Seats, BodySeats{Option: s.Option, List: s.Seats, Total: s.Seats})
		b.ListSeats += s.Seats
	}
	for _, w := range districtWinners {
		if w == "" {
			b.Vacant++
			continue
		}
		k, ok := pos[w]
		if !ok {
			k = len(b.Seats)
			pos[w] = k
			b.Seats = append(b.Seats, BodySeats{Option: w})
		}
		b.Seats[k].Districts++
		b.Seats[k].Total++
		b.DistrictSeats++
	}
	b.Total = b.ListSeats + b.DistrictSeats
	return b, nil
}
