package web

import (
	"context"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"duban/domain"
	"duban/store"
)

type itemData struct {
	C          *domain.Commitment
	Light      domain.Light
	Overdue    int
	Owners     []string
	Source     *domain.Source
	Events     []timelineEvent
	Can        map[string]bool
	PendingExt *store.Extension
	Flash      string
	Error      string
	Loc        *time.Location
	Today      domain.Date
	// Link is the signed action link's token when the page is opened from
	// one; forms then post there.
	Link string
}

type timelineEvent struct {
	At       time.Time
	Kind     string
	Actor    string
	Channel  string
	Text     string
	Note     string
	Evidence []evidenceRef
}

type evidenceRef struct {
	N     int
	Image bool
	// Local is a file duban keeps (served from the evidence directory);
	// otherwise it is a Telegram file id, shown as text.
	Local bool
	Name  string
}

// parseID reads the {id} of a path; anything but a positive number is the
// same 404 as a missing item.
func parseID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(strings.TrimPrefix(r.PathValue("id"), "#"), 10, 64)
	return id, err == nil && id > 0
}

// item is one commitment: every field, the timeline with evidence inline,
// and the actions the workflow allows this viewer.
func (s *Server) item(w http.ResponseWriter, r *http.Request) {
	id, ok := parseID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	d, err := s.itemData(r.Context(), viewer(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Flash = r.URL.Query().Get("ok")
	s.render(w, r, "item", "item", d)
}

func (s *Server) itemData(ctx context.Context, v *domain.Contact, id int64) (*itemData, error) {
	c, err := s.view(ctx, v, id)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	d := &itemData{C: c, Light: c.Light(now, s.Loc, s.WarnDays), Loc: s.Loc, Today: s.today(), Can: s.allowed(v, c)}
	if c.Status.Active() {
		d.Overdue = domain.DaysOverdue(c.Due, now, s.Loc)
	}
	names, err := s.contactNames(ctx)
	if err != nil {
		return nil, err
	}
	for _, o := range c.Owners {
		d.Owners = append(d.Owners, names.name(o))
	}
	if c.SourceKey != "" {
		if d.Source, err = s.DB.Source(ctx, c.SourceKey); err != nil {
			return nil, err
		}
	}
	if ext, err := s.DB.PendingExtension(ctx, id); err == nil {
		d.PendingExt = ext
	}
	evs, err := s.DB.History(ctx, id)
	if err != nil {
		return nil, err
	}
	l := langOf(v)
	n := 0
	for _, e := range evs {
		te := timelineEvent{At: e.At, Kind: e.Kind, Actor: names.name(e.Actor), Channel: e.Channel, Note: e.Note}
		switch e.Kind {
		case "progress":
			te.Text = l.F("ev.progress", *e.Percent)
		case "status":
			te.Text = l.F("ev.status", l.Status(domain.Status(e.From)), l.Status(domain.Status(e.To)))
		case "extension":
			te.Text = l.F("ev.extension", orDash(e.OldDue), e.NewDue, e.State)
			if e.Late {
				te.Text += " · " + l.T("ev.late")
			}
		case "notification":
			te.Text, te.Note = l.F("ev.notification", e.Note), ""
		}
		for _, ev := range e.Evidence {
			te.Evidence = append(te.Evidence, s.evidenceRef(n, ev))
			n++
		}
		d.Events = append(d.Events, te)
	}
	return d, nil
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

var imageExt = map[string]string{".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif", ".webp": "image/webp"}

func (s *Server) evidenceRef(n int, ev string) evidenceRef {
	ref := evidenceRef{N: n, Name: ev}
	if s.localEvidence(ev) != "" {
		ref.Local = true
		ref.Name = filepath.Base(ev)
		_, ref.Image = imageExt[strings.ToLower(filepath.Ext(ev))]
	}
	return ref
}

// contactNames maps contact keys to names: people are shown by name.
type nameMap map[string]string

func (m nameMap) name(key string) string {
	if n, ok := m[key]; ok {
		return n
	}
	return key
}

func (s *Server) contactNames(ctx context.Context) (nameMap, error) {
	cs, err := s.DB.Contacts(ctx)
	if err != nil {
		return nil, err
	}
	m := nameMap{}
	for _, c := range cs {
		m[c.Key] = c.Name
	}
	return m, nil
}
