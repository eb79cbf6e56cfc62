package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/migrations"
)

// Backup writes a consistent copy of the database to path with VACUUM
// INTO, which reads one snapshot: under WAL, writers go on while it runs
// and none of their later commits is in the copy. The copy is written
// beside path, synced and renamed into place, so that path holds either
// nothing or a whole backup. EINVALID when path exists.
func (s *Store) Backup(ctx context.Context, path string) error {
	if _, err := os.Lstat(path); err == nil {
		return dauys.Errorf(dauys.EINVALID, "%s exists: the backup does not overwrite a file", path)
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".partial")
	os.Remove(tmp)
	defer os.Remove(tmp)
	conn, err := s.read.Conn(ctx)
	if err != nil {
		return wrap("backup", err)
	}
	defer conn.Close()
	// The read pool is query_only; VACUUM INTO writes only the new file,
	// but SQLite counts it as a write, so the pragma is lifted on this one
	// connection for the statement and restored before it goes back.
	if _, err := conn.ExecContext(ctx, `PRAGMA query_only = 0`); err != nil {
		return wrap("backup", err)
	}
	_, err = conn.ExecContext(ctx, `VACUUM INTO ?`, tmp)
	if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA query_only = 1`); rerr != nil {
		conn.Raw(func(any) error { return driver.ErrBadConn }) // discard this connection
		err = errors.Join(err, rerr)
	}
	if err != nil {
		return wrap("backup", err)
	}
	if err := syncFile(tmp); err != nil {
		return wrap("backup", err)
	}
	// A hard link, unlike a rename, never replaces a file that appeared
	// at path meanwhile; file systems without links get the rename.
	if err := os.Link(tmp, path); errors.Is(err, os.ErrExist) {
		return dauys.Errorf(dauys.EINVALID, "%s exists: the backup does not overwrite a file", path)
	} else if err != nil {
		if err := os.Rename(tmp, path); err != nil {
			return wrap("backup", err)
		}
	}
	return wrap("backup", syncDir(filepath.Dir(path)))
}

// CheckBackup checks a database file without changing it: SQLite's
// integrity and foreign key checks must pass and its schema version must
// be one this program can open. It returns the schema version.
func CheckBackup(ctx context.Context, path string) (int, error) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, dauys.Errorf(dauys.EINVALID, "%v", err)
	}
	if !st.Mode().IsRegular() {
		return 0, dauys.Errorf(dauys.EINVALID, "%s is not a file", path)
	}
	// immutable=1: the file is read as it is, with no journal, WAL or lock
	// files made beside it.
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=ro&immutable=1")
	if err != nil {
		return 0, fmt.Errorf("sqlite: check %s: %w", path, err)
	}
	defer db.Close()
	bad := func(format string, args ...any) (int, error) {
		return 0, dauys.Errorf(dauys.EINVALID, "%s: "+format, append([]any{path}, args...)...)
	}
	rows, err := db.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return bad("not a readable SQLite database: %v", err)
	}
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return bad("integrity check: %v", err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return bad("integrity check: %v", err)
	}
	if len(problems) > 0 {
		return bad("integrity check failed: %s", strings.Join(problems[:min(len(problems), 5)], "; "))
	}
	var fk int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM pragma_foreign_key_check`).Scan(&fk); err != nil {
		return bad("foreign key check: %v", err)
	} else if fk > 0 {
		return bad("%d rows break foreign keys", fk)
	}
	var version int
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&version); err != nil {
		return bad("not a Dauys database: %v", err)
	}
	latest, err := SchemaVersion()
	if err != nil {
		return 0, err
	}
	if version < 1 || version > latest {
		return bad("schema version %d; this program opens versions 1 to %d", version, latest)
	}
	return version, nil
}

// SchemaVersion returns the newest schema version this program knows.
func SchemaVersion() (int, error) {
	ms, err := migrations.Read(migrationFiles)
	if err != nil || len(ms) == 0 {
		return 0, fmt.Errorf("sqlite: migrations: %v", err)
	}
	return ms[len(ms)-1].Version, nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// syncDir makes a rename or link in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}
