// Package intake takes protocols in: it checks each against its form,
// refuses inconsistent ones with a reason in kk/ru/en, applies double entry,
// and hands accepted protocols to the store with the ancestors whose running
// totals they add to. Nothing it is sent is lost: refusals are recorded too.
package intake

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/dauys/dauys"
)

// Service is the intake of protocols. It caches each election's definition,
// validators and area tree; areas are only ever added, so the cache stays
// right as long as every area is added through the service.
type Service struct {
	store dauys.Store
	now   func() time.Time
	group *groupCommit

	mu        sync.Mutex
	elections map[string]*Election
	stored    []func(election string)
}

// OnStored registers fn to be called after every batch that stored new
// protocol versions of an election, for instance to wake the transparency
// log's sequencer. fn must not block.
func (s *Service) OnStored(fn func(election string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stored = append(s.stored, fn)
}

func (s *Service) notifyStored(election string) {
	s.mu.Lock()
	fns := s.stored
	s.mu.Unlock()
	for _, fn := range fns {
		fn(election)
	}
}

// New returns an intake service over the store. now may be nil for
// time.Now.
func New(store dauys.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, now: now, group: &groupCommit{store: store, max: groupSize(store)}, elections: map[string]*Election{}}
}

// Election is a loaded election with what intake and tally need to work
// fast: validators per contest and the area tree.
type Election struct {
	*dauys.Election
	Tree       *Tree
	validators map[string]*dauys.Validator
}

// Validator returns the compiled form of a contest.
func (e *Election) Validator(contest string) *dauys.Validator { return e.validators[contest] }

// Load returns the election with its tree and validators, from the cache
// when it was loaded before.
func (s *Service) Load(ctx context.Context, id string) (*Election, error) {
	s.mu.Lock()
	e, ok := s.elections[id]
	s.mu.Unlock()
	if ok {
		return e, nil
	}
	def, err := s.store.Election(ctx, id)
	if err != nil {
		return nil, err
	}
	e, err = Compile(def)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if cached, ok := s.elections[id]; ok {
		return cached, nil
	}
	s.elections[id] = e
	return e, nil
}

// Forget drops an election from the cache, for instance after a status
// change made by another process.
func (s *Service) Forget(id string) {
	s.mu.Lock()
	delete(s.elections, id)
	s.mu.Unlock()
}

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

// Submission is a protocol as an operator or a file sends it.
type Submission struct {
	Contest string           `json:"contest"`
	Area    string           `json:"area"`
	Lines   map[string]int64 `json:"lines"`
	// Amendment marks a correction of an accepted protocol; Reason is
	// required with it.
	Amendment bool   `json:"amendment,omitempty"`
	Reason    string `json:"reason,omitempty"`
	// AcknowledgeWarnings records that the sender has seen the warnings
	// the protocol raises; without it a protocol with warnings is refused.
	AcknowledgeWarnings bool `json:"acknowledge_warnings,omitempty"`
	// Entry is 1 or 2 under double entry: which of the two independent
	// entries this is. 0 submits directly.
	Entry int `json:"entry,omitempty"`
	// Signature is the commission's Ed25519 signature over
	// dauys.SignedBytes of the lines as sent, with the key KeyID.
	Signature []byte `json:"signature,omitempty"`
	KeyID     string `json:"key_id,omitempty"`

	Submitter string `json:"-"`
	Source    string `json:"-"`
}

// Result is the answer to one submission.
type Result struct {
	Outcome  string          `json:"outcome,omitempty"`
	Protocol *dauys.Protocol `json:"protocol,omitempty"`
	// Differences lists the lines on which the two entries of double entry
	// disagree.
	Differences []string `json:"differences,omitempty"`
	Err         error    `json:"-"`
}

// Outcomes of double entry.
const (
	OutcomeEntered  = "entered"  // first entry stored, waiting for the second
	OutcomeDisputed = "disputed" // the two entries disagree
)

// Submit checks and stores a batch of protocols of one election. A refused
// submission gets its error (a *dauys.Error with findings) in its Result
// and is recorded as a refusal; the others are stored. The returned error
// is for failures of the store, when the batch is not stored.
func (s *Service) Submit(ctx context.Context, election string, subs []Submission) ([]Result, error) {
	e, err := s.Load(ctx, election)
	if err != nil {
		return nil, err
	}
	results := make([]Result, len(subs))
	var batch []*dauys.Protocol
	var at []int
	now := s.now().UTC()
	// Checking and signature verification take most of the time of a
	// large batch and need no store but for keys: they run on every
	// processor.
	prepared := make([]*dauys.Protocol, len(subs))
	keys := &keyCache{store: s.store, keys: map[string]keyLookup{}}
	parallel(len(subs), func(i int) {
		sub := &subs[i]
		p, err := e.check(sub, now)
		if err == nil {
			err = s.verifySignature(ctx, e, sub, keys)
		}
		if err != nil {
			results[i].Err = err
			return
		}
		p.Signature, p.KeyID = sub.Signature, sub.KeyID
		prepared[i] = p
	})
	for i := range subs {
		sub := &subs[i]
		p := prepared[i]
		if p == nil {
			continue
		}
		if sub.Entry != 0 {
			res, err := s.enter(ctx, e, sub, p)
			if err != nil {
				return nil, err
			}
			results[i] = res
			if res.Protocol == nil || res.Err != nil {
				continue
			}
			p = res.Protocol
		}
		batch = append(batch, p)
		at = append(at, i)
	}
	if len(batch) > 0 {
		saved, err := s.group.save(ctx, batch)
		if err != nil {
			return nil, err
		}
		stored := false
		for j, r := range saved {
			i := at[j]
			results[i].Outcome, results[i].Protocol, results[i].Err = r.Outcome, r.Protocol, r.Err
			stored = stored || r.Outcome == dauys.OutcomeAccepted || r.Outcome == dauys.OutcomeAmended
		}
		if stored {
			s.notifyStored(election)
		}
	}
	for i := range results {
		if results[i].Err == nil {
			continue
		}
		if err := s.refuse(ctx, election, &subs[i], results[i].Err, now); err != nil {
			return nil, err
		}
	}
	return results, nil
}

