package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"

	"duban/dataset"
	"duban/store"
)

func openNoMigrate(ctx context.Context, url string, m *Main) (*store.DB, error) {
	db, err := store.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	db.Now = m.Now
	m.db = db
	return db, nil
}

func (m *Main) importCommand() *cobra.Command {
	var dryRun bool
	var format string
	c := &cobra.Command{
		Use:   "import FILE",
		Short: "import units, contacts, sources and commitments (YAML, CSV or Excel .xlsx); all or nothing",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			cfg, err := m.config()
			if err != nil {
				return err
			}
			file := args[0]
			data, err := readImportFile(file, cfg.Import.MaxBytes)
			if err != nil {
				return err
			}
			if format != "" && format != "yaml" && format != "csv" && format != "xlsx" {
				return usagef("import: --format: want yaml, csv or xlsx, got %q", format)
			}
			// Keep an import's memory near a few times the file's size:
			// the collector works harder rather than let the heap double.
			defer debug.SetMemoryLimit(debug.SetMemoryLimit(importMemoryLimit(len(data))))
			ds, errs := dataset.Read(data, file, format)
			data = nil // The records hold copies; let the bytes go.
			if ds == nil {
				return errs
			}
			errs = append(errs, ds.Validate(file, cfg.ClassificationScheme)...)
			db, err := m.store(c.Context())
			if err != nil {
				return err
			}
			// The checks that need the database, so that a file's
			// problems are all reported in one run.
			refErrs, err := db.CheckImport(c.Context(), ds, file)
			if err != nil {
				return err
			}
			if errs = append(errs, refErrs...); len(errs) > 0 {
				errs.Sort()
				return errs
			}
			opt := store.ImportOptions{File: file, DryRun: dryRun}
			if m.IsTerminal && len(ds.Commitments) >= 5000 {
				opt.Progress = func(done, total int) { fmt.Fprintf(m.Stderr, "\rimport: %d/%d", done, total) }
			}
			st, err := db.Import(c.Context(), ds, opt)
			if opt.Progress != nil {
				fmt.Fprintln(m.Stderr)
			}
			if err != nil {
				return err
			}
			verb := "imported"
			if dryRun {
				verb = "dry run, nothing written; would import"
			}
			fmt.Fprintf(m.Stdout, "%s: %d unit(s), %d contact(s) (%d updated), %d source(s) (%d updated), %d commitment(s) (%d updated, %d unchanged)\n",
				verb, st.Units, st.Contacts, st.ContactsUpdated, st.Sources, st.SourcesUpdated, st.Commitments, st.CommitmentsUpdated, st.Unchanged)
			return nil
		},
	}
	c.Flags().BoolVar(&dryRun, "dry-run", false, "check and report, change nothing")
	c.Flags().StringVar(&format, "format", "", "yaml, csv or xlsx (default: from the file name)")
	return c
}

func (m *Main) exportCommand() *cobra.Command {
	var format, out string
	c := &cobra.Command{
		Use:   "export",
		Short: "export everything in the import format",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if format != "yaml" && format != "csv" {
				return usagef("export: --format: want yaml or csv, got %q", format)
			}
			db, err := m.store(c.Context())
			if err != nil {
				return err
			}
			ds, err := db.Export(c.Context(), m.loc())
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			if format == "csv" {
				err = dataset.WriteCSV(&buf, ds)
			} else {
				err = dataset.WriteYAML(&buf, ds)
			}
			if err != nil {
				return err
			}
			if out != "" {
				return os.WriteFile(out, buf.Bytes(), 0o600) // names and phone numbers: owner only
			}
			_, err = m.Stdout.Write(buf.Bytes())
			return err
		},
	}
	c.Flags().StringVar(&format, "format", "yaml", "yaml or csv")
	c.Flags().StringVar(&out, "out", "", "write to FILE instead of standard output")
	return c
}

// importMemoryLimit is the soft memory limit while a file of size bytes
// is imported: 4× its size, and never below 64 MB.
func importMemoryLimit(size int) int64 {
	return max(4*int64(size), 64<<20)
}

// readImportFile reads an import file of at most max bytes: a larger one is
// refused before it is read (import.max_bytes).
func readImportFile(file string, max int) ([]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, usagef("import: %v", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, usagef("import: %v", err)
	}
	tooBig := func(n int64) error {
		return usagef("import: %s: 文件过大 (file too large): %d bytes, import.max_bytes is %d", file, n, max)
	}
	if fi.Size() > int64(max) {
		return nil, tooBig(fi.Size())
	}
	// The file may grow between Stat and reading: read one byte past the
	// limit to notice.
	data, err := io.ReadAll(io.LimitReader(f, int64(max)+1))
	if err != nil {
		return nil, usagef("import: %v", err)
	}
	if len(data) > max {
		return nil, tooBig(int64(len(data)))
	}
	return data, nil
}
