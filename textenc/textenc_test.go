package textenc_test

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/simplifiedchinese"

	"duban/textenc"
)

const letter = "关于市十六届人大四次会议第111号建议的答复\n景国试管办议字〔2024〕3号\n力争2024年6月底前完成凤岗村垃圾填埋场绿化修复，确保“清运”到位。𠀀\n"

func TestDecode(t *testing.T) {
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String(strings.ReplaceAll(letter, "𠀀", ""))
	gb18030, _ := simplifiedchinese.GB18030.NewEncoder().String(letter)
	for _, tc := range []struct {
		name string
		in   []byte
		want string
		enc  textenc.Encoding
	}{
		{"UTF-8 is read as it is", []byte(letter), letter, textenc.UTF8},
		{"a UTF-8 BOM is dropped", append([]byte("\xEF\xBB\xBF"), letter...), letter, textenc.UTF8BOM},
		{"GBK is decoded", []byte(gbk), strings.ReplaceAll(letter, "𠀀", ""), textenc.GB18030},
		{"GB18030 with a four-byte character is decoded", []byte(gb18030), letter, textenc.GB18030},
		{"ASCII is UTF-8", []byte("key,title\n"), "key,title\n", textenc.UTF8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, enc, err := textenc.Decode(tc.in, "f.txt")
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tc.want || enc != tc.enc {
				t.Errorf("got %q as %s, want %q as %s", out, enc, tc.want, tc.enc)
			}
		})
	}
}

func TestDecodeRefuses(t *testing.T) {
	latin1, _ := charmap.ISO8859_1.NewEncoder().String("Résumé de la réunion: café, Größe, déjà vu, àéèêëîïôùûüÿç\n")
	sjis, _ := japanese.ShiftJIS.NewEncoder().String("景徳鎮市の廃棄物処理について、ご提案ありがとうございます。年内に完了する予定です。\n")
	for _, tc := range []struct {
		name, in, want string
	}{
		{"Latin-1 is refused", latin1, "f.txt: 编码无法识别"},
		{"Shift-JIS is refused", sjis, "f.txt: 编码无法识别"},
		{"UTF-16 is refused", "\xff\xfek\x00e\x00y\x00", "f.txt: 文件是 UTF-16"},
		{"a UTF-8 file with a stray byte names its line", "key,title\nc1,清运\nc2,bad \xff\xfe title\n", "f.txt:3: 不是有效的 UTF-8"},
		{"a BOM file with a stray byte names its line", "\xEF\xBB\xBFkey\n\xff\n", "f.txt:2: 不是有效的 UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := textenc.Decode([]byte(tc.in), "f.txt")
			var te *textenc.Error
			if !errors.As(err, &te) {
				t.Fatalf("err = %v, want *textenc.Error", err)
			}
			if !strings.HasPrefix(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("err = %q, want one line starting %q", err, tc.want)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{"清运", 2, ""},
		{"清运到位", 2, "4 characters, at most 2"},
		{"a\x00b", 10, "contains a NUL character"},
		{"a\xff\xfeb", 10, "invalid UTF-8"},
	} {
		err := textenc.Check(tc.in, tc.max)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("Check(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}
