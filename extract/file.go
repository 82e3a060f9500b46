package extract

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"duban/textenc"
)

// maxDocumentXML bounds word/document.xml once unzipped: a letter is a
// few pages, and a zip bomb must not fill memory.
const maxDocumentXML = 64 << 20

// ReadLetter returns the text of a reply letter read from file: a Word
// document (.docx) or plain text in UTF-8, UTF-8 with BOM or GB18030/GBK.
// Other encodings are refused with an error naming file.
func ReadLetter(data []byte, file string) (string, error) {
	if strings.EqualFold(filepath.Ext(file), ".docx") || bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return readDocx(data, file)
	}
	return textenc.DecodeString(data, file)
}

// readDocx reads the paragraphs of word/document.xml with encoding/xml:
// each <w:p> is a line, <w:t> is text, <w:tab/> a tab and <w:br/> a line
// break. Headers, footers, comments and deleted text (<w:delText>) are
// not part of the letter's body and are left out.
func readDocx(data []byte, file string) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", fmt.Errorf("%s: 不是 Word 文档 (not a Word document, .docx): %w", file, err)
	}
	var doc *zip.File
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			doc = f
		}
	}
	if doc == nil {
		return "", fmt.Errorf("%s: 不是 Word 文档 (not a Word document, .docx): 缺少 word/document.xml", file)
	}
	rc, err := doc.Open()
	if err != nil {
		return "", fmt.Errorf("%s: %w", file, err)
	}
	defer rc.Close()
	dec := xml.NewDecoder(io.LimitReader(rc, maxDocumentXML))
	var sb strings.Builder
	inText := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", fmt.Errorf("%s: word/document.xml: %w", file, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "t":
				inText = true
			case "tab":
				sb.WriteByte('\t')
			case "br", "cr":
				sb.WriteByte('\n')
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				sb.WriteByte('\n')
			}
		case xml.CharData:
			if inText {
				sb.Write(t)
			}
		}
	}
	return sb.String(), nil
}
