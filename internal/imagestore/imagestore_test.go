package imagestore_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/imagestore"
)

func TestFolder(t *testing.T) {
	f := &imagestore.Folder{Dir: filepath.Join(t.TempDir(), "images")}
	data := []byte("not really an image, but bytes")
	h := sha256.Sum256(data)
	sum := hex.EncodeToString(h[:])
	if _, err := f.Get(t.Context(), sum); dauys.ErrorCode(err) != dauys.ENOTFOUND {
		t.Fatalf("get before put: %v", err)
	}
	for range 2 {
		if err := f.Put(t.Context(), sum, data); err != nil {
			t.Fatal(err)
		}
	}
	got, err := f.Get(t.Context(), sum)
	if err != nil || string(got) != string(data) {
		t.Fatalf("get: %q, %v", got, err)
	}
	if _, err := os.Stat(filepath.Join(f.Dir, sum[:2], sum)); err != nil {
		t.Errorf("not content-addressed: %v", err)
	}
	other := sha256.Sum256([]byte("other"))
	if err := f.Put(t.Context(), hex.EncodeToString(other[:]), data); dauys.ErrorCode(err) != dauys.EINVALID {
		t.Errorf("put under a wrong hash: %v", err)
	}
	for _, bad := range []string{"../../etc/passwd", "", sum[:10]} {
		if err := f.Put(t.Context(), bad, data); dauys.ErrorCode(err) != dauys.EINVALID {
			t.Errorf("put %q: %v", bad, err)
		}
		if _, err := f.Get(t.Context(), bad); dauys.ErrorCode(err) != dauys.ENOTFOUND {
			t.Errorf("get %q: %v", bad, err)
		}
	}
}
