package definition_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/definition"
)

// FuzzParse feeds arbitrary definitions and areas files to Parse. It must
// never panic; it either returns an election that keeps the definition's
// bytes or one *dauys.Error with code EINVALID, the same each time.
//
//	go test ./internal/definition -run '^$' -fuzz FuzzParse -fuzztime 5m -fuzzminimizetime 5s
//
// The seeds include the shipped examples, some of them large, so a short
// minimizing time keeps the fuzzer fuzzing.
func FuzzParse(f *testing.F) {
	f.Add([]byte(base), []byte(baseAreas))
	f.Add([]byte("id: x\nareas: &a [*a]\n"), []byte(""))
	f.Add([]byte("import: &x {<<: *x}\n"), []byte(""))
	f.Add([]byte("contests: [{rules: {<<: [{seats: 1}, {seats: 2}]}}]\n"), []byte("id\n"))
	for _, dir := range exampleDirs(f) {
		yaml, err := os.ReadFile(filepath.Join(dir, definition.DefaultFile))
		if err != nil {
			f.Fatal(err)
		}
		// The first rows of the areas file keep each run fast.
		areas, _ := os.ReadFile(filepath.Join(dir, "areas.csv"))
		f.Add(yaml, firstLines(areas, 40))
	}
	f.Fuzz(func(t *testing.T, yaml, areas []byte) {
		fsys := fstest.MapFS{"areas.csv": {Data: areas}}
		e, err := definition.Parse(yaml, "election.yaml", fsys)
		if err == nil {
			if e == nil || !bytes.Equal(e.Definition, yaml) {
				t.Fatal("no error, but no election with the definition's bytes")
			}
			return
		}
		var de *dauys.Error
		if !errors.As(err, &de) || de.Code != dauys.EINVALID || de.Message == "" {
			t.Fatalf("error %v is not an EINVALID *dauys.Error", err)
		}
		if e != nil {
			t.Fatal("an election and an error")
		}
		if _, again := definition.Parse(yaml, "election.yaml", fsys); again == nil || again.Error() != err.Error() {
			t.Fatalf("a second parse said %v, the first %v", again, err)
		}
	})
}

func firstLines(b []byte, n int) []byte {
	i := 0
	for range n {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			return b
		}
		i += j + 1
	}
	return b[:i]
}