// check validates a submission against the definition and its form and
// returns the protocol to store.
func (e *Election) check(sub *Submission, now time.Time) (*dauys.Protocol, error) {
	c := e.Contest(sub.Contest)
	if c == nil {
		return nil, localized(dauys.ENOTFOUND, dauys.Text{
			KK: fmt.Sprintf("%s сайлауы жоқ", dauys.QuotePrefix(sub.Contest)),
			RU: fmt.Sprintf("Нет выборов (контеста) %s", dauys.QuotePrefix(sub.Contest)),
			EN: fmt.Sprintf("contest %s does not exist", dauys.QuotePrefix(sub.Contest)),
		})
	}
	a := e.Tree.Area(sub.Area)
	if a == nil {
		return nil, localized(dauys.ENOTFOUND, dauys.Text{
			KK: fmt.Sprintf("%s учаскесі жоқ", dauys.QuotePrefix(sub.Area)),
			RU: fmt.Sprintf("Нет участка %s", dauys.QuotePrefix(sub.Area)),
			EN: fmt.Sprintf("precinct %s does not exist", dauys.QuotePrefix(sub.Area)),
		})
	}
	if !e.Tree.IsLeaf(sub.Area) {
		return nil, localized(dauys.EINVALID, dauys.Text{
			KK: fmt.Sprintf("%q учаске емес: хаттаманы тек учаскелер береді", sub.Area),
			RU: fmt.Sprintf("%q не участок: протоколы подают только участковые комиссии", sub.Area),
			EN: fmt.Sprintf("%q is not a precinct: only precincts report protocols", sub.Area),
		})
	}
	if !e.Tree.InContest(sub.Area, c) {
		return nil, localized(dauys.EINVALID, dauys.Text{
			KK: fmt.Sprintf("%q учаскесі %q сайлауына қатыспайды", sub.Area, c.ID),
			RU: fmt.Sprintf("Участок %q не голосует в %q", sub.Area, c.ID),
			EN: fmt.Sprintf("precinct %q does not vote in contest %q", sub.Area, c.ID),
		})
	}
	if sub.Amendment && strings.TrimSpace(sub.Reason) == "" {
		return nil, localized(dauys.EINVALID, dauys.Text{
			KK: "Түзетудің себебі көрсетілмеген",
			RU: "Не указана причина исправления",
			EN: "an amendment needs a reason",
		})
	}
	lines := make(map[string]int64, len(sub.Lines))
	for k, v := range sub.Lines {
		lines[k] = v
	}
	errs, warns := e.validators[c.ID].Complete(lines)
	if len(errs) > 0 {
		return nil, findingsError(sub, errs)
	}
	if len(warns) > 0 && !sub.AcknowledgeWarnings {
		return nil, findingsError(sub, warns)
	}
	p := &dauys.Protocol{
		Election:     e.ID,
		Contest:      c.ID,
		Area:         sub.Area,
		Lines:        lines,
		Kind:         dauys.ProtocolOriginal,
		Warnings:     warns,
		Acknowledged: len(warns) > 0,
		Submitter:    sub.Submitter,
		Source:       sub.Source,
		ReceivedAt:   now,
		Path:         e.Tree.Ancestors(sub.Area),
	}
	if sub.Amendment {
		p.Kind, p.Reason = dauys.ProtocolAmendment, sub.Reason
	}
	// The store fills in and checks the hash of what it is given; only
	// double entry compares hashes before that.
	if sub.Entry != 0 {
		p.Hash = p.ContentHash()
	}
	return p, nil
}

func localized(code string, t dauys.Text) *dauys.Error {
	return &dauys.Error{Code: code, Message: t.EN, Text: t}
}

