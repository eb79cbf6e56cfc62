package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/tlog"
)

// keysDirEnv names the folder private keys go to when a command is given
// no path for one.
const keysDirEnv = "DAUYS_KEYS"

// keysDir is where private keys go by default: $DAUYS_KEYS, or dauys/keys
// in the user's configuration folder (~/.config/dauys/keys on Linux).
// Never the working folder, which is often a clone of the repository: a
// key written there is one `git add .` away from being published.
func keysDir() (string, error) {
	if d := os.Getenv(keysDirEnv); d != "" {
		return d, nil
	}
	base, err := os.UserConfigDir()
	if err != nil {
		return "", dauys.Errorf(dauys.EINVALID, "no folder for private keys (%v): set %s or give the key's path", err, keysDirEnv)
	}
	return filepath.Join(base, "dauys", "keys"), nil
}

// defaultKeyPath returns the path of a key named name in keysDir, making
// the folder (mode 0700) when make is set.
func defaultKeyPath(name string, make bool) (string, error) {
	dir, err := keysDir()
	if err != nil {
		return "", err
	}
	if make {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return "", dauys.Errorf(dauys.EINVALID, "keys folder: %v", err)
		}
	}
	return filepath.Join(dir, name), nil
}

// logKeyName is the file name of an election's log key in keysDir.
func logKeyName(election string) string { return tlog.Slug(election) + "-log.key" }

// defaultLogKey returns the path of an election's log key in keysDir, or
// "" when there is none.
func defaultLogKey(election string) string {
	p, err := defaultKeyPath(logKeyName(election), false)
	if err != nil {
		return ""
	}
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

// existsErr explains that a key file is already there: keys are never
// overwritten.
func existsErr(path string, err error) error {
	if errors.Is(err, fs.ErrExist) {
		return dauys.Errorf(dauys.ECONFLICT, "%s already exists: a key is never overwritten; name another file for the new key (or move the old one away)", path)
	}
	return dauys.Errorf(dauys.EINVALID, "%v", err)
}

// dbFlag is how a printed command names the database: nothing for the
// default.
func dbFlag(db string) string {
	if db == "dauys.db" {
		return ""
	}
	return fmt.Sprintf(" --db %q", db)
}
