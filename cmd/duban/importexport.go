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
		Short: "导入单位、联系人、来源和督办事项（YAML、CSV 或 Excel .xlsx），全部成功或全不写入 (import units, contacts, sources and commitments; all or nothing)",
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
				return usagef("--format: 应为 yaml、csv 或 xlsx，而非 %q (want yaml, csv or xlsx)", format)
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
				opt.Progress = func(done, total int) { fmt.Fprintf(m.Stderr, "\r导入 (import): %d/%d", done, total) }
			}
			st, err := db.Import(c.Context(), ds, opt)
			if opt.Progress != nil {
				fmt.Fprintln(m.Stderr)
			}
			if err != nil {
				return err
			}
			zh, en := "已导入", "imported"
			if dryRun {
				zh, en = "试运行，未写入；将导入", "dry run, nothing written; would import"
			}
			fmt.Fprintf(m.Stdout, "%s：单位 %d 个，联系人 %d 人（更新 %d），来源 %d 份（更新 %d），督办事项 %d 项（更新 %d，未变 %d） "+
				"(%s: %d unit(s), %d contact(s) (%d updated), %d source(s) (%d updated), %d commitment(s) (%d updated, %d unchanged))\n",
				zh, st.Units, st.Contacts, st.ContactsUpdated, st.Sources, st.SourcesUpdated, st.Commitments, st.CommitmentsUpdated, st.Unchanged,
				en, st.Units, st.Contacts, st.ContactsUpdated, st.Sources, st.SourcesUpdated, st.Commitments, st.CommitmentsUpdated, st.Unchanged)
			return nil
		},
	}
	c.Flags().BoolVar(&dryRun, "dry-run", false, "只检查并报告，不写入 (check and report, change nothing)")
	c.Flags().StringVar(&format, "format", "", "文件格式：yaml、csv 或 xlsx，默认按文件名判断 (yaml, csv or xlsx; default: from the file name)")
	return c
}

func (m *Main) exportCommand() *cobra.Command {
	var format, out string
	c := &cobra.Command{
		Use:   "export",
		Short: "按导入格式导出全部数据 (export everything in the import format)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if format != "yaml" && format != "csv" {
				return usagef("--format: 应为 yaml 或 csv，而非 %q (want yaml or csv)", format)
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
	c.Flags().StringVar(&format, "format", "yaml", "文件格式：yaml 或 csv (yaml or csv)")
	c.Flags().StringVar(&out, "out", "", "写入文件而非标准输出 (write to FILE instead of standard output)")
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
		return nil, usagef("import: 无法打开文件 (%v)", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, usagef("import: 无法读取文件 (%v)", err)
	}
	tooBig := func(n int64) error {
		return usagef("import: %s: 文件过大：%d 字节，上限 import.max_bytes 为 %d (file too large: %d bytes, import.max_bytes is %d)", file, n, max, n, max)
	}
	if fi.Size() > int64(max) {
		return nil, tooBig(fi.Size())
	}
	// The file may grow between Stat and reading: read one byte past the
	// limit to notice.
	data, err := io.ReadAll(io.LimitReader(f, int64(max)+1))
	if err != nil {
		return nil, usagef("import: 无法读取文件 (%v)", err)
	}
	if len(data) > max {
		return nil, tooBig(int64(len(data)))
	}
	return data, nil
}
