// Package election owns the ready-to-use election: a definition compiled
// with its area tree and the validators of its forms (Compile), and the
// loader that reads definitions from the store and caches them (Loader).
// Everything that reads an election (intake, tally, web, integrity, cdf,
// httpapi) gets it from here.
//
// It reads definitions and never writes to the store; it must never import
// internal/intake or any package that reads results (tally, web, httpapi),
// nor a store driver, so that the readers of results can depend on it
// without depending on the write path.
package election

import (
	"context"
	"sync"

	"github.com/dauys/dauys"
)

// Election is a loaded election with what intake and tally need to work
// fast: validators per contest and the area tree.
type Election struct {
	*dauys.Election
	Tree       *Tree
	validators map[string]*dauys.Validator
}

// Validator returns the compiled form of a contest.
func (e *Election) Validator(contest string) *dauys.Validator { return e.validators[contest] }

// Compile builds the tree and validators of a definition.
func Compile(def *dauys.Election) (*Election, error) {
	tree, err := NewTree(def.Areas)
	if err != nil {
		return nil, err
	}
	e := &Election{Election: def, Tree: tree, validators: map[string]*dauys.Validator{}}
	for i := range def.Contests {
		c := &def.Contests[i]
		f := def.Form(c.Form)
		if f == nil {
			return nil, dauys.Errorf(dauys.EINVALID, "contest %s: form %q does not exist", c.ID, c.Form)
		}
		v, err := dauys.NewValidator(f, c)
		if err != nil {
			return nil, err
		}
		e.validators[c.ID] = v
	}
	return e, nil
}

// Definitions is what the loader reads from a store: the definition of an
// election.
type Definitions interface {
	Election(ctx context.Context, id string) (*dauys.Election, error)
}

// Loader loads elections from the store and caches each one's definition,
// validators and area tree. Areas are only ever added, so the cache stays
// right as long as every area added to the store is also told to the
// loader (Added), as intake's imports do. Intake, tally and the readers of
// one process share one Loader.
type Loader struct {
	store Definitions

	mu        sync.Mutex
	elections map[string]*Election
}

// NewLoader returns a loader over the store's definitions.
func NewLoader(store Definitions) *Loader {
	return &Loader{store: store, elections: map[string]*Election{}}
}

// Load returns the election with its tree and validators, from the cache
// when it was loaded before.
func (l *Loader) Load(ctx context.Context, id string) (*Election, error) {
	l.mu.Lock()
	e, ok := l.elections[id]
	l.mu.Unlock()
	if ok {
		return e, nil
	}
	def, err := l.store.Election(ctx, id)
	if err != nil {
		return nil, err
	}
	e, err = Compile(def)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if cached, ok := l.elections[id]; ok {
		return cached, nil
	}
	l.elections[id] = e
	return e, nil
}

// Forget drops an election from the cache, for instance after a status
// change made by another process.
func (l *Loader) Forget(id string) {
	l.mu.Lock()
	delete(l.elections, id)
	l.mu.Unlock()
}

// Added puts areas that were just added to the store (precincts met for
// the first time in an import) into the election's tree and areas, so
// that the cached election stays what the store holds. Areas it already
// has are left alone. The store is written by the caller, intake: the
// loader only reads.
func (l *Loader) Added(e *Election, areas []dauys.Area) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, a := range areas {
		if e.Tree.Area(a.ID) == nil {
			e.Tree.add(a)
			e.Areas = append(e.Areas, a)
		}
	}
}
