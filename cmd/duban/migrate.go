package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func (m *Main) migrateCommand() *cobra.Command {
	var status bool
	c := &cobra.Command{
		Use:   "migrate",
		Short: "执行数据库迁移，--status 只列出 (apply database migrations; --status lists them)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			cfg, err := m.config()
			if err != nil {
				return err
			}
			db, err := openNoMigrate(c.Context(), cfg.Database.URL, m)
			if err != nil {
				return err
			}
			if !status {
				applied, err := db.Migrate(c.Context())
				if err != nil {
					return err
				}
				fmt.Fprintf(m.Stdout, "已执行 %d 个迁移 (applied %d migration(s))\n", len(applied), len(applied))
			}
			ms, err := db.Migrations(c.Context())
			if err != nil {
				return err
			}
			for _, mg := range ms {
				state := "待执行 (pending)"
				if mg.Applied {
					state = "已执行 (applied) " + mg.AppliedAt.In(m.loc()).Format("2006-01-02 15:04:05")
				}
				fmt.Fprintf(m.Stdout, "%05d  %-24s %s\n", mg.Version, mg.Name, state)
			}
			return nil
		},
	}
	c.Flags().BoolVar(&status, "status", false, "只列出迁移，不执行 (list migrations without applying)")
	return c
}
