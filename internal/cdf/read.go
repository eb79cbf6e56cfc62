package cdf

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"sort"
	"strings"

	"github.com/dauys/dauys"
)

// reader walks a decoded JSON document. It checks the shape of what it
// reads, names every problem by its path ("Election[0].Contest[3](cc-x).
// VoteCounts[2].Count"), and records which properties it read, so that
// those it did not can be reported by name.
type reader struct {
	errs  []string
	more  int
	nodes []*node
	// languages counts the texts in languages Dauys does not keep.
	languages map[string]int
}

// maxErrors caps the problems one import reports.
const maxErrors = 20

func (r *reader) fail(path, format string, args ...any) {
	if len(r.errs) >= maxErrors {
		r.more++
		return
	}
	r.errs = append(r.errs, path+": "+fmt.Sprintf(format, args...))
}

func (r *reader) err() error {
	if len(r.errs) == 0 {
		return nil
	}
	msg := "cdf: " + strings.Join(r.errs, "\ncdf: ")
	if r.more > 0 {
		msg += fmt.Sprintf("\n... and %d more problems", r.more)
	}
	return &dauys.Error{Code: dauys.EINVALID, Message: msg}
}

// node is one JSON object of the document.
type node struct {
	r    *reader
	path string
	kind string // the object's type without "ElectionResults.", for notes
	m    map[string]any
	used map[string]bool
}

func (r *reader) node(path string, m map[string]any, kind string) *node {
	n := &node{r: r, path: path, m: m, used: map[string]bool{"@type": true}}
	if t, ok := m["@type"].(string); ok && strings.HasPrefix(t, typePrefix) {
		n.kind = strings.TrimPrefix(t, typePrefix)
	} else {
		n.kind = kind
	}
	if id, ok := m["@id"].(string); ok && id != "" {
		n.path += "(" + id + ")"
	}
	r.nodes = append(r.nodes, n)
	return n
}

// notRead lists, by object type and property, what was in the document
// but not read, with how many objects had it.
func (r *reader) notRead() []string {
	counts := map[string]int{}
	for _, n := range r.nodes {
		for k := range n.m {
			if !n.used[k] {
				counts[n.kind+"."+k]++
			}
		}
	}
	var out []string
	for k, c := range counts {
		times := "once"
		if c > 1 {
			times = fmt.Sprintf("in %d objects", c)
		}
		out = append(out, fmt.Sprintf("%s (%s) is not imported: Dauys has no place for it", k, times))
	}
	sort.Strings(out)
	return out
}

func (n *node) fail(key, format string, args ...any) {
	p := n.path
	if key != "" {
		p += "." + key
	}
	n.r.fail(p, format, args...)
}

// consume marks properties as read without reading them: those Dauys
// derives itself.
func (n *node) consume(keys ...string) {
	for _, k := range keys {
		n.used[k] = true
	}
}

func (n *node) has(key string) bool {
	_, ok := n.m[key]
	return ok
}

func (n *node) get(key string) (any, bool) {
	n.used[key] = true
	v, ok := n.m[key]
	if ok && v == nil {
		return nil, false
	}
	return v, ok
}

func (n *node) str(key string) string {
	v, ok := n.get(key)
	if !ok {
		return ""
	}
	s, isStr := v.(string)
	if !isStr {
		n.fail(key, "expected a string, found %s", describe(v))
	}
	return s
}

// required reads a string that must be there and not be empty.
func (n *node) required(key string) string {
	if !n.has(key) {
		n.fail(key, "is missing")
		n.used[key] = true
		return ""
	}
	s := n.str(key)
	if s == "" {
		if _, isStr := n.m[key].(string); isStr {
			n.fail(key, "is empty")
		}
	}
	return s
}

func (n *node) boolean(key string) bool {
	v, ok := n.get(key)
	if !ok {
		return false
	}
	b, isBool := v.(bool)
	if !isBool {
		n.fail(key, "expected true or false, found %s", describe(v))
	}
	return b
}

// count reads a whole, non-negative number.
func (n *node) count(key string) (int64, bool) {
	v, ok := n.get(key)
	if !ok {
		return 0, false
	}
	c, ok := wholeNumber(v)
	switch {
	case !ok:
		n.fail(key, "expected a whole number, found %s", describe(v))
		return 0, false
	case c < 0:
		n.fail(key, "is negative (%d)", c)
		return 0, false
	}
	return c, true
}

// integer reads a whole number, which may be negative.
func (n *node) integer(key string) (int64, bool) {
	v, ok := n.get(key)
	if !ok {
		return 0, false
	}
	c, ok := wholeNumber(v)
	if !ok {
		n.fail(key, "expected a whole number, found %s", describe(v))
	}
	return c, ok
}

