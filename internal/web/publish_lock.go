//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package web

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockVersions takes the lock of a folder of versions for one publish:
// an advisory lock on a file in it, which the system lets go when the
// process ends, however it ends, so a killed publish leaves no stale lock.
// exclusive is always true here.
func lockVersions(dir string) (unlock func(), exclusive bool, err error) {
	f, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, false, fmt.Errorf("web: publish: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, false, errPublishing(dir)
		}
		return nil, false, fmt.Errorf("web: publish: lock %s: %w", f.Name(), err)
	}
	// Closing the file lets the lock go.
	return func() { f.Close() }, true, nil
}
