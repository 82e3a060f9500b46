package telegramtest

import (
	"fmt"
	"net/http"
	"path"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// maxDownload is the largest file a bot may download (20 MB).
const maxDownload = 20 << 20

// storedFile is a file the server can hand out through getFile.
type storedFile struct {
	id, unique string
	path       string
	name       string
	kind       string // "document", "photo", or "" for AddFile
	data       []byte
	width      int
	height     int
}

// AddFile registers data under fileID, as if a user had sent it: getFile
// answers a file_path for it and the file endpoint serves data.
func (s *Server) AddFile(fileID string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addFileLocked(&storedFile{id: fileID, data: append([]byte(nil), data...)})
}

// addFileLocked gives f an id (if it has none), a unique id and a path, and
// registers it. The caller holds s.mu.
func (s *Server) addFileLocked(f *storedFile) {
	s.state.fileSeq++
	n := s.state.fileSeq
	if f.id == "" {
		f.id = fmt.Sprintf("%s-%d", strings.ToUpper(firstNonEmpty(f.kind, "file")), n)
	}
	f.unique = fmt.Sprintf("U%d", n)
	dir := "documents"
	if f.kind == "photo" {
		dir = "photos"
	}
	f.path = fmt.Sprintf("%s/file_%d%s", dir, n, path.Ext(f.name))
	s.state.files[f.id] = f
	s.state.paths[f.path] = f
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (s *Server) getFile(w http.ResponseWriter, req *request) {
	id := req.params.Get("file_id")
	s.mu.Lock()
	f := s.state.files[id]
	s.mu.Unlock()
	if f == nil {
		badRequest(w, "invalid file_id")
		return
	}
	if len(f.data) > maxDownload {
		badRequest(w, "file is too big")
		return
	}
	s.ok(w, req, tgbotapi.File{FileID: f.id, FileUniqueID: f.unique, FileSize: len(f.data), FilePath: f.path})
}

// serveFile answers /file/bot<TOKEN>/<file_path>; rest is what follows
// "/file/bot".
func (s *Server) serveFile(w http.ResponseWriter, _ *http.Request, rest string) {
	token, p, _ := strings.Cut(rest, "/")
	if token != s.token {
		writeError(w, http.StatusUnauthorized, "Unauthorized", nil)
		return
	}
	s.mu.Lock()
	f := s.state.paths[p]
	s.mu.Unlock()
	if f == nil {
		writeError(w, http.StatusNotFound, "Not Found", nil)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	_, _ = w.Write(f.data)
}
