package config

import (
	"reflect"
	"testing"
)

func TestKeyTypes(t *testing.T) {
	for _, k := range keys() {
		t.Run(k.path+" has a type the file and the environment can set", func(t *testing.T) {
			typ := k.typ
			if typ.Kind() == reflect.Slice {
				typ = typ.Elem()
			}
			if typ.Kind() == reflect.Struct {
				return // a list of sections (units): the file only
			}
			if _, ok := parseScalar(typ, "1"); !ok {
				t.Errorf("%s: parseScalar does not handle %v", k.path, k.typ)
			}
		})
	}
}
