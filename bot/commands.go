package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"duban/domain"
	"duban/store"
)

// start links the chat with a code, or greets a linked contact.
func (h *Handler) start(ctx context.Context, r *request, cmd Command) []Out {
	if cmd.Text == "" {
		if r.ct == nil {
			return r.reply(r.w.linkHow)
		}
		return r.reply(fmt.Sprintf(r.w.startLinked, esc(r.ct.Name), esc(r.ct.Key)))
	}
	if r.ChatType != Private {
		return r.reply(r.w.startInGroup)
	}
	var ct *domain.Contact
	err := h.db.ApplyUpdate(ctx, r.UpdateID, func(ctx context.Context) error {
		var err error
		ct, err = h.db.UseLinkCode(ctx, cmd.Text, r.ChatID, r.UserID)
		return err
	})
	switch {
	case errors.Is(err, store.ErrUpdateApplied):
		return nil
	case errors.Is(err, store.ErrLinkCodeUnknown):
		return r.reply(r.w.codeUnknown)
	case errors.Is(err, store.ErrLinkCodeUsed):
		return r.reply(r.w.codeUsed)
	case errors.Is(err, store.ErrLinkCodeExpired):
		return r.reply(r.w.codeExpired)
	case err != nil:
		return h.fail(r.In, r.w, err)
	}
	h.log.Info("telegram chat linked", "contact", ct.Key, "chat_id", r.ChatID, "user_id", r.UserID)
	w := lang(ct.Language)
	return r.reply(fmt.Sprintf(w.linked, esc(ct.Name), esc(ct.Key)))
}

// help lists the commands this contact may use.
func (h *Handler) help(r *request) []Out {
	text := r.w.help
	if supervises(r.ct) {
		text += r.w.helpSupervisor
	}
	return r.reply(text)
}

// whoami shows the contact's name, unit and role.
func (h *Handler) whoami(r *request) []Out {
	unit := r.ct.Unit
	if unit == "" {
		unit = r.w.noUnit
	}
	return r.reply(fmt.Sprintf(r.w.whoami, esc(r.ct.Name), esc(r.ct.Key), esc(unit), esc(r.w.roles[r.ct.Role])))
}

// find loads commitment id (without its owners) if it is in the
// contact's scope. Otherwise it answers "not found", the same bytes
// whether the id is missing or out of scope.
func (h *Handler) find(ctx context.Context, r *request, id int64) (*domain.Commitment, []Out) {
	c, err := h.db.ScopedCommitment(ctx, r.scope, id)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, r.notFound(id)
	}
	if err != nil {
		return nil, h.fail(r.In, r.w, err)
	}
	return c, nil
}

// notFound answers a missing or out-of-scope id: a message, or for a
// button the callback answer, with the same text.
func (r *request) notFound(id int64) []Out {
	if r.CallbackID != "" {
		return r.answer(r.w.notFoundText(id))
	}
	return r.reply(r.w.notFoundText(id))
}

// answer is the answer to the button press being handled.
func (r *request) answer(text string) []Out {
	return []Out{{CallbackID: r.CallbackID, CallbackAnswer: text}}
}

// changeFailed turns the error of a change into what to answer: nothing
// when the update was already applied, the store's line for a state that
// changed under us, one generic line for a system failure.
func (h *Handler) changeFailed(r *request, c *domain.Commitment, err error) []Out {
	if errors.Is(err, store.ErrUpdateApplied) {
		return nil
	}
	switch domain.ErrorCode(err) {
	case domain.ENOTFOUND:
		return r.notFound(c.ID)
	case domain.EINVALID, domain.ECONFLICT:
		if r.CallbackID != "" {
			return r.answer(cut(plainRef(c)+": "+domain.ErrorMessage(err), 190))
		}
		return r.reply(ref(c) + ": " + esc(domain.ErrorMessage(err)))
	}
	return h.fail(r.In, r.w, err)
}

