package main

import (
	"strconv"

	"github.com/spf13/cobra"

	"duban/domain"
)

func (m *Main) contactCommand() *cobra.Command {
	c := &cobra.Command{Use: "contact", Short: "add, list and link contacts"}
	var name, unit, role, phone, lang string
	add := &cobra.Command{
		Use:   "add KEY",
		Short: "add a contact",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if name == "" {
				return usagef("--name: missing")
			}
			if lang != "zh" && lang != "en" {
				return usagef("--language: want zh or en, got %q", lang)
			}
			r, err := domain.ParseRole(role)
			if err != nil {
				return usagef("--role: %v", err)
			}
			db, err := m.store(c.Context())
			if err != nil {
				return err
			}
			ct := &domain.Contact{Key: args[0], Name: name, Unit: unit, Role: r, Phone: phone, Language: lang}
			if err := db.AddContact(c.Context(), ct); err != nil {
				return err
			}
			c.Printf("contact %s (%s) added\n", ct.Key, ct.Name)
			return nil
		},
	}
	add.Flags().StringVar(&name, "name", "", "full name")
	add.Flags().StringVar(&unit, "unit", "", "unit")
	add.Flags().StringVar(&role, "role", "official", "official, supervisor or admin")
	add.Flags().StringVar(&phone, "phone", "", "phone")
	add.Flags().StringVar(&lang, "language", "zh", "zh or en")
	list := &cobra.Command{
		Use:   "list",
		Short: "list contacts",
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
			var rows [][]string
			for _, ct := range cs {
				chat := "not linked"
				if ct.ChatID != 0 {
					chat = strconv.FormatInt(ct.ChatID, 10)
				}
				if ct.Unreachable {
					chat += " (unreachable: " + ct.UnreachableWhy + ")"
				}
				rows = append(rows, []string{ct.Key, ct.Name, string(ct.Role), ct.Unit, ct.Phone, chat})
			}
			writeTable(m.Stdout, []string{"KEY", "NAME", "ROLE", "UNIT", "PHONE", "TELEGRAM"}, rows)
			return nil
		},
	}
	c.AddCommand(add, list, m.linkCommand(), m.contactEditCommand(), m.contactRemoveCommand(),
		m.passwdCommand(), m.weblinkCommand(), m.icsCommand())
	return c
}
