package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestLoadReportsEverything(t *testing.T) {
	t.Run("an unknown key does not hide a bad send_at", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "duban.yaml")
		os.WriteFile(path, []byte("telegram:\n  tokn: x\nreminders:\n  send_at: 9am\n"), 0o600)
		_, err := Load(path, nil)
		if err == nil || !strings.Contains(err.Error(), "tokn") || !strings.Contains(err.Error(), "reminders.send_at") {
			t.Errorf("err = %v, want both the unknown key and send_at", err)
		}
	})
	t.Run("a GB18030 config with a BOM-less Chinese scheme is read", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "duban.yaml")
		data, _ := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte("# 景德镇督查室配置\nclassification_scheme: [甲类, 乙类, 丙类]\n"))
		os.WriteFile(path, data, 0o600)
		c, err := Load(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(c.ClassificationScheme, ",") != "甲类,乙类,丙类" {
			t.Errorf("scheme = %q", c.ClassificationScheme)
		}
	})
	t.Run("a Latin-1 config is refused naming the file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "duban.yaml")
		os.WriteFile(path, []byte("# r\xe9glages caf\xe9 d\xe9j\xe0 \xe9t\xe9 \xe0 la r\xe9union\nlanguage: zh\n"), 0o600)
		if _, err := Load(path, nil); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("err = %v", err)
		}
	})
}
