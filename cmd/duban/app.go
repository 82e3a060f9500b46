package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"duban/config"
	"duban/dataset"
	"duban/domain"
	"duban/store"
)

// Main is the program: its inputs and outputs are fields so that tests run
// the real command line in-process.
type Main struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// Now is the clock every command reads.
	Now func() time.Time
	// Sleep waits for d or until ctx is done (remind --wait); nil is a
	// real timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// IsTerminal reports whether standard error is a terminal (progress
	// display for long work).
	IsTerminal bool

	configPath string
	dbURL      string
	cfg        *config.Config
	db         *store.DB
	logger     *slog.Logger
}

// NewMain returns a Main wired to the process.
func NewMain() *Main {
	fi, err := os.Stderr.Stat()
	tty := err == nil && fi.Mode()&os.ModeCharDevice != 0
	return &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Now: time.Now, IsTerminal: tty}
}

// usageError is bad usage or bad input: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// Run runs one command and returns its exit code: 0 ok, 1 runtime failure,
// 2 bad usage or bad input.
func (m *Main) Run(ctx context.Context, args []string) int {
	root := m.rootCommand()
	root.SetArgs(args)
	root.SetIn(m.Stdin)
	root.SetOut(m.Stdout)
	root.SetErr(m.Stderr)
	err := root.ExecuteContext(ctx)
	m.close()
	if err == nil {
		return 0
	}
	msg := err.Error()
	code := exitCode(err)
	for _, line := range strings.Split(msg, "\n") {
		fmt.Fprintln(m.Stderr, "duban: "+line)
	}
	return code
}

func exitCode(err error) int {
	var ue *usageError
	var fe *dataset.FieldError
	var es dataset.Errors
	switch {
	case errors.As(err, &ue), errors.As(err, &fe), errors.As(err, &es):
		return 2
	}
	switch domain.ErrorCode(err) {
	case domain.EINVALID, domain.ENOTFOUND, domain.EFORBIDDEN:
		return 2
	}
	return 1
}

func (m *Main) close() {
	if m.db != nil {
		m.db.Close()
		m.db = nil
	}
}

func (m *Main) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "duban",
		Short:         "督办：让承办单位兑现书面承诺 (duban keeps government units to their written promises)",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&m.configPath, "config", "", "配置文件 (config file; env DUBAN_CONFIG)")
	root.PersistentFlags().StringVar(&m.dbURL, "db", "", "数据库地址，优先于 database.url (database URL, overrides database.url)")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usagef("参数有误 (%v)", err) })
	root.AddCommand(
		m.versionCommand(), m.migrateCommand(), m.importCommand(), m.exportCommand(), m.addCommand(),
		m.listCommand(), m.showCommand(), m.contactCommand(), m.extractCommand(), m.remindCommand(), m.serveCommand(),
		m.outboxCommand(),
	)
	root.AddCommand(m.statusCommands()...)
	root.AddCommand(m.chatCommand(), m.reportCommand(), m.backupCommand(), m.restoreCommand())
	// Cobra's own argument errors are bad usage: exit code 2, typed, not
	// recognised by their text.
	root.Args = func(c *cobra.Command, args []string) error {
		if len(args) > 0 {
			return usagef("未知命令 %q (unknown command %q for %q)", args[0], args[0], c.CommandPath())
		}
		return nil
	}
	root.RunE = func(c *cobra.Command, _ []string) error { return c.Help() }
	chineseHelp(root)
	var typeArgs func(c *cobra.Command)
	typeArgs = func(c *cobra.Command) {
		if orig := c.Args; orig != nil {
			c.Args = func(c *cobra.Command, args []string) error {
				if err := orig(c, args); err != nil {
					return usagef("命令用法有误 (%v)", err)
				}
				return nil
			}
		}
		c.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usagef("参数有误 (%v)", err) })
		for _, sub := range c.Commands() {
			typeArgs(sub)
		}
	}
	typeArgs(root)
	return root
}

// config loads the configuration once: defaults, then the file, then the
// environment, then the --db flag.
func (m *Main) config() (*config.Config, error) {
	if m.cfg != nil {
		return m.cfg, nil
	}
	path := m.configPath
	if path == "" {
		path = m.Getenv("DUBAN_CONFIG")
	}
	cfg, err := config.Load(path, m.Getenv)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, usagef("config: 配置文件不存在 (%v)", err)
		}
		return nil, &usageError{err.Error()}
	}
	if m.dbURL != "" {
		cfg.Database.URL = m.dbURL
		if err := cfg.Validate(); err != nil {
			return nil, &usageError{err.Error()}
		}
	}
	m.cfg = cfg
	return cfg, nil
}

// store opens the database and applies pending migrations, so that every
// command works on a fresh machine.
func (m *Main) store(ctx context.Context) (*store.DB, error) {
	if m.db != nil {
		return m.db, nil
	}
	cfg, err := m.config()
	if err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, cfg.Database.URL)
	if err != nil {
		return nil, err
	}
	db.Now = m.Now
	// Every command that tells the office something (report --send, done,
	// extension requests) writes its copies on the office's other channels.
	db.SetOffice(officeChannels(cfg))
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	m.db = db
	return db, nil
}

// log returns the logger configured by log.level and log.format, writing to
// standard error.
func (m *Main) log() *slog.Logger {
	if m.logger != nil {
		return m.logger
	}
	cfg, err := m.config()
	level, format := slog.LevelInfo, "text"
	if err == nil {
		level, format = cfg.LogLevel(), cfg.Log.Format
	}
	opts := &slog.HandlerOptions{Level: level}
	if format == "json" {
		m.logger = slog.New(slog.NewJSONHandler(m.Stderr, opts))
	} else {
		m.logger = slog.New(slog.NewTextHandler(m.Stderr, opts))
	}
	return m.logger
}

// loc returns the configured time zone.
func (m *Main) loc() *time.Location {
	if cfg, err := m.config(); err == nil && cfg.Location != nil {
		return cfg.Location
	}
	return time.UTC
}
