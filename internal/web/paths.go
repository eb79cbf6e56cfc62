package web

import (
	"strings"

	"github.com/dauys/dauys/internal/tlog"
)

// unslugFile reads the id of a file name with the extension.
func unslugFile(name, ext string) (string, bool) {
	base, ok := strings.CutSuffix(name, ext)
	if !ok {
		return "", false
	}
	return tlog.Unslug(base)
}

// rootOf returns the relative path from a page to the site's root: one
// "../" per folder the page is in.
func rootOf(full string) string {
	return strings.Repeat("../", strings.Count(full, "/"))
}
