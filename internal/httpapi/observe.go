package httpapi

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"
	"sort"
	"sync"
	"time"
)

// Metrics is told of every request the server answers and of its results
// cache, for the operators' dashboards. internal/metrics implements it;
// httpapi does not import it, nor the Prometheus library. Its methods must
// not block.
type Metrics interface {
	// Request observes one answered request. route is the pattern the
	// mux matched ("GET /api/v1/elections/{id}"), never the raw path, so
	// that anyone's made-up addresses make no new series; "" when no
	// pattern matched.
	Request(method, route string, status int, took time.Duration)
	// CacheLookup counts a lookup in a cache ("results" here).
	CacheLookup(cache string, hit bool)
}

// RequestIDHeader carries a request's id, in the request (a proxy's,
// kept when it is sane) and in every answer.
const RequestIDHeader = "X-Request-Id"

// maxRequestID bounds an id taken from a request.
const maxRequestID = 64

type requestIDKey struct{}

// RequestID returns the id of the request whose context ctx is, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// requestID returns the id the request brought, when it is short and of
// a plain alphabet, so that it can go into logs and headers as it is; a
// new random one otherwise.
func requestID(r *http.Request) string {
	if id := r.Header.Get(RequestIDHeader); saneRequestID(id) {
		return id
	}
	return rand.Text()
}

func saneRequestID(id string) bool {
	if id == "" || len(id) > maxRequestID {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':') {
			return false
		}
	}
	return true
}

// LogHandler wraps a log handler so that every record logged with a
// request's context (Logger.InfoContext and the like) carries the
// request's id as request_id. cmd/dauys wraps the server's logger with it.
func LogHandler(h slog.Handler) slog.Handler { return requestIDHandler{h} }

type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r = r.Clone()
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestIDHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(as)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}

// recorder remembers the status and size of an answer, for the access log
// and the metrics. Unwrap lets http.ResponseController reach the
// connection's own writer (to flush a long download).
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *recorder) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush flushes what is written so far, for answers streamed as they are
// produced.
func (w *recorder) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		if w.status == 0 {
			w.status = http.StatusOK
		}
		f.Flush()
	}
}

// observe gives the request its id (in its context and the answer's
// header), then, once answered, writes its access log line and tells the
// metrics.
func (s *Server) observe(w http.ResponseWriter, r *http.Request, serve func(http.ResponseWriter, *http.Request)) {
	start := time.Now()
	id := requestID(r)
	w.Header().Set(RequestIDHeader, id)
	r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
	rec := &recorder{ResponseWriter: w}
	defer func() {
		took := time.Since(start)
		status := rec.status
		if status == 0 {
			status = http.StatusOK
		}
		// r.Pattern is what the mux matched, set on this very request;
		// empty for a 404 and for what is refused before the mux.
		if s.cfg.Metrics != nil {
			s.cfg.Metrics.Request(r.Method, r.Pattern, status, took)
		}
		// A load balancer asks for health every few seconds: its
		// answered probes are logged at debug, so that the access log
		// holds what people and commissions did.
		level := slog.LevelInfo
		if (r.Pattern == "GET /healthz" || r.Pattern == "GET /readyz") && status == http.StatusOK {
			level = slog.LevelDebug
		}
		s.cfg.Logger.LogAttrs(r.Context(), level, "request",
			slog.String("method", r.Method), slog.String("route", r.Pattern), slog.String("path", clip(r.URL.Path)),
			slog.Int("status", status), slog.Int64("bytes", rec.bytes), slog.Duration("took", took),
			slog.String("client", s.clientAddr(r)), slog.String("user_agent", clip(r.UserAgent())))
	}()
	serve(rec, r)
}

// clip bounds what a client sent before it goes into a log line.
func clip(s string) string {
	const max = 256
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}

// SetReady marks the server ready (or not): /readyz answers 200 once it
// is, 503 before. cmd/dauys sets it when the elections are loaded.
func (s *Server) SetReady(ready bool) {
	s.ready.Store(ready)
}

// readyz answers whether a load balancer may send traffic here: 503 while
// the elections load after a start, 200 once they are. /healthz is
// liveness only: the process answers and its store is reachable.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if !s.ready.Load() {
		w.Header().Set("Retry-After", "5")
		writeProblem(w, problem{Type: "https://dauys.kz/problems/unavailable", Title: http.StatusText(http.StatusServiceUnavailable),
			Status: http.StatusServiceUnavailable, Code: "unavailable", Detail: "the elections are still loading"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// routes is the server's mux with a record of the patterns the API
// registered, so that tests can hold the OpenAPI document
// (docs/openapi.yaml) to every route.
type routes struct {
	*http.ServeMux
	mu       sync.Mutex
	patterns []string
}

func (m *routes) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.record(pattern)
	m.ServeMux.HandleFunc(pattern, h)
}

func (m *routes) Handle(pattern string, h http.Handler) {
	m.record(pattern)
	m.ServeMux.Handle(pattern, h)
}

func (m *routes) record(pattern string) {
	m.mu.Lock()
	m.patterns = append(m.patterns, pattern)
	m.mu.Unlock()
}

// Routes returns the patterns the API registered ("GET
// /api/v1/elections/{id}"), sorted. Pages and the log registered on Mux()
// beside the API are not among them.
func (s *Server) Routes() []string {
	s.mux.mu.Lock()
	defer s.mux.mu.Unlock()
	out := append([]string(nil), s.mux.patterns...)
	sort.Strings(out)
	return out
}
