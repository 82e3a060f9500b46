package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/spf13/cobra"

	"duban/domain"
	"duban/store"
)

func storeNew(title, unit, source, category, key, detail string, owners []string) store.NewCommitment {
	return store.NewCommitment{Title: title, Unit: unit, SourceKey: source, Category: category, Key: key,
		Detail: detail, Owners: splitList(owners)}
}

// actor resolves --as to the contact the change is recorded under.
func (m *Main) actor(c *cobra.Command, as string) (store.Actor, error) {
	a := store.Actor{Channel: "cli"}
	if as == "" {
		return a, nil
	}
	db, err := m.store(c.Context())
	if err != nil {
		return a, err
	}
	ct, err := db.Contact(c.Context(), as)
	if err != nil {
		return a, usagef("--as: unknown contact %q", as)
	}
	a.ContactID = ct.ID
	return a, nil
}

// statusCommands are the CLI twins of the bot's commands.
func (m *Main) statusCommands() []*cobra.Command {
	var as string
	withAs := func(c *cobra.Command) *cobra.Command {
		c.Flags().StringVar(&as, "as", "", "contact key to record the change under")
		return c
	}
	var note string
	var evidence []string
	progress := withAs(&cobra.Command{
		Use:   "progress ID PCT",
		Short: "record progress (0-100)",
		Args:  cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			pct, err := strconv.Atoi(args[1])
			if err != nil || pct < 0 || pct > 100 {
				return usagef("invalid percent %q: want a whole number 0-100", args[1])
			}
			ev, err := evidencePaths(evidence)
			if err != nil {
				return err
			}
			return m.change(c, as, id, func(db *store.DB, a store.Actor) error {
				return db.AddProgress(c.Context(), id, pct, note, ev, a)
			}, fmt.Sprintf("progress %d%%", pct))
		},
	})
	progress.Flags().StringVar(&note, "note", "", "what was done")
	progress.Flags().StringSliceVar(&evidence, "evidence", nil, "evidence file (repeatable)")

	var reason string
	simple := func(use, short string, to domain.Status, needReason bool) *cobra.Command {
		c := withAs(&cobra.Command{
			Use:   use,
			Short: short,
			Args:  cobra.ExactArgs(1),
			RunE: func(c *cobra.Command, args []string) error {
				id, err := parseID(args[0])
				if err != nil {
					return err
				}
				if needReason && reason == "" {
					return usagef("--reason: missing")
				}
				ev, err := evidencePaths(evidence)
				if err != nil {
					return err
				}
				text := reason
				if text == "" {
					text = note
				}
				return m.change(c, as, id, func(db *store.DB, a store.Actor) error {
					return db.SetStatus(c.Context(), id, to, text, ev, a)
				}, string(to))
			},
		})
		return c
	}
	done := simple("done ID", "mark done (owner)", domain.Done, false)
	done.Flags().StringVar(&note, "note", "", "what was done")
	done.Flags().StringSliceVar(&evidence, "evidence", nil, "evidence file (repeatable)")
	verify := simple("verify ID", "close a done item (销号, supervisor)", domain.Verified, false)
	reopen := simple("reopen ID", "send a done item back (supervisor)", domain.InProgress, false)
	reopen.Flags().StringVar(&reason, "reason", "", "why")
	cancel := simple("cancel ID", "cancel (supervisor, with --reason)", domain.Cancelled, true)
	cancel.Flags().StringVar(&reason, "reason", "", "why")

	extend := withAs(&cobra.Command{
		Use:   "extend ID DATE",
		Short: "file an extension request",
		Args:  cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			d, err := domain.ParseDate(args[1])
			if err != nil {
				return usagef("%v", err)
			}
			if reason == "" {
				return usagef("--reason: missing")
			}
			return m.change(c, as, id, func(db *store.DB, a store.Actor) error {
				_, err := db.RequestExtension(c.Context(), id, d, reason, m.loc(), a)
				return err
			}, "extension to "+d.String()+" requested")
		},
	})
	extend.Flags().StringVar(&reason, "reason", "", "why")
	decide := func(use string, approve bool) *cobra.Command {
		return withAs(&cobra.Command{
			Use:   use + " ID",
			Short: use + " the pending extension request (supervisor)",
			Args:  cobra.ExactArgs(1),
			RunE: func(c *cobra.Command, args []string) error {
				id, err := parseID(args[0])
				if err != nil {
					return err
				}
				return m.change(c, as, id, func(db *store.DB, a store.Actor) error {
					_, err := db.DecideExtension(c.Context(), id, approve, a)
					return err
				}, "extension "+use+"d")
			},
		})
	}
	return []*cobra.Command{progress, done, verify, reopen, cancel, extend, decide("approve", true), decide("reject", false)}
}

func (m *Main) change(c *cobra.Command, as string, id int64, fn func(*store.DB, store.Actor) error, what string) error {
	db, err := m.store(c.Context())
	if err != nil {
		return err
	}
	a, err := m.actor(c, as)
	if err != nil {
		return err
	}
	if err := fn(db, a); err != nil {
		return err
	}
	cm, err := db.Commitment(c.Context(), id)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "#%d %s: %s (now %s, %d%%)\n", cm.ID, cm.Title, what, cm.Status, cm.Progress)
	return nil
}

// evidencePaths checks that evidence files exist and returns their absolute
// paths.
func evidencePaths(files []string) ([]string, error) {
	var out []string
	for _, f := range files {
		if _, err := os.Stat(f); err != nil {
			return nil, usagef("--evidence: %v", err)
		}
		abs, err := filepath.Abs(f)
		if err != nil {
			return nil, err
		}
		out = append(out, abs)
	}
	return out, nil
}
