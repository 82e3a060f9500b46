package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"runtime/debug"

	"duban/config"
	"duban/domain"
	"duban/store"
)

// Formats lists the formats Render writes.
var Formats = []string{"text", "md", "csv", "xlsx", "png"}

// Render writes r in format: text, md, csv, xlsx or png.
func (r *Report) Render(ctx context.Context, format string, w io.Writer) error {
	switch format {
	case "text":
		return r.WriteText(w)
	case "md":
		return r.WriteMarkdown(ctx, w)
	case "csv":
		return r.WriteCSV(ctx, w)
	case "xlsx":
		return r.WriteXLSX(ctx, w)
	case "png":
		return r.WritePNG(w)
	}
	return domain.Errorf(domain.EINVALID, "unknown report format %q: want text, md, csv, xlsx or png", format)
}

// resolveMonth parses month, or returns the month just ended at db's clock
// in cfg's time zone when it is empty.
func resolveMonth(db *store.DB, cfg *config.Config, month string) (Month, error) {
	if month == "" {
		return MonthBefore(db.Now(), cfg.Location), nil
	}
	return ParseMonth(month)
}

// EnqueueMonthly puts the report of month (YYYY-MM; "" for the month just
// ended) in the outbox for the supervision chat (telegram.supervision_chat_id):
// the text summary, then the XLSX workbook as a document and the chart as a
// photo. Their dedup keys are report/<month>/text, …/xlsx and …/png, so a
// month's report is enqueued once whatever the restarts and replicas, and
// a failed upload is retried by the dispatcher like any message. Nothing is
// rendered when all three are already in the outbox. It returns how many
// rows it wrote. This is what the monthly_report schedule runs.
func EnqueueMonthly(ctx context.Context, db *store.DB, cfg *config.Config, month string) (int, error) {
	m, err := resolveMonth(db, cfg, month)
	if err != nil {
		return 0, err
	}
	return enqueueReport(ctx, db, cfg, m, cfg.Telegram.SupervisionChatID, "report/"+m.String())
}

// SendMonthly enqueues the report of month (YYYY-MM; "" for the month just
// ended) for chatID on demand: it is what the bot's /report calls (it
// implements bot.Reporter once db and cfg are bound). Its dedup keys carry
// the request time (report/<month>/ondemand/<unix nanos>/…), so asking
// again sends again. It returns a one-line note for the person who asked,
// in cfg.Language; a bad month is an EINVALID domain error.
func SendMonthly(ctx context.Context, db *store.DB, cfg *config.Config, month string, chatID int64) (string, error) {
	m, err := resolveMonth(db, cfg, month)
	if err != nil {
		return "", err
	}
	prefix := fmt.Sprintf("report/%s/ondemand/%d", m, db.Now().UnixNano())
	if _, err := enqueueReport(ctx, db, cfg, m, chatID, prefix); err != nil {
		return "", err
	}
	w := wordsFor(cfg.Language)
	return w.pick(fmt.Sprintf("%s督办月报已生成，正在发送：文字摘要、xlsx 明细和 png 图表。", w.monthTitle(m)),
		fmt.Sprintf("The supervision report for %s is on its way: the summary, the xlsx workbook and the png chart.", w.monthTitle(m))), nil
}

// noSupervisionChat is why a report for chat 0 is recorded dead.
const noSupervisionChat = "unreachable: telegram.supervision_chat_id is not set"

func enqueueReport(ctx context.Context, db *store.DB, cfg *config.Config, m Month, chatID int64, prefix string) (int, error) {
	keys := []string{prefix + "/text", prefix + "/xlsx", prefix + "/png"}
	have, err := db.ExistingDedupKeys(ctx, keys...)
	if err != nil {
		return 0, err
	}
	if have[keys[0]] && have[keys[1]] && have[keys[2]] {
		return 0, nil
	}
	// A report's workbook passes through tens of megabytes of heap: give
	// them back to the system once it is queued, so that a daemon that
	// reports once a month does not keep that much resident all month.
	defer debug.FreeOSMemory()
	opts := OptionsFor(cfg, m)
	opts.Logger = slog.Default().With("report", m.String())
	r, err := Build(ctx, db, opts)
	if err != nil {
		return 0, err
	}
	w := wordsFor(r.Lang)
	title := w.pick("督办月报 "+w.monthTitle(m), "Supervision report, "+w.monthTitle(m))
	dead := ""
	if chatID == 0 {
		dead = noSupervisionChat
	}
	base := store.Notification{ChatID: chatID, Kind: store.KindReport, DeadReason: dead}
	var ns []store.Notification
	if !have[keys[0]] {
		n := base
		n.Stage, n.DedupKey, n.Body = "text", keys[0], html.EscapeString(r.Text())
		ns = append(ns, n)
	}
	if !have[keys[1]] {
		var buf bytes.Buffer
		if err := r.WriteXLSX(ctx, &buf); err != nil {
			return 0, err
		}
		n := base
		n.Stage, n.DedupKey = "xlsx", keys[1]
		n.Body = html.EscapeString(title + w.pick("：明细（汇总、红灯事项、全部事项）", ": details (summary, red items, all items)"))
		n.AttachmentKind, n.AttachmentName, n.Attachment = "document", "duban-report-"+m.String()+".xlsx", buf.Bytes()
		ns = append(ns, n)
	}
	if !have[keys[2]] {
		var buf bytes.Buffer
		n := base
		var missing *MissingGlyphsError
		switch err := r.WritePNG(&buf); {
		case errors.As(err, &missing):
			// Recorded, never posted: a chart with empty boxes says nothing.
			r.log.Warn("report chart not sent", "error", err)
			n.DeadReason = err.Error()
		case err != nil:
			return 0, err
		}
		n.Stage, n.DedupKey = "png", keys[2]
		n.Body = html.EscapeString(title + w.pick("：各单位红黄绿灯", ": lights by unit"))
		n.AttachmentKind, n.AttachmentName, n.Attachment = "photo", "duban-report-"+m.String()+".png", buf.Bytes()
		ns = append(ns, n)
	}
	return db.Enqueue(ctx, ns...)
}
