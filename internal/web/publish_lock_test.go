//go:build linux

package web_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/web"
)

// TestPublishLeavesARunningPublishAlone: while another publish holds the
// folder's lock, a second one refuses, and the first one's temporary
// folder is not removed under it.
func TestPublishLeavesARunningPublishAlone(t *testing.T) {
	fx := mustFixture(t, nil)
	dir := t.TempDir()
	v := filepath.Join(dir, "v")
	running := filepath.Join(v, ".tmp-v1-0a1b2c3d")
	mustWrite(t, filepath.Join(running, "kk", "index.html"), "being written")
	f, err := os.OpenFile(filepath.Join(v, ".publish.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	_, err = fx.site.Publish(context.Background(), web.PublishOptions{Election: "fx-2025", Dir: dir, Version: "v2", Workers: 2})
	if dauys.ErrorCode(err) != dauys.ECONFLICT {
		t.Errorf("publishing beside a running publish: %v, want a conflict", err)
	}
	mustExist(t, filepath.Join(running, "kk", "index.html"))
	if _, err := os.Stat(filepath.Join(v, "v2")); !os.IsNotExist(err) {
		t.Errorf("v2 was published beside a running publish: %v", err)
	}
}
