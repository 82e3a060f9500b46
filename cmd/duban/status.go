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
		return a, usagef("--as: 没有这个联系人 %q (unknown contact)", as)
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
		c.Flags().StringVar(&as, "as", "", "以该联系人身份操作，规则与机器人对话相同 (act as this contact, under the same rules as in chat)")
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
		fmt.Fprintf(m.Stdout, "#%d %s：%s；当前%s，进度 %d%% (now %s, %d%%)\n", cm.ID, cm.Title, what,
			domain.StatusName(cm.Status, "zh"), cm.Progress, domain.StatusName(cm.Status, "en"), cm.Progress)
		return nil
	}

	progress := withAs(&cobra.Command{
		Use:   "progress ID PCT",
		Short: "报送进度（0-100） (record progress, 0-100)",
		Args:  cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			pct, err := strconv.Atoi(args[1])
			if err != nil || pct < 0 || pct > 100 {
				return usagef("进度 %q 无效，应为 0-100 的整数 (invalid percent: want a whole number 0-100)", args[1])
			}
			ev, err := evidencePaths(evidence)
			if err != nil {
				return err
			}
			return run(c, args[0], fmt.Sprintf("已报送进度 %d%% (progress recorded)", pct), func(wf *workflow.Service, a workflow.Actor, id int64) (*workflow.Outcome, error) {
				return wf.Progress(c.Context(), a, id, pct, note, ev)
			})
		},
	})
	progress.Flags().StringVar(&note, "note", "", "办理情况 (what was done)")
	progress.Flags().StringSliceVar(&evidence, "evidence", nil, "佐证材料文件（可重复） (evidence file, repeatable)")

	done := withAs(&cobra.Command{
		Use:   "done ID",
		Short: "标记完成（责任人） (mark done, owner)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			ev, err := evidencePaths(evidence)
			if err != nil {
				return err
			}
			return run(c, args[0], "已完成 (done)", func(wf *workflow.Service, a workflow.Actor, id int64) (*workflow.Outcome, error) {
				return wf.Done(c.Context(), a, id, note, ev)
			})
		},
	})
	done.Flags().StringVar(&note, "note", "", "办理情况 (what was done)")
	done.Flags().StringSliceVar(&evidence, "evidence", nil, "佐证材料文件（可重复） (evidence file, repeatable)")

	verify := withAs(&cobra.Command{
		Use:   "verify ID",
		Short: "销号（督查室） (close a done item, supervisor)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return run(c, args[0], "已销号 (verified)", func(wf *workflow.Service, a workflow.Actor, id int64) (*workflow.Outcome, error) {
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
					return usagef("--reason: 缺少理由 (missing)")
				}
				return run(c, args[0], what, func(wf *workflow.Service, a workflow.Actor, id int64) (*workflow.Outcome, error) {
					return fn(c.Context(), wf, a, id, reason)
				})
			},
		})
		cmd.Flags().StringVar(&reason, "reason", "", "理由（必填） (why, required)")
		return cmd
	}
	reopen := withReason("reopen ID", "退回已完成事项（督查室，须 --reason） (send a done item back, supervisor, with --reason)", "已退回 (sent back)",
		func(ctx context.Context, wf *workflow.Service, a workflow.Actor, id int64, reason string) (*workflow.Outcome, error) {
			return wf.Reopen(ctx, a, id, reason)
		})
	cancel := withReason("cancel ID", "撤销事项（督查室，须 --reason） (cancel, supervisor, with --reason)", "已撤销 (cancelled)",
		func(ctx context.Context, wf *workflow.Service, a workflow.Actor, id int64, reason string) (*workflow.Outcome, error) {
			return wf.Cancel(ctx, a, id, reason)
		})

	extend := withAs(&cobra.Command{
		Use:   "extend ID DATE",
		Short: "申请延期（须 --reason） (file an extension request, with --reason)",
		Args:  cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			d, err := domain.ParseDate(args[1])
			if err != nil {
				return usagef("DATE: 日期无效 (%v)", err)
			}
			if strings.TrimSpace(reason) == "" {
				return usagef("--reason: 缺少理由 (missing)")
			}
			return run(c, args[0], "已申请延期至 "+d.String()+" (extension to "+d.String()+" requested)", func(wf *workflow.Service, a workflow.Actor, id int64) (*workflow.Outcome, error) {
				return wf.RequestExtension(c.Context(), a, id, d, reason)
			})
		},
	})
	extend.Flags().StringVar(&reason, "reason", "", "理由（必填） (why, required)")
	decide := func(use, short string, approve bool) *cobra.Command {
		cmd := withAs(&cobra.Command{
			Use:   use + " ID",
			Short: short,
			Args:  cobra.ExactArgs(1),
			RunE: func(c *cobra.Command, args []string) error {
				if !approve && strings.TrimSpace(reason) == "" {
					return usagef("--reason: 缺少理由 (missing)")
				}
				what := "延期已批准 (extension approved)"
				if !approve {
					what = "延期未批准 (extension rejected)"
				}
				return run(c, args[0], what, func(wf *workflow.Service, a workflow.Actor, id int64) (*workflow.Outcome, error) {
					return wf.DecidePending(c.Context(), a, id, approve, reason)
				})
			},
		})
		cmd.Flags().StringVar(&reason, "reason", "", "理由 (why)")
		return cmd
	}
	return []*cobra.Command{progress, done, verify, reopen, cancel, extend, decide("approve", "批准待审批的延期申请（督查室） (approve the pending extension request, supervisor)", true),
		decide("reject", "不批准待审批的延期申请（督查室，须 --reason） (reject the pending extension request, supervisor, with --reason)", false),
		m.reassignCommand(), m.pendingCommand()}
}

