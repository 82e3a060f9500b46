// Package dispatch sends the outbox: it claims due notifications from the
// store, sends each through a notify.Notifier outside any transaction,
// keeps to Telegram's rate limits, and records every result in the row
// (sent, retry later, dead), so that retry state survives restarts and
// several replicas can share one PostgreSQL outbox.
//
// Delivery is at least once. A worker waits until its result is committed
// (in one commit with whatever the other workers finished meanwhile)
// before it sends anything else, so a crash between Telegram's answer and
// the commit repeats at most the one message each worker had in flight;
// rows claimed but not yet sent come back when their lease runs out and are
// sent once. A live dispatcher renews the leases of the rows it holds, so
// the lease can be short: a dead one's rows are claimable again within
// DefaultLease. A chat's messages go out in id order: one worker at a time
// serves a chat, and a message that must wait (a retry, a 429, a group's
// rate) holds back the chat's later ones.
package dispatch

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"duban/notify"
	"duban/store"
)

// Defaults for the Dispatcher's zero fields.
const (
	DefaultMaxAttempts  = 10
	DefaultMaxBackoff   = 10 * time.Minute
	DefaultGiveUpAfter  = 72 * time.Hour
	DefaultWorkers      = 4
	DefaultBatch        = 200
	DefaultLease        = 45 * time.Second
	DefaultGrace        = 10 * time.Second
	DefaultPollInterval = time.Second
)

// releaseTimeout bounds the database write that gives claimed rows back on
// a stop. It runs on a fresh context: the run's own is cancelled by then,
// and the grace period may have run out too.
const releaseTimeout = 5 * time.Second

// Dispatcher sends the outbox. Set the fields, then call Run (or RunOnce);
// the fields must not change afterwards. Zero fields take the defaults
// above; the zero Limits means no rate limit (use DefaultLimits).
type Dispatcher struct {
	// DB is the outbox.
	DB *store.DB
	// Notifier delivers the messages.
	Notifier notify.Notifier
	// Clock tells the time and waits; nil is SystemClock.
	Clock Clock
	// Limits are the sending rates to keep to.
	Limits Limits
	// MaxAttempts bounds how often a message that fails a non-transient
	// way (a 4xx other than 429, 403 and "chat not found") is tried before
	// it is dead. Transient failures never count against it.
	MaxAttempts int
	// MaxBackoff caps the wait between retries after a transient failure
	// (5xx, network error, time-out).
	MaxBackoff time.Duration
	// GiveUpAfter is how long after a message first fell due transient
	// failures (and 429s) may go on before it is dead: an outage shorter
	// than this loses nothing.
	GiveUpAfter time.Duration
	// Logger receives one line per event; nil discards.
	Logger *slog.Logger
	// Workers is how many messages may be in flight at once.
	Workers int
	// Batch is how many rows one claim takes. The next batch is claimed
	// while one is being sent.
	Batch int
	// Lease is how long a claimed row stays reserved for this dispatcher
	// without a renewal. The dispatcher renews the leases of the rows it
	// holds every third of it; a send starts only in the first half of
	// the lease since the last renewal, so that it does not outlive the
	// lease even with a slow Telegram.
	Lease time.Duration
	// Grace is how long in-flight sends (and their recording) may go on
	// once Run's context is cancelled.
	Grace time.Duration
	// PollInterval is how long Run waits between claims when there is
	// nothing to send and no Wake.
	PollInterval time.Duration
	// Observer, if set, is told about every send, for metrics.
	Observer Observer
	// Channel names what Notifier is ("telegram", "console"), for the
	// outbox's record of the channel used; empty is "telegram".
	Channel string
	// Routes, if set, reach contacts and the office beyond Telegram
	// (SPEC §14); nil leaves rows routed elsewhere to be recorded dead.
	Routes *Routes

	once    sync.Once
	runMu   sync.Mutex // one RunOnce at a time: batches share the limiter
	limiter *limiter
	wake    chan struct{}
	log     *slog.Logger

	failMu  sync.Mutex
	failing map[int64]string // chat → the failure last logged

	// crashAfterSend, when it returns true, makes the run stop dead after
	// Telegram's answer and before the database write, as if the process
	// had been killed there (tests).
	crashAfterSend func(store.Notification) bool
}

// Observer receives delivery events, for metrics (sends and failures by
// kind, Telegram latency). Its method must be quick and safe for
// concurrent use.
type Observer interface {
	// Delivered is called after each call to the Notifier, with the
	// notification's kind (lead, due, ..., reply, monthly_report), its
	// outcome ("sent", or a notify.Failure's name: "temporary",
	// "rate_limited", "unreachable", "migrated", "permanent") and how long
	// the call took in real time.
	Delivered(kind, outcome string, latency time.Duration)
}

