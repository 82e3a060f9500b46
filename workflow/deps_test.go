package workflow_test

import (
	"os/exec"
	"strings"
	"testing"
)

// deps lists the packages pkg imports, directly or not.
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", pkg).Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	return strings.Fields(string(out))
}

// TestLayers keeps the dependencies pointing inwards: the domain imports
// nothing of the project, the store speaks neither Telegram nor the bot,
// and the workflow speaks no transport.
func TestLayers(t *testing.T) {
	for _, tc := range []struct {
		pkg       string
		forbidden []string
	}{
		{"duban/domain", []string{"duban/"}},
		{"duban/store", []string{"duban/notify", "duban/bot", "github.com/go-telegram-bot-api"}},
		{"duban/workflow", []string{"duban/notify", "duban/bot", "github.com/go-telegram-bot-api"}},
	} {
		for _, d := range deps(t, tc.pkg) {
			if d == tc.pkg {
				continue
			}
			for _, f := range tc.forbidden {
				if strings.HasPrefix(d, f) {
					t.Errorf("%s imports %s", tc.pkg, d)
				}
			}
		}
	}
}
