package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"duban/store"
)

// Job is one scheduled piece of work. It gets the scheduled time.
type Job func(ctx context.Context, now time.Time) error

// Entry is a job with its cron spec.
type Entry struct {
	Name string
	Spec string
	Job  Job
	// AtStart runs the job once as soon as this replica becomes the leader:
	// the scan catches up after downtime without waiting for its next tick.
	AtStart bool
}

// Scheduler runs entries on cron in Loc, but only while this replica is the
// leader (a PostgreSQL advisory lock; always on SQLite). A leader that dies
// frees the lock with its session, and another replica takes over at its
// next attempt (every LeaderEvery, default 15 s: within a minute).
type Scheduler struct {
	DB          *store.DB
	Loc         *time.Location
	Entries     []Entry
	Logger      *slog.Logger
	Now         func() time.Time
	LeaderEvery time.Duration

	mu     sync.Mutex
	leader *store.Leader
	cron   *cron.Cron
}

// IsLeader reports whether this replica runs the scheduled jobs (and so
// polls Telegram).
func (s *Scheduler) IsLeader() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.leader != nil
}

// Run schedules the entries until ctx ends, then waits for running jobs.
func (s *Scheduler) Run(ctx context.Context) error {
	every := s.LeaderEvery
	if every <= 0 {
		every = 15 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := s.Step(ctx); err != nil {
			s.Logger.Warn("leader election", slog.String("error", err.Error()))
		}
		select {
		case <-ctx.Done():
			s.stop()
			return nil
		case <-t.C:
		}
	}
}

// Step does one round of the leadership loop: keep leadership if held and
// alive, else try to take it; start or stop the cron accordingly.
func (s *Scheduler) Step(ctx context.Context) error {
	s.mu.Lock()
	l := s.leader
	s.mu.Unlock()
	if l != nil {
		if err := l.Check(ctx); err == nil {
			return nil
		}
		s.Logger.Warn("lost leadership")
		s.stop()
	}
	l, err := s.DB.TryLead(ctx)
	if err != nil || l == nil {
		return err
	}
	s.Logger.Info("leading: running scheduled jobs")
	return s.start(ctx, l)
}

func (s *Scheduler) start(ctx context.Context, l *store.Leader) error {
	loc := s.Loc
	if loc == nil {
		loc = time.UTC
	}
	c := cron.New(cron.WithLocation(loc), cron.WithChain(cron.SkipIfStillRunning(cronLogger{s.Logger})))
	for _, e := range s.Entries {
		e := e
		if _, err := c.AddFunc(e.Spec, func() { s.run(ctx, e) }); err != nil {
			l.Release(ctx)
			return fmt.Errorf("schedule %s: %w", e.Name, err)
		}
	}
	s.mu.Lock()
	s.leader, s.cron = l, c
	s.mu.Unlock()
	for _, e := range s.Entries {
		if e.AtStart {
			s.run(ctx, e)
		}
	}
	c.Start()
	return nil
}

func (s *Scheduler) run(ctx context.Context, e Entry) {
	if ctx.Err() != nil {
		return
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	start := now()
	err := e.Job(ctx, start)
	// A report job builds a big heap and then the daemon idles for hours:
	// give the memory back to the system now rather than when the
	// scavenger gets to it (a forced GC of an idle daemon's heap costs
	// milliseconds, and jobs run minutes apart).
	debug.FreeOSMemory()
	attrs := []any{slog.String("job", e.Name), slog.Duration("took", time.Since(start))}
	if err != nil {
		s.Logger.Error("scheduled job failed", append(attrs, slog.String("error", err.Error()))...)
		return
	}
	s.Logger.Info("scheduled job done", attrs...)
}

// stop stops the cron, waits for running jobs and gives leadership up.
func (s *Scheduler) stop() {
	s.mu.Lock()
	c, l := s.cron, s.leader
	s.cron, s.leader = nil, nil
	s.mu.Unlock()
	if c != nil {
		<-c.Stop().Done()
	}
	if l != nil {
		l.Release(context.Background())
	}
}

// cronLogger adapts slog to cron's logger.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug("cron: "+msg, kv...) }
func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, "error", err.Error())...)
}
