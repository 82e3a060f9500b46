package store

import (
	"reflect"
	"testing"
)

// TestOwnerNames puts a commitment's owners in order of position, then
// contact id, whatever order SQLite's group_concat gave them in.
func TestOwnerNames(t *testing.T) {
	names := map[string]string{"3": "张国斌", "7": "李四", "12": "王五"}
	for _, tc := range []struct {
		name, pairs string
		want        []string
	}{
		{"no owners give nil", "", nil},
		{"one owner", "0/3", []string{"张国斌"}},
		{"positions win over ids", "1/3,0/12", []string{"王五", "张国斌"}},
		{"equal positions fall back to ids, numerically", "0/12,0/7", []string{"李四", "王五"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ownerNames(tc.pairs, names); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ownerNames(%q) = %v, want %v", tc.pairs, got, tc.want)
			}
		})
	}
}
