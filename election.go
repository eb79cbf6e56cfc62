package dauys

import "time"

// Area levels of the geography tree. A definition may use other level names;
// these are the ones Dauys knows how to present.
const (
	LevelCountry  = "country"
	LevelRegion   = "region"
	LevelDistrict = "district"
	LevelPrecinct = "precinct"
)

// Election statuses, in the order an election passes through them.
const (
	StatusPreElection = "pre-election"
	StatusCounting    = "counting"
	StatusComplete    = "complete"
	StatusCertified   = "certified"
)

// Election is a definition: the geography it is counted over, its contests
// and the protocol forms in which precincts report. A definition carries its
// own geography because the same country votes over different region sets
// (the 2022 referendum had 17 units, a 2026 vote has 20).
type Election struct {
	ID       string `json:"id"`
	Name     Text   `json:"name"`
	Date     string `json:"date"` // polling day, YYYY-MM-DD
	Timezone string `json:"timezone,omitempty"`
	Status   string `json:"status"`
	// TurnoutHours are the hours, "HH:MM" local to each precinct and in
	// ascending order, at which precincts report how many voters have
	// received ballots; the final figure at the close (TurnoutClose) is
	// always a reporting time when any hour is defined, and may be listed
	// last. Empty means the election takes no turnout reports.
	TurnoutHours []string  `json:"turnout_hours,omitempty"`
	Areas        []Area    `json:"areas"`
	Contests     []Contest `json:"contests"`
	Forms        []Form    `json:"forms"`
	Import       CSVImport `json:"import"`
	// DoubleEntry requires two independent entries of every protocol that
	// agree before the protocol is accepted.
	DoubleEntry bool `json:"double_entry,omitempty"`
	// Signed requires every protocol to carry a valid signature of a
	// commission key registered for an area that holds the precinct.
	Signed bool `json:"signed,omitempty"`
	// Source says where the definition's facts come from and which of its
	// numbers are synthetic.
	Source string `json:"source,omitempty"`
	// Replay marks a definition whose precinct protocols are simulated so
	// that they add up exactly to an official result; the public site says
	// so on every page of the election. Zero for a real count.
	Replay Replay `json:"replay,omitzero"`
	// Boundaries is a GeoJSON FeatureCollection of the areas' geographic
	// boundaries (features matched by properties.id or properties.iso),
	// read from the definition's boundaries_file; the public site draws
	// maps from it beside the tile-grid cartogram.
	Boundaries []byte `json:"boundaries,omitempty"`
	// Definition is the original definition file, kept byte for byte so that
	// it can be published and verified.
	Definition []byte    `json:"-"`
	CreatedAt  time.Time `json:"created_at"`
}

// Replay says which official result a replay reproduces
// (docs/definitions.md, "Replays").
type Replay struct {
	// Source names the commission's published figures the replay's
	// totals are, and where they were published.
	Source string `json:"source"`
	// Totals is the file, beside the definition, of the totals the
	// simulated protocols add up to: contest, area, line, value, status
	// (official, derived or estimated) and source of each.
	Totals string `json:"totals,omitempty"`
}

// IsReplay reports whether the election is a replay of an official result
// with simulated precinct protocols.
func (e *Election) IsReplay() bool { return e.Replay.Source != "" }

// Area is a node of the geography tree: the country, a region, a district or
// a precinct (polling station). Precincts are the leaves that report.
type Area struct {
	ID         string `json:"id"`
	Parent     string `json:"parent,omitempty"`
	Level      string `json:"level"`
	Name       Text   `json:"name"`
	Number     string `json:"number,omitempty"` // the precinct number people search by
	ISO        string `json:"iso,omitempty"`    // ISO 3166-2 code where one exists
	Tile       []int  `json:"tile,omitempty"`   // column, row in the tile-grid cartogram
	Registered int64  `json:"registered,omitempty"`
	// Timezone is the IANA time zone of the area's polling stations, such
	// as Asia/Aqtobe; empty means that of the parent, and at the root the
	// election's (EffectiveZone). Until 1 March 2024 the western regions of
	// Kazakhstan voted an hour behind the capital; precincts abroad vote in
	// the zones of their countries.
	Timezone string `json:"timezone,omitempty"`
	// Opens and Closes are the poll hours, "HH:MM" local to the area;
	// empty means those of the parent, and at the root none are set.
	// A special precinct (a military unit, a hospital, a ship) may close
	// early; its turnout reports after Closes are refused.
	Opens  string `json:"opens,omitempty"`
	Closes string `json:"closes,omitempty"`
	// Kind marks areas that are not ordinary territory: AreaAbroad for the
	// top-level unit holding the precincts abroad (counted in the country's
	// totals, in no region's) and its areas, AreaSpecial for a special
	// precinct. Empty for ordinary areas.
	Kind string `json:"kind,omitempty"`
}

// Area kinds.
const (
	// AreaAbroad is the unit directly under the root that holds the
	// precincts abroad (at embassies and consulates), and its areas. It is
	// not a region: it takes a level of its own, so that a territorial
	// rule over the regions' level does not count it.
	AreaAbroad = "abroad"
	// AreaSpecial is a special precinct: a military unit, a hospital, a
	// sanatorium, a ship at sea, a place of detention. It may keep its own
	// poll hours.
	AreaSpecial = "special"
)

