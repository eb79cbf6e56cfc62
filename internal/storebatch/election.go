package storebatch

import (
	"encoding/json"

	"github.com/dauys/dauys"
)

// CheckElection refuses a definition a store cannot keep: one without an
// id, or with an area without an id or defined twice.
func CheckElection(e *dauys.Election) error {
	if e == nil || e.ID == "" {
		return dauys.Errorf(dauys.EINVALID, "an election needs an id")
	}
	seen := make(map[string]bool, len(e.Areas))
	for _, a := range e.Areas {
		if a.ID == "" {
			return dauys.Errorf(dauys.EINVALID, "election %s: an area needs an id", e.ID)
		}
		if seen[a.ID] {
			return dauys.Errorf(dauys.EINVALID, "election %s: area %s is defined twice", e.ID, a.ID)
		}
		seen[a.ID] = true
	}
	return nil
}

// DefinitionJSON is the election as the stores keep it in
// elections.definition: without its areas, which have their own table, nor
// the original file.
func DefinitionJSON(e *dauys.Election) ([]byte, error) {
	d := *e
	d.Areas = nil
	return json.Marshal(&d)
}

// ValidStatus reports whether status is one an election can be in.
func ValidStatus(status string) bool {
	switch status {
	case dauys.StatusScheduled, dauys.StatusVoting, dauys.StatusCounting, dauys.StatusFinal,
		dauys.StatusPreElection, dauys.StatusComplete, dauys.StatusCertified:
		return true
	}
	return false
}

// Areas collects the areas of an election as a store reads them back, in
// little memory: a million precincts repeat a few levels and each
// district's id as their parent, and most names are the same in the three
// languages, so those strings are kept once.
type Areas struct {
	List    []dauys.Area
	strings map[string]string
}

// NewAreas prepares for about n areas.
func NewAreas(n int) *Areas {
	return &Areas{List: make([]dauys.Area, 0, n), strings: map[string]string{}}
}

// Decode adds an area from its stored JSON.
func (as *Areas) Decode(b []byte) error {
	as.List = append(as.List, dauys.Area{})
	a := &as.List[len(as.List)-1]
	if err := json.Unmarshal(b, a); err != nil {
		as.List = as.List[:len(as.List)-1]
		return err
	}
	a.Parent, a.Level = as.intern(a.Parent), as.intern(a.Level)
	if a.Name.RU == a.Name.KK {
		a.Name.RU = a.Name.KK
	}
	if a.Name.EN == a.Name.KK {
		a.Name.EN = a.Name.KK
	} else if a.Name.EN == a.Name.RU {
		a.Name.EN = a.Name.RU
	}
	if a.Number == a.Name.KK {
		a.Number = a.Name.KK
	}
	return nil
}

func (as *Areas) intern(s string) string {
	if v, ok := as.strings[s]; ok {
		return v
	}
	as.strings[s] = s
	return s
}
