package main

import (
	"github.com/spf13/cobra"

	"duban/domain"
	"duban/store"
)

// checkAddRefs resolves what `duban add` names: the unit must exist unless
// --new-unit (a typo must not silently become a unit), and owners may be
// given by key or by name.
func (m *Main) checkAddRefs(c *cobra.Command, db *store.DB, n *store.NewCommitment, newUnit bool) error {
	if n.Unit != "" && !newUnit {
		name, err := db.ResolveUnit(c.Context(), n.Unit)
		if err != nil {
			return flagErr("--unit", err, "; 新单位请加 --new-unit (add --new-unit to create it)")
		}
		n.Unit = name
	}
	for i, o := range n.Owners {
		key, err := db.ResolveContact(c.Context(), o)
		if err != nil {
			return flagErr("--owner", err, "")
		}
		n.Owners[i] = key
	}
	return nil
}

// flagErr turns a domain error about a flag's value into one line of bad
// input (exit 2); other errors (the database) pass as they are.
func flagErr(flag string, err error, hint string) error {
	if c := domain.ErrorCode(err); c != domain.ENOTFOUND && c != domain.EINVALID {
		return err
	}
	return usagef("%s: %s%s", flag, domain.ErrorMessage(err), hint)
}
