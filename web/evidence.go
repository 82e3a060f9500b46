package web

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// localEvidence returns the cleaned path of an evidence entry when it is a
// file inside the evidence directory, and "" otherwise: nothing outside it
// is ever served.
func (s *Server) localEvidence(ev string) string {
	if s.EvidenceDir == "" || strings.HasPrefix(ev, "tg:") || !filepath.IsAbs(ev) {
		return ""
	}
	root, err := filepath.Abs(s.EvidenceDir)
	if err != nil {
		return ""
	}
	p := filepath.Clean(ev)
	if !strings.HasPrefix(p, root+string(filepath.Separator)) {
		return ""
	}
	return p
}

// evidence serves the n-th evidence file of an item to a viewer who may
// see the item; for anyone else it is the same 404 as a missing item.
func (s *Server) evidence(w http.ResponseWriter, r *http.Request) {
	id, ok := parseID(r)
	n, err := strconv.Atoi(r.PathValue("n"))
	if !ok || err != nil || n < 0 {
		s.notFound(w, r)
		return
	}
	if _, err := s.view(r.Context(), viewer(r), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.serveEvidence(w, r, id, n)
}

func (s *Server) serveEvidence(w http.ResponseWriter, r *http.Request, id int64, n int) {
	evs, err := s.DB.History(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	i := 0
	for _, e := range evs {
		for _, ev := range e.Evidence {
			if i == n {
				p := s.localEvidence(ev)
				if p == "" {
					s.notFound(w, r)
					return
				}
				f, err := os.Open(p)
				if err != nil {
					s.notFound(w, r)
					return
				}
				defer f.Close()
				st, err := f.Stat()
				if err != nil {
					s.notFound(w, r)
					return
				}
				ct, ok := imageExt[strings.ToLower(filepath.Ext(p))]
				if !ok {
					ct = "application/octet-stream"
					w.Header().Set("Content-Disposition", "attachment")
				}
				w.Header().Set("Content-Type", ct)
				w.Header().Set("Cache-Control", "private, max-age=3600")
				http.ServeContent(w, r, "", st.ModTime(), f)
				return
			}
			i++
		}
	}
	s.notFound(w, r)
}
