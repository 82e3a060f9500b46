package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"duban/store"
)

// holdDaemonLock takes the SQLite database's daemon lock for serve, so
// that restore refuses while serve runs (store.LockDaemon).
func (m *Main) holdDaemonLock() (func(), error) {
	cfg, err := m.config()
	if err != nil {
		return nil, err
	}
	lock, err := store.LockDaemon(cfg.Database.URL)
	if errors.Is(err, store.ErrDaemonRunning) {
		return nil, usagef("serve: 另一个 duban serve 正在使用该 SQLite 数据库 (another duban serve holds this SQLite database)")
	}
	if err != nil {
		return nil, err
	}
	return lock.Release, nil
}

func (m *Main) backupCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "backup FILE",
		Short: "备份 SQLite 数据库 (a consistent copy of the SQLite database, safe while serve runs; PostgreSQL: use pg_dump)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			db, err := m.store(c.Context())
			if err != nil {
				return err
			}
			if err := db.Backup(c.Context(), args[0]); err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "已备份到 %s (backed up to %s)\n", args[0], args[0])
			return nil
		},
	}
}

func (m *Main) restoreCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "restore FILE",
		Short: "从备份恢复 SQLite 数据库 (replace the SQLite database with a backup; refused while serve runs)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			cfg, err := m.config()
			if err != nil {
				return err
			}
			if err := store.Restore(c.Context(), cfg.Database.URL, args[0]); err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "已从 %s 恢复 (restored from %s)\n", args[0], args[0])
			return nil
		},
	}
}