// ChannelObserver is an Observer that also hears which channel carried the
// send; the dispatcher calls DeliveredOn instead of Delivered when its
// Observer has it.
type ChannelObserver interface {
	Observer
	DeliveredOn(channel, kind, outcome string, latency time.Duration)
}

// Stats counts what a RunOnce did.
type Stats struct {
	Claimed     int // rows claimed (a row released and claimed again counts twice)
	Sent        int // delivered and recorded
	Retried     int // temporary failures, rescheduled with backoff
	RateLimited int // 429s, rescheduled after retry_after
	Migrated    int // groups followed to their new supergroup id
	Dead        int // given up: unreachable, permanent, or out of attempts
	Released    int // claimed but given back unsent (shutdown, lease, a chat that must wait)
}

// errKilled is what RunOnce returns after crashAfterSend.
var errKilled = errors.New("dispatch: killed")

// init applies the defaults once.
func (d *Dispatcher) init() {
	d.once.Do(func() {
		if d.Clock == nil {
			d.Clock = SystemClock{}
		}
		if d.MaxAttempts <= 0 {
			d.MaxAttempts = DefaultMaxAttempts
		}
		if d.MaxBackoff <= 0 {
			d.MaxBackoff = DefaultMaxBackoff
		}
		if d.GiveUpAfter <= 0 {
			d.GiveUpAfter = DefaultGiveUpAfter
		}
		if d.Workers <= 0 {
			d.Workers = DefaultWorkers
		}
		if d.Batch <= 0 {
			d.Batch = DefaultBatch
		}
		if d.Lease <= 0 {
			d.Lease = DefaultLease
		}
		if d.Grace <= 0 {
			d.Grace = DefaultGrace
		}
		if d.PollInterval <= 0 {
			d.PollInterval = DefaultPollInterval
		}
		d.log = d.Logger
		if d.log == nil {
			d.log = slog.New(slog.DiscardHandler)
		}
		d.log = d.log.With(slog.String("component", "dispatch"))
		if d.Channel == "" {
			d.Channel = "telegram"
		}
		d.limiter = newLimiter(d.Limits)
		d.wake = make(chan struct{}, 1)
		d.failing = map[int64]string{}
	})
}

// Wake makes Run claim at once instead of waiting out its poll interval:
// call it after enqueueing something urgent. It never blocks.
func (d *Dispatcher) Wake() {
	d.init()
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run sends the outbox until ctx is cancelled: RunOnce, then wait for the
// poll interval (less if a row falls due sooner) or a Wake, and again. On
// cancellation it lets the sends in flight finish, for up to Grace, gives
// back the rows it claimed but did not send, and returns nil.
func (d *Dispatcher) Run(ctx context.Context) error {
	d.init()
	for {
		_, err := d.RunOnce(ctx)
		if ctx.Err() != nil {
			return nil
		}
		wait := d.PollInterval
		if err != nil {
			d.log.Error("dispatch failed", slog.String("err", err.Error()))
		} else if next, ok, err := d.DB.NextAttempt(ctx); err == nil && ok {
			wait = min(wait, max(next.Sub(d.Clock.Now()), 10*time.Millisecond))
		}
		d.sleep(ctx, wait)
		if ctx.Err() != nil {
			return nil
		}
	}
}

// sleep waits for d on the clock, or for a Wake.
func (d *Dispatcher) sleep(ctx context.Context, wait time.Duration) {
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-d.wake:
			cancel()
		case <-sctx.Done():
		}
	}()
	d.Clock.Sleep(sctx, wait)
}

// RunOnce sends everything that is due now: it claims a batch, sends it
// with the workers, records each result, and claims again until nothing is
// claimable. Rows rescheduled on the way (retries, 429s, a group chat's
// rate) are left for a later call. When ctx is cancelled it stops claiming,
// lets the sends in flight finish (for up to Grace), gives back the rest,
// and returns ctx's error.
func (d *Dispatcher) RunOnce(ctx context.Context) (Stats, error) {
	d.init()
	d.runMu.Lock()
	defer d.runMu.Unlock()
	r := newRun(ctx, d)
	defer r.end()
	next := r.claim()
	for {
		c := <-next
		if c.err != nil {
			if ctx.Err() == nil {
				return r.stats(), c.err
			}
			break
		}
		if ctx.Err() != nil || r.killed.Load() {
			if !r.killed.Load() {
				r.release(time.Time{}, c.ids())
			}
			break
		}
		if len(c.rows) == 0 {
			break
		}
		// Claim the next batch while this one is sent, so that the workers
		// do not wait for the database between batches.
		next = r.claim()
		r.batch(c.rows, batchInfo{seq: c.seq, claimedAt: c.at})
		d.limiter.prune(d.Clock.Now())
	}
	if r.killed.Load() {
		return r.stats(), errKilled
	}
	return r.stats(), ctx.Err()
}

