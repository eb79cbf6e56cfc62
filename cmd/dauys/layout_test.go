package main_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// maxFileLines bounds the files of cmd/dauys, which only wires: a command
// group that outgrows it has work that belongs in a package of its own.
const maxFileLines = 400

func TestFilesStaySmall(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if n := bytes.Count(b, []byte("\n")); n >= maxFileLines {
			t.Errorf("%s has %d lines; keep cmd/dauys files under %d (one file per command group, the work in internal packages)", f, n, maxFileLines)
		}
	}
}
