package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"strconv"

	"gopkg.in/yaml.v3"

	"duban/textenc"
)

// Load returns the configuration: Default, then the YAML file at path (if
// path is not empty), then the DUBAN_* variables that getenv returns (if
// getenv is not nil; os.Getenv in production), validated. An empty
// variable counts as unset.
//
// The error lists every problem, one per line, each naming the file and
// line or the variable, and the key: `duban.yaml:12: unknown key
// "telegram.tokn"`. It never contains a secret.
func Load(path string, getenv func(string) string) (*Config, error) {
	c := Default()
	c.where = map[string]string{}
	var errs []error
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read config: %w", err)
		}
		// A config saved by a Chinese editor may be GB18030 or carry a BOM.
		if data, _, err = textenc.Decode(data, path); err != nil {
			return nil, err
		}
		errs = append(errs, c.decodeYAML(path, data)...)
	}
	if getenv != nil {
		errs = append(errs, c.applyEnv(getenv)...)
	}
	// Validate even when the file had problems, so that an unknown key
	// does not hide a bad value of a known one: every problem in one run.
	if err := c.Validate(); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		for i, err := range errs {
			errs[i] = c.scrubErr(err)
		}
		return nil, errors.Join(errs...)
	}
	return &c, nil
}

// yamlLine matches yaml.v3's syntax errors, "yaml: line 3: ...".
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// decodeYAML sets the keys present in data over c. It walks yaml.v3's
// node tree against Config's yaml tags, rather than decoding straight into
// the struct (even with KnownFields(true)), so that each error carries
// the dotted key and its line — yaml.v3 says only "field tokn not found in
// type config.Telegram" — and so that the file and the environment parse
// values the same way.
func (c *Config) decodeYAML(file string, data []byte) []error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil // An empty file, or only comments: the defaults.
		}
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			return []error{fmt.Errorf("%s:%s: %s", file, m[1], m[2])}
		}
		return []error{fmt.Errorf("%s: %w", file, err)}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return []error{fmt.Errorf("%s:%d: want one YAML document, found another", file, extra.Line)}
	}
	d := &decoder{file: file, c: c}
	d.section(doc.Content[0], reflect.ValueOf(c).Elem(), "")
	return d.errs
}

// decoder walks one file's nodes, collecting every problem.
type decoder struct {
	file string
	c    *Config
	errs []error
}

func (d *decoder) fail(line int, format string, args ...any) {
	d.errs = append(d.errs, fmt.Errorf("%s:%d: %s", d.file, line, fmt.Sprintf(format, args...)))
}

// section sets the fields of struct v from mapping n; dotted is v's key,
// "" for the whole file. A missing or empty section keeps the defaults.
func (d *decoder) section(n *yaml.Node, v reflect.Value, dotted string) {
	n = resolve(n)
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		if dotted == "" {
			d.fail(n.Line, "want a mapping of keys, got %s", kind(n))
		} else {
			d.fail(n.Line, "%s: want a mapping of keys, got %s", dotted, kind(n))
		}
		return
	}
	fields := make(map[string]int)
	for i := range v.NumField() {
		if name := yamlName(v.Type().Field(i)); name != "" {
			fields[name] = i
		}
	}
	seen := make(map[string]int)
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], n.Content[i+1]
		name := kn.Value
		path := name
		if dotted != "" {
			path = dotted + "." + name
		}
		if first, dup := seen[name]; dup {
			d.fail(kn.Line, "%s: set twice (first at line %d)", path, first)
			continue
		}
		seen[name] = kn.Line
		fi, ok := fields[name]
		if !ok {
			d.fail(kn.Line, "unknown key %q", path)
			continue
		}
		f := v.Field(fi)
		if f.Kind() == reflect.Struct {
			d.section(vn, f, path)
			continue
		}
		d.c.setWhere(path, d.file+":"+strconv.Itoa(kn.Line))
		d.leaf(vn, f, path, v.Type().Field(fi).Tag.Get("secret") != "")
	}
}

// leaf sets a scalar or list field from n. A null value sets the zero
// value: "calendar:" with nothing after it means no calendar.
func (d *decoder) leaf(n *yaml.Node, f reflect.Value, path string, secret bool) {
	n = resolve(n)
	t := f.Type()
	if isNull(n) {
		if t.Kind() == reflect.Slice {
			f.Set(reflect.MakeSlice(t, 0, 0))
		} else {
			f.Set(reflect.Zero(t))
		}
		return
	}
	if t.Kind() != reflect.Slice {
		if n.Kind != yaml.ScalarNode {
			d.fail(n.Line, "%s: want %s, got %s", path, want(t), kind(n))
			return
		}
		v, ok := parseScalar(t, n.Value)
		if !ok {
			if secret {
				d.fail(n.Line, "%s: want %s", path, want(t))
			} else {
				d.fail(n.Line, "%s: want %s, got %q", path, want(t), n.Value)
			}
			return
		}
		f.Set(v)
		return
	}
	if n.Kind != yaml.SequenceNode {
		d.fail(n.Line, "%s: want %s, got %s", path, want(t), kind(n))
		return
	}
	if t.Elem().Kind() == reflect.Struct {
		// A list of sections (units): each item a mapping of its keys,
		// named in errors as units[2].wecom_webhook.
		s := reflect.MakeSlice(t, len(n.Content), len(n.Content))
		for i, item := range n.Content {
			d.section(item, s.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
		f.Set(s)
		return
	}
	s := reflect.MakeSlice(t, 0, len(n.Content))
	bad := false
	for i, item := range n.Content {
		item = resolve(item)
		var v reflect.Value
		ok := item.Kind == yaml.ScalarNode && !isNull(item)
		if ok {
			v, ok = parseScalar(t.Elem(), item.Value)
		}
		if !ok {
			bad = true
			if item.Kind == yaml.ScalarNode {
				d.fail(item.Line, "%s[%d]: want %s, got %q", path, i, want(t.Elem()), item.Value)
			} else {
				d.fail(item.Line, "%s[%d]: want %s, got %s", path, i, want(t.Elem()), kind(item))
			}
			continue
		}
		s = reflect.Append(s, v)
	}
	if !bad {
		f.Set(s)
	}
}

// resolve follows an alias (*anchor) to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// kind describes a node without quoting it: a value where a section was
// expected may be a misplaced secret.
func kind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return "a single value"
	}
	return "something else"
}

// scrubErr returns err with c's secrets replaced by "***", or err itself
// when it holds none, so that errors.Is still works on it.
func (c *Config) scrubErr(err error) error {
	if s := c.scrub(err.Error()); s != err.Error() {
		return errors.New(s)
	}
	return err
}
