package dispatch

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"duban/notify"
	"duban/store"
)

// holdChatWait is the longest a worker waits for a chat's rate limit with
// the chat's rows in hand. A longer wait (a group chat's 3 s, a 429's
// retry_after) gives the rows back with their next attempt at the chat's
// ready time instead, so that one busy chat does not hold up the batch.
const holdChatWait = 2 * time.Second

// maxMoves bounds how many group→supergroup migrations are followed for
// one message, against a chat that claims to move in a circle.
const maxMoves = 3

// serve sends the head row of q (or gives q's rows back) and records the
// result. It leaves q with the rows still to send.
func (r *run) serve(q *chatQueue, b batchInfo) {
	d := r.d
	n := q.rows[0]
	t := r.target(n)
	if q.chat == 0 && t == nil {
		r.recordDead(q, n, "unreachable: no linked Telegram chat")
		return
	}

	if until, ok := r.deferredFor(q.chat, b); ok {
		r.deferChat(q.chat, until) // and the batch claimed meanwhile
		r.release(until, q.ids())
		q.rows = nil
		return
	}

	// Wait for the chat, then for the global bucket.
	r.renew()
	now := d.Clock.Now()
	ready := d.limiter.ready(q.chat, now)
	if ready.After(r.sendBy(b)) || ready.Sub(now) > holdChatWait {
		r.deferChat(q.chat, ready)
		r.release(ready, q.ids())
		q.rows = nil
		return
	}
	if sleepUntil(r.ctx, d.Clock, ready) != nil {
		return // shutdown: the row is given back with the batch's rest
	}
	act, cancel := d.limiter.reserve(d.Clock.Now(), q.chat)
	if act.After(r.sendBy(b)) {
		cancel()
		r.deferChat(q.chat, now)
		r.release(now, q.ids())
		q.rows = nil
		return
	}
	if sleepUntil(r.ctx, d.Clock, act) != nil {
		cancel()
		return
	}

	notifier, msg, channel := d.Notifier, message(n, q.chat), d.Channel
	if t != nil {
		notifier, msg, channel = t.notifier, d.Routes.message(n, t), t.channel
	} else if d.Routes != nil {
		msg.Text = d.Routes.withLink(n, nil)
	}
	start := time.Now()
	res, err := notifier.Send(r.sendCtx, msg)
	latency := time.Since(start)
	d.limiter.took(q.chat, d.Clock.Now())
	if r.killed.Load() || (d.crashAfterSend != nil && d.crashAfterSend(n)) {
		r.kill()
		q.rows = nil
		return
	}
	if err == nil {
		r.observe(channel, n.Kind, "sent", latency)
		if t != nil {
			d.Routes.noted(channel, nil)
		}
		r.recordSent(q, n, res, channel)
		return
	}
	if r.sendCtx.Err() != nil {
		// Cut off by the end of the grace period: not the message's fault.
		return
	}
	se := notify.Classify(err)
	r.observe(channel, n.Kind, se.Failure.String(), latency)
	if t != nil {
		if se.Failure == notify.Temporary {
			d.Routes.noted(channel, fmt.Errorf("%s: %s", channel, se.Err.Error()))
		}
		if se.Failure == notify.Unreachable && n.Channel == store.ChannelAuto {
			r.fellBack(q, n, t, "unreachable: "+se.Err.Error())
			return
		}
		if se.Failure == notify.Unreachable || se.Failure == notify.Migrated {
			// An office robot or address refused for good: nothing to
			// mark on a contact.
			r.recordDead(q, n, "unreachable: "+se.Err.Error())
			return
		}
	}
	switch se.Failure {
	case notify.RateLimited:
		r.rateLimited(q, n, se)
	case notify.Migrated:
		r.migrate(q, n, se)
	case notify.Unreachable:
		reason := "unreachable: " + se.Err.Error()
		r.recordDead(q, n, reason)
		if err := d.DB.MarkUnreachable(r.sendCtx, q.chat, reason); err != nil {
			d.log.Error("mark chat unreachable", slog.Int64("chat_id", q.chat), slog.String("err", err.Error()))
		}
	case notify.Permanent:
		r.permanent(q, n, se)
	default:
		r.temporary(q, n, se)
	}
}

// message builds what the notifier sends for n, to chat.
func message(n store.Notification, chat int64) notify.Message {
	m := notify.Message{ChatID: chat, Text: n.Body, Buttons: n.Buttons}
	if n.AttachmentKind != "" {
		m.Attachment = &notify.Attachment{Kind: notify.AttachmentKind(n.AttachmentKind), Name: n.AttachmentName, Data: n.Attachment}
	}
	return m
}

