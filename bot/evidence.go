package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"duban/domain"
)

// safeExt is a file extension kept for a downloaded document.
var safeExt = regexp.MustCompile(`^\.[a-z0-9]{1,8}$`)

// evidence returns what to store for the file attached to r: always
// "tg:<file_id>" (Telegram keeps the file and the id stays valid for this
// bot), and the absolute path of a local copy in EvidenceDir when one is
// configured and the download works. The download happens before the
// change's transaction, never inside it. A failed download is logged and
// leaves the file id alone: the evidence is not lost.
func (h *Handler) evidence(ctx context.Context, r *request, c *domain.Commitment) []string {
	if r.FileID == "" {
		return nil
	}
	ev := []string{domain.TelegramEvidence(r.FileID, r.FileName != "")}
	if h.cfg.EvidenceDir == "" || h.cfg.Files == nil {
		return ev
	}
	data, err := h.cfg.Files.DownloadFile(ctx, r.FileID)
	if err != nil {
		h.log.Warn("evidence download failed", "commitment", c.ID, "update_id", r.UpdateID, "err", err.Error())
		return ev
	}
	path, err := h.saveEvidence(c.ID, r.FileID, r.FileName, data)
	if err != nil {
		h.log.Warn("evidence not saved", "commitment", c.ID, "update_id", r.UpdateID, "err", err.Error())
		return ev
	}
	h.log.Info("evidence saved", "commitment", c.ID, "path", path, "bytes", len(data))
	return append(ev, path)
}

// saveEvidence writes data under EvidenceDir/<commitment id>/, named by
// the time and a hash of the file id (never by user-chosen text, which
// could climb out of the directory), and returns the absolute path. It
// writes a temporary file and renames it, so a crash leaves no half file
// under the final name.
func (h *Handler) saveEvidence(commitmentID int64, fileID, fileName string, data []byte) (string, error) {
	dir := filepath.Join(h.cfg.EvidenceDir, strconv.FormatInt(commitmentID, 10))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("evidence dir: %w", err)
	}
	ext := ".jpg" // photos have no name; Telegram serves them as JPEG
	if fileName != "" {
		ext = strings.ToLower(filepath.Ext(fileName))
		if !safeExt.MatchString(ext) {
			ext = ".bin"
		}
	}
	sum := sha256.Sum256([]byte(fileID))
	name := h.db.Now().UTC().Format("20060102-150405") + "-" + hex.EncodeToString(sum[:6]) + ext
	path, err := filepath.Abs(filepath.Join(dir, name))
	if err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(dir, ".part-*")
	if err != nil {
		return "", fmt.Errorf("evidence file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return "", fmt.Errorf("evidence file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("evidence file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("evidence file: %w", err)
	}
	return path, nil
}
