// Package migrations reads a store's embedded, numbered, forward-only
// schema migrations and decides which a database still needs. The SQL is
// each store's own; what to apply, and in which order, is the same for
// both.
//
// It imports no other Dauys package.
package migrations

import (
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

// Migration is one numbered file of migrations/: 0001_init.sql.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Read returns the migrations under migrations/ in fsys, in order. Their
// names start with a positive version number, each used once.
func Read(fsys fs.FS) ([]Migration, error) {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		num, _, _ := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: the name must start with a positive number", base)
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: base, SQL: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i := 1; i < len(ms); i++ {
		if ms[i].Version == ms[i-1].Version {
			return nil, fmt.Errorf("migrations %s and %s have the same number", ms[i-1].Name, ms[i].Name)
		}
	}
	return ms, nil
}

// Pending returns, in order, every known migration missing from a database
// that has applied the given versions, so that migrations merged out of
// order still all apply. A version the program does not know means a newer
// program wrote the database, which is refused rather than guessed at.
func Pending(ms []Migration, applied map[int]bool) ([]Migration, error) {
	known := map[int]bool{}
	for _, m := range ms {
		known[m.Version] = true
	}
	for v := range applied {
		if !known[v] {
			return nil, fmt.Errorf("the database has schema version %d, which this program does not know: it is newer", v)
		}
	}
	var out []Migration
	for _, m := range ms {
		if !applied[m.Version] {
			out = append(out, m)
		}
	}
	return out, nil
}