// claimed is the outcome of one claim.
type claimed struct {
	rows []store.Notification
	at   time.Time
	seq  int64 // claims are numbered in the order they start
	err  error
}

func (c claimed) ids() []int64 {
	out := make([]int64, len(c.rows))
	for i, n := range c.rows {
		out[i] = n.ID
	}
	return out
}

// claim claims a batch in the background.
func (r *run) claim() <-chan claimed {
	out := make(chan claimed, 1)
	seq := r.claims.Add(1)
	go func() {
		now := r.d.Clock.Now()
		rows, err := r.d.DB.Claim(r.ctx, now, r.d.Batch, r.d.Lease)
		r.claimed.Add(int64(len(rows)))
		r.hold(rows)
		out <- claimed{rows: rows, at: now, seq: seq, err: err}
	}()
	return out
}

// run is the state of one RunOnce.
type run struct {
	d *Dispatcher
	// ctx is cancelled by the caller or by a kill: it stops the waits.
	ctx    context.Context
	cancel context.CancelFunc
	// sendCtx carries sends and their recording; it outlives ctx by Grace.
	sendCtx  context.Context
	stopSend context.CancelFunc
	stopTime func() bool
	killed   atomic.Bool
	rec      *recorder

	claims atomic.Int64 // claims started

	// held is the rows claimed and not yet settled, whose leases the run
	// renews; renewed is when it last did.
	leaseMu sync.Mutex
	held    map[int64]struct{}
	renewed time.Time

	// deferred holds the chats whose rows were put back to wait (a retry,
	// a rate limit). Release moves the chat's unleased rows behind them,
	// but not the rows of the batch claimed ahead while they were being
	// sent: those are put back too when their turn comes, so that none
	// overtakes.
	deferMu  sync.Mutex
	deferred map[int64]deferral

	claimed, sent, retried, limited, migrated, dead, released atomic.Int64

	// targets are the routes of the routed rows being sent.
	targetMu sync.Mutex
	targets  map[int64]*target
}

func newRun(ctx context.Context, d *Dispatcher) *run {
	r := &run{d: d, deferred: map[int64]deferral{}, held: map[int64]struct{}{}, targets: map[int64]*target{}}
	r.ctx, r.cancel = context.WithCancel(ctx)
	r.sendCtx, r.stopSend = context.WithCancel(context.WithoutCancel(ctx))
	r.stopTime = context.AfterFunc(ctx, func() {
		// Real time, not the clock: this bounds HTTP requests and database
		// writes, which a virtual clock does not slow down.
		time.AfterFunc(d.Grace, r.stopSend)
	})
	r.rec = startRecorder(r.sendCtx, d.DB)
	// Sends renew the leases as they go; this covers sends so slow that
	// none starts for a third of the lease. Real time, like the grace.
	renewEvery := d.Lease / 3
	go func() {
		t := time.NewTicker(renewEvery)
		defer t.Stop()
		for {
			select {
			case <-r.ctx.Done():
				return
			case <-t.C:
				r.renew()
			}
		}
	}()
	return r
}

// hold records claimed rows as held by this run.
func (r *run) hold(rows []store.Notification) {
	r.leaseMu.Lock()
	defer r.leaseMu.Unlock()
	for _, n := range rows {
		r.held[n.ID] = struct{}{}
	}
	if r.renewed.IsZero() {
		r.renewed = r.d.Clock.Now()
	}
}

// unhold drops rows settled or given back from the renewals.
func (r *run) unhold(ids []int64) {
	r.leaseMu.Lock()
	defer r.leaseMu.Unlock()
	for _, id := range ids {
		delete(r.held, id)
	}
}