// Contest kinds, matching the rules engine's kinds.
const (
	KindList       = "list"
	KindPlurality  = "plurality"
	KindMajority   = "majority"
	KindReferendum = "referendum"
)

// Contest is one race or question on a ballot.
type Contest struct {
	ID   string `json:"id"`
	Name Text   `json:"name"`
	Kind string `json:"kind"`
	// Body groups contests that together fill one elected body, such as the
	// list part and the single-member districts of a mixed parliament.
	Body    string   `json:"body,omitempty"`
	Rules   Rules    `json:"rules"`
	Options []Option `json:"options,omitempty"`
	// Areas are the roots of the subtrees whose precincts vote in the
	// contest; empty means the whole election.
	Areas []string `json:"areas,omitempty"`
	// Units is the area level whose areas are the territorial units of a
	// referendum's territorial rule (for Kazakhstan: "region").
	Units string `json:"units,omitempty"`
	Form  string `json:"form"`
}

// Rules names how a contest is decided: a preset of the rules engine with
// optional overrides, or an explicit method. Values are kept as written in
// the definition and interpreted by the rules engine.
type Rules struct {
	Preset             string `json:"preset,omitempty"`
	Method             string `json:"method,omitempty"`
	Seats              int    `json:"seats,omitempty"`
	Threshold          string `json:"threshold,omitempty"` // percent, exact decimal
	ThresholdBase      string `json:"threshold_base,omitempty"`
	ThresholdExclusive bool   `json:"threshold_exclusive,omitempty"`
	Tie                string `json:"tie,omitempty"`
	Seed               string `json:"seed,omitempty"`
	// Quorum is the share of registered voters, in percent, that must take
	// part for a referendum to be valid ("50" means more than half); empty
	// means no quorum.
	Quorum string `json:"quorum,omitempty"`
	// MajorityBase is the denominator of an absolute majority: "took_part"
	// (ballots cast, the default) or "valid".
	MajorityBase string `json:"majority_base,omitempty"`
	// AgainstAll, for a plurality contest, is "ignore" (the default) or
	// "rerun": whether an against-all plurality voids the election.
	AgainstAll string `json:"against_all,omitempty"`
	// MinTurnout, for a plurality contest, is the share of registered
	// voters, in percent, that must take part; empty means none.
	MinTurnout string `json:"min_turnout,omitempty"`
	// ListQuota overrides the preset's quota on the composition of party
	// lists; fields left empty keep the preset's.
	ListQuota ListQuota `json:"list_quota,omitzero"`
	// Territorial, for a referendum, is the fraction of territorial units
	// that must each have a majority for yes ("2/3"); empty means none.
	Territorial string `json:"territorial,omitempty"`
}

// ListQuota is a law's minimum share of women, young people and people
// with disabilities on a party list and among those taking its seats, as a
// definition writes it; the rules engine (decide.ListQuota) interprets it.
type ListQuota struct {
	Share      string   `json:"share,omitempty"`      // percent, exact decimal
	Categories []string `json:"categories,omitempty"` // women, young, disabled
	YoungAge   int      `json:"young_age,omitempty"`
	List       string   `json:"list,omitempty"`  // off, warn or refuse
	Seats      string   `json:"seats,omitempty"` // off, warn or refuse
}

// Option is a party, candidate or answer on the ballot, in ballot order.
type Option struct {
	ID    string `json:"id"`
	Name  Text   `json:"name"`
	Short Text   `json:"short,omitempty"`
	Party string `json:"party,omitempty"` // a candidate's party
	// Candidates is a party list, in list order.
	Candidates []Candidate `json:"candidates,omitempty"`
	// ListInvented marks a list made up to a realistic size because the
	// real one was not found; the public site says so beside it.
	ListInvented bool   `json:"list_invented,omitempty"`
	Color        string `json:"color,omitempty"`
	// Column is the CSV header holding the option's votes; empty means
	// "option:<id>".
	Column string `json:"column,omitempty"`
}

// CSVImport maps the columns of a protocol CSV file to areas, contests and
// lines. Lines are mapped by their Column (or name) in the form.
type CSVImport struct {
	// AreaColumns form a precinct's path when AreaColumn is empty, one
	// column per level below the root, e.g. region, territorial commission,
	// precinct. Areas missing from the definition are created on import.
	AreaColumns []AreaColumn `json:"area_columns,omitempty"`
	// AreaColumn names the column holding a precinct's area id.
	AreaColumn string `json:"area_column,omitempty"`
	// ContestColumn names the column holding the contest id; Contest fixes
	// the contest for files without one.
	ContestColumn string `json:"contest_column,omitempty"`
	Contest       string `json:"contest,omitempty"`
}

// AreaColumn is one level of a precinct's path in a CSV file.
type AreaColumn struct {
	Column string `json:"column"`
	Level  string `json:"level"`
}

// Root returns the root area of the election's tree.
func (e *Election) Root() *Area {
	for i := range e.Areas {
		if e.Areas[i].Parent == "" {
			return &e.Areas[i]
		}
	}
	return nil
}

// Contest returns the contest with the id, or nil.
func (e *Election) Contest(id string) *Contest {
	for i := range e.Contests {
		if e.Contests[i].ID == id {
			return &e.Contests[i]
		}
	}
	return nil
}

// Form returns the form with the id, or nil.
func (e *Election) Form(id string) *Form {
	for i := range e.Forms {
		if e.Forms[i].ID == id {
			return &e.Forms[i]
		}
	}
	return nil
}
