package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// progress draws how far a long command is, its rate and the time left,
// on one line of a terminal. A nil *progress draws nothing: commands
// whose standard error is a file or a pipe print only their summary.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	unit  string // "rows", "files"
	total int64  // of the measure done is given in; 0 if unknown
	start time.Time
	last  time.Time
	drawn bool
}

// newProgress returns a progress line on standard error if it is a
// terminal, else nil. total is what done counts towards (bytes of a file,
// files to write), 0 if unknown.
func (m *Main) newProgress(total int64, unit string) *progress {
	f, ok := m.Stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	now := time.Now()
	return &progress{w: f, unit: unit, total: total, start: now}
}

// update draws the line, at most ten times a second: done of total, and
// count things (rows, files) so far.
func (p *progress) update(done int64, count int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if now.Sub(p.last) < 100*time.Millisecond && (p.total == 0 || done < p.total) {
		return
	}
	p.last, p.drawn = now, true
	elapsed := now.Sub(p.start)
	line := fmt.Sprintf("%d %s", count, p.unit)
	if s := elapsed.Seconds(); s > 0 {
		line += fmt.Sprintf(", %.0f/s", float64(count)/s)
	}
	if p.total > 0 {
		frac := min(float64(done)/float64(p.total), 1)
		n := int(frac * 20)
		line = fmt.Sprintf("[%-20s] %5.1f%%  %s", strings.Repeat("#", n), 100*frac, line)
		if frac > 0 && frac < 1 {
			left := time.Duration(float64(elapsed) * (1 - frac) / frac)
			line += ", " + left.Round(time.Second).String() + " left"
		}
	}
	fmt.Fprintf(p.w, "\r\033[K%s", line)
}

// clear removes the line, before a message or the summary.
func (p *progress) clear() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
		p.drawn = false
	}
}
