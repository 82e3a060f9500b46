package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"duban/dispatch"
	"duban/domain"
	"duban/notify"
)

func (m *Main) remindCommand() *cobra.Command {
	var at string
	var dryRun bool
	var wait time.Duration
	c := &cobra.Command{
		Use:   "remind",
		Short: "按时刻扫描一次提醒（默认现在）并发送入队的消息 (one reminder scan at TIME, default now, then delivery of what it enqueued)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			now := m.Now()
			if at != "" {
				t, err := time.Parse(time.RFC3339, at)
				if err != nil {
					return usagef("--at: 时刻 %q 无效，应为 RFC 3339 格式，如 2024-06-21T09:00:00+08:00 (want RFC 3339)", at)
				}
				now = t
			}
			if wait < 0 {
				return usagef("--wait: 不能为负，而是 %s (want 0 or more)", wait)
			}
			p, err := m.build(c.Context())
			if err != nil {
				return err
			}
			res, err := p.scanner.Scan(c.Context(), now, dryRun)
			if err != nil {
				return err
			}
			if dryRun {
				// Whole lines in the configured language: each heads a
				// message written in it.
				zh := m.lang() != "en"
				for _, n := range res.Reminders {
					body := strings.TrimSpace(notify.StripHTML(n.Body))
					switch {
					case zh && n.DeadReason != "":
						fmt.Fprintf(m.Stdout, "── 将发送%s（%s），但无人可收（%s） ──\n%s\n\n", domain.KindName(n.Kind, "zh"), n.Stage, n.DeadReason, body)
					case zh:
						fmt.Fprintf(m.Stdout, "── 将发送%s（%s）到会话 %d ──\n%s\n\n", domain.KindName(n.Kind, "zh"), n.Stage, n.ChatID, body)
					case n.DeadReason != "":
						fmt.Fprintf(m.Stdout, "── would send %s %s to nobody (%s) ──\n%s\n\n", n.Kind, n.Stage, n.DeadReason, body)
					default:
						fmt.Fprintf(m.Stdout, "── would send %s %s to chat %d ──\n%s\n\n", n.Kind, n.Stage, n.ChatID, body)
					}
				}
				fmt.Fprintf(m.Stdout, "试运行：%d 项事项共 %d 条提醒，未写入 (dry run: %d reminder(s) for %d commitment(s); nothing written)\n",
					res.Commitments, len(res.Reminders), len(res.Reminders), res.Commitments)
				return nil
			}
			clock := mainClock{m}
			p.dispatcher.Clock = clock
			if p.channel != nil {
				// Telegram was unreachable: keep trying while we wait.
				cctx, cancel := context.WithCancel(c.Context())
				defer cancel()
				go p.channel.Run(cctx)
			}
			st, pending, next, err := deliverFor(c.Context(), p.dispatcher, clock, wait)
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stderr, "remind: 扫描 %d 项，入队 %d 条，已发送 %d 条，无法送达 %d 条 (scanned %d commitment(s), enqueued %d, sent %d, dead %d)\n",
				res.Commitments, res.Enqueued, st.Sent, st.Dead, res.Commitments, res.Enqueued, st.Sent, st.Dead)
			if pending > 0 {
				at := next.In(m.loc()).Format("2006-01-02 15:04:05")
				fmt.Fprintf(m.Stderr, "remind: 仍有 %d 条待发送，下次尝试 %s；`duban serve` 或再次 `duban remind` 会发送，原因见 `duban outbox list --state pending` "+
					"(still pending %d, next attempt %s: `duban serve` or another `duban remind` sends them; `duban outbox list --state pending` shows why)\n",
					pending, at, pending, at)
			}
			return nil
		},
	}
	c.Flags().StringVar(&at, "at", "", "按此时刻扫描（RFC 3339） (scan as of TIME, RFC 3339)")
	c.Flags().BoolVar(&dryRun, "dry-run", false, "只显示将发送的内容，不写入 (print what would be sent, change nothing)")
	c.Flags().DurationVar(&wait, "wait", time.Minute, "遇到限流或暂时故障时最多等待这么久 (wait out rate limits and transient failures for up to this long)")
	return c
}

// deliverFor sends the outbox, waiting for retries (a 429's retry_after, a
// backoff) that fall due within wait, and returns what it did, how many
// rows are still pending and when the next of them may go.
func deliverFor(ctx context.Context, d *dispatch.Dispatcher, clock dispatch.Clock, wait time.Duration) (dispatch.Stats, int, time.Time, error) {
	var total dispatch.Stats
	deadline := clock.Now().Add(wait)
	for {
		st, err := d.RunOnce(ctx)
		total = addStats(total, st)
		if err != nil {
			return total, 0, time.Time{}, err
		}
		next, ok, err := d.DB.NextAttempt(ctx)
		if err != nil {
			return total, 0, time.Time{}, err
		}
		if !ok {
			return total, 0, time.Time{}, nil
		}
		if next.After(deadline) || !clock.Now().Before(deadline) {
			depth, err := d.DB.OutboxDepth(ctx)
			return total, depth["pending"], next, err
		}
		// Rows leased by another process show their lease's end; a short
		// pause keeps a loop over them from spinning.
		pause := max(next.Sub(clock.Now()), 100*time.Millisecond)
		if err := clock.Sleep(ctx, min(pause, deadline.Sub(clock.Now()))); err != nil {
			return total, 0, time.Time{}, err
		}
	}
}

func addStats(a, b dispatch.Stats) dispatch.Stats {
	return dispatch.Stats{Claimed: a.Claimed + b.Claimed, Sent: a.Sent + b.Sent, Retried: a.Retried + b.Retried,
		RateLimited: a.RateLimited + b.RateLimited, Migrated: a.Migrated + b.Migrated, Dead: a.Dead + b.Dead,
		Released: a.Released + b.Released}
}

// mainClock is Main's clock as the dispatcher's: Now from Main, Sleep from
// Main or a real timer.
type mainClock struct{ m *Main }

func (c mainClock) Now() time.Time { return c.m.Now() }

func (c mainClock) Sleep(ctx context.Context, d time.Duration) error {
	if c.m.Sleep != nil {
		return c.m.Sleep(ctx, d)
	}
	return dispatch.SystemClock{}.Sleep(ctx, d)
}
