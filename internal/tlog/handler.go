package tlog

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/dauys/dauys"
)

// Handler serves the logs over HTTP, in the same layout as WriteStatic
// writes them, under /log/<election>/ (the election's id as Slug writes
// it):
//
//	GET /log/{election}/checkpoint              the latest checkpoint (text/plain)
//	GET /log/{election}/checkpoints.json        every checkpoint the log signed
//	GET /log/{election}/key                     the log's verifier key
//	GET /log/{election}/tile/{L}/{N}[.p/{W}]    hash tiles (C2SP tlog-tiles)
//	GET /log/{election}/tile/entries/{N}[.p/{W}] entry bundles
//	GET /log/{election}/proof/{index}[?size=N]  inclusion proof (JSON) in the latest or an older tree
//	GET /log/{election}/consistency?from=M&to=N consistency proof (JSON)
//	GET /log/{election}/protocol/{contest}/{area...}?version=V
//	                                            where a protocol version is, with its proof (JSON)
//
// Only what a checkpoint covers is served, so that a tile never shows an
// entry that no signed root commits to yet. Full tiles never change and are
// served as immutable.
func (l *Log) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /log/{election}/checkpoint", l.serveCheckpoint)
	mux.HandleFunc("GET /log/{election}/checkpoints.json", l.serveCheckpoints)
	mux.HandleFunc("GET /log/{election}/key", l.serveKey)
	mux.HandleFunc("GET /log/{election}/tile/{path...}", l.serveTile)
	mux.HandleFunc("GET /log/{election}/proof/{index}", l.serveProof)
	mux.HandleFunc("GET /log/{election}/consistency", l.serveConsistency)
	mux.HandleFunc("GET /log/{election}/protocol/{contest}/{area...}", l.serveProtocol)
	return nosniff(mux)
}

// nosniff tells browsers to take every answer, errors included, for the
// type it says it is: a tile is bytes, a checkpoint text, never a page.
func nosniff(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		h.ServeHTTP(w, r)
	})
}

func electionOf(r *http.Request) (string, error) {
	id, ok := Unslug(r.PathValue("election"))
	if !ok {
		return "", dauys.Errorf(dauys.ENOTFOUND, "no such log")
	}
	return id, nil
}

func (l *Log) fail(w http.ResponseWriter, err error) {
	status := http.StatusInternalServerError
	msg := "internal error"
	switch dauys.ErrorCode(err) {
	case dauys.ENOTFOUND:
		status, msg = http.StatusNotFound, dauys.ErrorMessage(err)
	case dauys.EINVALID:
		status, msg = http.StatusBadRequest, dauys.ErrorMessage(err)
	}
	http.Error(w, msg, status)
}