// reassignCommand is `duban reassign --from KEY --to KEY2`: every open,
// in-progress or done item of one contact goes to another; both hear of it.
func (m *Main) reassignCommand() *cobra.Command {
	var from, to, as string
	c := &cobra.Command{
		Use:   "reassign --from KEY --to KEY2",
		Short: "转办：把联系人未办结的事项交给另一联系人（督查室） (move a contact's open items to another contact, supervisor)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if from == "" || to == "" {
				return usagef("--from, --to: 两者都必须给出 (both are required)")
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
			fmt.Fprintf(m.Stdout, "已转办 %d 项：%s → %s (reassigned %d item(s))\n", n, from, to, n)
			return nil
		},
	}
	c.Flags().StringVar(&from, "from", "", "原责任人的联系人标识 (contact key of the old owner)")
	c.Flags().StringVar(&to, "to", "", "新责任人的联系人标识 (contact key of the new owner)")
	c.Flags().StringVar(&as, "as", "", "以该联系人身份操作 (act as this contact)")
	return c
}

// pendingCommand is `duban pending`: done items awaiting 销号, oldest
// first, and pending extension requests, with their age.
func (m *Main) pendingCommand() *cobra.Command {
	var as string
	c := &cobra.Command{
		Use:   "pending",
		Short: "待销号事项和待审批的延期申请 (done items awaiting verification and pending extensions)",
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
			fmt.Fprintf(m.Stdout, "待销号 (awaiting verification): %d\n", len(p.Done))
			for _, d := range p.Done {
				fmt.Fprintf(m.Stdout, "  #%d %s · %s · %s · %d 天 (days)\n", d.Commitment.ID, d.Commitment.Title, d.By,
					d.DoneAt.In(m.loc()).Format(time.DateOnly), d.Days)
			}
			fmt.Fprintf(m.Stdout, "待审批延期 (pending extensions): %d\n", len(p.Extensions))
			for _, e := range p.Extensions {
				fmt.Fprintf(m.Stdout, "  #%d %s · %s · %s → %s · %d 天 (days)\n", e.Commitment.ID, e.Commitment.Title, e.Requester,
					e.Extension.OldDue, e.Extension.RequestedDue, e.Days)
			}
			return nil
		},
	}
	c.Flags().StringVar(&as, "as", "", "以该联系人身份操作 (act as this contact)")
	return c
}

// evidencePaths checks that evidence files exist and returns their absolute
// paths.
func evidencePaths(files []string) ([]string, error) {
	var out []string
	for _, f := range files {
		if _, err := os.Stat(f); err != nil {
			return nil, usagef("--evidence: 无法读取文件 (%v)", err)
		}
		abs, err := filepath.Abs(f)
		if err != nil {
			return nil, err
		}
		out = append(out, abs)
	}
	return out, nil
}
