package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/backend"
	"github.com/dauys/dauys/internal/sqlite"
)

// postgresBackupAdvice is what backup and restore say for PostgreSQL,
// whose own tools do it better (docs/security.md has more).
const postgresBackupAdvice = `dauys backs up SQLite files only; back a PostgreSQL database up with its own tools:

  pg_dump --format=custom --file=dauys-$(date -u +%%Y%%m%%dT%%H%%MZ).dump "$DATABASE_URL"
  pg_restore --exit-on-error --single-transaction --no-owner --dbname="$NEW_DATABASE_URL" FILE.dump

pg_dump reads one consistent snapshot while the servers go on writing. See docs/security.md.`

// runBackup copies a live SQLite database to a file.
func (m *Main) runBackup(ctx context.Context, args []string) error {
	fs, db := m.flags("backup")
	out := fs.String("out", "", "the backup file to write; it must not exist")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if backend.IsPostgres(*db) {
		return dauys.Errorf(dauys.EINVALID, postgresBackupAdvice)
	}
	if *out == "" {
		return usageErr{"backup takes --db PATH --out FILE"}
	}
	if _, err := os.Stat(*db); err != nil {
		return dauys.Errorf(dauys.EINVALID, "no database to back up: %v", err)
	}
	// Backup is SQLite's alone (PostgreSQL was turned away above), so the
	// file is opened as SQLite rather than as a Backend.
	s, err := sqlite.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Backup(ctx, *out); err != nil {
		return err
	}
	st, err := os.Stat(*out)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "backed up %s to %s (%d bytes)\n", *db, *out, st.Size())
	return nil
}

// runRestore puts a backup in place of a database, after checking it.
func (m *Main) runRestore(ctx context.Context, args []string) error {
	fs, db := m.flags("restore")
	from := fs.String("from", "", "the backup file")
	force := fs.Bool("force", false, "replace an existing database, which is kept beside it as PATH.replaced-TIME; stop the servers first")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if backend.IsPostgres(*db) {
		return dauys.Errorf(dauys.EINVALID, postgresBackupAdvice)
	}
	if *from == "" {
		return usageErr{"restore takes --from FILE --db PATH [--force]"}
	}
	version, err := sqlite.CheckBackup(ctx, *from)
	if err != nil {
		return err
	}
	if _, err := os.Lstat(*db); err == nil {
		if !*force {
			return dauys.Errorf(dauys.EINVALID, "%s exists: restore does not replace a database without --force", *db)
		}
		aside := *db + ".replaced-" + m.Now().UTC().Format("20060102T150405Z")
		if err := moveDatabase(*db, aside); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "kept the database that was there as %s\n", aside)
	}
	if err := copyDurably(*from, *db); err != nil {
		return err
	}
	// Opening applies the migrations newer than the backup.
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintf(m.Stdout, "restored %s into %s (schema version %d)\n", *from, *db, version)
	return nil
}

// moveDatabase renames a SQLite database with its WAL and shared-memory
// files, which hold committed transactions not yet in the main file.
func moveDatabase(from, to string) error {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Rename(from+suffix, to+suffix); err != nil && !(suffix != "" && errors.Is(err, os.ErrNotExist)) {
			return err
		}
	}
	return nil
}

// copyDurably copies a file to a new path through a temporary file beside
// it, synced before it is renamed into place.
func copyDurably(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(to), "."+filepath.Base(to)+".restoring-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, in); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), to); err != nil {
		return err
	}
	d, err := os.Open(filepath.Dir(to))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
