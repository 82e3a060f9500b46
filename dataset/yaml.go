package dataset

import (
	"bytes"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

func locf(file string, line int) string { return fmt.Sprintf("%s:%d", file, line) }

// ParseYAML reads a YAML import file (UTF-8). Unknown keys are errors (a
// typo must not silently drop a field); every record keeps its line. Any
// problem makes the result nil; Read returns the good records as well.
func ParseYAML(r io.Reader, file string) (*Dataset, error) {
	ds, errs := parseYAML(r, file)
	if len(errs) > 0 {
		return nil, errs
	}
	return ds, nil
}

// parseYAML returns the records it could read and every problem.
func parseYAML(r io.Reader, file string) (*Dataset, Errors) {
	var root yaml.Node
	dec := yaml.NewDecoder(r)
	if err := dec.Decode(&root); err != nil {
		if err == io.EOF {
			return &Dataset{}, nil
		}
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
			line, _ := strconv.Atoi(m[1])
			return nil, Errors{{File: file, Line: line, Msg: "not valid YAML: " + m[2]}}
		}
		return nil, Errors{{File: file, Msg: "not valid YAML: " + msg}}
	}
	if len(root.Content) == 0 {
		return &Dataset{}, nil
	}
	// Aliases let a small file expand into a huge one (a 300 KB anchor
	// used a thousand times); an import file has no use for them.
	if errs := refuseAliases(&root, file); len(errs) > 0 {
		return nil, errs
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return nil, Errors{{File: file, Line: doc.Line, Msg: "want a mapping with units, contacts, sources, commitments"}}
	}
	ds := &Dataset{}
	var errs Errors
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k, v := doc.Content[i], doc.Content[i+1]
		switch k.Value {
		case "units":
			errs = append(errs, decodeList(v, file, "units", &ds.Units)...)
		case "contacts":
			errs = append(errs, decodeList(v, file, "contacts", &ds.Contacts)...)
		case "sources":
			errs = append(errs, decodeList(v, file, "sources", &ds.Sources)...)
		case "commitments":
			errs = append(errs, decodeList(v, file, "commitments", &ds.Commitments)...)
		case "undated", "letter":
			// Written by `duban extract` for review; not imported.
		default:
			errs = append(errs, &FieldError{File: file, Line: k.Line, Field: k.Value, Msg: "unknown section: want units, contacts, sources or commitments"})
		}
	}
	ds.Normalize()
	return ds, errs
}

var yamlLineRE = regexp.MustCompile(`^line (\d+): (.*)$`)

// refuseAliases reports every anchor and alias in the tree.
func refuseAliases(n *yaml.Node, file string) Errors {
	var errs Errors
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.AliasNode || n.Anchor != "" {
			errs = append(errs, &FieldError{File: file, Line: n.Line, Msg: "YAML anchors and aliases (&, *) are not accepted in an import file: write the value out"})
			return
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	return errs
}

// decodeList decodes a sequence of mappings into *[]T, checking keys against
// T's yaml tags and setting each element's Line.
func decodeList[T any](n *yaml.Node, file, section string, out *[]T) Errors {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		return Errors{{File: file, Line: n.Line, Field: section, Msg: "want a list"}}
	}
	var errs Errors
	var zero T
	known := yamlKeys(reflect.TypeOf(zero))
	for i, item := range n.Content {
		field := fmt.Sprintf("%s[%d]", section, i)
		if item.Kind != yaml.MappingNode {
			errs = append(errs, &FieldError{File: file, Line: item.Line, Field: field, Msg: "want a mapping"})
			continue
		}
		bad := false
		for j := 0; j+1 < len(item.Content); j += 2 {
			k := item.Content[j]
			if _, ok := known[k.Value]; !ok {
				errs = append(errs, &FieldError{File: file, Line: k.Line, Field: field + "." + k.Value, Msg: "unknown key"})
				bad = true
			}
		}
		if bad {
			continue
		}
		var v T
		if err := item.Decode(&v); err != nil {
			errs = append(errs, &FieldError{File: file, Line: item.Line, Field: field, Msg: cleanYAMLErr(err)})
			continue
		}
		rv := reflect.ValueOf(&v).Elem()
		rv.FieldByName("Line").SetInt(int64(item.Line))
		if f := rv.FieldByName("Fields"); f.IsValid() {
			lines := Lines{}
			for j := 0; j+1 < len(item.Content); j += 2 {
				lines[item.Content[j].Value] = item.Content[j].Line
			}
			f.Set(reflect.ValueOf(lines))
		}
		*out = append(*out, v)
	}
	return errs
}

func cleanYAMLErr(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, "yaml: unmarshal errors:\n  ")
	if i := strings.Index(s, ": "); i >= 0 && strings.HasPrefix(s, "line ") {
		s = s[i+2:]
	}
	return s
}

func yamlKeys(t reflect.Type) map[string]struct{} {
	keys := map[string]struct{}{}
	for i := 0; i < t.NumField(); i++ {
		tag := t.Field(i).Tag.Get("yaml")
		name, _, _ := strings.Cut(tag, ",")
		if name != "" && name != "-" {
			keys[name] = struct{}{}
		}
	}
	return keys
}

// WriteYAML writes ds in the import format.
func WriteYAML(w io.Writer, ds *Dataset) error {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(ds); err != nil {
		return fmt.Errorf("write yaml: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("write yaml: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}
