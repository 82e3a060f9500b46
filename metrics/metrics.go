// Package metrics holds duban's Prometheus metrics: what the scheduler, the
// dispatcher and the bot count, and what is read from the database at
// scrape time (commitments by light, outbox depth by state).
package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"duban/domain"
	"duban/store"
)

// Metrics are the counters and histograms the daemon updates.
type Metrics struct {
	Registry       *prometheus.Registry
	Sends          *prometheus.CounterVec // by kind
	Failures       *prometheus.CounterVec // by kind and failure class
	Latency        prometheus.Histogram   // Telegram request latency
	ScanDuration   prometheus.Histogram
	LastScan       prometheus.Gauge // unix time of the last successful scan
	Enqueued       prometheus.Counter
	UpdatesHandled prometheus.Counter
	// ChannelSends counts send attempts by channel (telegram, email,
	// wecom, dingtalk, console) and outcome ("sent" or a failure class).
	ChannelSends   *prometheus.CounterVec
	ChannelLatency *prometheus.HistogramVec
}

// New registers duban's metrics, and collectors that read the database at
// scrape time, on a fresh registry.
func New(db *store.DB, loc func() (now time.Time, tz *time.Location, warnDays int)) *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		Sends: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "duban_notifications_sent_total",
			Help: "Messages delivered, by kind."}, []string{"kind"}),
		Failures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "duban_notification_failures_total",
			Help: "Failed delivery attempts, by kind and failure class."}, []string{"kind", "failure"}),
		Latency: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "duban_telegram_request_seconds",
			Help: "Latency of Telegram sends.", Buckets: prometheus.ExponentialBuckets(0.01, 2, 12)}),
		ScanDuration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "duban_scan_duration_seconds",
			Help: "Duration of reminder scans.", Buckets: prometheus.ExponentialBuckets(0.001, 2, 16)}),
		LastScan: prometheus.NewGauge(prometheus.GaugeOpts{Name: "duban_last_successful_scan_timestamp_seconds",
			Help: "Unix time of the last successful reminder scan."}),
		Enqueued: prometheus.NewCounter(prometheus.CounterOpts{Name: "duban_reminders_enqueued_total",
			Help: "Reminder rows written to the outbox by scans."}),
		UpdatesHandled: prometheus.NewCounter(prometheus.CounterOpts{Name: "duban_bot_updates_total",
			Help: "Telegram updates handled."}),
		ChannelSends: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "duban_channel_sends_total",
			Help: "Send attempts by channel and outcome."}, []string{"channel", "outcome"}),
		ChannelLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "duban_channel_request_seconds",
			Help: "Latency of sends by channel.", Buckets: prometheus.ExponentialBuckets(0.01, 2, 12)}, []string{"channel"}),
	}
	m.Registry.MustRegister(m.Sends, m.Failures, m.Latency, m.ScanDuration, m.LastScan, m.Enqueued, m.UpdatesHandled,
		m.ChannelSends, m.ChannelLatency,
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}),
		&dbCollector{db: db, loc: loc})
	return m
}

var (
	lightDesc  = prometheus.NewDesc("duban_commitments", "Commitments by light.", []string{"light"}, nil)
	outboxDesc = prometheus.NewDesc("duban_outbox", "Outbox rows by state.", []string{"state"}, nil)
)

// dbCollector reads counts from the database at scrape time.
type dbCollector struct {
	db  *store.DB
	loc func() (time.Time, *time.Location, int)
}

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- lightDesc
	ch <- outboxDesc
}

func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	now, tz, warn := c.loc()
	if counts, err := c.db.CountByLight(ctx, domain.DateOf(now, tz), warn); err == nil {
		for _, l := range domain.Lights {
			ch <- prometheus.MustNewConstMetric(lightDesc, prometheus.GaugeValue, float64(counts[l]), string(l))
		}
	}
	if depth, err := c.db.OutboxDepth(ctx); err == nil {
		for _, s := range []string{store.StatePending, store.StateSent, store.StateFailed, store.StateDead, store.StateDropped, store.StateBatched} {
			ch <- prometheus.MustNewConstMetric(outboxDesc, prometheus.GaugeValue, float64(depth[s]), s)
		}
	}
}

// Delivered counts one send attempt by its outcome ("sent" or a failure
// class) and records Telegram's latency. It implements dispatch.Observer.
func (m *Metrics) Delivered(kind, outcome string, latency time.Duration) {
	m.Latency.Observe(latency.Seconds())
	if outcome == "sent" {
		m.Sends.WithLabelValues(kind).Inc()
		return
	}
	m.Failures.WithLabelValues(kind, outcome).Inc()
}

// DeliveredOn is Delivered with the channel that carried the send; it
// implements dispatch.ChannelObserver. Telegram's latency stays in its own
// histogram too.
func (m *Metrics) DeliveredOn(channel, kind, outcome string, latency time.Duration) {
	m.ChannelSends.WithLabelValues(channel, outcome).Inc()
	m.ChannelLatency.WithLabelValues(channel).Observe(latency.Seconds())
	if channel == "telegram" {
		m.Latency.Observe(latency.Seconds())
	}
	if outcome == "sent" {
		m.Sends.WithLabelValues(kind).Inc()
		return
	}
	m.Failures.WithLabelValues(kind, outcome).Inc()
}
