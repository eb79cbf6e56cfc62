// Package httpapi serves the JSON API of Dauys: elections, results,
// progress, protocol submission, sign-in and the audit trail. Errors are
// RFC 9457 problem documents.
//
// Writes need a credential: a Bearer token for machines, or the session
// cookie a person gets from POST /api/v1/login. Both prove a principal,
// and Authorize alone decides what it may do. Every write, sign-in and
// refusal is appended to the audit trail. Unsafe requests from another
// origin are refused (net/http.CrossOriginProtection), so that a page
// elsewhere cannot use a signed-in browser's cookie.
//
// It owns the API's routes, authentication, authorization and the HTTP side
// of the audit trail. It submits through internal/intake, reads elections
// and results through internal/tally, and must never import web, cdf or a
// store driver: it serves any dauys.Store.
package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/intake"
	"github.com/dauys/dauys/internal/tally"
	"github.com/dauys/dauys/internal/tlog"
)

// Config wires the API to its dependencies.
type Config struct {
	// Store keeps the elections, protocols and their transparency log.
	Store  tlog.Store
	Tokens dauys.TokenStore
	// Users keeps users, sessions and failed sign-ins; without it there is
	// no sign-in and only tokens authenticate.
	Users dauys.UserStore
	// Audit is the audit trail; without it nothing is recorded.
	Audit dauys.AuditLog
	// Intake takes submissions in; Tally answers results and loads the
	// elections the API serves (Tally.Election).
	Intake *intake.Service
	Tally  *tally.Tally
	Logger *slog.Logger
	Now    func() time.Time
	// Images keeps observers' photos and scans of protocol copies;
	// without it images are refused and none is served.
	Images dauys.ImageStore
	// Rand makes session secrets (default crypto/rand).
	Rand io.Reader
	// MaxBody bounds a request body in bytes (default 1 MiB).
	MaxBody int64

	// SessionTTL is how long a session lasts from sign-in (default 12
	// hours: an election night).
	SessionTTL time.Duration
	// AccountPolicy and AddressPolicy lock accounts and client addresses
	// after failed sign-ins (default dauys.AccountLoginPolicy and
	// dauys.AddressLoginPolicy).
	AccountPolicy, AddressPolicy dauys.LoginPolicy
	// PasswordParams are those of the hash an unknown user's sign-in is
	// checked against, so that it takes as long as a known user's
	// (default dauys.DefaultPasswordParams).
	PasswordParams dauys.PasswordParams
	// MaxPasswordChecks bounds the password hashes computed at once
	// (default GOMAXPROCS).
	MaxPasswordChecks int

	// TrustedProxies are the reverse proxies whose X-Forwarded-For and
	// X-Forwarded-Proto are believed; nobody's by default.
	TrustedProxies []netip.Prefix

	// ResultsCacheEntries and ResultsCacheBytes bound the results answers
	// kept in memory (default 4096 answers and 64 MiB of JSON).
	ResultsCacheEntries int
	ResultsCacheBytes   int64

	// Metrics, when set, is told of every request and of the results
	// cache's hits and misses.
	Metrics Metrics
}

// MaxURLBytes bounds the request target (path and query) of every request:
// longer ones are answered 414 before any handler sees them. Ids are at
// most 100 characters, so no address of the API, the site or the log
// comes near it; 8 KiB is what common servers and proxies allow.
const MaxURLBytes = 8 << 10

// Server is the API's http.Handler.
type Server struct {
	cfg     Config
	cache   *resultsCache
	mux     *routes
	handler http.Handler
	// ready is set once the elections are loaded (SetReady): /readyz.
	ready   atomic.Bool
	audit   *auditor
	hashing chan struct{}

	dummyOnce sync.Once
	dummy     string
}

