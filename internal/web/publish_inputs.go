package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/dauys/dauys"
)

// An export renders some 30,000 precinct pages, and between two exports on
// election night nearly all of them show the same numbers: the status of
// the count, the time and the version, which change, are left out of the
// compared content (publish_files.go). A precinct page whose inputs are
// those of the previous export's page is therefore not rendered again but
// shared with it. The inputs are hashed (ManifestFile.Inputs):
//
//   - the program itself (its executable: templates, texts, styles and the
//     code that renders are in it), the election's definition and status,
//     the site's settings that show on the page (how often it polls, the
//     zone of its times) and the election's header in each language but
//     for the status of the count, all in inputsBase;
//   - the precinct's current protocols, where each version is in the
//     transparency log, the observers' copies and their comparison, the
//     complaints and recounts, and the turnout reports.
//
// A new version of a protocol changes the current one, so the earlier
// versions, which never change, need not be read. A polling station's
// downloads (JSON, CSV and its Excel copy) are made from inputsBase and its
// current protocols alone, and are shared the same way.
// TestPublishReuseAsFresh checks that an export reusing files holds the
// files a fresh one does.

// inputsBase returns the hash of what every precinct page depends on, or
// "" when the program's executable cannot be read: then no page is reused.
func (p *publisher) inputsBase(ctx context.Context) (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", nil
	}
	f, err := os.Open(exe)
	if err != nil {
		return "", nil
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", nil
	}
	enc := json.NewEncoder(h)
	if err := enc.Encode(p.e.Election); err != nil {
		return "", err
	}
	fmt.Fprintf(h, "poll every %d, times in %s\n", p.s.cfg.PollEvery, p.s.cfg.Location)
	for _, lang := range dauys.Languages {
		rc, err := p.s.newRenderCtx(ctx, target{kind: pageArea, lang: lang, election: p.e.ID}, renderOpts{version: p.version, static: true, prefetch: p.pre, memo: p.memo})
		if err != nil {
			return "", err
		}
		head := rc.electionHead()
		head.Status, head.StatusText, head.Counting, head.Reported, head.Expected = "", "", false, 0, 0
		if err := enc.Encode(head); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// precinctInputs remembers the hashes of each precinct's inputs: of its
// downloads and of its page, the same in every language.
type precinctInputs struct {
	mu sync.Mutex
	m  map[string][2]string
}

// inputsOf returns the hashes of what a polling station's downloads (its
// current protocols) and its page are made from; "" when nothing is to be
// reused.
func (p *publisher) inputsOf(ctx context.Context, id string) (data, page string, err error) {
	if p.base == "" {
		return "", "", nil
	}
	p.inputs.mu.Lock()
	keys, ok := p.inputs.m[id]
	p.inputs.mu.Unlock()
	if ok {
		return keys[0], keys[1], nil
	}
	e := p.e
	h := sha256.New()
	h.Write([]byte(p.base))
	enc := json.NewEncoder(h)
	var current []*dauys.Protocol
	for i := range e.Contests {
		c := &e.Contests[i]
		if !e.Tree.InContest(id, c) {
			continue
		}
		cur := p.pre[id][c.ID]
		current = append(current, cur)
		if err := enc.Encode([]any{c.ID, cur}); err != nil {
			return "", "", err
		}
	}
	data = hex.EncodeToString(h.Sum(nil))
	h.Write([]byte("page\n"))
	log := p.log
	for _, cur := range current {
		if log == nil || cur == nil {
			continue
		}
		versions := []*dauys.Protocol{cur}
		if cur.Version > 1 {
			if versions, err = p.s.cfg.Tally.ProtocolVersions(ctx, e.ID, cur.Contest, id); err != nil {
				return "", "", err
			}
		}
		for _, v := range versions {
			i, signed, ok, err := log.index(ctx, v)
			if err != nil {
				return "", "", err
			}
			fmt.Fprintf(h, "log %s %d %d %v %v\n", v.Contest, v.Version, i, signed, ok)
		}
	}
	checks := p.checks.Within(e.Tree, id)
	if err := enc.Encode([]any{checks, checks.Precincts[id]}); err != nil {
		return "", "", err
	}
	if err := enc.Encode([]any{p.disp.complaints[id], p.disp.recounts[id], p.turnout[id]}); err != nil {
		return "", "", err
	}
	page = hex.EncodeToString(h.Sum(nil))
	p.inputs.mu.Lock()
	p.inputs.m[id] = [2]string{data, page}
	p.inputs.mu.Unlock()
	return data, page, nil
}
