package report

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
)

// FontEnv names the environment variable that points the chart at a font
// file (TTF, OTF or a TTC collection) for the characters the embedded font
// lacks: rare hanzi in a unit's name.
const FontEnv = "DUBAN_REPORT_FONT"

// FontPaths are where CJK fonts are looked for, when FontEnv is unset and
// the embedded font lacks a character:
// Debian/Ubuntu's fonts-wqy-microhei, fonts-wqy-zenhei and fonts-noto-cjk,
// Fedora's and Arch's Noto CJK, Alpine's, macOS and Windows.
var FontPaths = []string{
	"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
	"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
	"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
	"/System/Library/Fonts/PingFang.ttc",
	"/System/Library/Fonts/STHeiti Light.ttc",
	`C:\Windows\Fonts\msyh.ttc`,
}

var fonts struct {
	sync.Mutex
	byPath map[string]*sfnt.Font
}

// FindFont returns the CJK font the chart uses and its path: the file
// named by DUBAN_REPORT_FONT, else the first of FontPaths that exists. It
// returns a nil font and an empty path when there is none, and an error
// when the file found cannot be used.
func FindFont(getenv func(string) string) (*sfnt.Font, string, error) {
	if p := getenv(FontEnv); p != "" {
		f, err := loadFont(p)
		if err != nil {
			return nil, p, fmt.Errorf("%s: %w", FontEnv, err)
		}
		return f, p, nil
	}
	for _, p := range FontPaths {
		if _, err := os.Stat(p); err != nil {
			continue
		}
		f, err := loadFont(p)
		return f, p, err
	}
	return nil, "", nil
}

// loadFont parses a font file once. In a collection (TTC) it prefers the
// Simplified Chinese face (Noto's "… SC"), else the first.
func loadFont(path string) (*sfnt.Font, error) {
	fonts.Lock()
	defer fonts.Unlock()
	if f, ok := fonts.byPath[path]; ok {
		return f, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read font: %w", err)
	}
	f, err := parseFont(data)
	if err != nil {
		return nil, fmt.Errorf("parse font %s: %w", path, err)
	}
	if fonts.byPath == nil {
		fonts.byPath = map[string]*sfnt.Font{}
	}
	fonts.byPath[path] = f
	return f, nil
}

func parseFont(data []byte) (*sfnt.Font, error) {
	if string(data[:min(4, len(data))]) != "ttcf" {
		f, err := opentype.Parse(data)
		if err != nil {
			// Some fonts do not align their tables on four bytes, which
			// x/image refuses: copy them into an aligned file.
			if fixed, ferr := alignTables(data, 0); ferr == nil {
				return opentype.Parse(fixed)
			}
		}
		return f, err
	}
	n := int(binary.BigEndian.Uint32(data[8:12]))
	var first *sfnt.Font
	var firstErr error
	for i := 0; i < n && 12+4*i+4 <= len(data); i++ {
		off := int(binary.BigEndian.Uint32(data[12+4*i:]))
		// wqy-microhei.ttc, Debian's common CJK font, has tables on
		// two-byte boundaries: x/image's ParseCollection rejects it, so
		// each face is copied out into an aligned stand-alone font.
		one, err := alignTables(data, off)
		var f *sfnt.Font
		if err == nil {
			f, err = opentype.Parse(one)
		}
		if err != nil {
			firstErr = cmpErr(firstErr, err)
			continue
		}
		if first == nil {
			first = f
		}
		if name, err := f.Name(nil, sfnt.NameIDFamily); err == nil && strings.Contains(name, " SC") {
			return f, nil
		}
	}
	if first == nil {
		return nil, cmpErr(firstErr, errors.New("no usable font in the collection"))
	}
	return first, nil
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// alignTables copies the font whose table directory starts at off in data
// into a stand-alone font file with every table on a four-byte boundary, as
// the OpenType specification asks. Checksums are not recomputed: readers
// (x/image included) ignore them.
func alignTables(data []byte, off int) ([]byte, error) {
	if off+12 > len(data) {
		return nil, errors.New("truncated font header")
	}
	num := int(binary.BigEndian.Uint16(data[off+4:]))
	dir := off + 12
	if dir+16*num > len(data) {
		return nil, errors.New("truncated table directory")
	}
	head := 12 + 16*num
	out := make([]byte, head, len(data)+4*num)
	copy(out, data[off:off+12])
	for i := 0; i < num; i++ {
		rec := data[dir+16*i : dir+16*i+16]
		to, n := int(binary.BigEndian.Uint32(rec[8:])), int(binary.BigEndian.Uint32(rec[12:]))
		if to < 0 || n < 0 || to+n > len(data) {
			return nil, errors.New("table outside the file")
		}
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
		copy(out[12+16*i:], rec[:8])
		binary.BigEndian.PutUint32(out[12+16*i+8:], uint32(len(out)))
		binary.BigEndian.PutUint32(out[12+16*i+12:], uint32(n))
		out = append(out, data[to:to+n]...)
	}
	return out, nil
}

// embeddedFont is a subset of WenQuanYi Micro Hei (Apache-2.0, see
// fonts/README.md): ASCII, GB2312's symbols and all its 6,763 hanzi.
// The chart draws with it whatever fonts the machine has.
//
//go:embed fonts/wqy-microhei-subset.ttf
var embeddedFont []byte

var embedded = sync.OnceValues(func() (*sfnt.Font, error) { return opentype.Parse(embeddedFont) })

// EmbeddedFont returns the font the chart draws with by default.
func EmbeddedFont() (*sfnt.Font, error) { return embedded() }

// MissingGlyphsError says that no font at hand draws some of the chart's
// characters: the chart is then not drawn at all rather than drawn with
// empty boxes.
type MissingGlyphsError struct {
	Runes string
}

func (e *MissingGlyphsError) Error() string {
	return fmt.Sprintf("chart: no font draws %q (set %s to a font file that does)", e.Runes, FontEnv)
}

// missingGlyphs returns the runes of labels (but spaces) that f lacks,
// each once.
func missingGlyphs(f *sfnt.Font, labels []string) string {
	var buf sfnt.Buffer
	var out []rune
	seen := map[rune]bool{}
	for _, s := range labels {
		for _, r := range s {
			if r == ' ' || seen[r] {
				continue
			}
			seen[r] = true
			if g, err := f.GlyphIndex(&buf, r); err != nil || g == 0 {
				out = append(out, r)
			}
		}
	}
	return string(out)
}

// chartFont picks the font for labels: the embedded one when it draws them
// all, else the one FindFont finds (DUBAN_REPORT_FONT, then the system's)
// when that does; else a *MissingGlyphsError.
func chartFont(labels []string, getenv func(string) string) (*sfnt.Font, error) {
	f, err := EmbeddedFont()
	if err != nil {
		return nil, fmt.Errorf("chart: embedded font: %w", err)
	}
	missing := missingGlyphs(f, labels)
	if missing == "" {
		return f, nil
	}
	if sys, _, err := FindFont(getenv); err == nil && sys != nil && missingGlyphs(sys, labels) == "" {
		return sys, nil
	}
	return nil, &MissingGlyphsError{Runes: missing}
}
