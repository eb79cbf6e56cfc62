// Package intake takes protocols in: it checks each against its form,
// refuses inconsistent ones with a reason in kk/ru/en, applies double entry,
// and hands accepted protocols to the store with the ancestors whose running
// totals they add to. Nothing it is sent is lost: refusals are recorded too.
//
// It owns the write path: submission, checks, double entry, refusals, CSV
// import, signatures and group commit. It loads elections through
// internal/election and must never import tally, integrity, web, httpapi,
// cdf or verify: the write path does not depend on those who read results.
package intake

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/election"
	"github.com/dauys/dauys/internal/sigverify"
)

// Service is the intake of protocols. It checks submissions against the
// elections its loader holds; areas it adds in imports go to the store and
// to the loader's cached tree.
type Service struct {
	store     dauys.Store
	elections *election.Loader
	now       func() time.Time
	group     *groupCommit
	metrics   Metrics
	sigs      signaturePool

	mu      sync.Mutex
	stored  []func(election string)
	turnout []func(election string)
}

// OnStored registers fn to be called after every batch that stored new
// protocol versions of an election, for instance to wake the transparency
// log's sequencer. fn must not block.
func (s *Service) OnStored(fn func(election string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stored = append(s.stored, fn)
}

func (s *Service) notifyStored(election string) { s.notify(&s.stored, election) }

// notify calls the functions registered in *fns (s.stored or s.turnout).
func (s *Service) notify(fns *[]func(election string), election string) {
	s.mu.Lock()
	list := *fns
	s.mu.Unlock()
	for _, fn := range list {
		fn(election)
	}
}

// New returns an intake service over the store, with a loader of its own
// (Elections). now may be nil for time.Now.
func New(store dauys.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, elections: election.NewLoader(store), now: now, group: &groupCommit{store: store, max: groupSize(store)}}
}

// Elections returns the loader intake checks submissions against. Tally
// and the readers of the same process load through it too, so that one
// cache holds each election and precincts an import adds are seen by all.
func (s *Service) Elections() *election.Loader { return s.elections }