func (r *run) observe(channel, kind, outcome string, latency time.Duration) {
	if o, ok := r.d.Observer.(ChannelObserver); ok {
		o.DeliveredOn(channel, kind, outcome, latency)
		return
	}
	if r.d.Observer != nil {
		r.d.Observer.Delivered(kind, outcome, latency)
	}
}

// recordSent marks the head row sent.
func (r *run) recordSent(q *chatQueue, n store.Notification, res notify.Result, channel string) {
	d := r.d
	q.pop()
	r.sent.Add(1)
	d.recovered(q.chat, n)
	if err := r.rec.markSent(store.Delivery{ID: n.ID, MessageID: res.MessageID, At: d.Clock.Now(), Channel: channel}); err != nil {
		if errors.Is(err, store.ErrNotPending) {
			d.log.Info("sent message was already recorded", slog.Int64("notification", n.ID), slog.String("err", err.Error()))
			return
		}
		// Delivered but not recorded: the row comes back when its lease
		// runs out and is sent again. That is the at-least-once window.
		d.log.Error("record sent message", slog.Int64("notification", n.ID), slog.String("err", err.Error()))
	}
}

// recordDead gives up on the head row.
func (r *run) recordDead(q *chatQueue, n store.Notification, reason string) {
	d := r.d
	q.pop()
	r.dead.Add(1)
	d.forget(q.chat)
	d.log.Warn("message dead", slog.Int64("notification", n.ID), slog.Int64("chat_id", q.chat),
		slog.String("kind", n.Kind), slog.Int("attempts", n.Attempts+1), slog.String("reason", reason))
	ctx, cancel := r.dbCtx()
	defer cancel()
	if err := d.DB.MarkDead(ctx, n.ID, reason); err != nil && !errors.Is(err, store.ErrNotPending) {
		d.log.Error("record dead message", slog.Int64("notification", n.ID), slog.String("err", err.Error()))
	}
}

// rateLimited handles a 429: the message waits retry_after, and so does
// the rest of its chat. The attempt is not counted: a 429 says when to
// come back, not that the message is at fault, and a long flood must not
// use up a message's attempts.
func (r *run) rateLimited(q *chatQueue, n store.Notification, se *notify.SendError) {
	d := r.d
	wait := se.RetryAfter
	if wait <= 0 {
		wait = time.Second
	}
	now := d.Clock.Now()
	if r.givenUp(n, now) {
		r.recordDead(q, n, r.giveUpReason(se))
		return
	}
	next := now.Add(wait)
	d.limiter.pause(q.chat, next)
	r.limited.Add(1)
	d.failed(q.chat, n, se, n.Attempts, next)
	r.reschedule(q, n, n.Attempts, next, se.Error())
}

// temporary handles a transient failure (5xx, network error, time-out):
// retry after a backoff capped at MaxBackoff, for as long as GiveUpAfter
// since the message first fell due. The number of attempts does not
// matter: an outage of a day loses nothing.
func (r *run) temporary(q *chatQueue, n store.Notification, se *notify.SendError) {
	d := r.d
	attempts := n.Attempts + 1
	now := d.Clock.Now()
	if r.givenUp(n, now) {
		r.recordDead(q, n, r.giveUpReason(se))
		return
	}
	r.retry(q, n, se, attempts, now)
}

// permanent handles a failure that retrying is unlikely to cure (a 400
// other than "chat not found", a 401): it is tried again with the same
// backoff, but at most MaxAttempts times in all.
func (r *run) permanent(q *chatQueue, n store.Notification, se *notify.SendError) {
	attempts := n.Attempts + 1
	if attempts >= r.d.MaxAttempts {
		r.recordDead(q, n, fmt.Sprintf("gave up after %d attempts: %s", attempts, se.Error()))
		return
	}
	r.retry(q, n, se, attempts, r.d.Clock.Now())
}

// givenUp reports whether n has been failing transiently for GiveUpAfter:
// since its first failed attempt, which is at or after the time it fell
// due. Both ends are read on the dispatcher's clock, so a store clock that
// differs (a test's fixed time) cannot make a message dead early.
func (r *run) givenUp(n store.Notification, now time.Time) bool {
	return n.FailingSince != nil && now.Sub(*n.FailingSince) >= r.d.GiveUpAfter
}

