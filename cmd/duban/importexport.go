package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

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
		Short: "import units, contacts, sources and commitments (YAML or CSV); all or nothing",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			cfg, err := m.config()
			if err != nil {
				return err
			}
			file := args[0]
			data, err := os.ReadFile(file)
			if err != nil {
				return usagef("import: %v", err)
			}
			if format == "" {
				format = "yaml"
				if strings.EqualFold(filepath.Ext(file), ".csv") {
					format = "csv"
				}
			}
			var ds *dataset.Dataset
			switch format {
			case "yaml":
				ds, err = dataset.ParseYAML(bytes.NewReader(data), file)
			case "csv":
				ds, err = dataset.ParseCSV(bytes.NewReader(data), file)
			default:
				return usagef("import: --format: want yaml or csv, got %q", format)
			}
			if err != nil {
				return err
			}
			if errs := ds.Validate(file, cfg.ClassificationScheme); len(errs) > 0 {
				return errs
			}
			db, err := m.store(c.Context())
			if err != nil {
				return err
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
	c.Flags().StringVar(&format, "format", "", "yaml or csv (default: from the file name)")
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
				return os.WriteFile(out, buf.Bytes(), 0o644)
			}
			_, err = m.Stdout.Write(buf.Bytes())
			return err
		},
	}
	c.Flags().StringVar(&format, "format", "yaml", "yaml or csv")
	c.Flags().StringVar(&out, "out", "", "write to FILE instead of standard output")
	return c
}
