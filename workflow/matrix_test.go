package workflow_test

import (
	"context"
	"testing"

	"duban/store"
	"duban/store/storetest"
	"duban/workflow/workflowtest"
)

// TestMatrix drives every (use case × actor × scope × status) through the
// workflow: the outcome is the oracle's, and a refused case changes
// nothing at all.
func TestMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cases := workflowtest.Seed(t, db)
		wf := workflowtest.Service(db)
		for _, c := range cases {
			t.Run(c.Name(), func(t *testing.T) {
				before := workflowtest.Snapshot(t, db, c.ID)
				err := workflowtest.Run(ctx, wf, workflowtest.Actor(t, db, c.Actor), c)
				if got := workflowtest.Outcome(err); got != c.Want {
					t.Fatalf("outcome %s (%v), want %s", got, err, c.Want)
				}
				after := workflowtest.Snapshot(t, db, c.ID)
				if c.Want != workflowtest.OK && after != before {
					t.Errorf("a refused change changed %s to %s", before, after)
				}
				if c.Want == workflowtest.OK && after == before {
					t.Errorf("an allowed change changed nothing")
				}
			})
		}
	})
}
