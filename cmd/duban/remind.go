package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"duban/notify"
)

func (m *Main) remindCommand() *cobra.Command {
	var at string
	var dryRun bool
	c := &cobra.Command{
		Use:   "remind",
		Short: "one reminder scan at TIME (default now), then delivery of what it enqueued",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			now := m.Now()
			if at != "" {
				t, err := time.Parse(time.RFC3339, at)
				if err != nil {
					return usagef("--at: want RFC 3339 like 2024-06-21T09:00:00+08:00, got %q", at)
				}
				now = t
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
				for _, n := range res.Reminders {
					to := fmt.Sprintf("chat %d", n.ChatID)
					if n.DeadReason != "" {
						to = "nobody (" + n.DeadReason + ")"
					}
					fmt.Fprintf(m.Stdout, "── would send %s %s to %s ──\n%s\n\n", n.Kind, n.Stage, to, strings.TrimSpace(notify.StripHTML(n.Body)))
				}
				fmt.Fprintf(m.Stdout, "dry run: %d reminder(s) for %d commitment(s); nothing written\n", len(res.Reminders), res.Commitments)
				return nil
			}
			st, err := p.dispatcher.RunOnce(c.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stderr, "remind: scanned %d commitment(s), enqueued %d, sent %d, dead %d, to retry %d\n",
				res.Commitments, res.Enqueued, st.Sent, st.Dead, st.Retried+st.RateLimited+st.Released)
			return nil
		},
	}
	c.Flags().StringVar(&at, "at", "", "scan as of TIME (RFC 3339)")
	c.Flags().BoolVar(&dryRun, "dry-run", false, "print what would be sent, change nothing")
	return c
}
