package sqlite

import (
	"os"
	"syscall"
)

// datasync flushes a file's data and the size needed to read it back
// (fdatasync(2)), as SQLite's Linux builds sync their files.
func datasync(f *os.File) error {
	for {
		err := syscall.Fdatasync(int(f.Fd()))
		if err != syscall.EINTR {
			return err
		}
	}
}