func (l *Log) serveCheckpoint(w http.ResponseWriter, r *http.Request) {
	election, err := electionOf(r)
	if err != nil {
		l.fail(w, err)
		return
	}
	cp, err := l.LatestCheckpoint(r.Context(), election)
	if err != nil {
		l.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(cp.Note)
}

func (l *Log) serveCheckpoints(w http.ResponseWriter, r *http.Request) {
	election, err := electionOf(r)
	if err != nil {
		l.fail(w, err)
		return
	}
	cs, err := l.Storage.Checkpoints(r.Context(), election)
	if err != nil {
		l.fail(w, err)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	writeJSON(w, checkpointsJSON(cs))
}

// checkpointJSON is one item of checkpoints.json.
type checkpointJSON struct {
	Size      int64  `json:"size"`
	CreatedAt string `json:"created_at,omitempty"`
	Note      string `json:"note"`
}

func checkpointsJSON(cs []*StoredCheckpoint) []checkpointJSON {
	out := []checkpointJSON{}
	for _, c := range cs {
		item := checkpointJSON{Size: c.Size, Note: string(c.Note)}
		if !c.CreatedAt.IsZero() {
			item.CreatedAt = c.CreatedAt.UTC().Format(time.RFC3339Nano)
		}
		out = append(out, item)
	}
	return out
}

func (l *Log) serveKey(w http.ResponseWriter, r *http.Request) {
	election, err := electionOf(r)
	if err != nil {
		l.fail(w, err)
		return
	}
	info, err := l.Storage.LogInfo(r.Context(), election)
	if err != nil {
		l.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte(info.VerifierKey + "\n"))
}

func (l *Log) serveTile(w http.ResponseWriter, r *http.Request) {
	election, err := electionOf(r)
	if err != nil {
		l.fail(w, err)
		return
	}
	level, n, width, err := ParseTilePath("tile/" + r.PathValue("path"))
	if err != nil {
		l.fail(w, dauys.Errorf(dauys.ENOTFOUND, "%v", err))
		return
	}
	cp, err := l.LatestCheckpoint(r.Context(), election)
	if err != nil {
		l.fail(w, err)
		return
	}
	b, err := tileData(r.Context(), l.Storage, election, tlog.Tile{H: TileHeight, L: level, N: n, W: width}, cp.Size)
	if err != nil {
		l.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	if width == TileWidth {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.Write(b)
}

// proofJSON is an inclusion proof as served.
type proofJSON struct {
	Index      int64            `json:"index"`
	LeafHash   tlog.Hash        `json:"leaf_hash"`
	TreeSize   int64            `json:"tree_size"`
	RootHash   tlog.Hash        `json:"root_hash"`
	Proof      tlog.RecordProof `json:"proof"`
	Checkpoint string           `json:"checkpoint,omitempty"`
}

func (l *Log) serveProof(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	election, err := electionOf(r)
	if err != nil {
		l.fail(w, err)
		return
	}
	index, err := strconv.ParseInt(r.PathValue("index"), 10, 64)
	if err != nil {
		l.fail(w, dauys.Errorf(dauys.EINVALID, "entry index %q is not a number", r.PathValue("index")))
		return
	}
	size := int64(-1)
	if s := r.URL.Query().Get("size"); s != "" {
		if size, err = strconv.ParseInt(s, 10, 64); err != nil || size < 1 {
			l.fail(w, dauys.Errorf(dauys.EINVALID, "tree size %q is not a number", s))
			return
		}
	}
	cp, err := l.checkpoint(ctx, election, size)
	if err != nil {
		l.fail(w, err)
		return
	}
	if index < 0 || index >= cp.Size {
		l.fail(w, dauys.Errorf(dauys.ENOTFOUND, "entry %d is not in the tree of %d entries", index, cp.Size))
		return
	}
	es, err := l.Storage.LogEntries(ctx, election, index, index+1)
	if err != nil {
		l.fail(w, err)
		return
	}
	p, err := l.InclusionProof(ctx, election, index, cp.Size)
	if err != nil {
		l.fail(w, err)
		return
	}
	writeJSON(w, proofJSON{Index: index, LeafHash: tlog.RecordHash(es[0]), TreeSize: cp.Size, RootHash: cp.Hash,
		Proof: p, Checkpoint: string(cp.Note)})
}

func (l *Log) serveConsistency(w http.ResponseWriter, r *http.Request) {
	election, err := electionOf(r)
	if err != nil {
		l.fail(w, err)
		return
	}
	from, err1 := strconv.ParseInt(r.URL.Query().Get("from"), 10, 64)
	to, err2 := strconv.ParseInt(r.URL.Query().Get("to"), 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		l.fail(w, dauys.Errorf(dauys.EINVALID, "consistency takes from=M&to=N, two tree sizes"))
		return
	}
	p, err := l.ConsistencyProof(r.Context(), election, from, to)
	if err != nil {
		l.fail(w, err)
		return
	}
	writeJSON(w, struct {
		From  int64          `json:"from"`
		To    int64          `json:"to"`
		Proof tlog.TreeProof `json:"proof"`
	}{from, to, p})
}

func (l *Log) serveProtocol(w http.ResponseWriter, r *http.Request) {
	election, err := electionOf(r)
	if err != nil {
		l.fail(w, err)
		return
	}
	version, err := strconv.Atoi(r.URL.Query().Get("version"))
	if err != nil || version < 1 {
		l.fail(w, dauys.Errorf(dauys.EINVALID, "protocol takes ?version=N"))
		return
	}
	in, err := l.ProtocolInclusion(r.Context(), election, r.PathValue("contest"), r.PathValue("area"), version)
	if err != nil {
		l.fail(w, err)
		return
	}
	writeJSON(w, in)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	enc.Encode(v)
}
