package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"duban/store"
)

func (m *Main) contactEditCommand() *cobra.Command {
	var e store.ContactEdit
	c := &cobra.Command{
		Use:   "edit KEY",
		Short: "修改联系人 (change a contact's name, unit, role, phone, email, channels or language)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			fl := c.Flags()
			str := func(name string) *string {
				if !fl.Changed(name) {
					return nil
				}
				v, _ := fl.GetString(name)
				return &v
			}
			e.Name, e.Unit, e.Role, e.Phone = str("name"), str("unit"), str("role"), str("phone")
			e.Email, e.Channels, e.Language = str("email"), str("channels"), str("language")
			db, err := m.store(c.Context())
			if err != nil {
				return err
			}
			if err := db.EditContact(c.Context(), args[0], e); err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "已修改联系人 %s (contact %s changed)\n", args[0], args[0])
			return nil
		},
	}
	f := c.Flags()
	f.String("name", "", "姓名 (full name)")
	f.String("unit", "", "单位，须已存在，除非加 --new-unit (unit; must exist unless --new-unit)")
	f.String("role", "", "角色：official、supervisor 或 admin (role)")
	f.String("phone", "", "电话 (phone)")
	f.String("email", "", "电子邮箱 (e-mail address)")
	f.String("channels", "", "联系渠道，按先后用逗号分隔：telegram、email、wecom、dingtalk (channels in order of preference, comma-separated)")
	f.String("language", "", "语言：zh 或 en (language)")
	f.BoolVar(&e.NewUnit, "new-unit", false, "--unit 不存在时新建 (create --unit if it does not exist)")
	return c
}

func (m *Main) contactRemoveCommand() *cobra.Command {
	var to string
	c := &cobra.Command{
		Use:   "remove KEY",
		Short: "删除联系人 (remove a contact; refused while they own open items, unless --reassign-to KEY2)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			db, err := m.store(c.Context())
			if err != nil {
				return err
			}
			if to != "" {
				if to, err = db.ResolveContact(c.Context(), to); err != nil {
					return flagErr("--reassign-to", err, "")
				}
				if _, err := db.Contact(c.Context(), args[0]); err != nil {
					return err
				}
				// The hand-over is the workflow's 转办: the same rule and
				// the same notices as `duban reassign`, then the removal.
				wf, err := m.workflow(c.Context())
				if err != nil {
					return err
				}
				a, err := m.actor(c.Context(), "")
				if err != nil {
					return err
				}
				n, err := wf.Reassign(c.Context(), a, args[0], to)
				if err != nil {
					return err
				}
				if n > 0 {
					fmt.Fprintf(m.Stdout, "%d 项未办结事项已交给 %s (%d open items handed to %s)\n", n, to, n, to)
				}
			}
			res, err := db.RemoveContact(c.Context(), args[0])
			if err != nil {
				return err
			}
			if res.Kept {
				fmt.Fprintf(m.Stdout, "已删除联系人 %s；历史记录保留其姓名 (contact %s removed; kept in the history)\n", args[0], args[0])
			} else {
				fmt.Fprintf(m.Stdout, "已删除联系人 %s (contact %s removed)\n", args[0], args[0])
			}
			return nil
		},
	}
	c.Flags().StringVar(&to, "reassign-to", "", "把其未办结事项交给此联系人（标识或姓名） (hand the contact's open items to this contact, key or name)")
	return c
}
