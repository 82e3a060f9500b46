// Package textenc reads the text files a clerk hands duban — YAML, CSV,
// reply letters, the config file — in the encodings Chinese offices save
// them in: UTF-8, UTF-8 with a byte order mark, and GB18030/GBK (what
// Chinese Excel and WPS write). Anything else is refused with one line
// naming the file, so that nothing is ever stored as mojibake (SPEC §15).
//
// It also holds the one check every text field goes through before it is
// stored, whatever the front end or the database (SPEC §12): valid UTF-8,
// no NUL, and a length limit in characters.
package textenc

import (
	"bytes"
	"fmt"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Encoding names what a file was read as.
type Encoding string

// Encodings Decode recognises.
const (
	UTF8    Encoding = "UTF-8"
	UTF8BOM Encoding = "UTF-8 with BOM"
	GB18030 Encoding = "GB18030"
)

// Error is a file that is not text in an accepted encoding.
type Error struct {
	File string
	Line int // of the first byte that is not UTF-8; 0 when unknown
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

var bom = []byte{0xEF, 0xBB, 0xBF}

// Decode returns data as UTF-8 without a BOM, and the encoding it was read
// as. The rules, in order:
//
//  1. A UTF-8 BOM is dropped and the rest must be valid UTF-8.
//  2. Valid UTF-8 is taken as it is (ASCII is valid UTF-8).
//  3. Otherwise the bytes must decode as GB18030 with no invalid
//     sequence, encode back to the same bytes, and read like Chinese:
//     most two-byte characters in the GB2312 area (common hanzi and
//     Chinese punctuation, where real Chinese text lives), none in the
//     private use area. Latin-1 and Shift-JIS text decode as GB18030
//     often enough but fail this test, because their high bytes are
//     followed by ASCII letters or fall outside the GB2312 rows.
//
// Anything else — Latin-1, Shift-JIS, UTF-16, binary, a UTF-8 file with a
// stray invalid byte — is an *Error naming file (and, for a file that is
// almost UTF-8, the line of the first bad byte).
func Decode(data []byte, file string) ([]byte, Encoding, error) {
	if bytes.HasPrefix(data, bom) {
		rest := data[len(bom):]
		if !utf8.Valid(rest) {
			return nil, "", invalidUTF8(rest, file, 1)
		}
		return rest, UTF8BOM, nil
	}
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return nil, "", &Error{File: file, Msg: "文件是 UTF-16 编码，请另存为 UTF-8 (UTF-16 text: save it as UTF-8 or GB18030)"}
	}
	if utf8.Valid(data) {
		return data, UTF8, nil
	}
	if out, ok := decodeGB18030(data); ok {
		return out, GB18030, nil
	}
	return nil, "", refuse(data, file)
}

// DecodeString is Decode for callers that want a string.
func DecodeString(data []byte, file string) (string, error) {
	out, _, err := Decode(data, file)
	return string(out), err
}

func decodeGB18030(data []byte) ([]byte, bool) {
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
		return nil, false
	}
	back, err := simplifiedchinese.GB18030.NewEncoder().Bytes(out)
	if err != nil || !bytes.Equal(back, data) {
		return nil, false
	}
	if !readsLikeChinese(data, out) {
		return nil, false
	}
	return out, true
}

// readsLikeChinese reports whether the multi-byte characters of a GB18030
// file are mostly in the GB2312 area (lead and trail bytes 0xA1–0xFE),
// and whether the decoded text holds no private-use or control runes.
func readsLikeChinese(raw, decoded []byte) bool {
	multi, gb2312 := 0, 0
	for i := 0; i < len(raw); {
		c := raw[i]
		if c < 0x80 {
			i++
			continue
		}
		if i+1 < len(raw) && raw[i+1] >= 0x30 && raw[i+1] <= 0x39 {
			multi++ // a four-byte GB18030 sequence: rare characters
			i += 4
			continue
		}
		multi++
		if c >= 0xA1 && c <= 0xF7 && i+1 < len(raw) && raw[i+1] >= 0xA1 && raw[i+1] <= 0xFE {
			gb2312++
		}
		i += 2
	}
	if multi == 0 || gb2312*10 < multi*8 {
		return false
	}
	for _, r := range string(decoded) {
		if unicode.Is(unicode.Co, r) || (unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t') {
			return false
		}
	}
	return true
}

// refuse explains a file that is neither UTF-8 nor Chinese GB18030. A file
// that is mostly UTF-8 (it has valid multi-byte sequences, or only a few
// bad bytes, three at most) gets the line of its first bad byte: that is a damaged
// UTF-8 file, not a file in another encoding.
func refuse(data []byte, file string) error {
	valid, invalid := 0, 0
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n == 1 {
			invalid++
		} else if n > 1 {
			valid++
		}
		i += n
	}
	if valid >= invalid || invalid <= 3 {
		return invalidUTF8(data, file, 1)
	}
	return &Error{File: file, Msg: "编码无法识别，请另存为 UTF-8 或 GB18030/GBK (not UTF-8 or GB18030/GBK text: Latin-1, Shift-JIS and other encodings are refused)"}
}

func invalidUTF8(data []byte, file string, firstLine int) error {
	line := firstLine
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n == 1 {
			return &Error{File: file, Line: line, Msg: fmt.Sprintf("不是有效的 UTF-8 文本 (invalid UTF-8: byte 0x%02x)", data[i])}
		}
		if r == '\n' {
			line++
		}
		i += n
	}
	return &Error{File: file, Msg: "不是有效的 UTF-8 文本 (invalid UTF-8)"}
}
