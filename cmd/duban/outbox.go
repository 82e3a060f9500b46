package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"duban/domain"
	"duban/store"
)

// outboxRow is one outbox row as `outbox list --format json` prints it.
type outboxRow struct {
	ID          int64      `json:"id"`
	State       string     `json:"state"`
	Kind        string     `json:"kind"`
	Stage       string     `json:"stage,omitempty"`
	Commitment  int64      `json:"commitment_id,omitempty"`
	Contact     int64      `json:"contact_id,omitempty"`
	ChatID      int64      `json:"chat_id"`
	Channel     string     `json:"channel,omitempty"`
	Address     string     `json:"address,omitempty"`
	Attempts    int        `json:"attempts"`
	DueAt       time.Time  `json:"due_at"`
	NextAttempt time.Time  `json:"next_attempt_at"`
	SentAt      *time.Time `json:"sent_at,omitempty"`
	DeadAt      *time.Time `json:"dead_at,omitempty"`
	BatchID     int64      `json:"batch_id,omitempty"`
	LastError   string     `json:"last_error"`
	DedupKey    string     `json:"dedup_key"`
}

// outboxHeader is the table's header in lang.
func outboxHeader(lang string) []string {
	out := []string{word("id", lang)}
	for _, k := range []string{"outbox.state", "outbox.kind", "outbox.channel", "outbox.to", "outbox.attempts"} {
		out = append(out, word(k, lang))
	}
	return append(out, word("due", lang), word("outbox.next", lang), word("outbox.error", lang))
}

// outboxChannel is the channel of a row as the table shows it: the one
// that carried it, or before it is sent how it will go.
func outboxChannel(n store.Notification, lang string) string {
	switch n.Channel {
	case "":
		return "telegram"
	case store.ChannelAuto:
		if lang == "en" {
			return "by contact"
		}
		return "按联系人"
	}
	return n.Channel
}

// outboxTo is whom a row goes to: the e-mail address of an office copy,
// the contact, or the chat.
func outboxTo(n store.Notification) string {
	switch {
	case n.Address != "":
		return n.Address
	case n.Channel != "" && n.Channel != "telegram" && n.ContactID != 0:
		return "contact " + strconv.FormatInt(n.ContactID, 10)
	case n.Channel != "" && n.Channel != "telegram":
		return "督查室"
	}
	return strconv.FormatInt(n.ChatID, 10)
}

func (m *Main) outboxCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "outbox",
		Short: "发件箱：查看已发送、待发送和无法送达的消息，重新排队 (look at the outbox: what was, is to be, or could not be sent; queue dead messages again)",
	}
	var state, format string
	var limit int
	list := &cobra.Command{
		Use:   "list",
		Short: "列出发件箱消息及最后错误，最早的在前 (outbox rows with their last error, oldest first)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			switch state {
			case "", store.StatePending, store.StateSent, store.StateFailed, store.StateDead, store.StateDropped, store.StateBatched:
			default:
				return usagef("--state: 应为 dead、pending、failed、sent、dropped 或 batched，而不是 %q (want dead, pending, failed, sent, dropped or batched)", state)
			}
			if format != "table" && format != "json" {
				return usagef("--format: 应为 table 或 json，而不是 %q (want table or json)", format)
			}
			db, err := m.store(c.Context())
			if err != nil {
				return err
			}
			ns, err := db.Notifications(c.Context(), store.OutboxFilter{State: state, Limit: limit})
			if err != nil {
				return err
			}
			if format == "json" {
				rows := make([]outboxRow, len(ns))
				for i, n := range ns {
					rows[i] = outboxRow{ID: n.ID, State: n.State, Kind: n.Kind, Stage: n.Stage, Commitment: n.CommitmentID,
						Contact: n.ContactID, ChatID: n.ChatID, Channel: n.Channel, Address: n.Address, Attempts: n.Attempts, DueAt: n.DueAt.UTC(),
						NextAttempt: n.NextAttemptAt.UTC(), SentAt: n.SentAt, DeadAt: n.DeadAt, BatchID: n.BatchID,
						LastError: n.LastError, DedupKey: n.DedupKey}
				}
				enc := json.NewEncoder(m.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(rows)
			}
			loc, lang := m.loc(), m.lang()
			rows := make([][]string, len(ns))
			for i, n := range ns {
				next := ""
				if n.State == store.StatePending {
					next = n.NextAttemptAt.In(loc).Format("01-02 15:04:05")
				}
				rows[i] = []string{"#" + strconv.FormatInt(n.ID, 10), word("state."+n.State, lang), domain.KindName(n.Kind, lang),
					outboxChannel(n, lang), outboxTo(n), strconv.Itoa(n.Attempts), n.DueAt.In(loc).Format("2006-01-02 15:04"), next, oneLine(n.LastError)}
			}
			writeTable(m.Stdout, outboxHeader(lang), rows)
			fmt.Fprintf(m.Stderr, word("outbox.rows", lang)+"\n", len(ns))
			return nil
		},
	}
	list.Flags().StringVar(&state, "state", "", "只列此状态：dead、pending、failed、sent、dropped、batched (only rows in this state)")
	list.Flags().StringVar(&format, "format", "table", "table 或 json (table or json)")
	list.Flags().IntVar(&limit, "limit", 0, "最多列出的条数，0 为全部 (at most this many rows; 0: all)")

	var dead bool
	retry := &cobra.Command{
		Use:   "retry ID...|--dead",
		Short: "把无法送达或失败的消息重新排队，发往联系人当前的渠道 (queue dead or failed messages again, to their contact's current chat or channel)",
		RunE: func(c *cobra.Command, args []string) error {
			if dead == (len(args) > 0) {
				return usagef("retry: 请给出消息编号或 --dead，二者选一 (give message ids or --dead, not both)")
			}
			ids := make([]int64, len(args))
			for i, a := range args {
				id, err := strconv.ParseInt(strings.TrimPrefix(a, "#"), 10, 64)
				if err != nil || id <= 0 {
					return usagef("retry: %q 不是消息编号 (not a message id)", a)
				}
				ids[i] = id
			}
			db, err := m.store(c.Context())
			if err != nil {
				return err
			}
			var n int
			if dead {
				n, err = db.RetryDead(c.Context())
			} else {
				n, err = db.RetryNotifications(c.Context(), ids...)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "已重新排队 %d 条消息，由 duban serve 或 duban remind 发送 (queued %d message(s) again; `duban serve` or `duban remind` sends them)\n", n, n)
			if !dead && n < len(ids) {
				fmt.Fprintf(m.Stderr, "%d 条不是无法送达或失败的消息，未改动 (%d id(s) were not dead or failed and were left alone)\n", len(ids)-n, len(ids)-n)
			}
			return nil
		},
	}
	retry.Flags().BoolVar(&dead, "dead", false, "所有无法送达的消息 (every dead message)")
	c.AddCommand(list, retry)
	return c
}

// oneLine makes a last error fit a table cell.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 120 {
		s = string(r[:119]) + "…"
	}
	return s
}
