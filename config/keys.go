package config

import (
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// key is one leaf of Config: a value that the file and the environment can
// set. The list is derived from the yaml tags, so a new field needs no
// code here, in the loader or in the environment.
type key struct {
	path   string // dotted, as in the file: "telegram.webhook.secret"
	env    string // DUBAN_TELEGRAM_WEBHOOK_SECRET
	index  []int  // for reflect.Value.FieldByIndex
	typ    reflect.Type
	secret string // the `secret` tag: "", "true" or "url"
}

// value returns k's field in c, settable.
func (k key) value(c *Config) reflect.Value {
	return reflect.ValueOf(c).Elem().FieldByIndex(k.index)
}

var keys = sync.OnceValue(func() []key {
	return appendKeys(nil, reflect.TypeFor[Config](), nil, nil)
})

func appendKeys(out []key, t reflect.Type, path []string, index []int) []key {
	for i := range t.NumField() {
		f := t.Field(i)
		name := yamlName(f)
		if name == "" {
			continue
		}
		p := append(append([]string(nil), path...), name)
		idx := append(append([]int(nil), index...), i)
		if f.Type.Kind() == reflect.Struct {
			out = appendKeys(out, f.Type, p, idx)
			continue
		}
		dotted := strings.Join(p, ".")
		out = append(out, key{
			path:   dotted,
			env:    EnvName(dotted),
			index:  idx,
			typ:    f.Type,
			secret: f.Tag.Get("secret"),
		})
	}
	return out
}

// yamlName returns the key of a struct field in the file, or "" if the
// field is not part of the file (unexported, or tagged yaml:"-").
func yamlName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	if name == "-" {
		return ""
	}
	if name == "" {
		name = strings.ToLower(f.Name)
	}
	return name
}

// EnvName returns the environment variable that sets a dotted key:
// "telegram.webhook.secret" gives "DUBAN_TELEGRAM_WEBHOOK_SECRET". Secrets
// can also be read from the file named by the same variable with a _FILE
// suffix.
func EnvName(dotted string) string {
	return "DUBAN_" + strings.ToUpper(strings.ReplaceAll(dotted, ".", "_"))
}

// want describes what a value of type t looks like, for error messages.
func want(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int64:
		return "an integer"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "a list of " + strings.TrimPrefix(strings.TrimPrefix(want(t.Elem()), "a "), "an ") + "s"
	}
	return t.String()
}

// parseScalar parses s as a value of the scalar type t. The file and the
// environment both go through it, so "7" means the same in either.
func parseScalar(t reflect.Type, s string) (reflect.Value, bool) {
	v := reflect.New(t).Elem()
	switch t.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Int, reflect.Int64:
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, t.Bits())
		if err != nil {
			return v, false
		}
		v.SetInt(n)
	case reflect.Bool:
		// yes/no and on/off are YAML 1.1 booleans, still common in
		// hand-written files.
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "true", "yes", "on", "1":
			v.SetBool(true)
		case "false", "no", "off", "0":
			v.SetBool(false)
		default:
			return v, false
		}
	default:
		return v, false
	}
	return v, true
}
