package extract

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"os"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// docxOf builds a minimal Word document whose paragraphs are the lines of
// text, each split into two runs, the way Word stores edited text.
func docxOf(t *testing.T, text string) []byte {
	t.Helper()
	var body strings.Builder
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		var esc bytes.Buffer
		r := []rune(line)
		half := len(r) / 2
		body.WriteString(`<w:p><w:pPr><w:jc w:val="both"/></w:pPr><w:r><w:rPr><w:rFonts w:eastAsia="仿宋"/></w:rPr><w:t xml:space="preserve">`)
		xml.EscapeText(&esc, []byte(string(r[:half])))
		body.Write(esc.Bytes())
		esc.Reset()
		body.WriteString(`</w:t></w:r><w:r><w:t>`)
		xml.EscapeText(&esc, []byte(string(r[half:])))
		body.Write(esc.Bytes())
		body.WriteString(`</w:t></w:r><w:r><w:delText>删除的字</w:delText></w:r></w:p>`)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`,
		"word/document.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body.String() + `</w:body></w:document>`,
	} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(content))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func seedResult(t *testing.T, text string) *Result {
	t.Helper()
	res, err := Extract(text, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestReadLetter(t *testing.T) {
	raw, err := os.ReadFile("../examples/jingdezhen-reply-111.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := seedResult(t, string(raw))
	if len(want.Commitments) == 0 {
		t.Fatal("the seed letter gives no commitments")
	}
	t.Run("a docx built from the seed letter gives the same source and commitments", func(t *testing.T) {
		text, err := ReadLetter(docxOf(t, string(raw)), "答复函.docx")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(text, "删除的字") {
			t.Error("deleted text read as the letter's")
		}
		got := seedResult(t, text)
		if !reflect.DeepEqual(got.Source, want.Source) || !reflect.DeepEqual(got.Commitments, want.Commitments) {
			t.Errorf("docx result differs from text:\n got %+v\nwant %+v", got.Commitments, want.Commitments)
		}
	})
	t.Run("a GBK letter gives the same result as UTF-8", func(t *testing.T) {
		gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes(raw)
		if err != nil {
			t.Fatal(err)
		}
		text, err := ReadLetter(gbk, "答复函.txt")
		if err != nil {
			t.Fatal(err)
		}
		got := seedResult(t, text)
		if !reflect.DeepEqual(got.Commitments, want.Commitments) {
			t.Errorf("GBK result differs")
		}
	})
	t.Run("a Latin-1 letter is refused naming the file", func(t *testing.T) {
		_, err := ReadLetter([]byte("R\xe9ponse \xe0 la suggestion, d\xe9j\xe0 \xe9t\xe9 r\xe9alis\xe9e, caf\xe9 \xe0 \xe9t\xe9\n"), "lettre.txt")
		if err == nil || !strings.HasPrefix(err.Error(), "lettre.txt") {
			t.Errorf("err = %v, want a refusal naming lettre.txt", err)
		}
	})
	t.Run("a zip that is not a Word document is refused", func(t *testing.T) {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		zw.Create("x.txt")
		zw.Close()
		if _, err := ReadLetter(buf.Bytes(), "x.docx"); err == nil || !strings.Contains(err.Error(), "x.docx") {
			t.Errorf("err = %v", err)
		}
	})
}
