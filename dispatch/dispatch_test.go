package dispatch

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"duban/domain"
	"duban/store"
	"duban/store/storetest"
	"duban/telegram/telegramtest"
)

// outcomes is an Observer that remembers the outcomes it is told.
type outcomes struct {
	mu  sync.Mutex
	got []string
}

func (o *outcomes) Delivered(kind, outcome string, latency time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.got = append(o.got, outcome)
}

func (o *outcomes) list() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.got...)
}

func TestDeliversMessagesWithButtonsAndAttachments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		text := f.enqueue(42, "Reminder: due in 7 days", func(n *store.Notification) {
			n.Buttons = [][]store.Button{{{Text: "Done", Data: "done:1"}, {Text: "Progress", Data: "progress:1"}}}
		})
		doc := f.enqueue(42, "Monthly report", func(n *store.Notification) {
			n.AttachmentKind, n.AttachmentName, n.Attachment = "document", "report.csv", []byte("id,title\n1,x\n")
		})
		st := f.runOnce()
		if st.Sent != 2 || st.Claimed != 2 {
			t.Fatalf("stats %+v, want 2 claimed and sent", st)
		}
		got := f.srv.SentTo(42)
		if len(got) != 2 {
			t.Fatalf("delivered %d messages, want 2", len(got))
		}
		if got[0].Text != "Reminder: due in 7 days" || got[0].ReplyMarkup == nil ||
			got[0].ReplyMarkup.InlineKeyboard[0][1].Text != "Progress" {
			t.Errorf("first message %+v, want the reminder with its buttons", got[0])
		}
		if got[1].Method != "sendDocument" || got[1].FileName != "report.csv" || got[1].Caption != "Monthly report" {
			t.Errorf("second message %+v, want the report as a document", got[1])
		}
		for i, id := range []int64{text, doc} {
			n := f.row(id)
			if n.State != store.StateSent || n.MessageID != got[i].MessageID || n.Attempts != 1 || n.SentAt == nil {
				t.Errorf("row %d after sending: %+v", id, n)
			}
		}
	})
}

func TestA429IsWaitedOutAndTheMessageArrivesOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		obs := &outcomes{}
		f.d.Observer = obs
		first := f.enqueue(42, "first")
		second := f.enqueue(42, "second")
		f.srv.FailNext("sendMessage", 42, telegramtest.TooManyRequests(7))

		st := f.runOnce()
		if st.RateLimited != 1 || st.Sent != 0 {
			t.Fatalf("stats %+v, want one 429 and nothing sent", st)
		}
		n := f.row(first)
		if n.State != store.StatePending || n.Attempts != 0 || !n.NextAttemptAt.Equal(start.Add(7*time.Second)) {
			t.Errorf("after the 429: %+v, want pending, 0 attempts, next attempt in 7 s", n)
		}
		if n := f.row(second); !n.NextAttemptAt.Equal(start.Add(7 * time.Second)) {
			t.Errorf("the second message may go at %v, before the first", n.NextAttemptAt)
		}

		// Nothing goes before retry_after.
		f.clock.Advance(6 * time.Second)
		if st := f.runOnce(); st.Sent != 0 {
			t.Fatalf("sent %d before retry_after", st.Sent)
		}
		st = drain(t, f.d, f.clock)
		if st.Sent != 2 {
			t.Fatalf("stats %+v, want both sent", st)
		}
		got := f.srv.SentTo(42)
		if !slices.Equal(texts(got), []string{"first", "second"}) {
			t.Fatalf("delivered %q, want first then second, once each", texts(got))
		}
		if got[0].Time.Before(start.Add(7 * time.Second)) {
			t.Errorf("first delivered at %v, before retry_after ran out", got[0].Time)
		}
		if n := f.row(first); n.State != store.StateSent || n.Attempts != 1 {
			t.Errorf("after delivery: %+v, want sent with 1 attempt (the 429 does not count)", n)
		}
		if got := obs.list(); !slices.Equal(got, []string{"rate_limited", "sent", "sent"}) {
			t.Errorf("observer saw %q", got)
		}
	})
}

func TestServerErrorsBackOffAndRecover(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		id := f.enqueue(42, "hello")
		for range 3 {
			f.srv.FailNext("sendMessage", 42, telegramtest.ServerError(502))
		}
		st := drain(t, f.d, f.clock)
		if st.Retried != 3 || st.Sent != 1 {
			t.Fatalf("stats %+v, want 3 retries then sent", st)
		}
		if got := f.srv.SentTo(42); len(got) != 1 {
			t.Fatalf("delivered %d times, want once", len(got))
		}
		n := f.row(id)
		if n.State != store.StateSent || n.Attempts != 4 {
			t.Errorf("row %+v, want sent after 4 attempts", n)
		}
		// Backoff waits at least half of 2 s, 4 s, 8 s.
		if waited := n.SentAt.Sub(start); waited < 7*time.Second {
			t.Errorf("sent %v after the first attempt, want at least 7 s of backoff", waited)
		}
		if c := f.logs.count("send failed, will retry"); c != 1 {
			t.Errorf("logged the streak of one failure %d times, want once:\n%s", c, f.logs)
		}
		if c := f.logs.count("send recovered"); c != 1 {
			t.Errorf("logged the recovery %d times, want once", c)
		}
		if strings.Contains(f.logs.String(), token) || strings.Contains(n.LastError, token) {
			t.Error("the bot token leaked into the logs or last_error")
		}
	})
}

