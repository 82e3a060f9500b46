package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"duban/store"
	"duban/store/storetest"
	"duban/workflow/workflowtest"
)

// TestMatrixThroughTheCLI drives the workflow's matrix through the command
// line, with --as for each contact and without it for the administrator:
// every case reaches the same outcome as through the workflow and the bot,
// and a refusal exits 2 and changes nothing.
func TestMatrixThroughTheCLI(t *testing.T) {
	for _, backend := range storetest.Backends {
		t.Run(storetest.Name(backend), func(t *testing.T) {
			url := storetest.URL(t, backend)
			db, err := store.Open(context.Background(), url)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Migrate(context.Background()); err != nil {
				t.Fatal(err)
			}
			cases := workflowtest.Seed(t, db)
			for _, c := range cases {
				t.Run(c.Name(), func(t *testing.T) {
					id := fmt.Sprint(c.ID)
					args := map[string][]string{
						workflowtest.Progress: {"progress", id, "50", "--note", "进展"},
						workflowtest.Done:     {"done", id, "--note", "已完成"},
						workflowtest.Verify:   {"verify", id},
						workflowtest.SendBack: {"reopen", id, "--reason", "照片不清晰"},
						workflowtest.Cancel:   {"cancel", id, "--reason", "不再需要"},
						workflowtest.Extend:   {"extend", id, workflowtest.NewDue.String(), "--reason", "需要更多时间"},
						workflowtest.Approve:  {"approve", id},
						workflowtest.Reject:   {"reject", id, "--reason", "理由不足"},
						workflowtest.Edit:     nil,
					}[c.UseCase]
					if args == nil {
						t.Skip("no edit command here")
					}
					if c.Actor != workflowtest.Admin {
						args = append(args, "--as", workflowtest.Contacts[c.Actor].Key)
					}
					before := workflowtest.Snapshot(t, db, c.ID)
					var out, errOut bytes.Buffer
					m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut,
						Getenv: func(string) string { return "" }, Now: func() time.Time { return workflowtest.Now }}
					code := m.Run(context.Background(), append([]string{"--db", url}, args...))
					changed := workflowtest.Snapshot(t, db, c.ID) != before
					got := "error"
					switch {
					case code == 0 && changed:
						got = workflowtest.OK
					case code == 2 && !changed && strings.Contains(errOut.String(), "not found"):
						got = workflowtest.NotFound
					case code == 2 && !changed && strings.Contains(errOut.String(), "only the supervision office"):
						got = workflowtest.Forbidden
					case code == 2 && !changed:
						got = workflowtest.Invalid
					}
					if got != c.Want {
						t.Errorf("outcome %s (exit %d: %s), want %s", got, code, errOut.String(), c.Want)
					}
				})
			}
		})
	}
}