// findingsError refuses a protocol for its findings. Warnings alone refuse
// it until acknowledged.
func findingsError(sub *Submission, fs []dauys.Finding) *dauys.Error {
	where := fmt.Sprintf("precinct %s, contest %s", sub.Area, sub.Contest)
	if fs[0].Severity == dauys.SeverityWarning {
		return &dauys.Error{Code: dauys.EINVALID, Findings: fs,
			Message: fmt.Sprintf("%s: warnings must be acknowledged: %s", where, describe(fs, "en")),
			Text: dauys.Text{
				KK: fmt.Sprintf("%s учаскесі, %s: ескертулерді растау қажет: %s", sub.Area, sub.Contest, describe(fs, "kk")),
				RU: fmt.Sprintf("Участок %s, %s: предупреждения нужно подтвердить: %s", sub.Area, sub.Contest, describe(fs, "ru")),
				EN: fmt.Sprintf("%s: warnings must be acknowledged: %s", where, describe(fs, "en")),
			}}
	}
	return &dauys.Error{Code: dauys.EINVALID, Findings: fs,
		Message: fmt.Sprintf("%s: %s", where, describe(fs, "en")),
		Text: dauys.Text{
			KK: fmt.Sprintf("%s учаскесі, %s: %s", sub.Area, sub.Contest, describe(fs, "kk")),
			RU: fmt.Sprintf("Участок %s, %s: %s", sub.Area, sub.Contest, describe(fs, "ru")),
			EN: fmt.Sprintf("%s: %s", where, describe(fs, "en")),
		}}
}

func describe(fs []dauys.Finding, lang string) string {
	var parts []string
	for _, f := range fs {
		s := f.Code + ": " + f.Message.In(lang)
		if f.Detail != "" {
			s += " (" + f.Detail + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// enter handles one entry of double entry: it stores the entry and, when
// both slots hold entries, accepts the protocol if they agree or reports
// the lines on which they differ.
func (s *Service) enter(ctx context.Context, e *Election, sub *Submission, p *dauys.Protocol) (Result, error) {
	if !e.DoubleEntry {
		return Result{Err: dauys.Errorf(dauys.EINVALID, "election %s does not use double entry", e.ID)}, nil
	}
	if sub.Entry != 1 && sub.Entry != 2 {
		return Result{Err: dauys.Errorf(dauys.EINVALID, "entry must be 1 or 2, not %d", sub.Entry)}, nil
	}
	entry := &dauys.Entry{Election: e.ID, Contest: p.Contest, Area: p.Area, Slot: sub.Entry,
		Operator: sub.Submitter, Lines: p.Lines, Hash: p.Hash, ReceivedAt: p.ReceivedAt}
	if err := s.store.SaveEntry(ctx, entry); err != nil {
		return Result{}, err
	}
	entries, err := s.store.Entries(ctx, e.ID, p.Contest, p.Area)
	if err != nil {
		return Result{}, err
	}
	latest := map[int]*dauys.Entry{}
	for _, en := range entries {
		latest[en.Slot] = en
	}
	one, two := latest[1], latest[2]
	if one == nil || two == nil {
		return Result{Outcome: OutcomeEntered}, nil
	}
	if one.Operator != "" && one.Operator == two.Operator {
		return Result{Err: dauys.Errorf(dauys.EINVALID,
			"precinct %s, contest %s: both entries come from %s; double entry needs two operators", p.Area, p.Contest, one.Operator)}, nil
	}
	if one.Hash != two.Hash {
		diff := Differences(one.Lines, two.Lines)
		if err := s.store.RecordRefusal(ctx, &dauys.Refusal{Election: e.ID, Contest: p.Contest, Area: p.Area,
			Code: dauys.ECONFLICT, Reason: "double entry: entries differ on " + strings.Join(diff, ", "),
			Submitter: sub.Submitter, Source: sub.Source, ReceivedAt: p.ReceivedAt}); err != nil {
			return Result{}, err
		}
		return Result{Outcome: OutcomeDisputed, Differences: diff}, nil
	}
	return Result{Protocol: p}, nil
}

// Differences lists, sorted, the lines whose values differ between two
// entries.
func Differences(a, b map[string]int64) []string {
	var out []string
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			out = append(out, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func (s *Service) refuse(ctx context.Context, election string, sub *Submission, cause error, now time.Time) error {
	payload, _ := json.Marshal(sub)
	r := &dauys.Refusal{Election: election, Contest: sub.Contest, Area: sub.Area,
		Code: dauys.ErrorCode(cause), Reason: dauys.ErrorMessage(cause), Payload: string(payload),
		Submitter: sub.Submitter, Source: sub.Source, ReceivedAt: now}
	if err := s.store.RecordRefusal(ctx, r); err != nil {
		return fmt.Errorf("intake: record refusal: %w", err)
	}
	return nil
}

// AddAreas adds areas to an election (precincts met for the first time in
// an import) and to the cached tree.
func (s *Service) AddAreas(ctx context.Context, e *Election, areas []dauys.Area) error {
	if len(areas) == 0 {
		return nil
	}
	if err := s.store.AddAreas(ctx, e.ID, areas); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range areas {
		if e.Tree.Area(a.ID) == nil {
			e.Tree.add(a)
			e.Areas = append(e.Areas, a)
		}
	}
	return nil
}
