package verify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/dauys/dauys/internal/tlog"
)

// Source is where a published election is read from: a folder written by
// `dauys publish`, or the public site itself.
type Source interface {
	// ReadFile returns the file at a slash-separated path below the
	// source's root; an error wrapping fs.ErrNotExist when there is none.
	ReadFile(ctx context.Context, name string) ([]byte, error)
	// String names the source in messages.
	String() string
}

// Open returns the source at location, a folder or an http(s) URL, and the
// id of the election it holds when it says: when it holds a current.json,
// as the root of a site written by `dauys publish` does, the source is the
// export current.json points to, of the election it names; a folder with
// the log of one election only is of that election. client may be nil for
// a client whose requests time out after RequestTimeout.
func Open(ctx context.Context, location string, client *http.Client) (Source, string, error) {
	var src Source
	if strings.HasPrefix(location, "http://") || strings.HasPrefix(location, "https://") {
		u, err := url.Parse(location)
		if err != nil {
			return nil, "", err
		}
		if !strings.HasSuffix(u.Path, "/") {
			u.Path += "/"
		}
		if client == nil {
			client = &http.Client{Timeout: RequestTimeout}
		}
		src = &httpSource{base: u, client: client}
	} else {
		st, err := os.Stat(location)
		if err != nil {
			return nil, "", err
		}
		if !st.IsDir() {
			return nil, "", fmt.Errorf("%s is not a folder", location)
		}
		src = dirSource(location)
	}
	b, err := src.ReadFile(ctx, "current.json")
	if errors.Is(err, fs.ErrNotExist) {
		id, _ := onlyLog(src)
		return src, id, nil
	} else if err != nil {
		return nil, "", err
	}
	var ptr struct {
		Election string `json:"election"`
		Path     string `json:"path"`
	}
	if err := json.Unmarshal(b, &ptr); err != nil || ptr.Path == "" {
		return nil, "", fmt.Errorf("%s: current.json does not name the current export", src)
	}
	p := path.Clean(ptr.Path)
	if !fs.ValidPath(p) {
		return nil, "", fmt.Errorf("%s: current.json points outside the site: %q", src, ptr.Path)
	}
	return subSource{src, p}, ptr.Election, nil
}

// dirSource reads a folder.
type dirSource string

func (d dirSource) ReadFile(_ context.Context, name string) ([]byte, error) {
	if !fs.ValidPath(name) {
		return nil, fmt.Errorf("%q is not a path in the bundle", name)
	}
	return os.ReadFile(filepath.Join(string(d), filepath.FromSlash(name)))
}

func (d dirSource) String() string { return string(d) }

// httpSource reads a site.
type httpSource struct {
	base   *url.URL
	client *http.Client
}

// Limits of reading a site over HTTP. A verifier reads thousands of small
// files from a CDN that may be slow or briefly unavailable: each request
// has a deadline, and a failure that may pass (a network error, 429, 5xx)
// is tried again after a pause that doubles, up to MaxAttempts in all.
const (
	RequestTimeout = 60 * time.Second
	MaxAttempts    = 4
	firstRetry     = 500 * time.Millisecond
	// MaxFileBytes bounds one file of a site: a national results file is
	// a few MB, a tile of the log 8 KB.
	MaxFileBytes = 64 << 20
)

func (h *httpSource) ReadFile(ctx context.Context, name string) ([]byte, error) {
	if !fs.ValidPath(name) {
		return nil, fmt.Errorf("%q is not a path in the site", name)
	}
	u := h.base.JoinPath(name)
	pause := firstRetry
	for attempt := 1; ; attempt++ {
		b, retry, err := h.get(ctx, u)
		if err == nil || !retry || attempt == MaxAttempts {
			return b, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w (after: %v)", ctx.Err(), err)
		case <-time.After(pause):
		}
		pause *= 2
	}
}

// get reads one URL once; retry says whether a failure may pass.
func (h *httpSource) get(ctx context.Context, u *url.URL) (b []byte, retry bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, false, err
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return nil, ctx.Err() == nil, err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return nil, false, fmt.Errorf("%s: %w", u, fs.ErrNotExist)
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return nil, true, fmt.Errorf("%s: %s", u, resp.Status)
	case resp.StatusCode != http.StatusOK:
		return nil, false, fmt.Errorf("%s: %s", u, resp.Status)
	}
	b, err = io.ReadAll(io.LimitReader(resp.Body, MaxFileBytes+1))
	if err != nil {
		return nil, ctx.Err() == nil, fmt.Errorf("%s: %w", u, err)
	}
	if len(b) > MaxFileBytes {
		return nil, false, fmt.Errorf("%s: larger than %d MiB, more than any file of a site", u, MaxFileBytes>>20)
	}
	return b, false, nil
}

func (h *httpSource) String() string { return h.base.String() }

// subSource reads below a folder of another source.
type subSource struct {
	Source
	dir string
}

func (s subSource) ReadFile(ctx context.Context, name string) ([]byte, error) {
	return s.Source.ReadFile(ctx, s.dir+"/"+name)
}

func (s subSource) String() string { return strings.TrimSuffix(s.Source.String(), "/") + "/" + s.dir }

// onlyLog finds the election of a folder that holds one log.
func onlyLog(src Source) (string, bool) {
	var dir string
	switch s := src.(type) {
	case dirSource:
		dir = string(s)
	case subSource:
		d, ok := s.Source.(dirSource)
		if !ok {
			return "", false
		}
		dir = filepath.Join(string(d), filepath.FromSlash(s.dir))
	default:
		return "", false
	}
	es, err := os.ReadDir(filepath.Join(dir, "log"))
	if err != nil || len(es) != 1 || !es[0].IsDir() {
		return "", false
	}
	return tlog.Unslug(es[0].Name())
}