// renew extends the leases of the held rows, at most every third of the
// lease. A killed run renews nothing: its rows must come back.
func (r *run) renew() {
	if r.killed.Load() || r.ctx.Err() != nil {
		return
	}
	r.leaseMu.Lock()
	now := r.d.Clock.Now()
	if now.Sub(r.renewed) < r.d.Lease/3 || len(r.held) == 0 {
		r.leaseMu.Unlock()
		return
	}
	ids := make([]int64, 0, len(r.held))
	for id := range r.held {
		ids = append(ids, id)
	}
	r.leaseMu.Unlock()
	if err := r.d.DB.RenewLease(r.sendCtx, now.Add(r.d.Lease), ids...); err != nil {
		r.d.log.Error("renew outbox leases", slog.Int("rows", len(ids)), slog.String("err", err.Error()))
		return
	}
	r.leaseMu.Lock()
	if now.After(r.renewed) {
		r.renewed = now
	}
	r.leaseMu.Unlock()
}

// sendBy is the latest time a send from batch b may start: half a lease
// after the batch was claimed or the leases last renewed, whichever is
// later.
func (r *run) sendBy(b batchInfo) time.Time {
	r.leaseMu.Lock()
	defer r.leaseMu.Unlock()
	at := b.claimedAt
	if r.renewed.After(at) {
		at = r.renewed
	}
	return at.Add(r.d.Lease / 2)
}

// dbCtx is a context for a write that settles a row: it outlives the
// run's cancellation and grace period, for a short while, so that a stop
// never leaves a row leased that this process will not send.
func (r *run) dbCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(r.ctx), releaseTimeout)
}

func (r *run) end() {
	r.rec.stop()
	r.stopTime()
	r.cancel()
	r.stopSend()
}

func (r *run) stats() Stats {
	return Stats{Claimed: int(r.claimed.Load()), Sent: int(r.sent.Load()), Retried: int(r.retried.Load()),
		RateLimited: int(r.limited.Load()), Migrated: int(r.migrated.Load()), Dead: int(r.dead.Load()),
		Released: int(r.released.Load())}
}

// kill stops the run as a crash would: no more sends, no more writes.
func (r *run) kill() {
	r.killed.Store(true)
	r.cancel()
}

// batchInfo describes a claimed batch.
type batchInfo struct {
	seq       int64     // the claim's number
	claimedAt time.Time // when it was claimed
}

// batch sends one claimed batch with the workers and gives back whatever
// was not sent.
func (r *run) batch(rows []store.Notification, b batchInfo) {
	all := rows
	rows = r.routeBatch(rows)
	defer func() {
		ids := make([]int64, len(all))
		for i, n := range all {
			ids[i] = n.ID
		}
		r.forgetTargets(ids)
	}()
	s := newScheduler(rows, func(chat int64) time.Time { return r.d.limiter.ready(chat, r.d.Clock.Now()) })
	stop := context.AfterFunc(r.ctx, s.close)
	defer stop()
	var wg sync.WaitGroup
	for range min(r.d.Workers, len(rows)) {
		wg.Go(func() {
			for q := s.take(); q != nil; q = s.take() {
				r.serve(q, b)
				s.give(q, r.d.limiter.ready(q.chat, r.d.Clock.Now()))
			}
		})
	}
	wg.Wait()
	if !r.killed.Load() {
		r.release(time.Time{}, s.rest())
	}
	ids := make([]int64, len(rows))
	for i, n := range rows {
		ids[i] = n.ID
	}
	r.unhold(ids)
}

// deferral is a chat's rows put back until until, while claims up to
// number seq had started.
type deferral struct {
	until time.Time
	seq   int64
}

// deferChat records that chat's rows were put back to wait until until.
func (r *run) deferChat(chat int64, until time.Time) {
	r.deferMu.Lock()
	defer r.deferMu.Unlock()
	d := r.deferred[chat]
	if until.After(d.until) {
		d.until = until
	}
	d.seq = r.claims.Load()
	r.deferred[chat] = d
}

// deferredFor reports whether chat's rows in batch b must be put back, and
// until when: b was claimed before some of the chat's rows were put back.
func (r *run) deferredFor(chat int64, b batchInfo) (time.Time, bool) {
	r.deferMu.Lock()
	defer r.deferMu.Unlock()
	d, ok := r.deferred[chat]
	return d.until, ok && b.seq <= d.seq
}

// release gives rows back to the outbox unsent.
func (r *run) release(next time.Time, ids []int64) {
	if len(ids) == 0 {
		return
	}
	r.unhold(ids)
	ctx, cancel := r.dbCtx()
	defer cancel()
	if err := r.d.DB.Release(ctx, next, ids...); err != nil {
		// The leases run out by themselves; this only delays the rows.
		r.d.log.Error("release outbox rows", slog.Int("rows", len(ids)), slog.String("err", err.Error()))
		return
	}
	r.released.Add(int64(len(ids)))
}
