package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"duban/domain"
	"duban/store"
	"duban/store/storetest"
	"duban/workflow"
)

// officeFeed fetches the supervisor ducha's calendar feed (the whole
// office's), checks its RFC 5545 framing and parses it.
func officeFeed(t *testing.T, e *env) *ics.Calendar {
	t.Helper()
	ct, err := e.db.Contact(context.Background(), "ducha")
	if err != nil {
		t.Fatal(err)
	}
	gen, err := e.db.ICSGeneration(context.Background(), ct.ID)
	if err != nil {
		t.Fatal(err)
	}
	b := e.browser().get("/ics/" + e.srv.Links().ICSToken(ct.ID, gen) + ".ics").want(http.StatusOK)
	if ctype := b.resp.Header.Get("Content-Type"); ctype != "text/calendar; charset=utf-8" {
		t.Errorf("Content-Type %q", ctype)
	}
	if !strings.HasSuffix(b.body, "\r\n") {
		t.Error("the feed does not end with CRLF")
	}
	for i, line := range strings.Split(strings.TrimSuffix(b.body, "\r\n"), "\r\n") {
		if strings.ContainsAny(line, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i+1, line)
		}
		if len(line) > 75 {
			t.Errorf("line %d is %d octets, more than 75: %q", i+1, len(line), line)
		}
	}
	cal, err := ics.ParseCalendar(strings.NewReader(b.body))
	if err != nil {
		t.Fatalf("golang-ical cannot parse the feed: %v\n%s", err, b.body)
	}
	return cal
}

// dueCommitments are the commitments with a due date that the feed lists
// (not cancelled), by id.
func dueCommitments(t *testing.T, db *store.DB) map[int64]*domain.Commitment {
	t.Helper()
	out := map[int64]*domain.Commitment{}
	err := db.List(context.Background(), store.Filter{}, func(c *domain.Commitment) error {
		if !c.Due.IsZero() && c.Status != domain.Cancelled {
			out[c.ID] = c
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestOfficeCalendarFeed(t *testing.T) {
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			e := newEnv(t, backend, "http://duban.test")
			due := dueCommitments(t, e.db)
			if len(due) < 5 {
				t.Fatalf("the example has %d dated commitments", len(due))
			}
			uids := map[int64]string{}
			t.Run("the office feed parses and holds one all-day event per due commitment", func(t *testing.T) {
				events := officeFeed(t, e).Events()
				if len(events) != len(due) {
					t.Fatalf("%d events, want %d (one per due commitment)", len(events), len(due))
				}
				seen := map[string]bool{}
				for _, ev := range events {
					uid := ev.Id()
					if seen[uid] {
						t.Errorf("UID %s appears twice", uid)
					}
					seen[uid] = true
					var id int64
					if _, err := fmt.Sscanf(uid, "commitment-%d@duban.test", &id); err != nil || due[id] == nil {
						t.Errorf("UID %q names no due commitment", uid)
						continue
					}
					uids[id] = uid
					start, err := ev.GetAllDayStartAt()
					if err != nil {
						t.Errorf("%s: DTSTART: %v", uid, err)
						continue
					}
					if got, want := start.Format("2006-01-02"), due[id].Due.String(); got != want {
						t.Errorf("%s starts %s, want the due date %s", uid, got, want)
					}
					if p := ev.GetProperty(ics.ComponentPropertyDtStart); p == nil || len(p.ICalParameters["VALUE"]) != 1 || p.ICalParameters["VALUE"][0] != "DATE" {
						t.Errorf("%s: DTSTART is not an all-day date", uid)
					}
					if s := ev.GetProperty(ics.ComponentPropertySummary); s == nil || !strings.Contains(s.Value, due[id].Title) {
						t.Errorf("%s: summary %v lacks %q", uid, s, due[id].Title)
					}
				}
			})
			t.Run("the UIDs are stable from one fetch to the next", func(t *testing.T) {
				for _, ev := range officeFeed(t, e).Events() {
					var id int64
					fmt.Sscanf(ev.Id(), "commitment-%d@duban.test", &id)
					if uids[id] != ev.Id() {
						t.Errorf("UID %q, first fetched as %q", ev.Id(), uids[id])
					}
				}
			})
			t.Run("an open item's event has alarms at the lead days", func(t *testing.T) {
				for _, ev := range officeFeed(t, e).Events() {
					if strings.HasPrefix(ev.Id(), "commitment-2@") && len(ev.Alarms()) == 0 {
						t.Error("the restoration's event has no alarm")
					}
				}
			})
			t.Run("moving a due date moves the event: same UID, new DTSTART", func(t *testing.T) {
				const id = 2 // 凤岗村 restoration, due 2024-06-30
				e.clock.Add(time.Hour)
				newDue := domain.NewDate(2024, 9, 30)
				wf := &workflow.Service{DB: e.db, Loc: mustShanghai(), WarnDays: 7}
				if _, err := wf.Edit(context.Background(), workflow.Admin(), id, workflow.Edit{Due: &newDue, Reason: "延期至三季度末"}); err != nil {
					t.Fatal(err)
				}
				events := officeFeed(t, e).Events()
				if len(events) != len(due) {
					t.Fatalf("%d events after the move, want %d", len(events), len(due))
				}
				found := false
				for _, ev := range events {
					if ev.Id() != uids[id] {
						continue
					}
					found = true
					start, err := ev.GetAllDayStartAt()
					if err != nil || start.Format("2006-01-02") != "2024-09-30" {
						t.Errorf("the moved event starts %v (%v), want 2024-09-30", start, err)
					}
				}
				if !found {
					t.Errorf("no event with the UID %s after the move", uids[id])
				}
			})
		})
	}
}
