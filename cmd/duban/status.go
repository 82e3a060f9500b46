package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"duban/config"
	"duban/domain"
	"duban/store"
	"duban/workflow"
)

func storeNew(title, unit, source, category, key, detail string, owners []string) store.NewCommitment {
	return store.NewCommitment{Title: title, Unit: unit, SourceKey: source, Category: category, Key: key,
		Detail: detail, Owners: splitList(owners)}
}

// workflow is the one service every change from the command line goes
// through, configured as the daemon's.
func (m *Main) workflow(ctx context.Context) (*workflow.Service, error) {
	cfg, err := m.config()
	if err != nil {
		return nil, err
	}
	db, err := m.store(ctx)
	if err != nil {
		return nil, err
	}
	return newWorkflow(cfg, db, m.Now), nil
}

// newWorkflow is the workflow over db as the configuration sets it up:
// the CLI, the web and the daemon all act through one built this way.
func newWorkflow(cfg *config.Config, db *store.DB, now func() time.Time) *workflow.Service {
	return &workflow.Service{DB: db, Now: now, Loc: cfg.Location, UnitScope: cfg.Bot.UnitScope, WarnDays: cfg.Reminders.WarnDays,
		SupervisionChatID: cfg.Telegram.SupervisionChatID, Language: cfg.Language}
}

// actor is who a command acts as: the contact named by --as, under the
// same rules as in chat, or without --as the administrator "cli".
func (m *Main) actor(ctx context.Context, as string) (workflow.Actor, error) {
	a := workflow.Admin()
	if as == "" {
		return a, nil
	}
	db, err := m.store(ctx)
	if err != nil {
		return a, err
	}
	ct, err := db.Contact(ctx, as)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return a, usagef("--as: unknown contact %q", as)
	}
	if err != nil {
		return a, err
	}
	a.Contact = ct
	return a, nil
}

// statusCommands are the CLI twins of the bot's commands.
func (m *Main) statusCommands() []*cobra.Command {
	var as, note, reason string
	var evidence []string
	withAs := func(c *cobra.Command) *cobra.Command {
		c.Flags().StringVar(&as, "as", "", "act as this contact, under the same rules as in chat")
		return c
	}
	// run resolves the workflow and the actor, then runs one use case on id.
	run := func(c *cobra.Command, arg string, what string, fn func(wf *workflow.Service, a workflow.Actor, id int64) (*workflow.Outcome, error)) error {
		id, err := parseID(arg)
		if err != nil {
			return err
		}
		wf, err := m.workflow(c.Context())
		if err != nil {
			return err
		}
		a, err := m.actor(c.Context(), as)
		if err != nil {
			return err
		}
		o, err := fn(wf, a, id)
		if err != nil {
			return err
		}
		cm := o.Commitment
		fmt.Fprintf(m.Stdout, "#%d %s: %s（%s %s, %d%%）\n", cm.ID, cm.Title, what,
			domain.StatusName(cm.Status, "zh"), domain.StatusName(cm.Status, "en"), cm.Progress)
		return nil
	}

	progress := withAs(&cobra.Command{
		Use:   "progress ID PCT",
		Short: "record progress (0-100)",
		Args:  cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			pct, err := strconv.Atoi(args[1])
			if err != nil || pct < 0 || pct > 100 {
				return usagef("invalid percent %q: want a whole number 0-100", args[1])
			}
			ev, err := evidencePaths(evidence)
			if err != nil {
				return err
			}
			return run(c, args[0], fmt.Sprintf("进度 %d%% progress", pct), func(wf *workflow.Service, a workflow.Actor, id int64) (*workflow.Outcome, error) {
				return wf.Progress(c.Context(), a, id, pct, note, ev)
			})
		},
	})
	progress.Flags().StringVar(&note, "note", "", "what was done")
	progress.Flags().StringSliceVar(&evidence, "evidence", nil, "evidence file (repeatable)")

	done := withAs(&cobra.Command{
		Use:   "done ID",
		Short: "mark done (owner)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			ev, err := evidencePaths(evidence)
			if err != nil {
				return err
			}
			return run(c, args[0], "已完成 done", func(wf *workflow.Service, a workflow.Actor, id int64) (*workflow.Outcome, error) {
				return wf.Done(c.Context(), a, id, note, ev)
			})
		},
	})
	done.Flags().StringVar(&note, "note", "", "what was done")
	done.Flags().StringSliceVar(&evidence, "evidence", nil, "evidence file (repeatable)")

	verify := withAs(&cobra.Command{
		Use:   "verify ID",
		Short: "close a done item (销号, supervisor)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return run(c, args[0], "已销号 verified", func(wf *workflow.Service, a workflow.Actor, id int64) (*workflow.Outcome, error) {
				return wf.Verify(c.Context(), a, id)
			})
		},
	})
	withReason := func(use, short, what string, fn func(ctx context.Context, wf *workflow.Service, a workflow.Actor, id int64, reason string) (*workflow.Outcome, error)) *cobra.Command {
		cmd := withAs(&cobra.Command{
			Use:   use,
			Short: short,
			Args:  cobra.ExactArgs(1),
			RunE: func(c *cobra.Command, args []string) error {
				if strings.TrimSpace(reason) == "" {
					return usagef("--reason: missing")
				}
				return run(c, args[0], what, func(wf *workflow.Service, a workflow.Actor, id int64) (*workflow.Outcome, error) {
					return fn(c.Context(), wf, a, id, reason)
				})
			},
		})
		cmd.Flags().StringVar(&reason, "reason", "", "why (required)")
		return cmd
	}
	reopen := withReason("reopen ID", "send a done item back (退回, supervisor, with --reason)", "已退回 sent back",
		func(ctx context.Context, wf *workflow.Service, a workflow.Actor, id int64, reason string) (*workflow.Outcome, error) {
			return wf.Reopen(ctx, a, id, reason)
		})
	cancel := withReason("cancel ID", "cancel (撤销, supervisor, with --reason)", "已撤销 cancelled",
		func(ctx context.Context, wf *workflow.Service, a workflow.Actor, id int64, reason string) (*workflow.Outcome, error) {
			return wf.Cancel(ctx, a, id, reason)
		})

	extend := withAs(&cobra.Command{
		Use:   "extend ID DATE",
		Short: "file an extension request (with --reason)",
		Args:  cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			d, err := domain.ParseDate(args[1])
			if err != nil {
				return usagef("%v", err)
			}
			if strings.TrimSpace(reason) == "" {
				return usagef("--reason: missing")
			}
			return run(c, args[0], "延期申请 extension to "+d.String()+" requested", func(wf *workflow.Service, a workflow.Actor, id int64) (*workflow.Outcome, error) {
				return wf.RequestExtension(c.Context(), a, id, d, reason)
			})
		},
	})
	extend.Flags().StringVar(&reason, "reason", "", "why (required)")
	decide := func(use string, approve bool) *cobra.Command {
		cmd := withAs(&cobra.Command{
			Use:   use + " ID",
			Short: use + " the pending extension request (supervisor; reject needs --reason)",
			Args:  cobra.ExactArgs(1),
			RunE: func(c *cobra.Command, args []string) error {
				if !approve && strings.TrimSpace(reason) == "" {
					return usagef("--reason: missing")
				}
				what := "延期已批准 extension approved"
				if !approve {
					what = "延期已驳回 extension rejected"
				}
				return run(c, args[0], what, func(wf *workflow.Service, a workflow.Actor, id int64) (*workflow.Outcome, error) {
					return wf.DecidePending(c.Context(), a, id, approve, reason)
				})
			},
		})
		cmd.Flags().StringVar(&reason, "reason", "", "why")
		return cmd
	}
	return []*cobra.Command{progress, done, verify, reopen, cancel, extend, decide("approve", true), decide("reject", false),
		m.reassignCommand(), m.pendingCommand()}
}

