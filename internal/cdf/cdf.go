// Package cdf speaks the election results common data format of NIST
// SP 1500-100 version 2 ("ERR v2"), in its JSON form: it imports a results
// report into a Dauys election (its definition and one protocol per contest
// and reporting unit, submitted through intake so that imported data passes
// the same checks as any other), exports any Dauys election as a report
// that validates against NIST's JSON Schema, and writes and reads the flat
// CSV layout results analysts use.
//
// The two models do not match one to one. The format describes geography as
// a graph of units (a precinct belongs to a county, a congressional district
// and a polling place at once); Dauys counts over a tree. The format has no
// place for Dauys's protocol lines beyond ballots cast, overvotes and
// undervotes (invalid ballots, "against all", ballots received and
// cancelled), nor for the rules that decide a contest. Whatever an import
// cannot represent is named in its notes, never dropped silently; what an
// export cannot say in the standard's own terms it says through the
// extensions documented in docs/cdf.md, all of them standard
// ExternalIdentifier and BallotCounts objects, so that every export stays
// valid against the schema and re-imports to the same totals.
//
// It owns the mapping between the two models. It uses internal/intake only
// to submit (Submit, CheckEntry), loads elections through internal/election,
// and must never import tally, web, httpapi or a store driver: it works over
// any dauys.Store.
package cdf

import (
	"strings"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/dataset"
)

// Report detail levels of the format.
const (
	FormatPrecinct = "precinct-level"
	FormatSummary  = "summary-contest"
)

// Results statuses of the format.
const (
	StatusPreElection        = "pre-election"
	StatusUnofficialPartial  = "unofficial-partial"
	StatusUnofficialComplete = "unofficial-complete"
	StatusCertified          = "certified"
	StatusCorrection         = "correction"
	StatusRecount            = "recount"
)

// Extensions. Each is an ExternalIdentifier of Type "other" whose OtherType
// names it, except extLinePrefix, which is the OtherType of a BallotCounts
// object of Type "other".
const (
	// extID carries the Dauys id of an object whose @id differs from it.
	extID = "dauys-id"
	// extElection, on the Election, carries what a Dauys definition says
	// beyond the format as JSON: id, timezone, source, double entry, CSV
	// import mapping.
	extElection = "dauys-election"
	// extForm, on the Election, carries one protocol form as JSON; its
	// Label is the form's id.
	extForm = "dauys-form"
	// extContest, on a contest, carries its kind, rules, form, body, areas
	// and territorial units as JSON.
	extContest = "dauys-contest"
	// extLine, on a ballot measure selection, names the protocol line
	// ("yes", "no") that holds its votes.
	extLine = "dauys-line"
	// extTile, on a GpUnit, is the area's place in the tile-grid
	// cartogram: "column,row".
	extTile = "dauys-tile"
	// extISO, on a GpUnit, is the area's ISO 3166-2 code.
	extISO = "iso-3166-2"
	// extLinePrefix starts the OtherType of a BallotCounts object that
	// holds one protocol line of one contest:
	// "dauys:<contest @id>:<line>", the count in BallotsCast.
	extLinePrefix = "dauys:"
)

// Lines with a meaning in the format. Dauys line names may not contain '-'
// (it would read as a minus in expressions), so the format's vote types
// become line suffixes with '_': option:<id>.election_day.
const (
	lineTookPart           = "took_part"
	lineOvervotes          = "overvotes"
	lineUndervotes         = "undervotes"
	lineWriteIns           = "write_ins"
	lineBallotsRejected    = "ballots_rejected"
	lineBallotsOutstanding = "ballots_outstanding"
	lineYes                = "yes"
	lineNo                 = "no"
)

// typeSuffix turns a count type into the suffix of a line name:
// "election-day" becomes "election_day", "other" with OtherType "Mail
// ballots (late)" becomes "other_mail_ballots_late".
func typeSuffix(typ, otherType string) string {
	if typ == "other" && otherType != "" {
		return "other_" + lineToken(otherType)
	}
	return strings.ReplaceAll(typ, "-", "_")
}

// countType turns a line suffix back into a count type and its OtherType
// (dataset.CountType: the flat layout reads suffixes the same way).
func countType(suffix string) (typ, otherType string) { return dataset.CountType(suffix) }

