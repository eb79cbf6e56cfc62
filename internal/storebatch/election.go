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
	case dauys.StatusPreElection, dauys.StatusCounting, dauys.StatusComplete, dauys.StatusCertified:
		return true
	}
	return false
}
