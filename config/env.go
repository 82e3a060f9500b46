package config

import (
	"fmt"
	"os"
	"reflect"
	"strings"
)

// applyEnv sets every key whose DUBAN_ variable is set and not empty, and
// every secret whose DUBAN_..._FILE variable names a file (the way
// miniflux reads DATABASE_URL_FILE, for Docker and Kubernetes secrets). It
// returns one error per bad variable, naming it.
func (c *Config) applyEnv(getenv func(string) string) []error {
	var errs []error
	for _, k := range keys() {
		raw, from := getenv(k.env), k.env
		if k.secret != "" {
			if file := getenv(k.env + "_FILE"); file != "" {
				if raw != "" {
					errs = append(errs, fmt.Errorf("%s and %s_FILE are both set: set only one", k.env, k.env))
					continue
				}
				b, err := os.ReadFile(file)
				if err != nil {
					errs = append(errs, fmt.Errorf("%s_FILE: %w", k.env, err))
					continue
				}
				// Editors and `echo` end files with a newline; a secret
				// never does.
				raw, from = strings.TrimRight(string(b), "\r\n"), k.env+"_FILE"
				if raw == "" {
					errs = append(errs, fmt.Errorf("%s_FILE: %s is empty", k.env, file))
					continue
				}
			}
		}
		if raw == "" {
			continue
		}
		v, ok := parseEnv(k.typ, raw)
		if !ok {
			if k.secret != "" {
				errs = append(errs, fmt.Errorf("%s: want %s", from, want(k.typ)))
			} else {
				errs = append(errs, fmt.Errorf("%s: want %s, got %q", from, want(k.typ), raw))
			}
			continue
		}
		k.value(c).Set(v)
		c.setWhere(k.path, from)
	}
	return errs
}

// parseEnv parses an environment value of type t. A list is written with
// commas, "30,7,3,1"; spaces around the items are ignored.
func parseEnv(t reflect.Type, raw string) (reflect.Value, bool) {
	if t.Kind() != reflect.Slice {
		return parseScalar(t, raw)
	}
	items := strings.Split(raw, ",")
	s := reflect.MakeSlice(t, 0, len(items))
	for _, item := range items {
		item = strings.TrimSpace(item)
		if item == "" {
			return s, false
		}
		v, ok := parseScalar(t.Elem(), item)
		if !ok {
			return s, false
		}
		s = reflect.Append(s, v)
	}
	return s, true
}

// setWhere records where the value of a dotted key came from.
func (c *Config) setWhere(dotted, from string) {
	if c.where == nil {
		c.where = map[string]string{}
	}
	c.where[dotted] = from
}
