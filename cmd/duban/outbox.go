package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

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
	Attempts    int        `json:"attempts"`
	DueAt       time.Time  `json:"due_at"`
	NextAttempt time.Time  `json:"next_attempt_at"`
	SentAt      *time.Time `json:"sent_at,omitempty"`
	DeadAt      *time.Time `json:"dead_at,omitempty"`
	BatchID     int64      `json:"batch_id,omitempty"`
	LastError   string     `json:"last_error"`
	DedupKey    string     `json:"dedup_key"`
}

var outboxHeader = []string{"ID", "STATE", "KIND", "CHAT", "ATTEMPTS", "DUE", "NEXT", "LAST ERROR"}

func (m *Main) outboxCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "outbox",
		Short: "look at the outbox (what was, is to be, or could not be sent) and queue dead messages again",
	}
	var state, format string
	var limit int
	list := &cobra.Command{
		Use:   "list",
		Short: "outbox rows with their last error, oldest first",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			switch state {
			case "", store.StatePending, store.StateSent, store.StateFailed, store.StateDead, store.StateDropped, store.StateBatched:
			default:
				return usagef("--state: want dead, pending, failed, sent, dropped or batched, got %q", state)
			}
			if format != "table" && format != "json" {
				return usagef("--format: want table or json, got %q", format)
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
						Contact: n.ContactID, ChatID: n.ChatID, Attempts: n.Attempts, DueAt: n.DueAt.UTC(),
						NextAttempt: n.NextAttemptAt.UTC(), SentAt: n.SentAt, DeadAt: n.DeadAt, BatchID: n.BatchID,
						LastError: n.LastError, DedupKey: n.DedupKey}
				}
				enc := json.NewEncoder(m.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(rows)
			}
			loc := m.loc()
			rows := make([][]string, len(ns))
			for i, n := range ns {
				next := ""
				if n.State == store.StatePending {
					next = n.NextAttemptAt.In(loc).Format("01-02 15:04:05")
				}
				rows[i] = []string{"#" + strconv.FormatInt(n.ID, 10), n.State, n.Kind, strconv.FormatInt(n.ChatID, 10),
					strconv.Itoa(n.Attempts), n.DueAt.In(loc).Format("2006-01-02 15:04"), next, oneLine(n.LastError)}
			}
			writeTable(m.Stdout, outboxHeader, rows)
			fmt.Fprintf(m.Stderr, "%d row(s)\n", len(ns))
			return nil
		},
	}
	list.Flags().StringVar(&state, "state", "", "only rows in this state: dead, pending, failed, sent, dropped, batched")
	list.Flags().StringVar(&format, "format", "table", "table or json")
	list.Flags().IntVar(&limit, "limit", 0, "at most this many rows (0: all)")

	var dead bool
	retry := &cobra.Command{
		Use:   "retry ID...|--dead",
		Short: "queue dead or failed messages again, to their contact's current chat",
		RunE: func(c *cobra.Command, args []string) error {
			if dead == (len(args) > 0) {
				return usagef("retry: give message ids or --dead, not both")
			}
			ids := make([]int64, len(args))
			for i, a := range args {
				id, err := strconv.ParseInt(strings.TrimPrefix(a, "#"), 10, 64)
				if err != nil || id <= 0 {
					return usagef("retry: %q is not a message id", a)
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
			fmt.Fprintf(m.Stdout, "已重新排队 %d 条消息 (queued %d message(s) again); `duban serve` or `duban remind` sends them\n", n, n)
			if !dead && n < len(ids) {
				fmt.Fprintf(m.Stderr, "%d id(s) were not dead or failed and were left alone\n", len(ids)-n)
			}
			return nil
		},
	}
	retry.Flags().BoolVar(&dead, "dead", false, "every dead message")
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