// Submission is a protocol as an operator or a file sends it.
type Submission struct {
	Contest string           `json:"contest"`
	Area    string           `json:"area"`
	Lines   map[string]int64 `json:"lines"`
	// Amendment marks a correction of an accepted protocol; Reason is
	// required with it.
	Amendment bool   `json:"amendment,omitempty"`
	Reason    string `json:"reason,omitempty"`
	// SupersedesVersion and SupersedesHash name the version an amendment
	// replaces; a signed amendment must name both, for its signature
	// covers them (dauys.SignedProtocol).
	SupersedesVersion int    `json:"supersedes_version,omitempty"`
	SupersedesHash    string `json:"supersedes_hash,omitempty"`
	// AcknowledgeWarnings records that the sender has seen the warnings
	// the protocol raises; without it a protocol with warnings is refused.
	AcknowledgeWarnings bool `json:"acknowledge_warnings,omitempty"`
	// Entry is 1 or 2 under double entry: which of the two independent
	// entries this is; 3 resolves a dispute between them (see enter). An
	// election without double entry takes only 0, and one with it never
	// takes 0.
	Entry int `json:"entry,omitempty"`
	// Signature is the commission's Ed25519 signature over
	// Signed(election).Bytes(), with the key KeyID.
	Signature []byte `json:"signature,omitempty"`
	KeyID     string `json:"key_id,omitempty"`
	// Recount names the open recount order this protocol is the new count
	// of: it is sent as an amendment of the current version, and closes
	// the order.
	Recount string `json:"recount,omitempty"`

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
	e, err := s.elections.Load(ctx, election)
	if err != nil {
		return nil, err
	}
	results := make([]Result, len(subs))
	var batch []*dauys.Protocol
	var at []int
	now := s.now().UTC()
	status, final, err := s.accepting(ctx, e)
	if err != nil {
		return nil, err
	}
	if final != nil {
		for i := range subs {
			results[i].Err = final
			if err := s.refuse(ctx, election, &subs[i], final, true, now); err != nil {
				return nil, err
			}
		}
		s.countProtocols(e, subs, results, now)
		return results, nil
	}
	// Checking and signature verification take most of the time of a
	// large batch and need no store but for keys: they run on every
	// processor, the signatures last, all together, in batches.
	prepared := make([]*dauys.Protocol, len(subs))
	items := make([]sigverify.Item, len(subs))
	keys := &keyCache{store: s.store, keys: map[string]keyLookup{}}
	if err := s.prepareRecounts(ctx, e, subs, results); err != nil {
		return nil, err
	}
	parallel(len(subs), func(i int) {
		sub := &subs[i]
		if results[i].Err != nil {
			return // refused as a recount already
		}
		p, err := check(e, sub, now)
		if err == nil {
			items[i], err = s.signatureToVerify(ctx, e, sub, keys)
		}
		if err != nil {
			results[i].Err = err
			return
		}
		p.Signature, p.KeyID = sub.Signature, sub.KeyID
		p.SupersedesVersion, p.SupersedesHash = sub.SupersedesVersion, sub.SupersedesHash
		prepared[i] = p
	})
	s.verifySignatures(e.ID, subs, items, prepared, results)
	for i := range subs {
		sub := &subs[i]
		p := prepared[i]
		if p == nil {
			continue
		}
		// Under double entry every submission is an entry: none reaches
		// the store as a protocol until two people's entries agree.
		if e.DoubleEntry || sub.Entry != 0 {
			res, err := s.enter(ctx, e, sub, p)
			if err != nil {
				return nil, err
			}
			results[i] = res
			if res.Outcome != "" || res.Protocol == nil || res.Err != nil {
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
		if err := s.completeRecounts(ctx, election, subs, results); err != nil {
			return nil, err
		}
		if stored {
			s.notifyStored(election)
			if err := s.advance(ctx, election, status, dauys.StatusCounting, ActorFirstProtocol); err != nil {
				return nil, err
			}
		}
	}
	for i := range results {
		if results[i].Err == nil {
			continue
		}
		if err := s.refuse(ctx, election, &subs[i], results[i].Err, false, now); err != nil {
			return nil, err
		}
	}
	s.countProtocols(e, subs, results, now)
	return results, nil
}

// check validates a submission against the definition and its form and
// returns the protocol to store.
func check(e *election.Election, sub *Submission, now time.Time) (*dauys.Protocol, error) {
	// Ids the definition does not know are quoted by their first bytes
	// only (QuotePrefix): the message is stored with the refusal and the
	// audit event. Past those checks the ids are the definition's own.
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
	v := e.Validator(c.ID)
	// A protocol with far more lines than its form is refused by Complete
	// before it looks at any line and without changing them: it is not
	// copied first.
	lines := sub.Lines
	if len(lines) <= v.MaxLines() {
		lines = make(map[string]int64, len(sub.Lines))
		for k, n := range sub.Lines {
			lines[k] = n
		}
	}
	errs, warns := v.Complete(lines)
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

// findingsError refuses a protocol for its findings, which the validator
// has capped at dauys.MaxFindings; the message made of them is clipped to
// dauys.MaxReasonLength too, as the audit trail records it. Warnings alone
// refuse it until acknowledged.
func findingsError(sub *Submission, fs []dauys.Finding) *dauys.Error {
	e := findingsMessage(sub, fs)
	e.Message = dauys.ClipText(e.Message, dauys.MaxReasonLength)
	e.Text.KK = dauys.ClipText(e.Text.KK, dauys.MaxReasonLength)
	e.Text.RU = dauys.ClipText(e.Text.RU, dauys.MaxReasonLength)
	e.Text.EN = dauys.ClipText(e.Text.EN, dauys.MaxReasonLength)
	return e
}

func findingsMessage(sub *Submission, fs []dauys.Finding) *dauys.Error {
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

// CheckEntry says why an entry number does not fit the election: under
// double entry every submission is one of the two entries (or 3, which
// resolves a dispute between them), and without it there are none. Paths
// that store many protocols at once (imports) call it before storing any.
func CheckEntry(e *dauys.Election, entry int) error {
	switch {
	case !e.DoubleEntry && entry != 0:
		return localized(dauys.EINVALID, dauys.Text{
			KK: fmt.Sprintf("%s сайлауында қос енгізу жоқ: entry көрсетпеңіз", e.ID),
			RU: fmt.Sprintf("В выборах %s нет двойного ввода: не указывайте entry", e.ID),
			EN: fmt.Sprintf("election %s does not use double entry: send no entry", e.ID),
		})
	case e.DoubleEntry && entry == 0:
		return localized(dauys.EINVALID, dauys.Text{
			KK: fmt.Sprintf("%s сайлауында әр хаттаманы екі түрлі адам екі рет енгізеді: entry 1 немесе 2 көрсетіңіз", e.ID),
			RU: fmt.Sprintf("В выборах %s каждый протокол вводят дважды два разных человека: укажите entry 1 или 2", e.ID),
			EN: fmt.Sprintf("election %s uses double entry: every protocol is entered twice, by two different people; send entry 1 or 2", e.ID),
		})
	case e.DoubleEntry && (entry < 1 || entry > 3):
		return localized(dauys.EINVALID, dauys.Text{
			KK: fmt.Sprintf("entry 1 немесе 2 болуы керек (дауды шешу үшін 3), %d емес", entry),
			RU: fmt.Sprintf("entry должен быть 1 или 2 (3 — чтобы разрешить расхождение), а не %d", entry),
			EN: fmt.Sprintf("entry must be 1 or 2 (or 3 to resolve a dispute), not %d", entry),
		})
	}
	return nil
}

// person names who is behind a submitter, so that one person counts as
// one whatever the path: the CLI's "cli:NAME" (the OS user) and an API
// token's or account's subject NAME are the same person.
func person(submitter string) string {
	return strings.ToLower(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(submitter), "cli:")))
}

// enter handles a submission under double entry. Entries 1 and 2 are the
// two independent entries: each is stored, and when both slots of the
// current round hold entries of two different people, the protocol is
// accepted if they agree, or the lines on which they differ are reported.
// A round is the set of entries made against one version (none for the
// original, version n for an amendment of it), so that an entry of an
// earlier round never completes a later pair. Entry 3 resolves a dispute.
func (s *Service) enter(ctx context.Context, e *election.Election, sub *Submission, p *dauys.Protocol) (Result, error) {
	if err := CheckEntry(e.Election, sub.Entry); err != nil {
		return Result{Err: err}, nil
	}
	if person(sub.Submitter) == "" {
		return Result{Err: localized(dauys.EINVALID, dauys.Text{
			KK: "Қос енгізуде кім енгізетіні белгілі болуы керек: жіберушінің аты жоқ",
			RU: "При двойном вводе нужно знать, кто вводит: у отправителя нет имени",
			EN: "double entry needs to know who enters: the sender has no name",
		})}, nil
	}
	p.Hash = p.ContentHash()
	current, err := s.store.Protocol(ctx, e.ID, p.Contest, p.Area)
	switch {
	case dauys.ErrorCode(err) == dauys.ENOTFOUND:
		current = nil
	case err != nil:
		return Result{}, err
	}
	// An entry meets the current version as a direct submission would:
	// the same content again is a duplicate, and other content needs an
	// amendment with a reason. Neither is stored as an entry.
	outcome, _, err := dauys.Reconcile(current, p)
	if err != nil {
		return Result{Err: err}, nil
	}
	if outcome == dauys.OutcomeDuplicate {
		return Result{Outcome: outcome, Protocol: current}, nil
	}
	base := 0
	if current != nil {
		base = current.Version
	}
	latest, people, err := s.round(ctx, e.ID, p.Contest, p.Area, base)
	if err != nil {
		return Result{}, err
	}
	if sub.Entry == 3 {
		return resolution(sub, p, latest, people), nil
	}
	if other := latest[3-sub.Entry]; other != nil && person(other.Operator) == person(sub.Submitter) {
		return Result{Err: samePerson(p, other)}, nil
	}
	entry := &dauys.Entry{Election: e.ID, Contest: p.Contest, Area: p.Area, Base: base, Slot: sub.Entry,
		Operator: sub.Submitter, Lines: p.Lines, Hash: p.Hash, ReceivedAt: p.ReceivedAt}
	if err := s.store.SaveEntry(ctx, entry); err != nil {
		return Result{}, err
	}
	// Read the round again: the other entry may have arrived meanwhile.
	if latest, _, err = s.round(ctx, e.ID, p.Contest, p.Area, base); err != nil {
		return Result{}, err
	}
	one, two := latest[1], latest[2]
	if one == nil || two == nil || latest[sub.Entry].Hash != p.Hash {
		return Result{Outcome: OutcomeEntered}, nil
	}
	if person(one.Operator) == person(two.Operator) {
		return Result{Err: samePerson(p, latest[3-sub.Entry])}, nil
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

// Round is the current round of double entry of a precinct and contest:
// what a third person sees to resolve a dispute.
type Round struct {
	Contest string `json:"contest"`
	Area    string `json:"area"`
	// Base is the version the entries were made against (0: none yet).
	Base int `json:"base"`
	// Entries holds the latest entry of each slot, slot 1 first.
	Entries []*dauys.Entry `json:"entries"`
	// Differences lists the lines on which the two entries disagree.
	Differences []string `json:"differences"`
}

// Round returns the current round of double entry of a precinct and
// contest. ENOTFOUND for an unknown election, contest or precinct;
// EINVALID for an election without double entry.
func (s *Service) Round(ctx context.Context, election, contest, area string) (*Round, error) {
	e, err := s.elections.Load(ctx, election)
	if err != nil {
		return nil, err
	}
	if err := CheckEntry(e.Election, 1); err != nil {
		return nil, err
	}
	if e.Contest(contest) == nil || !e.Tree.IsLeaf(area) {
		return nil, dauys.Errorf(dauys.ENOTFOUND, "precinct %s, contest %s: no such precinct and contest", area, contest)
	}
	base := 0
	switch current, err := s.store.Protocol(ctx, election, contest, area); {
	case err == nil:
		base = current.Version
	case dauys.ErrorCode(err) != dauys.ENOTFOUND:
		return nil, err
	}
	latest, _, err := s.round(ctx, election, contest, area, base)
	if err != nil {
		return nil, err
	}
	r := &Round{Contest: contest, Area: area, Base: base, Entries: []*dauys.Entry{}, Differences: []string{}}
	for slot := 1; slot <= 2; slot++ {
		if en := latest[slot]; en != nil {
			r.Entries = append(r.Entries, en)
		}
	}
	if len(r.Entries) == 2 {
		r.Differences = append(r.Differences, Differences(r.Entries[0].Lines, r.Entries[1].Lines)...)
	}
	return r, nil
}

// round returns the latest entry of each slot among the entries of a
// precinct and contest made against version base, and everyone who made
// any of them.
func (s *Service) round(ctx context.Context, election, contest, area string, base int) (map[int]*dauys.Entry, []string, error) {
	entries, err := s.store.Entries(ctx, election, contest, area)
	if err != nil {
		return nil, nil, err
	}
	latest := map[int]*dauys.Entry{}
	var people []string
	for _, en := range entries {
		if en.Base == base {
			latest[en.Slot] = en
			people = append(people, en.Operator)
		}
	}
	return latest, people, nil
}

func samePerson(p *dauys.Protocol, other *dauys.Entry) error {
	return localized(dauys.EINVALID, dauys.Text{
		KK: fmt.Sprintf("%s учаскесі, %s: %s %d-енгізуді жасаған; екінші енгізуді басқа адам жасауы керек", p.Area, p.Contest, other.Operator, other.Slot),
		RU: fmt.Sprintf("Участок %s, %s: %s уже сделал(а) ввод %d; второй ввод должен сделать другой человек", p.Area, p.Contest, other.Operator, other.Slot),
		EN: fmt.Sprintf("precinct %s, contest %s: %s made entry %d; double entry needs the other entry from someone else", p.Area, p.Contest, other.Operator, other.Slot),
	})
}

// resolution decides entry 3: a third person, who made neither entry of
// the round, looks at the paper protocol and sends it. It is accepted when
// it agrees with one of the two disputed entries, so that two different
// people still agree on every protocol counted; otherwise the dispute
// stays, and the entrants re-enter.
func resolution(sub *Submission, p *dauys.Protocol, latest map[int]*dauys.Entry, people []string) Result {
	one, two := latest[1], latest[2]
	if one == nil || two == nil || one.Hash == two.Hash {
		return Result{Err: localized(dauys.ECONFLICT, dauys.Text{
			KK: fmt.Sprintf("%s учаскесі, %s: екі енгізу арасында дау жоқ, шешетін ештеңе жоқ", p.Area, p.Contest),
			RU: fmt.Sprintf("Участок %s, %s: нет расхождения двух вводов, разрешать нечего", p.Area, p.Contest),
			EN: fmt.Sprintf("precinct %s, contest %s: there is no dispute between two entries to resolve", p.Area, p.Contest),
		})}
	}
	for _, op := range people {
		if person(op) == person(sub.Submitter) {
			return Result{Err: localized(dauys.EFORBIDDEN, dauys.Text{
				KK: fmt.Sprintf("%s учаскесі, %s: %s бұл хаттаманы енгізген, сондықтан дауды шеше алмайды; оны үшінші адам шешеді", p.Area, p.Contest, op),
				RU: fmt.Sprintf("Участок %s, %s: %s вводил(а) этот протокол и не может разрешить расхождение; его разрешает третий человек", p.Area, p.Contest, op),
				EN: fmt.Sprintf("precinct %s, contest %s: %s made an entry of this protocol and may not resolve the dispute; a third person resolves it", p.Area, p.Contest, op),
			})}
		}
	}
	kept := 0
	switch p.Hash {
	case one.Hash:
		kept = 1
	case two.Hash:
		kept = 2
	default:
		d1, d2 := strings.Join(Differences(p.Lines, one.Lines), ", "), strings.Join(Differences(p.Lines, two.Lines), ", ")
		return Result{Differences: Differences(one.Lines, two.Lines), Err: localized(dauys.ECONFLICT, dauys.Text{
			KK: fmt.Sprintf("%s учаскесі, %s: шешім ешбір енгізумен сәйкес емес (1-енгізуден айырмасы: %s; 2-енгізуден: %s)", p.Area, p.Contest, d1, d2),
			RU: fmt.Sprintf("Участок %s, %s: решение не совпадает ни с одним вводом (отличия от ввода 1: %s; от ввода 2: %s)", p.Area, p.Contest, d1, d2),
			EN: fmt.Sprintf("precinct %s, contest %s: the resolution agrees with neither entry (it differs from entry 1 on %s, from entry 2 on %s)", p.Area, p.Contest, d1, d2),
		})}
	}
	p.Source = fmt.Sprintf("%s; resolves the dispute: agrees with entry %d by %s", p.Source, kept, latest[kept].Operator)
	return Result{Protocol: p}
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

// refuse records a refused submission. One refused because the results
// are final names the precinct but not the contest, which stays in the
// payload: a conflict recorded for a precinct and contest would mark its
// accepted protocol disputed, and it is not.
func (s *Service) refuse(ctx context.Context, election string, sub *Submission, cause error, final bool, now time.Time) error {
	r := &dauys.Refusal{Election: election, Contest: sub.Contest, Area: sub.Area,
		Submitter: sub.Submitter, Source: sub.Source, ReceivedAt: now}
	if final {
		r.Contest = ""
	}
	return s.recordRefusal(ctx, r, cause, sub)
}

// AddAreas adds areas to an election (precincts met for the first time in
// an import): to the store, then to the loader's cached tree. It is
// intake's because it writes; the loader only keeps its cache in step.
func (s *Service) AddAreas(ctx context.Context, e *election.Election, areas []dauys.Area) error {
	if len(areas) == 0 {
		return nil
	}
	if err := s.store.AddAreas(ctx, e.ID, areas); err != nil {
		return err
	}
	s.elections.Added(e, areas)
	return nil
}
