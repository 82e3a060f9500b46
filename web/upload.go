package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// maxUpload bounds a form with a file: a phone photo fits with room.
const maxUpload = 20 << 20

// uploadExt maps what an evidence upload may be to the extension it is
// stored under; the name the browser sent is never used.
var uploadExt = map[string]string{"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp", "application/pdf": ".pdf"}

var errUploadType = errors.New("upload: want a photo (JPEG, PNG, GIF, WebP) or a PDF")

// saveUpload keeps the form's file, if any, under EvidenceDir/<id>/ and
// returns its absolute path ("" when no file was sent). The type is
// sniffed from the content. The file is written before the workflow's
// transaction, never inside it.
func (s *Server) saveUpload(r *http.Request, id int64) (string, error) {
	if err := r.ParseMultipartForm(maxUpload); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return "", fmt.Errorf("upload: %w", err)
	}
	f, _, err := r.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("upload: %w", err)
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	if n == 0 {
		return "", nil
	}
	ct := http.DetectContentType(head[:n])
	ext, ok := uploadExt[strings.SplitN(ct, ";", 2)[0]]
	if !ok {
		return "", errUploadType
	}
	if s.EvidenceDir == "" {
		return "", errors.New("upload: no evidence directory configured")
	}
	root, err := filepath.Abs(s.EvidenceDir)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(root, strconv.FormatInt(id, 10))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("upload: %w", err)
	}
	var rnd [6]byte
	rand.Read(rnd[:])
	name := s.Now().UTC().Format("20060102-150405") + "-web-" + hex.EncodeToString(rnd[:]) + ext
	tmp, err := os.CreateTemp(dir, ".part-*")
	if err != nil {
		return "", fmt.Errorf("upload: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(head[:n])
	if err == nil {
		_, err = io.Copy(tmp, f)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("upload: %w", err)
	}
	path := filepath.Join(dir, name)
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("upload: %w", err)
	}
	return path, nil
}
