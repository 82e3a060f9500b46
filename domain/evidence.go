package domain

import "strings"

// Evidence is kept as text: a local file path, or a file Telegram holds,
// named by its file id with a prefix saying how to send it again.
const (
	evidencePhoto    = "tg:"    // a photo (the largest size)
	evidenceDocument = "tgdoc:" // a document
)

// TelegramEvidence is the evidence text of a file Telegram holds.
func TelegramEvidence(fileID string, document bool) string {
	if document {
		return evidenceDocument + fileID
	}
	return evidencePhoto + fileID
}

// TelegramFile reads evidence text written by TelegramEvidence: the file id
// and whether it is a document; ok is false for a local path.
func TelegramFile(evidence string) (fileID string, document, ok bool) {
	if id, found := strings.CutPrefix(evidence, evidenceDocument); found && id != "" {
		return id, true, true
	}
	if id, found := strings.CutPrefix(evidence, evidencePhoto); found && id != "" {
		return id, false, true
	}
	return "", false, false
}