func TestUnreachableChatIsDeadAtOnceAndItsContactMarked(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault func(srv *telegramtest.Server, chat int64)
		why   string
	}{
		{"a user who blocked the bot", func(srv *telegramtest.Server, chat int64) { srv.Block(chat) }, "blocked"},
		{"a chat that is not found", func(srv *telegramtest.Server, chat int64) {
			srv.FailNext("sendMessage", chat, telegramtest.ChatNotFound())
		}, "chat not found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				f := newFixture(t, db)
				ctx := context.Background()
				c := &domain.Contact{Key: "wang", Name: "Wang", ChatID: 77}
				if err := db.AddContact(ctx, c); err != nil {
					t.Fatal(err)
				}
				id := f.enqueue(77, "due tomorrow", func(n *store.Notification) { n.ContactID = c.ID })
				tc.fault(f.srv, 77)
				st := f.runOnce()
				if st.Dead != 1 || st.Retried != 0 {
					t.Fatalf("stats %+v, want dead at once", st)
				}
				if calls := len(f.srv.Calls("sendMessage")); calls != 1 {
					t.Errorf("tried %d times, want once", calls)
				}
				n := f.row(id)
				if n.State != store.StateDead || n.Attempts != 1 || !strings.Contains(n.LastError, tc.why) {
					t.Errorf("row %+v, want dead with %q", n, tc.why)
				}
				got, err := db.Contact(ctx, "wang")
				if err != nil {
					t.Fatal(err)
				}
				if !got.Unreachable || !strings.Contains(got.UnreachableWhy, tc.why) {
					t.Errorf("contact unreachable=%v why=%q, want marked with %q", got.Unreachable, got.UnreachableWhy, tc.why)
				}
			})
		})
	}
}

func TestAMigratedGroupGetsTheMessageAtItsNewID(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		const oldID, newID = -4001, -1001234567890
		office := &domain.Contact{Key: "office", Name: "Supervision office", Role: domain.Supervisor, ChatID: oldID}
		if err := db.AddContact(ctx, office); err != nil {
			t.Fatal(err)
		}
		a := f.enqueue(oldID, "escalation 1", func(n *store.Notification) { n.ContactID = office.ID })
		b := f.enqueue(oldID, "escalation 2", func(n *store.Notification) { n.ContactID = office.ID })
		f.srv.Migrate(oldID, newID)

		st := f.runOnce()
		if st.Sent != 2 || st.Migrated != 1 {
			t.Fatalf("stats %+v, want one migration and both sent", st)
		}
		if got := texts(f.srv.SentTo(newID)); !slices.Equal(got, []string{"escalation 1", "escalation 2"}) {
			t.Errorf("the new supergroup got %q", got)
		}
		if got := f.srv.SentTo(oldID); len(got) != 0 {
			t.Errorf("the old group got %d messages", len(got))
		}
		for _, id := range []int64{a, b} {
			if n := f.row(id); n.ChatID != newID || n.State != store.StateSent || n.Attempts != 1 {
				t.Errorf("row %+v, want sent to %d in one attempt", n, int64(newID))
			}
		}
		got, err := db.Contact(ctx, "office")
		if err != nil {
			t.Fatal(err)
		}
		if got.ChatID != newID {
			t.Errorf("contact's chat is %d, want %d", got.ChatID, int64(newID))
		}
	})
}

