package main

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// tgbotapiPath is the Telegram client library's import path.
const tgbotapiPath = "github.com/go-telegram-bot-api/telegram-bot-api/v5"

// goList runs go list with args in the module and returns its output
// lines. Without a go command it skips, except under CI.
func goList(t *testing.T, args ...string) []string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("go command not found: %v", err)
		}
		t.Skipf("go command not found: %v", err)
	}
	out, err := exec.Command("go", append([]string{"list"}, args...)...).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("go list %s: %v\n%s", strings.Join(args, " "), err, ee.Stderr)
		}
		t.Fatalf("go list %s: %v", strings.Join(args, " "), err)
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}

// TestLayers keeps the dependencies pointing inwards (issue 9): only the
// Telegram transport (and its fake Bot API for tests) imports tgbotapiPath,
// the domain imports nothing of the project, and the store speaks neither
// the notifiers nor the bot. Test files are not counted.
func TestLayers(t *testing.T) {
	t.Run("only the Telegram transport imports tgbotapi", func(t *testing.T) {
		transport := []string{"duban/telegram", "duban/telegram/telegramtest"}
		var importers []string
		for _, line := range goList(t, "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "duban/...") {
			f := strings.Fields(line)
			if len(f) > 0 && slices.Contains(f[1:], tgbotapiPath) {
				importers = append(importers, f[0])
				if !slices.Contains(transport, f[0]) {
					t.Errorf("%s imports %s; only %v may", f[0], tgbotapiPath, transport)
				}
			}
		}
		if !slices.Contains(importers, "duban/telegram") {
			t.Errorf("duban/telegram does not import %s: is the transport elsewhere? importers: %v", tgbotapiPath, importers)
		}
	})
	for _, tc := range []struct {
		name, pkg string
		forbidden []string // import path prefixes, direct or indirect
	}{
		{"the domain imports nothing of the project", "duban/domain", []string{"duban/"}},
		{"the store imports neither the notifiers nor the bot", "duban/store",
			[]string{"duban/notify", "duban/bot", "duban/telegram", tgbotapiPath}},
		{"the bot speaks no Telegram client", "duban/bot", []string{"duban/telegram", tgbotapiPath}},
		{"the notifiers' contract speaks no Telegram client", "duban/notify", []string{"duban/telegram", tgbotapiPath}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, d := range goList(t, "-deps", tc.pkg) {
				if d == tc.pkg {
					continue
				}
				for _, f := range tc.forbidden {
					if d == f || strings.HasPrefix(d, f+"/") || (strings.HasSuffix(f, "/") && strings.HasPrefix(d, f)) {
						t.Errorf("%s imports %s", tc.pkg, d)
					}
				}
			}
		})
	}
}
