package cdf_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/cdf"
)

// FuzzImport feeds the importer malformed reports: it must answer every
// one with either an election that intake accepts or a clear EINVALID error,
// and never panic. Run it with go test -fuzz=FuzzImport ./internal/cdf/.
func FuzzImport(f *testing.F) {
	base := minimal(f)
	f.Add(base)
	f.Add(base[:len(base)/2])
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"@type":"ElectionResults.ElectionReport","Election":[{"ElectionScopeId":"x","Contest":[]}],"GpUnit":[{"@id":"x","@type":"ElectionResults.ReportingUnit","Type":"county","ComposingGpUnitIds":["x"]}]}`))
	f.Add([]byte(strings.Replace(string(base), `"p1"`, `"p9"`, 1)))                                                // dangling ids
	f.Add([]byte(strings.Replace(string(base), `"Count": 30`, `"Count": -30`, 1)))                                 // a negative count
	f.Add([]byte(strings.Replace(string(base), `"Count": 30`, `"Count": 3e400`, 1)))                               // a huge number
	f.Add([]byte(strings.ReplaceAll(string(base), `"Count": 30`, `"Count": 4611686018427387904`)))                 // 2^62: sums wrap
	f.Add([]byte(strings.Replace(string(base), `"Count": 30`, `"Count": 9223372036854775807`, 1)))                 // 2^63-1
	f.Add([]byte(strings.Replace(string(base), `"Count": 30`, `"Count": -9223372036854775808`, 1)))                // -2^63
	f.Add([]byte(strings.Replace(string(base), `"ComposingGpUnitIds": [`, `"ComposingGpUnitIds": ["county",`, 1))) // a cycle
	f.Add([]byte(strings.Replace(string(base), `"Type": "election-day"`, `"Type": "other", "OtherType": "early -- mail!"`, 1)))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<20 {
			return
		}
		for _, lenient := range []bool{true, false} {
			im, err := cdf.Decode(data, cdf.ImportOptions{Lenient: lenient})
			if err != nil {
				var de *dauys.Error
				if !errors.As(err, &de) || de.Code != dauys.EINVALID || !strings.HasPrefix(de.Message, "cdf: ") {
					t.Fatalf("error %#v is not a clear EINVALID error", err)
				}
				continue
			}
			// Decode has already run intake's checks on every protocol;
			// what it returns is whole.
			e := im.Election
			areas := map[string]bool{}
			for _, a := range e.Areas {
				areas[a.ID] = true
			}
			for _, s := range im.Submissions {
				if e.Contest(s.Contest) == nil || !areas[s.Area] {
					t.Fatalf("submission for %s/%s outside the election", s.Contest, s.Area)
				}
				for name, n := range s.Lines {
					if n < 0 || n > dauys.MaxCount {
						t.Fatalf("submission %s/%s: %s is %d, outside 0..MaxCount", s.Contest, s.Area, name, n)
					}
				}
			}
		}
	})
}
