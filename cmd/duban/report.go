package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/spf13/cobra"

	"duban/bot"
	"duban/config"
	"duban/report"
	"duban/scheduler"
	"duban/store"
)

// serveReporter is the bot's /report in serve.
func serveReporter(p *parts) bot.Reporter {
	return reportSender{cfg: p.cfg, db: func(context.Context) (*store.DB, error) { return p.db, nil }}
}

// chatReporter is the bot's /report in `duban chat`.
func (m *Main) chatReporter() bot.Reporter {
	return reportSender{db: m.store, config: m.config}
}

// reportSender is the bot's Reporter: the report package bound to a
// database and a configuration.
type reportSender struct {
	cfg    *config.Config
	config func() (*config.Config, error) // when cfg is not loaded yet
	db     func(context.Context) (*store.DB, error)
}

// SendMonthly queues the report of month for chatID and returns the note
// for the person who asked.
func (s reportSender) SendMonthly(ctx context.Context, month string, chatID int64) (string, error) {
	cfg := s.cfg
	if cfg == nil {
		var err error
		if cfg, err = s.config(); err != nil {
			return "", err
		}
	}
	db, err := s.db(ctx)
	if err != nil {
		return "", err
	}
	return report.SendMonthly(ctx, db, cfg, month, chatID)
}

// reportEntries are serve's weekly digest (schedule.digest) and monthly
// report (schedule.monthly_report) jobs. Both are idempotent by their dedup
// keys. The monthly report also runs when a replica becomes the leader,
// so that one missed while no duban ran goes out late rather than never;
// it does nothing before this month's scheduled time.
func reportEntries(p *parts) []scheduler.Entry {
	cfg, db, log := p.cfg, p.db, p.log
	monthly, err := cron.ParseStandard(cfg.Schedule.MonthlyReport)
	return []scheduler.Entry{
		{Name: "digest", Spec: cfg.Schedule.Digest, Job: func(ctx context.Context, now time.Time) error {
			n, err := report.EnqueueDigest(ctx, db, cfg, now)
			if n > 0 {
				log.Info("weekly digest queued")
			}
			return err
		}},
		{Name: "monthly report", Spec: cfg.Schedule.MonthlyReport, AtStart: true, Job: func(ctx context.Context, now time.Time) error {
			local := now.In(cfg.Location)
			first := time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, cfg.Location)
			if err == nil && now.Before(monthly.Next(first.Add(-time.Second))) {
				return nil // this month's report is not due yet
			}
			month := report.MonthBefore(now, cfg.Location).String()
			n, err := report.EnqueueMonthly(ctx, db, cfg, month)
			if n > 0 {
				log.Info("monthly report queued", "month", month, "messages", n)
			}
			return err
		}},
	}
}

