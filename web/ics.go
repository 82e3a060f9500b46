package web

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"duban/domain"
	"duban/store"
)

// icsFeed serves a contact's calendar (RFC 5545): one all-day event per
// due date of the items they may see, with alarms at the lead days. A
// supervisor's feed is the whole office's, or one unit's with ?unit=NAME.
// A token of an older generation (rotated) or with a bad signature is 404.
func (s *Server) icsFeed(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	if !strings.HasSuffix(tok, ".ics") {
		s.notFound(w, r)
		return
	}
	cid, gen, err := s.links.CheckICS(tok)
	if err != nil {
		s.notFound(w, r)
		return
	}
	cur, err := s.DB.ICSGeneration(r.Context(), cid)
	if err != nil || cur != gen {
		s.notFound(w, r)
		return
	}
	ct, err := s.DB.ContactByID(r.Context(), cid)
	if err != nil {
		s.notFound(w, r)
		return
	}
	q := store.RegisterQuery{Sort: store.SortDueAsc, Unit: r.URL.Query().Get("unit"),
		Statuses: []domain.Status{domain.Open, domain.InProgress, domain.Done, domain.Verified}}
	if q.Unit != "" && !supervises(ct) {
		s.notFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="duban.ics"`)
	if err := s.writeICS(r.Context(), w, ct, q); err != nil {
		s.Logger.Error("ics", "err", err.Error())
	}
}

// writeICS writes the calendar of the items q selects within c's scope.
func (s *Server) writeICS(ctx context.Context, out io.Writer, c *domain.Contact, q store.RegisterQuery) error {
	q.Scope, q.Today, q.WarnDays = s.scopeOf(c), s.today(), s.WarnDays
	l := langOf(c)
	iw := &icsWriter{w: bufio.NewWriter(out)}
	name := l.T("app")
	if q.Unit != "" {
		name += " · " + q.Unit
	}
	iw.line("BEGIN:VCALENDAR")
	iw.line("VERSION:2.0")
	iw.line("PRODID:-//duban//web workspace//ZH")
	iw.line("CALSCALE:GREGORIAN")
	iw.line("METHOD:PUBLISH")
	iw.prop("X-WR-CALNAME", name)
	iw.line("X-WR-TIMEZONE:" + s.Loc.String())
	stamp := s.Now().UTC().Format("20060102T150405Z")
	host := "duban"
	if s.BaseURL != "" {
		host = strings.TrimPrefix(strings.TrimPrefix(s.BaseURL, "https://"), "http://")
		host = strings.SplitN(host, "/", 2)[0]
	}
	err := s.DB.Register(ctx, q, func(r *store.RegisterRow) error {
		if r.Due.IsZero() {
			return nil
		}
		closed := !r.Status.Active()
		iw.line("BEGIN:VEVENT")
		// The UID is the commitment's, not the date's: a moved due date
		// moves the event instead of adding one.
		iw.line(fmt.Sprintf("UID:commitment-%d@%s", r.ID, host))
		iw.line("DTSTAMP:" + stamp)
		iw.line("LAST-MODIFIED:" + r.UpdatedAt.UTC().Format("20060102T150405Z"))
		iw.line(fmt.Sprintf("SEQUENCE:%d", r.UpdatedAt.Unix()-r.CreatedAt.Unix()))
		iw.line("DTSTART;VALUE=DATE:" + icsDate(r.Due))
		iw.line("DTEND;VALUE=DATE:" + icsDate(r.Due.AddDays(1)))
		summary := fmt.Sprintf("#%d %s", r.ID, r.Title)
		if closed {
			summary = "[" + l.Status(r.Status) + "] " + summary
		}
		iw.prop("SUMMARY", summary)
		desc := fmt.Sprintf("%s: %s\n%s: %s\n%s: %d%%", l.T("col.unit"), r.Unit, l.T("col.owners"), strings.Join(r.OwnerNames, "、"),
			l.T("col.progress"), r.Progress)
		if r.SourceNumber != "" {
			desc += "\n" + l.T("col.source") + ": " + r.SourceNumber
		}
		iw.prop("DESCRIPTION", desc)
		if s.BaseURL != "" {
			iw.line(fmt.Sprintf("URL:%s/commitments/%d", s.BaseURL, r.ID))
		}
		iw.line("TRANSP:TRANSPARENT")
		if !closed {
			lead := r.LeadDays
			if len(lead) == 0 {
				lead = s.LeadDays
			}
			for _, d := range lead {
				if d <= 0 {
					continue
				}
				// At 09:00 local, d days before the (floating) due date.
				iw.line("BEGIN:VALARM")
				iw.line("ACTION:DISPLAY")
				iw.line(fmt.Sprintf("TRIGGER:-PT%dH", d*24-9))
				iw.prop("DESCRIPTION", fmt.Sprintf("#%d %s", r.ID, r.Title))
				iw.line("END:VALARM")
			}
		}
		iw.line("END:VEVENT")
		return iw.err
	})
	if err != nil {
		return err
	}
	iw.line("END:VCALENDAR")
	if iw.err != nil {
		return iw.err
	}
	return iw.w.Flush()
}

func icsDate(d domain.Date) string { return fmt.Sprintf("%04d%02d%02d", d.Year, int(d.Month), d.Day) }

// icsWriter writes content lines: CRLF endings, folded at 75 octets
// without splitting a UTF-8 sequence, text values escaped.
type icsWriter struct {
	w   *bufio.Writer
	err error
}

var icsEscaper = strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)

func (iw *icsWriter) prop(name, text string) { iw.line(name + ":" + icsEscaper.Replace(text)) }

func (iw *icsWriter) line(s string) {
	if iw.err != nil {
		return
	}
	first := true
	for len(s) > 0 {
		max := 75
		if !first {
			max = 74 // the leading space counts
		}
		n := len(s)
		if n > max {
			n = max
			for n > 0 && !utf8.RuneStart(s[n]) {
				n--
			}
		}
		if !first {
			iw.w.WriteByte(' ')
		}
		iw.w.WriteString(s[:n])
		_, iw.err = iw.w.WriteString("\r\n")
		s = s[n:]
		first = false
	}
}
