package web

import (
	"encoding/base64"
	"strings"
)

// slug writes an id as a path segment and file name. Ids made of letters,
// digits, dots, dashes and underscores are used as they are; any other id
// (one imported from a CSV file may hold spaces, Cyrillic or slashes) is
// written as "~" and its base64url form, so that every id is one file on
// every file system and one segment in every URL.
func slug(id string) string {
	if safeID(id) {
		return id
	}
	return "~" + base64.RawURLEncoding.EncodeToString([]byte(id))
}

func safeID(id string) bool {
	if id == "" || id[0] == '.' || id[0] == '~' {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// unslug reverses slug.
func unslug(s string) (string, bool) {
	if rest, ok := strings.CutPrefix(s, "~"); ok {
		b, err := base64.RawURLEncoding.DecodeString(rest)
		if err != nil || len(b) == 0 {
			return "", false
		}
		return string(b), true
	}
	return s, safeID(s)
}

// unslugFile reads the id of a file name with the extension.
func unslugFile(name, ext string) (string, bool) {
	base, ok := strings.CutSuffix(name, ext)
	if !ok {
		return "", false
	}
	return unslug(base)
}

// rootOf returns the relative path from a page to the site's root: one
// "../" per folder the page is in.
func rootOf(full string) string {
	return strings.Repeat("../", strings.Count(full, "/"))
}
