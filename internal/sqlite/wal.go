package sqlite

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
)

// walFile syncs the database's write-ahead log (its -wal file), which
// makes every transaction committed before the call durable: a commit is
// in the WAL when Commit returns, and SQLite replays the WAL's committed
// transactions after a crash.
type walFile struct {
	path string

	mu sync.Mutex
	f  *os.File
}

// sync flushes the WAL to the disk. It opens the file on first use and
// again if it was replaced (SQLite deletes it when its last connection
// closes, and another program may have done so).
func (w *walFile) sync() error {
	f, err := w.file()
	if errors.Is(err, fs.ErrNotExist) {
		// No WAL: SQLite checkpointed it into the database, which it
		// synced, and removed it.
		return nil
	}
	if err != nil {
		return err
	}
	if err := datasync(f); err != nil {
		return fmt.Errorf("sync %s: %w", w.path, err)
	}
	return nil
}

func (w *walFile) file() (*os.File, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f != nil {
		named, err := os.Stat(w.path)
		open, ferr := w.f.Stat()
		if err == nil && ferr == nil && os.SameFile(named, open) {
			return w.f, nil
		}
		w.f.Close()
		w.f = nil
	}
	f, err := os.Open(w.path)
	if err != nil {
		return nil, fmt.Errorf("open the write-ahead log: %w", err)
	}
	w.f = f
	return f, nil
}

func (w *walFile) close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	return err
}
