package main

import (
	"errors"
	"os"

	"github.com/spf13/cobra"

	"duban/calendar"
	"duban/domain"
	"duban/extract"
)

func (m *Main) extractCommand() *cobra.Command {
	var date, format string
	c := &cobra.Command{
		Use:   "extract FILE",
		Short: "读取答复函，输出待复核的来源和承诺事项 (read a reply letter, .docx or text in UTF-8 or GB18030, and print its source and commitments in the import format)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			cfg, err := m.config()
			if err != nil {
				return err
			}
			if format != "yaml" && format != "json" {
				return usagef("--format: 应为 yaml 或 json，而非 %q (want yaml or json)", format)
			}
			// The review notes and the header speak the configured
			// language; the keys and dates stay the import format's.
			opts := extract.Options{Lang: cfg.Language}
			if date != "" {
				if opts.LetterDate, err = domain.ParseDate(date); err != nil {
					return usagef("--date: 日期无效 (%v)", err)
				}
			}
			// Working-day deadlines (N个工作日内) count on the configured
			// calendar, or China's when none is configured: the letters are.
			cal := calendar.China()
			if cfg.Reminders.Calendar != "" {
				if cal, err = calendar.Open(cfg.Reminders.Calendar); err != nil {
					return usagef("reminders.calendar: 无法读取工作日历 (%v)", err)
				}
			}
			opts.Calendar = cal
			text, err := readLetter(args[0])
			if err != nil {
				return err
			}
			res, err := extract.Extract(text, opts)
			if errors.Is(err, extract.ErrEmpty) {
				return usagef("extract: %s: %v", args[0], err)
			}
			if err != nil {
				return err
			}
			var out []byte
			if format == "json" {
				out, err = res.JSON()
			} else {
				out, err = res.YAML()
			}
			if err != nil {
				return err
			}
			_, err = m.Stdout.Write(out)
			return err
		},
	}
	c.Flags().StringVar(&date, "date", "", "来文日期，文中无落款日期时使用 (the letter's date when the text lacks one, YYYY-MM-DD)")
	c.Flags().StringVar(&format, "format", "yaml", "yaml 或 json (yaml or json)")
	return c
}

// readLetter reads a letter file: .docx or text in an accepted encoding.
func readLetter(file string) (string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return "", usagef("extract: 无法读取文件 (%v)", err)
	}
	text, err := extract.ReadLetter(data, file)
	if err != nil {
		return "", usagef("extract: %v", err)
	}
	return text, nil
}
