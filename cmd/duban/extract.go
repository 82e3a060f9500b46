package main

import "github.com/spf13/cobra"

func (m *Main) extractCommand() *cobra.Command {
	return &cobra.Command{Use: "extract FILE", Short: "read a reply letter and print its commitments", Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error { return usagef("extract: not yet wired") }}
}
