package migrations_test

import (
	"testing"
	"testing/fstest"

	"github.com/dauys/dauys/internal/migrations"
)

func TestReadAndPending(t *testing.T) {
	fsys := fstest.MapFS{
		"migrations/0002_b.sql": {Data: []byte("B")},
		"migrations/0001_a.sql": {Data: []byte("A")},
		"migrations/0006_c.sql": {Data: []byte("C")},
	}
	ms, err := migrations.Read(fsys)
	if err != nil || len(ms) != 3 || ms[0].Name != "0001_a.sql" || ms[2].Version != 6 || ms[1].SQL != "B" {
		t.Fatalf("Read = %+v, %v", ms, err)
	}
	todo, err := migrations.Pending(ms, map[int]bool{1: true, 6: true})
	if err != nil || len(todo) != 1 || todo[0].Version != 2 {
		t.Errorf("Pending = %+v, %v", todo, err)
	}
	if _, err := migrations.Pending(ms, map[int]bool{7: true}); err == nil {
		t.Error("an unknown, newer version was accepted")
	}
	for name, bad := range map[string]fstest.MapFS{
		"no number": {"migrations/init.sql": {}},
		"duplicate": {"migrations/0001_a.sql": {}, "migrations/01_b.sql": {}},
	} {
		if _, err := migrations.Read(bad); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