// lineToken makes s usable inside a line name: lower-case letters, digits
// and '_'.
func lineToken(s string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			under = false
		} else if !under && b.Len() > 0 {
			b.WriteByte('_')
			under = true
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}

// Report is an ElectionResults.ElectionReport, the top of an ERR v2 file,
// with the objects an export writes. Field order is the order of the
// output.
type Report struct {
	Type                string               `json:"@type"`
	Election            []Election           `json:"Election,omitempty"`
	ExternalIdentifier  []ExternalIdentifier `json:"ExternalIdentifier,omitempty"`
	Format              string               `json:"Format"`
	GeneratedDate       string               `json:"GeneratedDate"`
	GpUnit              []GpUnit             `json:"GpUnit,omitempty"`
	Issuer              string               `json:"Issuer"`
	IssuerAbbreviation  string               `json:"IssuerAbbreviation"`
	Party               []Party              `json:"Party,omitempty"`
	SequenceEnd         int                  `json:"SequenceEnd"`
	SequenceStart       int                  `json:"SequenceStart"`
	Status              string               `json:"Status"`
	VendorApplicationID string               `json:"VendorApplicationId"`
}

// Election is an ElectionResults.Election.
type Election struct {
	Type               string                `json:"@type"`
	BallotCounts       []BallotCounts        `json:"BallotCounts,omitempty"`
	Candidate          []Candidate           `json:"Candidate,omitempty"`
	Contest            []Contest             `json:"Contest,omitempty"`
	ElectionScopeID    string                `json:"ElectionScopeId"`
	EndDate            string                `json:"EndDate"`
	ExternalIdentifier []ExternalIdentifier  `json:"ExternalIdentifier,omitempty"`
	Name               InternationalizedText `json:"Name"`
	StartDate          string                `json:"StartDate"`
	ElectionType       string                `json:"Type"`
	OtherType          string                `json:"OtherType,omitempty"`
}

// Contest is a CandidateContest, PartyContest or BallotMeasureContest; Type
// says which, and only the fields of that kind are set.
type Contest struct {
	ID                 string                 `json:"@id"`
	Type               string                 `json:"@type"`
	BallotTitle        *InternationalizedText `json:"BallotTitle,omitempty"`
	ContestSelection   []ContestSelection     `json:"ContestSelection,omitempty"`
	ElectionDistrictID string                 `json:"ElectionDistrictId"`
	ExternalIdentifier []ExternalIdentifier   `json:"ExternalIdentifier,omitempty"`
	Name               string                 `json:"Name"`
	NumberElected      *int                   `json:"NumberElected,omitempty"`
	OtherCounts        []OtherCounts          `json:"OtherCounts,omitempty"`
	SequenceOrder      int                    `json:"SequenceOrder,omitempty"`
	SubUnitsReported   *int64                 `json:"SubUnitsReported,omitempty"`
	TotalSubUnits      *int64                 `json:"TotalSubUnits,omitempty"`
	// MeasureType is the BallotMeasureType of a ballot measure.
	MeasureType   string `json:"Type,omitempty"`
	VoteVariation string `json:"VoteVariation,omitempty"`
	VotesAllowed  *int   `json:"VotesAllowed,omitempty"`
}

// ContestSelection is a CandidateSelection, PartySelection or
// BallotMeasureSelection.
type ContestSelection struct {
	ID                 string                 `json:"@id"`
	Type               string                 `json:"@type"`
	CandidateIDs       []string               `json:"CandidateIds,omitempty"`
	ExternalIdentifier []ExternalIdentifier   `json:"ExternalIdentifier,omitempty"`
	PartyIDs           []string               `json:"PartyIds,omitempty"`
	Selection          *InternationalizedText `json:"Selection,omitempty"`
	SequenceOrder      int                    `json:"SequenceOrder,omitempty"`
	VoteCounts         []VoteCounts           `json:"VoteCounts,omitempty"`
}

// VoteCounts is the count of one selection in one unit by one count type.
type VoteCounts struct {
	Type      string `json:"@type"`
	Count     int64  `json:"Count"`
	GpUnitID  string `json:"GpUnitId"`
	OtherType string `json:"OtherType,omitempty"`
	CountType string `json:"Type"`
}