func (m *Main) reportCommand() *cobra.Command {
	var month, format, out string
	var send, partial, rebuild bool
	c := &cobra.Command{
		Use:   "report",
		Short: "月报（默认上月），--send 排队发往督查群 (the monthly report, default the month just ended; --send queues it for the supervision chat)",
		Long: `打印 --month 月（YYYY-MM，默认上月）的月报，数据截至该月最后一天 24:00。text、md 和 csv
默认输出到标准输出，--out 可指定文件；xlsx 和 png 必须用 --out。--send 把文本、xlsx 和 png
排队发往 telegram.supervision_chat_id，每月一次（由 duban serve 发送）；只用 --send 而不给
--format 时只打印确认。尚未结束的月份须加 --partial（报告截至现在，并注明）。

Prints the monthly report of --month (YYYY-MM, default the month just ended), as it
stood at 24:00 on its last day. text, md and csv go to standard output unless --out
names a file; xlsx and png need --out. --send queues the text, the xlsx and the png
for telegram.supervision_chat_id once per month (duban serve delivers them); with
--send and no --format nothing is printed but a confirmation. A month not yet
over is refused unless --partial (then the report is as of now, and says so).`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if !slices.Contains(report.Formats, format) {
				return usagef("--format: 应为 text、md、csv、xlsx 或 png，而非 %q (want text, md, csv, xlsx or png)", format)
			}
			if send && partial {
				return usagef("--send: 不能与 --partial 同用：月报在月底之后发送 (--send cannot be used with --partial)")
			}
			render := !send || c.Flags().Changed("format") || out != ""
			if render && (format == "xlsx" || format == "png") && out == "" {
				return usagef("--format %s: 须用 --out 指定文件 (needs --out FILE)", format)
			}
			cfg, err := m.config()
			if err != nil {
				return err
			}
			mo := report.MonthBefore(m.Now(), cfg.Location)
			if month != "" {
				if mo, err = report.ParseMonth(month); err != nil {
					return usagef("--month: 月份无效 (%v)", err)
				}
			}
			db, err := m.store(c.Context())
			if err != nil {
				return err
			}
			start := time.Now()
			progress := func(format string, args ...any) {
				if m.IsTerminal {
					fmt.Fprintf(m.Stderr, "月报 (report) %s: %s (%.1fs)\n", mo, fmt.Sprintf(format, args...), time.Since(start).Seconds())
				}
			}
			if send {
				progress("正在排队文本、xlsx 和 png (queueing text, xlsx and png)")
				n, err := report.EnqueueMonthly(c.Context(), db, cfg, mo.String())
				if err != nil {
					return err
				}
				switch {
				case cfg.Telegram.SupervisionChatID == 0:
					fmt.Fprintf(m.Stderr, "duban: telegram.supervision_chat_id: 未设置，%s 月报的 %d 条消息记为无法送达 (not set; report %s: %d message(s) recorded as undeliverable)\n", mo, n, mo, n)
				case n == 0:
					fmt.Fprintf(m.Stdout, "%s 月报已排队过，不再重复 (report %s: already queued, not queued again)\n", mo, mo)
				default:
					fmt.Fprintf(m.Stdout, "%s 月报已排队 %d 条消息，发往会话 %d (report %s: %d message(s) queued for chat %d)\n",
						mo, n, cfg.Telegram.SupervisionChatID, mo, n, cfg.Telegram.SupervisionChatID)
				}
				if !render {
					return nil
				}
			}
			opts := report.OptionsFor(cfg, mo)
			opts.Logger = m.log()
			opts.Now, opts.Partial, opts.Rebuild = m.Now(), partial, rebuild
			progress("正在统计 (counting)")
			r, err := report.Build(c.Context(), db, opts)
			if err != nil {
				return err
			}
			progress("正在生成 %s (writing %s)", format, format)
			if err := m.writeReport(c, r, format, out); err != nil {
				return err
			}
			progress("完成 (done)")
			return nil
		},
	}
	c.Flags().StringVar(&month, "month", "", "月份 YYYY-MM，默认上月 (the month, YYYY-MM; default: the month just ended)")
	c.Flags().StringVar(&format, "format", "text", "输出格式：text、md、csv、xlsx 或 png (text, md, csv, xlsx or png)")
	c.Flags().StringVar(&out, "out", "", "写入文件而非标准输出，xlsx 和 png 必须指定 (write to FILE instead of standard output; required for xlsx and png)")
	c.Flags().BoolVar(&partial, "partial", false, "尚未结束的月份：统计截至现在，标题注明“截至” (a month not yet over: the figures so far, titled 截至 now)")
	c.Flags().BoolVar(&rebuild, "rebuild", false, "重新统计过去的月份，不读月末快照 (recount a past month instead of reading its month-end snapshot)")
	c.Flags().BoolVar(&send, "send", false, "把文本、xlsx 和 png 排队发往督查群，每月一次 (queue the text, xlsx and png for the supervision chat, once per month)")
	return c
}

// writeReport renders r to the file out, or to standard output.
func (m *Main) writeReport(c *cobra.Command, r *report.Report, format, out string) error {
	var w io.Writer = m.Stdout
	var f *os.File
	if out != "" {
		var err error
		if f, err = os.Create(out); err != nil {
			return usagef("--out: 无法创建文件 (%v)", err)
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	if err := r.Render(c.Context(), format, bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if f != nil {
		return f.Close()
	}
	return nil
}