// New returns the API server. Register more routes on Mux() to serve pages
// beside it: they are behind the same cross-origin protection.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 1 << 20
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if cfg.AccountPolicy == (dauys.LoginPolicy{}) {
		cfg.AccountPolicy = dauys.AccountLoginPolicy()
	}
	if cfg.AddressPolicy == (dauys.LoginPolicy{}) {
		cfg.AddressPolicy = dauys.AddressLoginPolicy()
	}
	if cfg.PasswordParams == (dauys.PasswordParams{}) {
		cfg.PasswordParams = dauys.DefaultPasswordParams()
	}
	if cfg.MaxPasswordChecks <= 0 {
		cfg.MaxPasswordChecks = runtime.GOMAXPROCS(0)
	}
	if cfg.ResultsCacheEntries <= 0 {
		cfg.ResultsCacheEntries = defaultResultsEntries
	}
	if cfg.ResultsCacheBytes <= 0 {
		cfg.ResultsCacheBytes = defaultResultsBytes
	}
	s := &Server{cfg: cfg, mux: &routes{ServeMux: http.NewServeMux()}, audit: &auditor{log: cfg.Audit},
		hashing: make(chan struct{}, cfg.MaxPasswordChecks), cache: newResultsCache(cfg.ResultsCacheEntries, cfg.ResultsCacheBytes)}
	if cfg.Metrics != nil {
		s.cache.lookup = func(hit bool) { cfg.Metrics.CacheLookup("results", hit) }
	}
	if cfg.Intake != nil {
		cfg.Intake.OnStored(s.cache.changed)
		cfg.Intake.OnTurnout(s.cache.changed)
	}
	// No origin is trusted besides the request's own: the pages and the
	// API are served from one origin.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Error(w, r, dauys.Errorf(dauys.EFORBIDDEN, "cross-origin request refused"))
	}))
	s.handler = cop.Handler(s.mux)
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	s.mux.HandleFunc("GET /api/v1/elections", s.elections)
	s.mux.HandleFunc("GET /api/v1/elections/{id}", s.election)
	s.mux.HandleFunc("GET /api/v1/elections/{id}/results", s.results)
	s.mux.HandleFunc("GET /api/v1/elections/{id}/progress", s.progress)
	s.mux.HandleFunc("GET /api/v1/elections/{id}/protocols/{contest}/{area...}", s.protocol)
	s.mux.HandleFunc("POST /api/v1/elections/{id}/protocols", s.submit)
	s.mux.HandleFunc("GET /api/v1/elections/{id}/turnout", s.turnout)
	s.mux.HandleFunc("POST /api/v1/elections/{id}/turnout", s.submitTurnout)
	s.mux.HandleFunc("GET /api/v1/elections/{id}/entries/{contest}/{area}", s.entries)
	s.mux.HandleFunc("GET /api/v1/elections/{id}/audit-log", s.auditLog)
	s.mux.HandleFunc("GET /api/v1/elections/{id}/refusals", s.refusals)
	s.mux.HandleFunc("POST /api/v1/elections/{id}/observations", s.postObservation)
	s.mux.HandleFunc("GET /api/v1/elections/{id}/observations", s.observations)
	s.mux.HandleFunc("POST /api/v1/elections/{id}/observations/{obs}/images", s.observeImage)
	s.mux.HandleFunc("GET /api/v1/elections/{id}/discrepancies", s.discrepancies)
	s.mux.HandleFunc("GET /api/v1/elections/{id}/discrepancies.csv", s.discrepanciesCSV)
	s.mux.HandleFunc("GET /images/{sha256}", s.image)
	s.mux.HandleFunc("POST /api/v1/elections/{id}/complaints", s.fileComplaint)
	s.mux.HandleFunc("GET /api/v1/elections/{id}/complaints", s.complaints)
	s.mux.HandleFunc("POST /api/v1/elections/{id}/complaints/{complaint}/decision", s.decideComplaint)
	s.mux.HandleFunc("POST /api/v1/elections/{id}/complaints/{complaint}/images", s.complaintImage)
	s.mux.HandleFunc("POST /api/v1/elections/{id}/recounts", s.orderRecount)
	s.mux.HandleFunc("GET /api/v1/me", s.me)
	if cfg.Users != nil {
		s.mux.HandleFunc("POST /api/v1/login", s.login)
		s.mux.HandleFunc("POST /api/v1/logout", s.logout)
	}
	return s
}

// Mux returns the server's mux, for pages served beside the API.
func (s *Server) Mux() *http.ServeMux { return s.mux.ServeMux }