// OtherCounts holds a contest's overvotes, undervotes and write-ins in one
// unit.
type OtherCounts struct {
	Type       string `json:"@type"`
	GpUnitID   string `json:"GpUnitId"`
	Overvotes  *int64 `json:"Overvotes,omitempty"`
	Undervotes *int64 `json:"Undervotes,omitempty"`
	WriteIns   *int64 `json:"WriteIns,omitempty"`
}

// BallotCounts holds the ballots of one unit by count type.
type BallotCounts struct {
	Type               string `json:"@type"`
	BallotsCast        *int64 `json:"BallotsCast,omitempty"`
	BallotsOutstanding *int64 `json:"BallotsOutstanding,omitempty"`
	BallotsRejected    *int64 `json:"BallotsRejected,omitempty"`
	GpUnitID           string `json:"GpUnitId"`
	OtherType          string `json:"OtherType,omitempty"`
	CountType          string `json:"Type"`
}

// GpUnit is a ReportingUnit: an area.
type GpUnit struct {
	ID                 string                 `json:"@id"`
	Type               string                 `json:"@type"`
	ComposingGpUnitIDs []string               `json:"ComposingGpUnitIds,omitempty"`
	ExternalIdentifier []ExternalIdentifier   `json:"ExternalIdentifier,omitempty"`
	Name               *InternationalizedText `json:"Name,omitempty"`
	Number             string                 `json:"Number,omitempty"`
	OtherType          string                 `json:"OtherType,omitempty"`
	UnitType           string                 `json:"Type"`
	VotersRegistered   *int64                 `json:"VotersRegistered,omitempty"`
}

// Party is an ElectionResults.Party.
type Party struct {
	ID                 string                 `json:"@id"`
	Type               string                 `json:"@type"`
	Abbreviation       *InternationalizedText `json:"Abbreviation,omitempty"`
	Color              string                 `json:"Color,omitempty"`
	ExternalIdentifier []ExternalIdentifier   `json:"ExternalIdentifier,omitempty"`
	Name               InternationalizedText  `json:"Name"`
}

// Candidate is an ElectionResults.Candidate.
type Candidate struct {
	ID                 string                `json:"@id"`
	Type               string                `json:"@type"`
	BallotName         InternationalizedText `json:"BallotName"`
	ExternalIdentifier []ExternalIdentifier  `json:"ExternalIdentifier,omitempty"`
	PartyID            string                `json:"PartyId,omitempty"`
}

// ExternalIdentifier is an identifier of an object in another system; the
// extensions use Type "other".
type ExternalIdentifier struct {
	Type      string `json:"@type"`
	Label     string `json:"Label,omitempty"`
	OtherType string `json:"OtherType,omitempty"`
	IDType    string `json:"Type"`
	Value     string `json:"Value"`
}

// InternationalizedText is a text in several languages.
type InternationalizedText struct {
	Type string           `json:"@type"`
	Text []LanguageString `json:"Text"`
}

// LanguageString is a text in one language.
type LanguageString struct {
	Type     string `json:"@type"`
	Content  string `json:"Content"`
	Language string `json:"Language"`
}

const typePrefix = "ElectionResults."

func ext(otherType, value string) ExternalIdentifier {
	return ExternalIdentifier{Type: typePrefix + "ExternalIdentifier", IDType: "other", OtherType: otherType, Value: value}
}

// intlText turns a Dauys text into the format's, in the order kk, ru, en;
// fallback names the object when the text is empty, since the format
// needs at least one language.
func intlText(t dauys.Text, fallback string) InternationalizedText {
	it := InternationalizedText{Type: typePrefix + "InternationalizedText"}
	for _, l := range []struct{ lang, s string }{{"kk", t.KK}, {"ru", t.RU}, {"en", t.EN}} {
		if l.s != "" {
			it.Text = append(it.Text, LanguageString{Type: typePrefix + "LanguageString", Content: l.s, Language: l.lang})
		}
	}
	if len(it.Text) == 0 {
		it.Text = []LanguageString{{Type: typePrefix + "LanguageString", Content: fallback, Language: "en"}}
	}
	return it
}
