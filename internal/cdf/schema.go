package cdf

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/dauys/dauys"
)

// schemaJSON is NIST's JSON Schema of ERR v2 (NIST_V2_election_results_reporting.json from
// github.com/usnistgov/ElectionResultsReporting), unchanged; it is in the public domain (schema/LICENSE.md).
//
//go:embed schema/NIST_V2_election_results_reporting.json
var schemaJSON []byte

const schemaURL = "https://dauys.invalid/cdf/NIST_V2_election_results_reporting.json"

// compiledSchema compiles the schema once; it is immutable afterwards.
var compiledSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		return nil, fmt.Errorf("cdf: schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	// Dates, times and URIs are checked too: a consumer parses them.
	c.AssertFormat()
	if err := c.AddResource(schemaURL, doc); err != nil {
		return nil, fmt.Errorf("cdf: schema: %w", err)
	}
	s, err := c.Compile(schemaURL)
	if err != nil {
		return nil, fmt.Errorf("cdf: schema: %w", err)
	}
	return s, nil
})

// maxSchemaProblems caps the problems a validation error lists.
const maxSchemaProblems = 10

// Validate checks an ERR v2 JSON document against NIST's schema. A document
// that is not JSON or does not validate gets an EINVALID *dauys.Error that
// names the first problems by their JSON pointer.
func Validate(data []byte) error {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return dauys.Errorf(dauys.EINVALID, "cdf: not a JSON document: %v", err)
	}
	return validateValue(v)
}

// validateValue validates a document decoded with json.Number numbers.
func validateValue(v any) error {
	s, err := compiledSchema()
	if err != nil {
		return err
	}
	err = s.Validate(v)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return fmt.Errorf("cdf: validate: %w", err)
	}
	p := message.NewPrinter(language.English)
	var lines []string
	for _, leaf := range schemaLeaves(ve) {
		lines = append(lines, fmt.Sprintf("%s: %s", pointer(leaf.InstanceLocation), leaf.ErrorKind.LocalizedString(p)))
	}
	lines = dedupe(lines)
	more := ""
	if len(lines) > maxSchemaProblems {
		more = fmt.Sprintf("\n... and %d more", len(lines)-maxSchemaProblems)
		lines = lines[:maxSchemaProblems]
	}
	return dauys.Errorf(dauys.EINVALID, "cdf: the document does not follow the NIST ERR v2 schema:\n%s%s", strings.Join(lines, "\n"), more)
}

// schemaLeaves returns the innermost errors. Where an object may be one of
// several types (oneOf), only the alternatives whose "@type" matched are
// followed, so that a bad field of a CandidateContest is not buried under
// the reasons it is not a PartyContest either.
func schemaLeaves(e *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(e.Causes) == 0 {
		return []*jsonschema.ValidationError{e}
	}
	causes := e.Causes
	switch e.ErrorKind.(type) {
	case *kind.OneOf, *kind.AnyOf:
		var matched []*jsonschema.ValidationError
		for _, c := range causes {
			if !typeMismatch(c, e.InstanceLocation) {
				matched = append(matched, c)
			}
		}
		if len(matched) > 0 {
			causes = matched
		}
	}
	var out []*jsonschema.ValidationError
	for _, c := range causes {
		out = append(out, schemaLeaves(c)...)
	}
	return out
}

// typeMismatch reports whether an alternative failed because the "@type"
// of the object at loc is not the alternative's.
func typeMismatch(e *jsonschema.ValidationError, loc []string) bool {
	if l := e.InstanceLocation; len(l) == len(loc)+1 && l[len(loc)] == "@type" && slices.Equal(l[:len(loc)], loc) {
		return true
	}
	for _, c := range e.Causes {
		if typeMismatch(c, loc) {
			return true
		}
	}
	return false
}

func pointer(loc []string) string {
	if len(loc) == 0 {
		return "/"
	}
	var b strings.Builder
	for _, p := range loc {
		b.WriteByte('/')
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(p))
	}
	return b.String()
}

func dedupe(ss []string) []string {
	seen := map[string]bool{}
	out := ss[:0]
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
