package workflow

import (
	"fmt"
	"html"
	"strings"

	"duban/domain"
	"duban/store"
)

// words writes the messages a change causes, in Chinese or English.
type words struct{ en bool }

func wordsFor(lang string) *words { return &words{en: domain.IsEnglish(lang)} }

func (w *words) pick(zh, en string) string {
	if w.en {
		return en
	}
	return zh
}

func (w *words) lang() string { return w.pick("zh", "en") }

// ref names a commitment by id and title, as every message does.
func ref(c *domain.Commitment) string {
	return fmt.Sprintf("#%d <b>%s</b>", c.ID, html.EscapeString(c.Title))
}

func esc(s string) string { return html.EscapeString(s) }

// who names the actor, with their unit when known.
func (w *words) who(a Actor) string {
	if a.Contact == nil {
		return w.pick("督查室（命令行）", "the supervision office (command line)")
	}
	if a.Contact.Unit != "" {
		return esc(a.Contact.Name) + w.pick("（", " (") + esc(a.Contact.Unit) + w.pick("）", ")")
	}
	return esc(a.Contact.Name)
}

func (w *words) done(c *domain.Commitment, a Actor, note string, files int) string {
	lines := []string{
		w.pick("✅ 承办人报告完成，请核实销号", "✅ Reported done; please verify"),
		ref(c),
		w.pick("报告人：", "By: ") + w.who(a),
	}
	if note != "" {
		lines = append(lines, w.pick("说明：", "Note: ")+esc(note))
	}
	if files == 0 {
		lines = append(lines, w.pick("佐证：无佐证", "Evidence: none (无佐证)"))
	} else {
		lines = append(lines, fmt.Sprintf(w.pick("佐证：%d 份（见上）", "Evidence: %d file(s) (above)"), files))
	}
	return strings.Join(lines, "\n")
}

func (w *words) evidenceCaption(c *domain.Commitment, i, n int) string {
	return fmt.Sprintf(w.pick("#%d 佐证 %d/%d", "#%d evidence %d/%d"), c.ID, i, n)
}

func (w *words) verified(c *domain.Commitment, a Actor) string {
	return ref(c) + "\n" + w.pick("督查室已核实，"+domain.StatusName(domain.Verified, "zh")+"。", "Verified and closed by the supervision office ("+domain.StatusName(domain.Verified, "zh")+").")
}

func (w *words) sentBack(c *domain.Commitment, a Actor, reason string) string {
	return strings.Join([]string{
		w.pick("↩️ 事项被督查室退回，请继续办理", "↩️ Sent back by the supervision office; please continue"),
		ref(c),
		w.pick("退回理由：", "Reason: ") + esc(reason),
	}, "\n")
}

func (w *words) cancelled(c *domain.Commitment, a Actor, reason string) string {
	return strings.Join([]string{
		w.pick("⚪ 事项已撤销", "⚪ Cancelled"),
		ref(c),
		w.pick("理由：", "Reason: ") + esc(reason),
	}, "\n")
}

func (w *words) extensionRequest(c *domain.Commitment, e *store.Extension, a Actor) string {
	old := e.OldDue.For(w.lang())
	lines := []string{
		w.pick("📅 延期申请", "📅 Extension request"),
		ref(c),
		w.pick("申请人：", "Requested by: ") + w.who(a),
		fmt.Sprintf(w.pick("截止日期：%s → %s", "Due date: %s → %s"), old, e.RequestedDue.For(w.lang())),
		w.pick("理由：", "Reason: ") + esc(e.Reason),
	}
	if e.Late {
		lines = append(lines, w.pick("⚠️ 逾期后提出", "⚠️ Filed after the due date"))
	}
	return strings.Join(lines, "\n")
}

func (w *words) decided(c *domain.Commitment, e *store.Extension, a Actor) string {
	if e.State == store.ExtApproved {
		return fmt.Sprintf(w.pick("✅ %s 延期申请已批准，新的截止日期：%s。", "✅ %s: extension approved, new due date %s."), ref(c), e.RequestedDue.For(w.lang()))
	}
	return fmt.Sprintf(w.pick("❌ %s 延期申请已驳回，截止日期仍为 %s。\n理由：%s", "❌ %s: extension rejected; the due date stays %s.\nReason: %s"),
		ref(c), e.OldDue.For(w.lang()), esc(e.DecisionReason))
}