// progress records a progress update, with the file of a captioned photo
// or document as evidence.
func (h *Handler) progress(ctx context.Context, r *request, cmd Command) []Out {
	c, outs := h.find(ctx, r, cmd.ID)
	if outs != nil {
		return outs
	}
	if !c.Status.Active() {
		return r.reply(fmt.Sprintf(r.w.noProgress, ref(c), esc(r.w.status[c.Status])))
	}
	ev := h.evidence(ctx, r, c)
	err := h.db.ApplyUpdate(ctx, r.UpdateID, func(ctx context.Context) error {
		return h.db.AddProgress(ctx, c.ID, cmd.Percent, cmd.Text, ev, r.actor)
	})
	if err != nil {
		return h.changeFailed(r, c, err)
	}
	return r.reply(fmt.Sprintf(r.w.progressOK, ref(c), cmd.Percent) + h.evidenceNote(r.w, ev))
}

// done marks a commitment done, with evidence as for progress.
func (h *Handler) done(ctx context.Context, r *request, cmd Command) []Out {
	c, outs := h.find(ctx, r, cmd.ID)
	if outs != nil {
		return outs
	}
	if msg := r.w.cannotFinish(c); msg != "" {
		return r.reply(msg)
	}
	ev := h.evidence(ctx, r, c)
	if err := h.markDone(ctx, r, c, cmd.Text, ev); err != nil {
		return h.changeFailed(r, c, err)
	}
	return r.reply(fmt.Sprintf(r.w.doneOK, ref(c)) + h.evidenceNote(r.w, ev))
}

// cannotFinish says why c cannot be marked done, "" if it can.
func (w *words) cannotFinish(c *domain.Commitment) string {
	switch {
	case c.Status == domain.Done:
		return fmt.Sprintf(w.alreadyDone, ref(c))
	case !domain.CanTransition(c.Status, domain.Done):
		return fmt.Sprintf(w.closed, ref(c), esc(w.status[c.Status]))
	}
	return ""
}

func (h *Handler) markDone(ctx context.Context, r *request, c *domain.Commitment, note string, ev []string) error {
	return h.db.ApplyUpdate(ctx, r.UpdateID, func(ctx context.Context) error {
		return h.db.SetStatus(ctx, c.ID, domain.Done, note, ev, r.actor)
	})
}

