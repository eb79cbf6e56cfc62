package backend_test

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dauys/dauys/internal/backend"
	"github.com/dauys/dauys/internal/postgres"
	"github.com/dauys/dauys/internal/postgres/pgtest"
	"github.com/dauys/dauys/internal/sqlite"
)

// TestOpen opens each store from a --db value, and a failed open gives a
// nil Backend, not a Backend holding a nil *Store.
func TestOpen(t *testing.T) {
	ctx := context.Background()
	b, err := backend.Open(ctx, filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := b.(*sqlite.Store); !ok {
		t.Errorf("a file path opened %T", b)
	}
	b.Close()

	b, err = backend.Open(ctx, filepath.Join(t.TempDir(), "missing", "folder", "b.db"))
	if err == nil || b != nil {
		t.Errorf("Open in a missing folder = %v (nil: %t), %v; want a nil Backend and an error", b, b == nil, err)
	}

	url := pgtest.SchemaURL(t)
	if url == "" {
		t.Skip("DAUYS_TEST_POSTGRES is not set")
	}
	b, err = backend.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, ok := b.(*postgres.Store); !ok {
		t.Errorf("%s opened %T", url, b)
	}
	if es, err := b.Elections(ctx); err != nil || len(es) != 0 {
		t.Errorf("Elections of a new database = %v, %v", es, err)
	}
	for _, db := range []string{"postgres://h/d", "postgresql://h/d"} {
		if !backend.IsPostgres(db) {
			t.Errorf("IsPostgres(%q) = false", db)
		}
	}
	if backend.IsPostgres("postgres.db") {
		t.Error(`IsPostgres("postgres.db") = true`)
	}
}

// capabilities are the interfaces every Backend has: code given a store
// takes them in its types, never asks for them at run time.
var capabilities = map[string]bool{
	"dauys.Store": true, "dauys.KeyStore": true, "dauys.TokenStore": true, "dauys.UserStore": true,
	"dauys.AuditLog": true, "tlog.Storage": true, "tlog.Store": true,
}

// TestNoCapabilityAssertions fails when code outside tests asserts a
// value to a capability both stores have, or to an anonymous interface
// (how optional methods used to be found). The conformance suite
// (internal/storetest) may: it takes any dauys.Store.
func TestNoCapabilityAssertions(t *testing.T) {
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "storetest") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			ta, ok := n.(*ast.TypeAssertExpr)
			if !ok || ta.Type == nil {
				return true
			}
			switch typ := ta.Type.(type) {
			case *ast.InterfaceType:
				t.Errorf("%s: a type assertion to an anonymous interface: name the capability in a type", fset.Position(ta.Pos()))
			case *ast.SelectorExpr:
				if pkg, ok := typ.X.(*ast.Ident); ok && capabilities[pkg.Name+"."+typ.Sel.Name] {
					t.Errorf("%s: a type assertion to %s.%s, which every backend has: take it in the type instead", fset.Position(ta.Pos()), pkg.Name, typ.Sel.Name)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