func (w *words) reassigned(c *domain.Commitment, to []*domain.Contact) string {
	names := make([]string, len(to))
	for i, t := range to {
		names[i] = esc(t.Name)
	}
	return fmt.Sprintf(w.pick("🔁 %s 已转办，现责任人：%s", "🔁 %s has been reassigned; now owned by %s"), ref(c), strings.Join(names, w.pick("、", ", ")))
}

// doneNotes tells the supervision chat that c is done: each photo or file
// of evidence re-sent by its Telegram file id, then the message with 销号
// and 退回 buttons (last, so the buttons sit under the evidence).
func (s *Service) doneNotes(c *domain.Commitment, a Actor, note string, evidence []string, key string) []store.Notification {
	w := wordsFor(s.Language)
	var files []string
	var docs []bool
	for _, e := range evidence {
		if id, doc, ok := domain.TelegramFile(e); ok {
			files, docs = append(files, id), append(docs, doc)
		}
	}
	var ns []store.Notification
	for i, id := range files {
		kind := "photo"
		if docs[i] {
			kind = "document"
		}
		ns = append(ns, s.toSupervision(store.Notification{CommitmentID: c.ID, Kind: domain.KindDone, Stage: "evidence",
			DedupKey:       fmt.Sprintf("done/%d/%s/ev%d", c.ID, key, i),
			Body:           w.evidenceCaption(c, i+1, len(files)),
			AttachmentKind: kind, AttachmentName: domain.TelegramEvidence(id, docs[i])}))
	}
	ns = append(ns, s.toSupervision(store.Notification{CommitmentID: c.ID, Kind: domain.KindDone, Stage: "done",
		DedupKey: fmt.Sprintf("done/%d/%s", c.ID, key),
		Body:     w.done(c, a, note, len(files)),
		Buttons:  [][]domain.Button{{domain.NewButton(domain.BtnVerify, c.ID, w.lang()), domain.NewButton(domain.BtnSendBack, c.ID, w.lang())}},
	}))
	return ns
}

// toSupervision addresses n to the supervision chat, or records it dead
// when none is configured.
func (s *Service) toSupervision(n store.Notification) store.Notification {
	n.ChatID = s.SupervisionChatID
	if n.ChatID == 0 {
		n.DeadReason = "unreachable: telegram.supervision_chat_id is not configured"
	}
	return n
}

// extensionRequestNote asks the supervision chat to decide e.
func (s *Service) extensionRequestNote(c *domain.Commitment, e *store.Extension, a Actor) store.Notification {
	w := wordsFor(s.Language)
	return s.toSupervision(store.Notification{CommitmentID: c.ID, Kind: domain.KindExtension, Stage: "request",
		DedupKey: fmt.Sprintf("ext/%d/request", e.ID),
		Body:     w.extensionRequest(c, e, a),
		Buttons:  [][]domain.Button{{domain.NewButton(domain.BtnApprove, e.ID, w.lang()), domain.NewButton(domain.BtnReject, e.ID, w.lang())}},
	})
}

// ownerNotes is one message to each contact, in their language; with
// buttons, each carries the item's buttons.
func (s *Service) ownerNotes(c *domain.Commitment, to []*domain.Contact, kind, key string, text func(*words) string, buttons bool) []store.Notification {
	ns := make([]store.Notification, 0, len(to))
	for _, ct := range to {
		w := wordsFor(ct.Language)
		n := store.Notification{CommitmentID: c.ID, ContactID: ct.ID, ChatID: ct.ChatID, Kind: kind,
			DedupKey: fmt.Sprintf("%s/%d/%s/%s", kind, c.ID, key, ct.Key), Body: text(w)}
		if ct.Routed() {
			n.Channel = store.ChannelAuto
		}
		if strings.HasPrefix(key, "ext/") {
			n.DedupKey = fmt.Sprintf("%s/%s", key, ct.Key)
			n.Stage = "decision"
		}
		if buttons {
			n.Buttons = domain.OwnerButtons(c, w.lang())
		}
		ns = append(ns, n)
	}
	return ns
}

// reassignNotes tells the old and the new owners who now owns each item.
func (s *Service) reassignNotes(cs []*domain.Commitment, from, to []*domain.Contact, key string) []store.Notification {
	var ns []store.Notification
	seen := map[int64]bool{}
	var all []*domain.Contact
	for _, ct := range append(append([]*domain.Contact{}, from...), to...) {
		if !seen[ct.ID] {
			seen[ct.ID] = true
			all = append(all, ct)
		}
	}
	for _, c := range cs {
		ns = append(ns, s.ownerNotes(c, all, domain.KindReassigned, key, func(w *words) string { return w.reassigned(c, to) }, false)...)
	}
	return ns
}
