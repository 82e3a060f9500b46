package main

import (
	"strconv"

	"github.com/spf13/cobra"

	"duban/domain"
)

func (m *Main) contactCommand() *cobra.Command {
	c := &cobra.Command{Use: "contact", Short: "联系人：新增、列出、关联 (add, list and link contacts)"}
	var name, unit, role, phone, lang string
	add := &cobra.Command{
		Use:   "add KEY",
		Short: "新增联系人 (add a contact)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if name == "" {
				return usagef("--name: 缺少姓名 (missing)")
			}
			if lang != "zh" && lang != "en" {
				return usagef("--language: 应为 zh 或 en，而非 %q (want zh or en)", lang)
			}
			r, err := domain.ParseRole(role)
			if err != nil {
				return usagef("--role: 角色无效 (%v)", err)
			}
			db, err := m.store(c.Context())
			if err != nil {
				return err
			}
			ct := &domain.Contact{Key: args[0], Name: name, Unit: unit, Role: r, Phone: phone, Language: lang}
			if err := db.AddContact(c.Context(), ct); err != nil {
				return err
			}
			c.Printf("已新增联系人 %s（%s） (contact %s added)\n", ct.Key, ct.Name, ct.Key)
			return nil
		},
	}
	add.Flags().StringVar(&name, "name", "", "姓名 (full name)")
	add.Flags().StringVar(&unit, "unit", "", "单位 (unit)")
	add.Flags().StringVar(&role, "role", "official", "角色：official（承办人）、supervisor（督查室）或 admin（管理员） (official, supervisor or admin)")
	add.Flags().StringVar(&phone, "phone", "", "电话 (phone)")
	add.Flags().StringVar(&lang, "language", "zh", "消息语言：zh 或 en (zh or en)")
	list := &cobra.Command{
		Use:   "list",
		Short: "列出联系人 (list contacts)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			db, err := m.store(c.Context())
			if err != nil {
				return err
			}
			cs, err := db.Contacts(c.Context())
			if err != nil {
				return err
			}
			lang := m.lang()
			var rows [][]string
			for _, ct := range cs {
				chat := word("contact.unlinked", lang)
				if ct.ChatID != 0 {
					chat = strconv.FormatInt(ct.ChatID, 10)
				}
				if ct.Unreachable {
					chat += " (" + word("contact.unreachable", lang) + ": " + ct.UnreachableWhy + ")"
				}
				rows = append(rows, []string{ct.Key, ct.Name, domain.RoleName(ct.Role, lang), ct.Unit, ct.Phone, chat})
			}
			header := []string{"contact.key", "contact.name", "contact.role", "unit", "contact.phone", "contact.telegram"}
			for i, h := range header {
				header[i] = word(h, lang)
			}
			writeTable(m.Stdout, header, rows)
			return nil
		},
	}
	c.AddCommand(add, list, m.linkCommand(), m.contactEditCommand(), m.contactRemoveCommand(),
		m.passwdCommand(), m.weblinkCommand(), m.icsCommand())
	return c
}
