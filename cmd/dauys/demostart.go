package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/mod/sumdb/note"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/tlog"
)

// demoStart is how dauys demo starts and ends, apart from what it plays:
// it takes the address first, so that a busy port is reported before
// minutes of loading, says where the site will be before it loads
// anything, keeps a transparency log of every election it plays, and
// removes the temporary database it made when it ends, Ctrl-C included.
type demoStart struct {
	db      string
	tempDir string // the folder of a database the demo made, removed at the end
	keyDir  string // where the log keys are
	ln      net.Listener
	url     string
	keys    []string
}

// startDemo listens on addr (unless noServe), makes a temporary database
// when db is "", and tells the user where the site will be and what is
// being loaded, before any of it is loaded.
func (m *Main) startDemo(db, addr string, noServe bool, loading string) (*demoStart, error) {
	d := &demoStart{db: db}
	if !noServe {
		ln, err := listen(addr)
		if err != nil {
			return nil, err
		}
		d.ln = ln
		d.url = "http://" + ln.Addr().String() + "/"
	}
	if d.db == "" {
		dir, err := os.MkdirTemp("", "dauys-demo-")
		if err != nil {
			d.close()
			return nil, err
		}
		d.keyDir, d.db = dir, filepath.Join(dir, "demo.db")
		if !noServe {
			// A served demo ends with Ctrl-C and takes its database with
			// it; --no-serve loads one to keep, and prints where.
			d.tempDir = dir
		}
	} else {
		dir, err := keysDir()
		if err != nil {
			d.close()
			return nil, err
		}
		d.keyDir = dir
	}
	where := "a temporary database, removed when the demo ends"
	if d.tempDir == "" || noServe {
		where = d.db
	}
	if d.url != "" {
		fmt.Fprintf(m.Stdout, "Dauys demo: %s\n\n    open %s\n\nLoading it into %s; the site answers once it is loaded. Ctrl-C stops the demo.\n",
			loading, d.url, where)
	} else {
		fmt.Fprintf(m.Stdout, "Dauys demo: loading %s into %s\n", loading, where)
	}
	return d, nil
}

// listen listens on addr; an address in use is explained, with the flag
// that chooses another.
func listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	// Said in one line, not above the whole usage text, where it would
	// scroll out of sight.
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, dauys.Errorf(dauys.ECONFLICT, "%s is in use: another program (another dauys demo or serve?) listens there; choose another address with --addr, e.g. --addr %s", addr, nextAddr(addr))
	}
	if err != nil {
		return nil, dauys.Errorf(dauys.EINVALID, "cannot listen on %s: %v; choose another address with --addr", addr, err)
	}
	return ln, nil
}

// nextAddr suggests the address after addr: the same host, the next port.
func nextAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	p, perr := strconv.Atoi(port)
	if err != nil || perr != nil || p <= 0 || p >= 65535 {
		return "127.0.0.1:8081"
	}
	return net.JoinHostPort(host, strconv.Itoa(p+1))
}

// startLogs gives every election in the store a transparency log, with a
// key of the demo's own, so that the site shows the CEC's key and anyone
// can run dauys verify against the demo. A log the store already has
// (a --db of an earlier run) keeps its key when the key file is still
// there, and is served without new checkpoints when it is not.
func (d *demoStart) startLogs(ctx context.Context, m *Main, s *store) error {
	es, err := s.Elections(ctx)
	if err != nil {
		return err
	}
	prefix := "demo-"
	if d.tempDir == "" {
		// Keys of demos on databases of their own live side by side in
		// the keys folder: each is named after its database.
		sum := sha256.Sum256([]byte(d.db))
		if abs, err := filepath.Abs(d.db); err == nil && !strings.Contains(d.db, "://") {
			sum = sha256.Sum256([]byte(abs))
		}
		prefix += hex.EncodeToString(sum[:4]) + "-"
	}
	for _, e := range es {
		path := filepath.Join(d.keyDir, prefix+logKeyName(e.ID))
		_, err := s.LogInfo(ctx, e.ID)
		switch {
		case err == nil:
			if _, err := os.Stat(path); err == nil {
				d.keys = append(d.keys, path)
			} else {
				fmt.Fprintf(m.Stderr, "dauys demo: the log of %s was started with a key that is no longer at %s: it is shown but not extended\n", e.ID, path)
			}
			continue
		case dauys.ErrorCode(err) != dauys.ENOTFOUND:
			return err
		}
		if err := os.MkdirAll(d.keyDir, 0o700); err != nil {
			return err
		}
		vkey, err := newKeyFile("dauys-demo/"+tlog.Slug(e.ID), path)
		if err != nil {
			return err
		}
		if err := s.CreateLog(ctx, &tlog.Info{Election: e.ID, Origin: "dauys-demo/" + tlog.Slug(e.ID), VerifierKey: vkey, CreatedAt: m.Now().UTC()}); err != nil {
			return err
		}
		d.keys = append(d.keys, path)
		if d.url != "" {
			fmt.Fprintf(m.Stdout, "Transparency log of %s; once the night is over, check the count with\n    dauys verify --key %s --election %s %s\n", e.ID, vkey, e.ID, d.url)
		}
	}
	return nil
}

// syncLogs brings the demo's logs up to date and signs their checkpoints,
// for a demo that loads and exits without serving.
func (d *demoStart) syncLogs(ctx context.Context, m *Main, s *store) error {
	var signers []note.Signer
	for _, k := range d.keys {
		sg, err := readSigner(k)
		if err != nil {
			return err
		}
		signers = append(signers, sg)
	}
	if len(signers) == 0 {
		return nil
	}
	seq := newSequencer(s, m.Now, signers...)
	es, err := s.Elections(ctx)
	if err != nil {
		return err
	}
	for _, e := range es {
		if _, err := seq.Sync(ctx, e.ID); err != nil && dauys.ErrorCode(err) != dauys.ENOTFOUND {
			return err
		}
	}
	return nil
}

// serveOptions serves on the demo's listener with its log keys.
func (d *demoStart) serveOptions() serveOptions {
	return serveOptions{Addr: d.ln.Addr().String(), Listener: d.ln, LogKeys: d.keys}
}

// close releases the listener (when it was never served) and removes the
// temporary database and its keys.
func (d *demoStart) close() {
	if d.ln != nil {
		d.ln.Close()
	}
	if d.tempDir != "" && strings.HasPrefix(filepath.Base(d.tempDir), "dauys-demo-") {
		// The store is closed by now: its defer ran first.
		os.RemoveAll(d.tempDir)
	}
}
