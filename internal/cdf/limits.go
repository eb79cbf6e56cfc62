package cdf

import (
	"fmt"
	"io"
	"os"

	"github.com/dauys/dauys"
)

// MaxFileBytes bounds a file `dauys cdf import` reads. A report is decoded
// whole, and its JSON tree takes several times its size in memory; a
// national election's precinct-level report is tens of megabytes
// (docs/security.md, "Import limits and strict parsing").
const MaxFileBytes = 256 << 20

// ReadFile reads a file to import, refusing one larger than MaxFileBytes
// before reading it (and, should it grow meanwhile, after).
func ReadFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, dauys.Errorf(dauys.EINVALID, "%v", err)
	}
	defer f.Close()
	tooLarge := dauys.Errorf(dauys.EINVALID, "%s: the file is larger than %d bytes, the most cdf import reads", path, MaxFileBytes)
	if st, err := f.Stat(); err == nil && st.Size() > MaxFileBytes {
		return nil, tooLarge
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("cdf: read %s: %w", path, err)
	}
	if len(data) > MaxFileBytes {
		return nil, tooLarge
	}
	return data, nil
}