// wholeNumber accepts a JSON number that is an integer within int64,
// written as 12, 12.0 or 1.2e1.
func wholeNumber(v any) (int64, bool) {
	num, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	if i, err := num.Int64(); err == nil {
		return i, true
	}
	s := string(num)
	if len(s) > 64 {
		return 0, false // a huge exponent would make big.Rat slow
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok || !r.IsInt() || !r.Num().IsInt64() {
		return 0, false
	}
	return r.Num().Int64(), true
}

func (n *node) strs(key string) []string {
	v, ok := n.get(key)
	if !ok {
		return nil
	}
	list, isList := v.([]any)
	if !isList {
		n.fail(key, "expected a list of ids, found %s", describe(v))
		return nil
	}
	var out []string
	for i, x := range list {
		s, isStr := x.(string)
		if !isStr {
			n.fail(fmt.Sprintf("%s[%d]", key, i), "expected a string, found %s", describe(x))
			continue
		}
		out = append(out, s)
	}
	return out
}

func (n *node) object(key, kind string) *node {
	v, ok := n.get(key)
	if !ok {
		return nil
	}
	m, isObj := v.(map[string]any)
	if !isObj {
		n.fail(key, "expected an object, found %s", describe(v))
		return nil
	}
	return n.r.node(n.path+"."+key, m, kind)
}

func (n *node) objects(key, kind string) []*node {
	v, ok := n.get(key)
	if !ok {
		return nil
	}
	list, isList := v.([]any)
	if !isList {
		n.fail(key, "expected a list, found %s", describe(v))
		return nil
	}
	var out []*node
	for i, x := range list {
		m, isObj := x.(map[string]any)
		if !isObj {
			n.fail(fmt.Sprintf("%s[%d]", key, i), "expected an object, found %s", describe(x))
			continue
		}
		out = append(out, n.r.node(fmt.Sprintf("%s.%s[%d]", n.path, key, i), m, kind))
	}
	return out
}

// text reads an InternationalizedText into Kazakh, Russian and English.
// A text in none of them fills English; the languages left out are counted
// for a note.
func (n *node) text(key string) dauys.Text {
	it := n.object(key, "InternationalizedText")
	if it == nil {
		return dauys.Text{}
	}
	it.consume("Label")
	var t dauys.Text
	var other []string
	var firstOther string
	for _, ls := range it.objects("Text", "LanguageString") {
		content, lang := ls.str("Content"), strings.ToLower(ls.str("Language"))
		base, _, _ := strings.Cut(lang, "-")
		switch base {
		case "kk", "kaz":
			t.KK = cmpOr(t.KK, content)
		case "ru", "rus":
			t.RU = cmpOr(t.RU, content)
		case "en", "eng":
			t.EN = cmpOr(t.EN, content)
		default:
			if firstOther == "" {
				firstOther = content
			}
			other = append(other, lang)
		}
	}
	if t.IsZero() && firstOther != "" {
		t.EN = firstOther
		other = other[1:]
	}
	for _, lang := range other {
		if n.r.languages == nil {
			n.r.languages = map[string]int{}
		}
		n.r.languages[lang]++
	}
	return t
}

// languageNote names the languages of texts that were not kept.
func (r *reader) languageNote() []string {
	if len(r.languages) == 0 {
		return nil
	}
	var parts []string
	for _, lang := range slices.Sorted(maps.Keys(r.languages)) {
		parts = append(parts, fmt.Sprintf("%q (%d)", lang, r.languages[lang]))
	}
	return []string{fmt.Sprintf("texts in languages %s are not kept: Dauys keeps names in Kazakh, Russian and English", strings.Join(parts, ", "))}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// externalIDs reads the ExternalIdentifiers of an object. Those that are
// not Dauys's own are read and kept nowhere: an identifier in another
// system is not a fact about the election.
func (n *node) externalIDs() []identifier {
	var out []identifier
	for _, x := range n.objects("ExternalIdentifier", "ExternalIdentifier") {
		out = append(out, identifier{typ: x.str("Type"), otherType: x.str("OtherType"), label: x.str("Label"), value: x.str("Value"), path: x.path})
	}
	return out
}

// identifier is one ExternalIdentifier as read.
type identifier struct {
	typ, otherType, label, value, path string
}

func findExt(ids []identifier, otherType string) (identifier, bool) {
	for _, x := range ids {
		if x.typ == "other" && x.otherType == otherType {
			return x, true
		}
	}
	return identifier{}, false
}

func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		if len(x) > 40 {
			x = x[:40] + "..."
		}
		return fmt.Sprintf("the string %q", x)
	case json.Number:
		if len(x) > dauys.QuotePrefixBytes {
			return "the number " + string(x[:dauys.QuotePrefixBytes]) + "..."
		}
		return "the number " + string(x)
	case bool:
		return fmt.Sprintf("%t", x)
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