// evidenceNote says how many files were attached, "" for none.
func (h *Handler) evidenceNote(w *words, ev []string) string {
	n := 0
	for _, e := range ev {
		if strings.HasPrefix(e, evidencePrefix) {
			n++
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(w.evidenceN, n)
}

// extend files an extension request and, in the same transaction, queues
// it for the supervision chat with Approve and Reject buttons.
func (h *Handler) extend(ctx context.Context, r *request, cmd Command) []Out {
	today := h.today()
	if !cmd.Date.After(today) {
		return r.reply(fmt.Sprintf(r.w.pastDate, cmd.Date) + r.w.syntax(CmdExtend))
	}
	c, outs := h.find(ctx, r, cmd.ID)
	if outs != nil {
		return outs
	}
	if !c.Status.Active() {
		return r.reply(fmt.Sprintf(r.w.noExtend, ref(c), esc(r.w.status[c.Status])))
	}
	if !c.Due.IsZero() && !cmd.Date.After(c.Due) {
		return r.reply(fmt.Sprintf(r.w.notAfterDue, ref(c), cmd.Date, c.Due))
	}
	if p, err := h.db.PendingExtension(ctx, c.ID); err == nil {
		return r.reply(fmt.Sprintf(r.w.pendingExists, ref(c), p.RequestedDue))
	} else if domain.ErrorCode(err) != domain.ENOTFOUND {
		return h.fail(r.In, r.w, err)
	}
	var ext *store.Extension
	err := h.db.ApplyUpdate(ctx, r.UpdateID, func(ctx context.Context) error {
		var err error
		ext, err = h.db.RequestExtension(ctx, c.ID, cmd.Date, cmd.Text, h.cfg.Location, r.actor)
		if err != nil {
			return err
		}
		w := lang(h.cfg.Language)
		n := store.Notification{
			CommitmentID: c.ID, ChatID: h.cfg.SupervisionChatID, Kind: store.KindExtension, Stage: "request",
			DedupKey: fmt.Sprintf("ext/%d/request", ext.ID),
			Body:     h.extensionText(w, c, ext, r.ct),
			Buttons: [][]store.Button{{
				{Text: w.approve, Data: CallbackData(ActApprove, ext.ID)},
				{Text: w.reject, Data: CallbackData(ActReject, ext.ID)},
			}},
		}
		if n.ChatID == 0 {
			n.DeadReason = "unreachable: telegram.supervision_chat_id is not configured"
		}
		_, err = h.db.Enqueue(ctx, n)
		return err
	})
	if err != nil {
		return h.changeFailed(r, c, err)
	}
	text := fmt.Sprintf(r.w.extendOK, ref(c), dateOr(r.w, ext.OldDue), ext.RequestedDue)
	if ext.Late {
		text += r.w.lateNote
	}
	return r.reply(text)
}

// extensionText is the supervision chat's message about an extension
// request.
func (h *Handler) extensionText(w *words, c *domain.Commitment, ext *store.Extension, requester *domain.Contact) string {
	lines := []string{w.extRequest, ref(c)}
	if requester != nil {
		unit := requester.Unit
		if unit == "" {
			unit = w.noUnit
		}
		lines = append(lines, fmt.Sprintf(w.extRequester, esc(requester.Name), esc(unit)))
	}
	lines = append(lines,
		fmt.Sprintf(w.extDates, dateOr(w, ext.OldDue), ext.RequestedDue),
		fmt.Sprintf(w.extReason, esc(cut(ext.Reason, 1000))))
	if ext.Late {
		lines = append(lines, w.extLate)
	}
	return strings.Join(lines, "\n")
}

// verify closes a done commitment (销号). Supervisors only; the role is
// checked before the id, so officials cannot probe ids with it.
func (h *Handler) verify(ctx context.Context, r *request, cmd Command) []Out {
	if !supervises(r.ct) {
		return r.reply(fmt.Sprintf(r.w.supervisorOnly, CmdVerify))
	}
	c, outs := h.find(ctx, r, cmd.ID)
	if outs != nil {
		return outs
	}
	if c.Status != domain.Done {
		return r.reply(fmt.Sprintf(r.w.notDoneVerify, ref(c), esc(r.w.status[c.Status])))
	}
	err := h.db.ApplyUpdate(ctx, r.UpdateID, func(ctx context.Context) error {
		return h.db.SetStatus(ctx, c.ID, domain.Verified, "", nil, r.actor)
	})
	if err != nil {
		return h.changeFailed(r, c, err)
	}
	return r.reply(fmt.Sprintf(r.w.verifyOK, ref(c)))
}

// reopen sends a done commitment back to in progress, with a reason.
func (h *Handler) reopen(ctx context.Context, r *request, cmd Command) []Out {
	if !supervises(r.ct) {
		return r.reply(fmt.Sprintf(r.w.supervisorOnly, CmdReopen))
	}
	c, outs := h.find(ctx, r, cmd.ID)
	if outs != nil {
		return outs
	}
	if c.Status != domain.Done {
		return r.reply(fmt.Sprintf(r.w.notDoneReopen, ref(c), esc(r.w.status[c.Status])))
	}
	err := h.db.ApplyUpdate(ctx, r.UpdateID, func(ctx context.Context) error {
		return h.db.SetStatus(ctx, c.ID, domain.InProgress, cmd.Text, nil, r.actor)
	})
	if err != nil {
		return h.changeFailed(r, c, err)
	}
	return r.reply(fmt.Sprintf(r.w.reopenOK, ref(c)))
}

// report has the monthly report sent now. It changes nothing itself (the
// Reporter queues or sends the report), so it is not recorded as applied.
func (h *Handler) report(ctx context.Context, r *request, cmd Command) []Out {
	if !supervises(r.ct) {
		return r.reply(fmt.Sprintf(r.w.supervisorOnly, CmdReport))
	}
	if h.cfg.Reporter == nil {
		return r.reply(r.w.reportNone)
	}
	note, err := h.cfg.Reporter.SendMonthly(ctx, cmd.Month, r.ChatID)
	if err != nil {
		var de *domain.Error
		if errors.As(err, &de) && de.Code == domain.EINVALID {
			return r.reply(esc(de.Message) + r.w.syntax(CmdReport))
		}
		return h.fail(r.In, r.w, err)
	}
	if note == "" {
		month := cmd.Month
		if month == "" {
			month = h.today().AddDays(-h.today().Day).String()[:7]
		}
		note = fmt.Sprintf(r.w.reportOK, month)
	}
	return r.reply(note)
}