func (r *run) giveUpReason(se *notify.SendError) string {
	return fmt.Sprintf("gave up after %s of transient failures: %s", r.d.GiveUpAfter, se.Error())
}

// retry reschedules n after a backoff.
func (r *run) retry(q *chatQueue, n store.Notification, se *notify.SendError, attempts int, now time.Time) {
	d := r.d
	next := now.Add(backoff(attempts, d.MaxBackoff, nil))
	r.retried.Add(1)
	d.failed(q.chat, n, se, attempts, next)
	r.reschedule(q, n, attempts, next, se.Error())
}

// reschedule records a retry of the head row and puts the chat's other
// rows behind it, so that they do not overtake it.
func (r *run) reschedule(q *chatQueue, n store.Notification, attempts int, next time.Time, lastErr string) {
	d := r.d
	q.pop()
	rest := q.ids()
	q.rows = nil
	r.deferChat(q.chat, next)
	r.unhold([]int64{n.ID})
	ctx, cancel := r.dbCtx()
	defer cancel()
	if err := d.DB.MarkRetryAt(ctx, n.ID, attempts, next, lastErr, d.Clock.Now()); err != nil {
		if !errors.Is(err, store.ErrNotPending) {
			d.log.Error("record retry", slog.Int64("notification", n.ID), slog.String("err", err.Error()))
		}
	}
	// Releasing the failed row too (already free) moves the chat's unleased
	// rows that were not in this batch behind it as well.
	r.unhold(rest)
	if err := d.DB.Release(ctx, next, append(rest, n.ID)...); err != nil {
		d.log.Error("release outbox rows", slog.Int("rows", len(rest)), slog.String("err", err.Error()))
		return
	}
	r.released.Add(int64(len(rest)))
}

// migrate follows a group that became a supergroup: every reference to the
// old chat moves to the new one, and the message is sent again there at
// once (the attempt is not counted).
func (r *run) migrate(q *chatQueue, n store.Notification, se *notify.SendError) {
	d := r.d
	from, to := q.chat, se.MigrateTo
	if q.moves >= maxMoves || to == 0 || to == from {
		r.recordDead(q, n, "migration loop: "+se.Error())
		return
	}
	if err := d.DB.MigrateChat(r.sendCtx, from, to); err != nil {
		d.log.Error("migrate chat", slog.Int64("chat_id", from), slog.Int64("new_chat_id", to), slog.String("err", err.Error()))
		// Leased: they come back when the lease runs out, and the chat's
		// rows of the next batch wait for them.
		r.deferChat(from, d.Clock.Now().Add(d.Lease))
		q.rows = nil
		return
	}
	if err := d.DB.Reroute(r.sendCtx, n.ID, to); err != nil && !errors.Is(err, store.ErrNotPending) {
		d.log.Error("reroute message", slog.Int64("notification", n.ID), slog.String("err", err.Error()))
	}
	d.log.Info("chat migrated", slog.Int64("chat_id", from), slog.Int64("new_chat_id", to), slog.Int64("notification", n.ID))
	r.migrated.Add(1)
	q.chat = to
	for i := range q.rows {
		q.rows[i].ChatID = to
	}
	q.moves++
}

// failed logs a retryable failure, once per change of failure for a chat
// rather than once per attempt.
func (d *Dispatcher) failed(chat int64, n store.Notification, se *notify.SendError, attempts int, next time.Time) {
	text := se.Error()
	d.failMu.Lock()
	same := d.failing[chat] == text
	d.failing[chat] = text
	d.failMu.Unlock()
	if same {
		return
	}
	d.log.Warn("send failed, will retry", slog.Int64("notification", n.ID), slog.Int64("chat_id", chat),
		slog.String("failure", se.Failure.String()), slog.Int("attempts", attempts),
		slog.Time("next_attempt", next), slog.String("err", se.Err.Error()))
}

// recovered logs the end of a chat's failure streak.
func (d *Dispatcher) recovered(chat int64, n store.Notification) {
	d.failMu.Lock()
	_, was := d.failing[chat]
	delete(d.failing, chat)
	d.failMu.Unlock()
	if was {
		d.log.Info("send recovered", slog.Int64("notification", n.ID), slog.Int64("chat_id", chat))
	}
}

// forget drops a chat's failure streak without logging.
func (d *Dispatcher) forget(chat int64) {
	d.failMu.Lock()
	delete(d.failing, chat)
	d.failMu.Unlock()
}
