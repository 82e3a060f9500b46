package main

import (
	"strings"
	"testing"

	"duban/store/storetest"
)

// channelContacts adds two contacts with e-mail and channels to the
// example's units.
const channelContacts = `contacts:
  - key: li-ming
    name: 李明
    unit: 国家试验区管委会办公室
    email: li.ming@example.gov.cn
    channels: [email, telegram]
  - key: wang-fang
    name: 王芳
    unit: 市政府督查室
    role: supervisor
    channels: [wecom, dingtalk, email]
`

// contactColumns returns "email|channels" of the contact with key.
func contactColumns(t *testing.T, url, key string) string {
	t.Helper()
	var row struct {
		Email    string `db:"email"`
		Channels string `db:"channels"`
	}
	db := openStore(t, url)
	if err := db.SQLX().Get(&row, db.SQLX().Rebind(`SELECT email, channels FROM contacts WHERE key = ?`), key); err != nil {
		t.Fatal(err)
	}
	return row.Email + "|" + row.Channels
}

func TestExportImportExportKeepsEmailAndChannels(t *testing.T) {
	for _, from := range storetest.Backends {
		for _, to := range storetest.Backends {
			t.Run(from+" to "+to, func(t *testing.T) {
				a := newTestMain(t, storetest.URL(t, from))
				a.must("import", examplePath)
				a.must("import", writeFile(t, "c.yaml", channelContacts))
				if got := contactColumns(t, a.url, "li-ming"); got != "li.ming@example.gov.cn|email,telegram" {
					t.Fatalf("li-ming stored %q", got)
				}
				a.must("contact", "edit", "zhang-guobin", "--email", "zhang@example.gov.cn", "--channels", "telegram,email")
				first := a.must("export")
				for _, want := range []string{
					"    phone: \"13507985172\"\n    email: zhang@example.gov.cn\n    channels: [telegram, email]\n",
					"    email: li.ming@example.gov.cn\n    channels: [email, telegram]\n",
					"    role: supervisor\n    channels: [wecom, dingtalk, email]\n",
				} {
					if !strings.Contains(first, want) {
						t.Fatalf("export lacks %q:\n%s", want, first)
					}
				}
				// The supervisor of the example has neither: nothing is
				// written for them, not even the default [telegram].
				if n := strings.Count(first, "channels:"); n != 3 {
					t.Fatalf("%d channels lines, want 3:\n%s", n, first)
				}
				b := newTestMain(t, storetest.URL(t, to))
				b.must("import", writeFile(t, "export.yaml", first))
				if second := b.must("export"); second != first {
					t.Fatalf("second export differs:\n--- first\n%s\n--- second\n%s", first, second)
				}
				// Importing the export again writes nothing.
				if out := b.must("import", writeFile(t, "export.yaml", first)); !strings.Contains(out, "0 contact(s) (0 updated)") {
					t.Fatalf("re-import says %q", out)
				}
			})
		}
	}
}

func TestImportEmailAndChannelsAbsentKeepEmptyClears(t *testing.T) {
	eachBackend(t, func(t *testing.T, tm *testMain) {
		tm.must("import", examplePath)
		tm.must("import", writeFile(t, "c.yaml", channelContacts))
		// The example itself names neither field: re-importing it leaves
		// what the contacts have, and writes nothing.
		tm.must("contact", "edit", "zhang-guobin", "--email", "zhang@example.gov.cn", "--channels", "email")
		if out := tm.must("import", examplePath); !strings.Contains(out, "0 contact(s) (0 updated)") || !strings.Contains(out, "6 unchanged") {
			t.Fatalf("re-import says %q", out)
		}
		if got := contactColumns(t, tm.url, "zhang-guobin"); got != "zhang@example.gov.cn|email" {
			t.Fatalf("absent fields changed what was stored: %q", got)
		}
		// A record without them keeps them too, even when other fields change.
		tm.must("import", writeFile(t, "d.yaml", "contacts:\n  - key: li-ming\n    name: 李明明\n    unit: 国家试验区管委会办公室\n"))
		if got := contactColumns(t, tm.url, "li-ming"); got != "li.ming@example.gov.cn|email,telegram" {
			t.Fatalf("li-ming: %q", got)
		}
		// Written empty, they clear: the contact is back to the default.
		out := tm.must("import", writeFile(t, "e.yaml", "contacts:\n  - key: li-ming\n    name: 李明明\n    unit: 国家试验区管委会办公室\n    email: \"\"\n    channels: []\n"))
		if !strings.Contains(out, "(1 updated)") {
			t.Fatalf("clearing import says %q", out)
		}
		if got := contactColumns(t, tm.url, "li-ming"); got != "|" {
			t.Fatalf("li-ming after clearing: %q", got)
		}
	})
}

func TestImportBadEmailOrChannelChangesNothing(t *testing.T) {
	head := `contacts:
  - key: zhang-guobin
    name: 张国斌
    unit: 国家试验区管委会办公室
    email: zhang@example.gov.cn
  - key: li-ming
    name: 李明
`
	tests := []struct{ name, body, want string }{
		{"a bad e-mail names the line and the field", head + "    email: li.ming.example.gov.cn\n",
			`f.yaml:8: contacts[1].email: "li.ming.example.gov.cn" is not an e-mail address`},
		{"an address with a display name is refused", head + "    email: 李明 <li@example.gov.cn>\n",
			`f.yaml:8: contacts[1].email: "李明 <li@example.gov.cn>" is not an e-mail address`},
		{"an unknown channel names the line and the field", head + "    email: li@example.gov.cn\n    channels: [telegram, fax]\n",
			`f.yaml:9: contacts[1].channels: unknown channel "fax": want telegram, email, wecom, dingtalk`},
		{"a channel named twice names the line and the field", head + "    channels:\n      - email\n      - telegram\n      - email\n",
			`f.yaml:8: contacts[1].channels: duplicate channel "email"`},
		{"channels as one string is refused", head + "    channels: telegram,email\n",
			`f.yaml:6: contacts[1]: cannot unmarshal`},
		{"a misspelt key is refused", head + "    e-mail: li@example.gov.cn\n",
			`f.yaml:8: contacts[1].e-mail: unknown key`},
	}
	eachBackend(t, func(t *testing.T, tm *testMain) {
		tm.must("import", examplePath)
		before := tm.must("export")
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, errs, code := tm.run("import", writeFile(t, "f.yaml", tt.body))
				if code != 2 {
					t.Fatalf("exit %d, want 2; stderr %s", code, errs)
				}
				if !strings.Contains(errs, tt.want) {
					t.Fatalf("stderr %q does not contain %q", errs, tt.want)
				}
				if after := tm.must("export"); after != before {
					t.Fatalf("database changed:\n%s", after)
				}
			})
		}
	})
}
