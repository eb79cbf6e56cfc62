// Package imagestore keeps the images of observations in a folder,
// content-addressed: each under the hex SHA-256 of its bytes, in a
// subfolder named by the hash's first two characters. It implements
// dauys.ImageStore; object storage can implement the same interface later.
//
// It imports only the domain, and nothing imports it but cmd/dauys and
// tests: the services take a dauys.ImageStore.
package imagestore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/dauys/dauys"
)

// Folder is a dauys.ImageStore in a folder of the local file system.
type Folder struct {
	Dir string
}

var _ dauys.ImageStore = (*Folder)(nil)

func (f *Folder) path(sum string) string { return filepath.Join(f.Dir, sum[:2], sum) }

// Put stores data under its hash, writing a temporary file and renaming
// it, so that a reader never sees half an image.
func (f *Folder) Put(ctx context.Context, sum string, data []byte) error {
	if !dauys.ValidSHA256(sum) {
		return dauys.Errorf(dauys.EINVALID, "an image is named by the hex SHA-256 of its bytes")
	}
	if h := sha256.Sum256(data); hex.EncodeToString(h[:]) != sum {
		return dauys.Errorf(dauys.EINVALID, "the image's bytes do not hash to %s", sum)
	}
	p := f.path(sum)
	if _, err := os.Stat(p); err == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("imagestore: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".put-*")
	if err != nil {
		return fmt.Errorf("imagestore: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("imagestore: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("imagestore: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("imagestore: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("imagestore: %w", err)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return fmt.Errorf("imagestore: %w", err)
	}
	return nil
}

// Get returns the bytes stored under a hash.
func (f *Folder) Get(ctx context.Context, sum string) ([]byte, error) {
	if !dauys.ValidSHA256(sum) {
		return nil, dauys.Errorf(dauys.ENOTFOUND, "no such image")
	}
	b, err := os.ReadFile(f.path(sum))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, dauys.Errorf(dauys.ENOTFOUND, "no image %s", sum)
	}
	if err != nil {
		return nil, fmt.Errorf("imagestore: %w", err)
	}
	return b, nil
}