func TestAReminderOfACommitmentThatBecameDoneIsDropped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		if err := db.AddContact(ctx, &domain.Contact{Key: "zhao", Name: "Zhao", ChatID: 88}); err != nil {
			t.Fatal(err)
		}
		cid, err := db.AddCommitment(ctx, store.NewCommitment{Title: "Green restoration of the landfill", Owners: []string{"zhao"}})
		if err != nil {
			t.Fatal(err)
		}
		before := f.enqueue(88, "due in 7 days", func(n *store.Notification) { n.CommitmentID = cid })
		if err := db.SetStatus(ctx, cid, domain.Done, "restored", nil, store.Actor{}); err != nil {
			t.Fatal(err)
		}
		// A scan that read the commitment before it closed enqueues late.
		after := f.enqueue(88, "due in 3 days", func(n *store.Notification) { n.CommitmentID = cid })
		reply := f.enqueue(88, "Marked done.", func(n *store.Notification) { n.CommitmentID, n.Kind = cid, store.KindReply })

		st := f.runOnce()
		if st.Sent != 1 {
			t.Fatalf("stats %+v, want only the reply sent", st)
		}
		if got := texts(f.srv.SentTo(88)); !slices.Equal(got, []string{"Marked done."}) {
			t.Errorf("delivered %q, want only the reply", got)
		}
		for _, id := range []int64{before, after} {
			if n := f.row(id); n.State != store.StateDropped {
				t.Errorf("reminder %d is %s, want dropped", id, n.State)
			}
		}
		if n := f.row(reply); n.State != store.StateSent {
			t.Errorf("reply is %s, want sent", n.State)
		}
	})
}

func TestLongTextIsDeliveredSplitAtLineBoundaries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		var b strings.Builder
		for i := 0; b.Len() < 10000; i++ {
			b.WriteString(strings.Repeat("督办事项", 5))
			b.WriteString(" line ")
			b.WriteString(strings.Repeat("x", i%50))
			b.WriteString("\n")
		}
		body := strings.TrimSuffix(b.String(), "\n")
		id := f.enqueue(42, body)
		if st := f.runOnce(); st.Sent != 1 {
			t.Fatalf("stats %+v, want the message sent", st)
		}
		got := f.srv.SentTo(42)
		if len(got) < 2 {
			t.Fatalf("delivered %d messages, want the text split", len(got))
		}
		var joined strings.Builder
		for i, m := range got {
			if n := len([]rune(m.Text)); n > 4096 {
				t.Errorf("part %d has %d characters", i, n)
			}
			if i < len(got)-1 && !strings.HasSuffix(m.Text, "\n") {
				t.Errorf("part %d does not end at a line boundary: …%q", i, m.Text[len(m.Text)-20:])
			}
			joined.WriteString(m.Text)
		}
		if joined.String() != body {
			t.Error("the parts do not add up to the text")
		}
		if n := f.row(id); n.State != store.StateSent || n.MessageID != got[0].MessageID {
			t.Errorf("row %+v, want sent with the first part's id", n)
		}
	})
}

func TestRunSendsOnWakeAndFinishesInFlightSendsOnCancel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		db.Now = time.Now
		f.srv.SetNow(time.Now)
		f.d.Clock = SystemClock{}
		f.d.PollInterval = time.Hour // only Wake can make it claim in time
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- f.d.Run(ctx) }()

		waitFor := func(what string, cond func() bool) {
			t.Helper()
			deadline := time.Now().Add(10 * time.Second)
			for !cond() {
				if time.Now().After(deadline) {
					t.Fatalf("timed out waiting for %s", what)
				}
				time.Sleep(5 * time.Millisecond)
			}
		}
		f.enqueue(42, "woken")
		f.d.Wake()
		waitFor("the woken message", func() bool { return len(f.srv.SentTo(42)) == 1 })

		// A slow send is in flight when the context is cancelled.
		f.srv.FailNext("sendMessage", 43, telegramtest.Slow(300*time.Millisecond))
		slow := f.enqueue(43, "slow")
		f.d.Wake()
		waitFor("the slow request", func() bool { return len(f.srv.Calls("sendMessage")) == 2 })
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return after cancel")
		}
		if n := f.row(slow); n.State != store.StateSent {
			t.Errorf("the in-flight message is %s after shutdown, want sent", n.State)
		}
	})
}

func TestAChatsMessagesKeepTheirOrderThroughRetriesAndBatches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.d.Batch = 4 // the chat's messages span many claims, prefetched ahead
		f.d.Workers = 3
		var want42, want43 []string
		for i := range 12 {
			a, b := fmt.Sprintf("to 42 #%02d", i), fmt.Sprintf("to 43 #%02d", i)
			f.enqueue(42, a)
			f.enqueue(43, b)
			want42, want43 = append(want42, a), append(want43, b)
		}
		f.srv.FailNext("sendMessage", 42, telegramtest.ServerError(502))
		f.srv.FailNext("sendMessage", 43, telegramtest.TooManyRequests(3))
		st := drain(t, f.d, f.clock)
		if st.Sent != 24 || st.Retried != 1 || st.RateLimited != 1 {
			t.Fatalf("stats %+v, want 24 sent after a retry and a 429", st)
		}
		if got := texts(f.srv.SentTo(42)); !slices.Equal(got, want42) {
			t.Errorf("chat 42 got %q", got)
		}
		if got := texts(f.srv.SentTo(43)); !slices.Equal(got, want43) {
			t.Errorf("chat 43 got %q", got)
		}
	})
}