// ServeHTTP answers a request of the API or of what is served beside it.
// Every request gets an id (X-Request-Id), an access log line and its
// place in the metrics.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.observe(w, r, s.serve)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v) // a response abandoned on purpose: let net/http cut the connection
			}
			s.cfg.Logger.ErrorContext(r.Context(), "panic", "path", r.URL.Path, "panic", v)
			s.Error(w, r, fmt.Errorf("panic: %v", v))
		}
	}()
	if s.secure(r) {
		w.Header().Set("Strict-Transport-Security", "max-age=63072000")
	}
	// Every answer, of the API and of whatever is served beside it (the
	// site, the transparency log), is to be taken for the type it says.
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if len(r.RequestURI) > MaxURLBytes || len(r.URL.RawQuery) > MaxURLBytes {
		writeProblem(w, problem{Type: "https://dauys.kz/problems/invalid", Title: http.StatusText(http.StatusRequestURITooLong),
			Status: http.StatusRequestURITooLong, Code: dauys.EINVALID,
			Detail: fmt.Sprintf("the address is longer than %d bytes", MaxURLBytes)})
		return
	}
	s.handler.ServeHTTP(w, r)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if _, err := s.cfg.Store.Elections(r.Context()); err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) elections(w http.ResponseWriter, r *http.Request) {
	es, err := s.cfg.Store.Elections(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	type item struct {
		ID     string     `json:"id"`
		Name   dauys.Text `json:"name"`
		Date   string     `json:"date"`
		Status string     `json:"status"`
	}
	out := []item{}
	for _, e := range es {
		out = append(out, item{e.ID, e.Name, e.Date, e.Status})
	}
	writeJSON(w, http.StatusOK, map[string]any{"elections": out})
}

func (s *Server) election(w http.ResponseWriter, r *http.Request) {
	e, err := s.cfg.Tally.Election(r.Context(), r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	def := *e.Election
	def.Areas = nil
	// The status is read from the store, not the loaded definition, which
	// keeps the status it was loaded with while the commission moves it.
	history, err := s.cfg.Store.StatusHistory(r.Context(), e.ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if len(history) > 0 {
		def.Status = history[len(history)-1].To
	}
	writeJSON(w, http.StatusOK, struct {
		dauys.Election
		// Lifecycle is the status as the lifecycle names it (scheduled,
		// voting, counting, final); the results are preliminary until
		// final.
		Lifecycle string `json:"lifecycle_status"`
		// FinalDecision is the commission's decision that established the
		// results (date, number, who recorded it and when); null while
		// they are preliminary, and after a reopening.
		FinalDecision *dauys.StatusChange  `json:"final_decision"`
		History       []dauys.StatusChange `json:"status_history"`
	}{def, dauys.LifecycleStatus(def.Status), dauys.FinalDecision(history), append([]dauys.StatusChange{}, history...)})
}

// areaOf returns the election and area (empty: the whole election) a
// read names, refusing unknown ones before anything is computed or
// cached, so that anyone's made-up names take no memory. The refusal does
// not repeat the name, which may be long.
func (s *Server) areaOf(r *http.Request) (string, string, error) {
	e, err := s.cfg.Tally.Election(r.Context(), r.PathValue("id"))
	if err != nil {
		return "", "", err
	}
	area := r.URL.Query().Get("area")
	if area != "" && e.Tree.Area(area) == nil {
		return "", "", dauys.Errorf(dauys.ENOTFOUND, "election %s has no such area", e.ID)
	}
	return e.ID, area, nil
}

func (s *Server) results(w http.ResponseWriter, r *http.Request) {
	election, area, err := s.areaOf(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	ans, err := s.cache.get(r.Context(), s.cfg.Now(), election, "results\x00"+area, func(ctx context.Context) (any, error) {
		return s.cfg.Tally.Area(ctx, election, area)
	})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	ans.write(w, r)
}

func (s *Server) progress(w http.ResponseWriter, r *http.Request) {
	election, area, err := s.areaOf(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	res, err := s.cfg.Tally.Area(r.Context(), election, area)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	type item struct {
		Contest string `json:"contest"`
		tally.Progress
	}
	out := []item{}
	for _, c := range res.Contests {
		out = append(out, item{c.Contest, c.Progress})
	}
	writeJSON(w, http.StatusOK, map[string]any{"election": res.Election, "area": res.Area.ID, "contests": out})
}

func (s *Server) protocol(w http.ResponseWriter, r *http.Request) {
	versions, err := s.cfg.Store.ProtocolVersions(r.Context(), r.PathValue("id"), r.PathValue("contest"), r.PathValue("area"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	// Each version carries where it is in the transparency log and the
	// inclusion proof against the latest checkpoint; "log" is null while a
	// version is not logged yet, or when the election keeps no log.
	type logged struct {
		*dauys.Protocol
		Log *tlog.Inclusion `json:"log"`
	}
	out := make([]logged, len(versions))
	for i, p := range versions {
		out[i].Protocol = p
		inc, err := (&tlog.Log{Storage: s.cfg.Store}).ProtocolInclusion(r.Context(), p.Election, p.Contest, p.Area, p.Version)
		switch dauys.ErrorCode(err) {
		case "":
			out[i].Log = inc
		case dauys.ENOTFOUND:
		default:
			s.Error(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"versions": out})
}

// submitRequest is the body of a protocol submission: one protocol, or a
// batch under "protocols".
type submitRequest struct {
	intake.Submission
	Protocols []intake.Submission `json:"protocols,omitempty"`
}

type submitResult struct {
	Contest     string          `json:"contest"`
	Area        string          `json:"area"`
	Outcome     string          `json:"outcome,omitempty"`
	Version     int             `json:"version,omitempty"`
	Hash        string          `json:"hash,omitempty"`
	Differences []string        `json:"differences,omitempty"`
	Error       *problem        `json:"error,omitempty"`
	Warnings    []dauys.Finding `json:"warnings,omitempty"`
}

func (s *Server) submit(w http.ResponseWriter, r *http.Request) {
	election := r.PathValue("id")
	var req submitRequest
	who, ok := s.readWrite(w, r, &req)
	if !ok {
		return
	}
	subs := req.Protocols
	if len(subs) == 0 {
		subs = []intake.Submission{req.Submission}
	} else if req.Contest != "" || req.Area != "" {
		s.Error(w, r, dauys.Errorf(dauys.EINVALID, "send one protocol or a list under \"protocols\", not both"))
		return
	}
	e, err := s.cfg.Tally.Election(r.Context(), election)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	for i := range subs {
		if err := authorizeSubmission(&who.principal, e, &subs[i]); err != nil {
			s.refuseWrite(w, r, who, e.ID, subs[i].Area, subs[i].Contest+"/"+subs[i].Area, err)
			return
		}
		subs[i].Submitter = who.principal.Subject
		subs[i].Source = "api " + s.clientAddr(r)
	}
	res, err := s.cfg.Intake.Submit(r.Context(), election, subs)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	// The answer waits for the audit trail: an action that could not be
	// recorded is reported as failed, and sending it again is safe, since
	// intake answers a protocol it has as a duplicate.
	if err := s.audit.record(r.Context(), s.submissionEvents(r, who, e.ID, subs, res)...); err != nil {
		s.Error(w, r, err)
		return
	}
	out := make([]submitResult, len(res))
	for i, x := range res {
		out[i] = submitResult{Contest: subs[i].Contest, Area: subs[i].Area, Outcome: x.Outcome, Differences: x.Differences}
		if x.Protocol != nil {
			out[i].Version, out[i].Hash, out[i].Warnings = x.Protocol.Version, x.Protocol.Hash, x.Protocol.Warnings
		}
		if x.Err != nil {
			pr := s.problemFor(r, x.Err)
			out[i].Error = &pr
		}
	}
	writeAnswers(w, out)
}

// answer is the result of one submission of a write: its outcome, or the
// problem that refused it.
type answer interface {
	outcome() string
	refusal() *problem
}

func (x submitResult) outcome() string   { return x.Outcome }
func (x submitResult) refusal() *problem { return x.Error }

// writeAnswers answers a write: a single submission with its result (201
// when stored, 200 for a duplicate) or the problem that refused it; a
// batch with {"results": [...]}, 200 when none was refused and 207 when
// some were.
func writeAnswers[T answer](w http.ResponseWriter, out []T) {
	status := http.StatusOK
	for _, x := range out {
		if pr := x.refusal(); pr != nil {
			status = pr.Status
		}
	}
	if len(out) == 1 {
		if pr := out[0].refusal(); pr != nil {
			writeProblem(w, *pr)
			return
		}
		if o := out[0].outcome(); o == dauys.OutcomeAccepted || o == dauys.OutcomeAmended {
			status = http.StatusCreated
		}
		writeJSON(w, status, out[0])
		return
	}
	if status != http.StatusOK {
		status = http.StatusMultiStatus
	}
	writeJSON(w, status, map[string]any{"results": out})
}

// readWrite authenticates a write and reads its body strictly into req,
// answering the problem when it cannot.
func (s *Server) readWrite(w http.ResponseWriter, r *http.Request, req any) (*identity, bool) {
	who, err := s.authenticate(r)
	if err != nil {
		s.Error(w, r, err)
		return nil, false
	}
	body, ok := s.readBody(w, r)
	if !ok {
		return nil, false
	}
	if err := decodeSubmission(body, req); err != nil {
		s.Error(w, r, err)
		return nil, false
	}
	return who, true
}

// refuseWrite records in the audit trail a write its sender may not make,
// and answers its problem.
func (s *Server) refuseWrite(w http.ResponseWriter, r *http.Request, who *identity, election, area, object string, err error) {
	refused := s.event(r, who, dauys.AuditRefusal, outcomeOf(err))
	refused.Election, refused.Area, refused.Object, refused.Detail = election, area, object, dauys.ErrorMessage(err)
	if rerr := s.audit.record(r.Context(), refused); rerr != nil {
		err = rerr
	}
	s.Error(w, r, err)
}

// readBody reads a write's body within MaxBody, answering 413 beyond it.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBody))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		writeProblem(w, problem{Type: "https://dauys.kz/problems/invalid", Title: http.StatusText(http.StatusRequestEntityTooLarge),
			Status: http.StatusRequestEntityTooLarge, Code: dauys.EINVALID,
			Detail: fmt.Sprintf("the request body is larger than %d bytes", mbe.Limit)})
		return nil, false
	} else if err != nil {
		s.Error(w, r, dauys.Errorf(dauys.EINVALID, "bad request body: %v", err))
		return nil, false
	}
	return body, true
}

// problem is an RFC 9457 problem document with Dauys's extensions.
type problem struct {
	Type     string          `json:"type"`
	Title    string          `json:"title"`
	Status   int             `json:"status"`
	Detail   string          `json:"detail,omitempty"`
	Code     string          `json:"code"`
	Text     *dauys.Text     `json:"text,omitempty"`
	Findings []dauys.Finding `json:"findings,omitempty"`
	// RequestID is the id of the request that was refused, as in the
	// X-Request-Id header, for a report to quote and the logs to find.
	RequestID string `json:"request_id,omitempty"`
}

// statusOf maps error codes to HTTP statuses: the one table.
var statusOf = map[string]int{
	dauys.EINVALID:      http.StatusUnprocessableEntity,
	dauys.ENOTFOUND:     http.StatusNotFound,
	dauys.ECONFLICT:     http.StatusConflict,
	dauys.EUNAUTHORIZED: http.StatusUnauthorized,
	dauys.EFORBIDDEN:    http.StatusForbidden,
	dauys.ELOCKED:       http.StatusTooManyRequests,
	dauys.EINTERNAL:     http.StatusInternalServerError,
}

func (s *Server) problemFor(r *http.Request, err error) problem {
	code := dauys.ErrorCode(err)
	status := statusOf[code]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	if code == dauys.EINTERNAL {
		s.cfg.Logger.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	p := problem{Type: "https://dauys.kz/problems/" + code, Title: http.StatusText(status), Status: status,
		Detail: dauys.ErrorMessage(err), Code: code, RequestID: RequestID(r.Context())}
	var de *dauys.Error
	if errors.As(err, &de) {
		if !de.Text.IsZero() {
			t := de.Text
			p.Text = &t
		}
		p.Findings = de.Findings
	}
	return p
}

// Error writes err as a problem document.
func (s *Server) Error(w http.ResponseWriter, r *http.Request, err error) {
	retryAfter(w, err, s.cfg.Now())
	writeProblem(w, s.problemFor(r, err))
}

func writeProblem(w http.ResponseWriter, p problem) {
	if p.RequestID == "" {
		p.RequestID = w.Header().Get(RequestIDHeader)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(p.Status)
	json.NewEncoder(w).Encode(p)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	enc.Encode(v)
}

// Shutdown is a helper for servers built on this handler.
func Shutdown(ctx context.Context, srv *http.Server) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return srv.Shutdown(ctx)
}
