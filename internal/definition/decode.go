package definition

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/dauys/dauys"
	"go.yaml.in/yaml/v3"
)

// decoder fills Go values from a YAML node tree. The keys are the json field
// names of the domain types, so the YAML format follows the JSON API without
// a second set of tags. It is strict: an unknown or repeated key, or a value
// of the wrong shape, is a problem with its line, and decoding goes on so
// that one pass names every problem.
type decoder struct {
	probs fileProblems
	// lines records the line of every key and sequence item by its path,
	// such as "contests[3].areas[2]", for the checks that follow decoding.
	lines map[string]int
	// aliasNodes counts the nodes decoded through aliases. A few aliases can
	// stand for an exponential number of nodes, so the count is capped.
	aliasNodes int
	inAlias    bool
	// active holds the mappings and lists being decoded: an alias back to
	// one of them ("&x {<<: *x}") would otherwise recurse without end.
	active  map[*yaml.Node]bool
	schemas map[reflect.Type]*schema
}

// maxAliasNodes caps the work that aliases can cause; real definitions use
// aliases for a handful of shared rules and forms.
const maxAliasNodes = 1 << 20

var (
	timeType      = reflect.TypeFor[time.Time]()
	candidateType = reflect.TypeFor[dauys.Candidate]()
)

// field is one decodable struct field: its json name and index path.
type field struct {
	name  string
	index []int
}

// schema is what YAML may set in a struct type.
type schema struct {
	fields []field // in declaration order, for messages
	byName map[string]field
}

// schemaOf returns the fields of a struct type that YAML may set: every
// field with a json name except "-" and timestamps (which the store sets).
// Embedded structs are flattened, as encoding/json does.
func (d *decoder) schemaOf(t reflect.Type) *schema {
	if s, ok := d.schemas[t]; ok {
		return s
	}
	s := &schema{byName: map[string]field{}}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			for _, sub := range d.schemaOf(f.Type).fields {
				s.add(field{sub.name, append([]int{i}, sub.index...)})
			}
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || f.Type == timeType {
			continue
		}
		if name == "" {
			name = f.Name
		}
		s.add(field{name, []int{i}})
	}
	if d.schemas == nil {
		d.schemas = map[reflect.Type]*schema{}
	}
	d.schemas[t] = s
	return s
}

func (s *schema) add(f field) {
	s.fields = append(s.fields, f)
	s.byName[f.name] = f
}

func (s *schema) known() string {
	var names []string
	for _, f := range s.fields {
		names = append(names, f.name)
	}
	return strings.Join(names, ", ")
}

func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	n, viaAlias := resolve(n)
	if n == nil {
		return
	}
	if viaAlias && !d.inAlias {
		d.inAlias = true
		defer func() { d.inAlias = false }()
	}
	if d.inAlias {
		d.aliasNodes++
		if d.aliasNodes == maxAliasNodes {
			d.probs.add(n.Line, "aliases expand to too many nodes")
		}
		if d.aliasNodes >= maxAliasNodes {
			return
		}
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // an empty value leaves the zero value
	}
	if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
		if d.active[n] {
			d.probs.add(n.Line, "%s: an alias refers to a value that contains it", describePath(path))
			return
		}
		if d.active == nil {
			d.active = map[*yaml.Node]bool{}
		}
		d.active[n] = true
		defer delete(d.active, n)
	}
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == candidateType && n.Kind == yaml.ScalarNode {
			// A candidate given by name alone: the same name in every language.
			v.Set(reflect.ValueOf(dauys.Candidate{Name: dauys.T(n.Value)}))
			return
		}
		d.decodeStruct(n, v, path)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.probs.add(n.Line, "%s: expected a list, found %s", describePath(path), nodeKind(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			d.lines[p] = item.Line
			d.decode(item, s.Index(i), p)
		}
		v.Set(s)
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			d.probs.add(n.Line, "%s: expected a string, found %s", describePath(path), nodeKind(n))
			return
		}
		v.SetString(n.Value)
	case reflect.Int, reflect.Int64:
		if n.Kind != yaml.ScalarNode {
			d.probs.add(n.Line, "%s: expected an integer, found %s", describePath(path), nodeKind(n))
			return
		}
		i, err := strconv.ParseInt(n.Value, 10, 64)
		if err != nil || n.Tag != "!!int" || v.OverflowInt(i) {
			d.probs.add(n.Line, "%s: expected an integer, found %q", describePath(path), n.Value)
			return
		}
		v.SetInt(i)
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			d.probs.add(n.Line, "%s: expected true or false, found %s", describePath(path), nodeKind(n))
			return
		}
		var b bool
		if err := n.Decode(&b); err != nil {
			d.probs.add(n.Line, "%s: expected true or false, found %q", describePath(path), n.Value)
			return
		}
		v.SetBool(b)
	default:
		// Unreachable for the domain types; a guard for fields added later.
		d.probs.add(n.Line, "%s: values of type %s are not supported", describePath(path), v.Type())
	}
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.probs.add(n.Line, "%s: expected a mapping, found %s", describePath(path), nodeKind(n))
		return
	}
	sc := d.schemaOf(v.Type())
	// Merge keys ("<<: *common") set fields first; explicit keys override.
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			d.merge(n.Content[i+1], v, path)
		}
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			continue
		}
		if k.Kind != yaml.ScalarNode {
			d.probs.add(k.Line, "%s: a key must be a plain name, found %s", describePath(path), nodeKind(k))
			continue
		}
		if first, dup := seen[k.Value]; dup {
			d.probs.add(k.Line, "%s: key %q repeats the one on line %d", describePath(path), k.Value, first)
			continue
		}
		seen[k.Value] = k.Line
		f, ok := sc.byName[k.Value]
		if !ok {
			d.probs.add(k.Line, "%s: unknown key %q (known: %s)", describePath(path), k.Value, sc.known())
			continue
		}
		p := join(path, k.Value)
		d.lines[p] = k.Line
		d.decode(val, v.FieldByIndex(f.index), p)
	}
}

// merge applies a merge key's value: a mapping or a list of mappings.
func (d *decoder) merge(n *yaml.Node, v reflect.Value, path string) {
	if r, _ := resolve(n); r != nil && r.Kind == yaml.SequenceNode {
		for _, item := range r.Content {
			d.decode(item, v, path)
		}
		return
	}
	d.decode(n, v, path)
}

// resolve follows aliases and documents to the node that holds the value
// and reports whether it passed through an alias.
func resolve(n *yaml.Node) (_ *yaml.Node, viaAlias bool) {
	for n != nil {
		switch n.Kind {
		case yaml.DocumentNode:
			if len(n.Content) == 0 {
				return nil, viaAlias
			}
			n = n.Content[0]
		case yaml.AliasNode:
			viaAlias = true
			n = n.Alias
		default:
			return n, viaAlias
		}
	}
	return nil, viaAlias
}

func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "something else"
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// describePath turns "contests[2].rules" into a phrase for messages.
func describePath(path string) string {
	if path == "" {
		return "definition"
	}
	return path
}