// reassignCommand is `duban reassign --from KEY --to KEY2`: every open,
// in-progress or done item of one contact goes to another; both hear of it.
func (m *Main) reassignCommand() *cobra.Command {
	var from, to, as string
	c := &cobra.Command{
		Use:   "reassign --from KEY --to KEY2",
		Short: "move a contact's open items to another contact (转办, supervisor)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if from == "" || to == "" {
				return usagef("reassign: --from and --to are required")
			}
			wf, err := m.workflow(c.Context())
			if err != nil {
				return err
			}
			a, err := m.actor(c.Context(), as)
			if err != nil {
				return err
			}
			n, err := wf.Reassign(c.Context(), a, from, to)
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "已转办 %d 项 reassigned %d item(s): %s → %s\n", n, n, from, to)
			return nil
		},
	}
	c.Flags().StringVar(&from, "from", "", "contact key of the old owner")
	c.Flags().StringVar(&to, "to", "", "contact key of the new owner")
	c.Flags().StringVar(&as, "as", "", "act as this contact")
	return c
}

// pendingCommand is `duban pending`: done items awaiting 销号, oldest
// first, and pending extension requests, with their age.
func (m *Main) pendingCommand() *cobra.Command {
	var as string
	c := &cobra.Command{
		Use:   "pending",
		Short: "done items awaiting verification and pending extensions (待核销)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			wf, err := m.workflow(c.Context())
			if err != nil {
				return err
			}
			a, err := m.actor(c.Context(), as)
			if err != nil {
				return err
			}
			p, err := wf.Pending(c.Context(), a)
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "待销号 awaiting verification: %d\n", len(p.Done))
			for _, d := range p.Done {
				fmt.Fprintf(m.Stdout, "  #%d %s · %s · %s · %d 天 days\n", d.Commitment.ID, d.Commitment.Title, d.By,
					d.DoneAt.In(m.loc()).Format(time.DateOnly), d.Days)
			}
			fmt.Fprintf(m.Stdout, "待审批延期 pending extensions: %d\n", len(p.Extensions))
			for _, e := range p.Extensions {
				fmt.Fprintf(m.Stdout, "  #%d %s · %s · %s → %s · %d 天 days\n", e.Commitment.ID, e.Commitment.Title, e.Requester,
					e.Extension.OldDue, e.Extension.RequestedDue, e.Days)
			}
			return nil
		},
	}
	c.Flags().StringVar(&as, "as", "", "act as this contact")
	return c
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
