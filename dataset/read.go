package dataset

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"

	"duban/textenc"
)

// Format returns the import format a file name implies: "xlsx", "csv" or
// "yaml".
func Format(file string) string {
	switch strings.ToLower(filepath.Ext(file)) {
	case ".xlsx", ".xlsm":
		return "xlsx"
	case ".csv":
		return "csv"
	}
	return "yaml"
}

// Read parses an import file's bytes in format ("yaml", "csv", "xlsx"; ""
// from the file name). Text files may be UTF-8, UTF-8 with BOM or
// GB18030/GBK; other encodings are refused. It returns the records it
// could read together with every problem found while reading them, so that
// the caller can go on to Validate them and report everything at once; a
// file that cannot be read at all gives a nil Dataset.
func Read(data []byte, file, format string) (*Dataset, Errors) {
	if format == "" {
		format = Format(file)
	}
	if format == "xlsx" {
		return ParseXLSX(data, file)
	}
	text, _, err := textenc.Decode(data, file)
	if err != nil {
		te := err.(*textenc.Error)
		return nil, Errors{{File: te.File, Line: te.Line, Msg: te.Msg}}
	}
	switch format {
	case "yaml":
		return parseYAML(bytes.NewReader(text), file)
	case "csv":
		return parseCSV(bytes.NewReader(text), file, bytes.Count(text, []byte{'\n'}))
	}
	return nil, Errors{{File: file, Field: "--format", Msg: fmt.Sprintf("want yaml, csv or xlsx, got %q", format)}}
}
