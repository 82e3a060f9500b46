package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
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
	if applied, err := h.db.UpdateApplied(ctx, r.UpdateID); err != nil {
		return h.fail(r.In, r.w, err)
	} else if applied {
		return nil
	}
	// A link code is single use, so a redelivered /start cannot link twice;
	// the update is recorded after, so that it is not answered twice.
	ct, prev, err := h.db.LinkWithCode(ctx, cmd.Text, r.ChatID, r.UserID)
	if err == nil {
		err = h.db.RecordUpdate(ctx, r.UpdateID)
	}
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
	out := r.reply(fmt.Sprintf(w.linked, esc(ct.Name), esc(ct.Key)))
	// SPEC §12: the chat that spoke for the contact until now is told, and
	// a supervisor or admin linked is announced to the supervision chat,
	// so that a stolen code cannot take an account silently.
	if prev != 0 {
		out = append(out, Out{ChatID: prev, Text: fmt.Sprintf(w.unlinkedElsewhere, esc(ct.Name))})
	}
	if ct.Role != domain.Official && h.cfg.SupervisionChatID != 0 {
		sw := lang(h.cfg.Language)
		out = append(out, Out{ChatID: h.cfg.SupervisionChatID,
			Text: fmt.Sprintf(sw.linkAnnounced, esc(ct.Name), esc(ct.Key), esc(sw.roles[ct.Role]), r.ChatID)})
	}
	return out
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

// find loads commitment id (with its owners) if it is in the contact's
// scope. Otherwise it answers "not found", the same bytes whether the id
// is missing or out of scope.
func (h *Handler) find(ctx context.Context, r *request, id int64) (*domain.Commitment, []Out) {
	c, err := h.wf.View(ctx, r.actor, id)
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

// refused turns the workflow's refusal into one line for the user: nothing
// when the update was already applied, "not found" for an id out of scope,
// the role or the status that stands in the way, or one generic line for a
// system failure.
func (h *Handler) refused(r *request, id int64, err error) []Out {
	if errors.Is(err, store.ErrUpdateApplied) {
		return nil
	}
	var text string
	var me *domain.MoveError
	var de *domain.Error
	switch {
	case domain.ErrorCode(err) == domain.ENOTFOUND && strings.HasPrefix(domain.ErrorMessage(err), "commitment #"):
		return r.notFound(id)
	case errors.As(err, &me):
		act := me.Action
		if act == "" {
			act = moveAction(me.To)
		}
		name := "#" + strconv.FormatInt(me.ID, 10)
		if c, err := h.db.Commitment(context.Background(), me.ID); err == nil {
			name = ref(c)
		}
		if me.From == domain.Done && act == "done" {
			text = fmt.Sprintf(r.w.alreadyDone, name)
			break
		}
		text = fmt.Sprintf(r.w.cannot, name, esc(r.w.status[me.From]), esc(r.w.actionWord(act)))
	case domain.ErrorCode(err) == domain.EFORBIDDEN:
		act := strings.TrimPrefix(domain.ErrorMessage(err), "only the supervision office may ")
		text = fmt.Sprintf(r.w.onlyOffice, esc(r.w.actionWord(act)))
	case errors.As(err, &de) && (de.Code == domain.EINVALID || de.Code == domain.ECONFLICT || de.Code == domain.ENOTFOUND):
		text = "#" + strconv.FormatInt(id, 10) + ": " + esc(de.Message)
	default:
		return h.fail(r.In, r.w, err)
	}
	if r.CallbackID != "" {
		return r.answer(htmlToPlain(text))
	}
	return r.reply(text)
}

// moveAction names the action a move to status to stands for.
func moveAction(to domain.Status) string {
	switch to {
	case domain.Done:
		return "done"
	case domain.Verified:
		return "verify"
	case domain.InProgress:
		return "send_back"
	case domain.Cancelled:
		return "cancel"
	}
	return string(to)
}

// actionWord names an action in the user's language.
func (w *words) actionWord(act string) string {
	if s, ok := w.actions[act]; ok {
		return s
	}
	return act
}

// progress records a progress update, with the file of a captioned photo
// or document as evidence.
func (h *Handler) progress(ctx context.Context, r *request, cmd Command) []Out {
	ev, outs := h.evidenceFor(ctx, r, cmd.ID)
	if outs != nil {
		return outs
	}
	o, err := h.wf.Progress(ctx, r.actor, cmd.ID, cmd.Percent, cmd.Text, ev)
	if err != nil {
		return h.refused(r, cmd.ID, err)
	}
	return r.reply(fmt.Sprintf(r.w.progressOK, ref(o.Commitment), cmd.Percent) + h.evidenceNote(r.w, ev))
}

// done marks a commitment done, with evidence as for progress. A typed
// /done needs no confirmation.
func (h *Handler) done(ctx context.Context, r *request, cmd Command) []Out {
	ev, outs := h.evidenceFor(ctx, r, cmd.ID)
	if outs != nil {
		return outs
	}
	o, err := h.wf.Done(ctx, r.actor, cmd.ID, cmd.Text, ev)
	if err != nil {
		return h.refused(r, cmd.ID, err)
	}
	return r.reply(fmt.Sprintf(r.w.doneOK, ref(o.Commitment)) + h.evidenceNote(r.w, ev))
}

// evidenceFor downloads the file attached to r, once the commitment is
// known to be in the contact's scope. Without a file there is nothing to
// check first: the workflow's own scope check answers in its transaction,
// one round trip fewer for the common /progress.
func (h *Handler) evidenceFor(ctx context.Context, r *request, id int64) ([]string, []Out) {
	if r.FileID == "" {
		return nil, nil
	}
	c, outs := h.find(ctx, r, id)
	if outs != nil {
		return nil, outs
	}
	return h.evidence(ctx, r, c), nil
}

// evidenceNote says how many files were attached, "" for none.
func (h *Handler) evidenceNote(w *words, ev []string) string {
	n := 0
	for _, e := range ev {
		if _, _, ok := domain.TelegramFile(e); ok {
			n++
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(w.evidenceN, n)
}

// extend files an extension request; the workflow queues it for the
// supervision chat with 批准 / 驳回 buttons in the same transaction.
func (h *Handler) extend(ctx context.Context, r *request, cmd Command) []Out {
	if !cmd.Date.After(h.today()) {
		return r.reply(fmt.Sprintf(r.w.pastDate, day(r.w, cmd.Date)) + r.w.syntax(CmdExtend))
	}
	c, outs := h.find(ctx, r, cmd.ID)
	if outs != nil {
		return outs
	}
	if c.Ongoing() && c.Status.Active() {
		return r.reply(fmt.Sprintf(r.w.ongoingNoExtend, ref(c)))
	}
	if !c.Due.IsZero() && c.Status.Active() && !cmd.Date.After(c.Due) {
		return r.reply(fmt.Sprintf(r.w.notAfterDue, ref(c), day(r.w, cmd.Date), day(r.w, c.Due)))
	}
	if p, err := h.db.PendingExtension(ctx, c.ID); err == nil {
		return r.reply(fmt.Sprintf(r.w.pendingExists, ref(c), day(r.w, p.RequestedDue)))
	}
	o, err := h.wf.RequestExtension(ctx, r.actor, cmd.ID, cmd.Date, cmd.Text)
	if err != nil {
		return h.refused(r, cmd.ID, err)
	}
	text := fmt.Sprintf(r.w.extendOK, ref(c), dateOr(r.w, o.Extension.OldDue), day(r.w, o.Extension.RequestedDue))
	if o.Extension.Late {
		text += r.w.lateNote
	}
	return r.reply(text)
}

// verify closes a done commitment (销号); the owners hear 已销号.
func (h *Handler) verify(ctx context.Context, r *request, cmd Command) []Out {
	o, err := h.wf.Verify(ctx, r.actor, cmd.ID)
	if err != nil {
		return h.refused(r, cmd.ID, err)
	}
	return r.reply(fmt.Sprintf(r.w.verifyOK, ref(o.Commitment)))
}

// reopen sends a done commitment back (退回) with a reason, which the
// owners receive with the item's buttons.
func (h *Handler) reopen(ctx context.Context, r *request, cmd Command) []Out {
	o, err := h.wf.SendBack(ctx, r.actor, cmd.ID, cmd.Text)
	if err != nil {
		return h.refused(r, cmd.ID, err)
	}
	return r.reply(fmt.Sprintf(r.w.reopenOK, ref(o.Commitment)))
}

// cancel cancels a commitment (撤销) with a reason.
func (h *Handler) cancel(ctx context.Context, r *request, cmd Command) []Out {
	o, err := h.wf.Cancel(ctx, r.actor, cmd.ID, cmd.Text)
	if err != nil {
		return h.refused(r, cmd.ID, err)
	}
	return r.reply(fmt.Sprintf(r.w.cancelOK, ref(o.Commitment)))
}

// decide approves (/approve ID) or rejects (/reject ID REASON) the pending
// extension request of a commitment.
func (h *Handler) decide(ctx context.Context, r *request, cmd Command) []Out {
	approve := cmd.Name == CmdApprove
	o, err := h.wf.DecidePending(ctx, r.actor, cmd.ID, approve, cmd.Text)
	if err != nil {
		return h.refused(r, cmd.ID, err)
	}
	if approve {
		return r.reply(fmt.Sprintf(r.w.approveOK, ref(o.Commitment), day(r.w, o.Extension.RequestedDue)))
	}
	return r.reply(fmt.Sprintf(r.w.rejectOK, ref(o.Commitment)))
}

// pendingList is /pending (/待核销): done items awaiting 销号, oldest
// first, and pending extension requests, with their age.
func (h *Handler) pendingList(ctx context.Context, r *request) []Out {
	p, err := h.wf.Pending(ctx, r.actor)
	if err != nil {
		return h.refused(r, 0, err)
	}
	if len(p.Done) == 0 && len(p.Extensions) == 0 {
		return r.reply(r.w.pendingEmpty)
	}
	lines := []string{fmt.Sprintf(r.w.pendingHead, len(p.Done))}
	for i, d := range p.Done {
		if i == 30 {
			lines = append(lines, fmt.Sprintf(r.w.more, len(p.Done)-i))
			break
		}
		lines = append(lines, fmt.Sprintf(r.w.pendingDone, ref(d.Commitment), esc(d.By), d.Days))
	}
	for i, e := range p.Extensions {
		if i == 30 {
			lines = append(lines, fmt.Sprintf(r.w.more, len(p.Extensions)-i))
			break
		}
		lines = append(lines, fmt.Sprintf(r.w.pendingExt, ref(e.Commitment), esc(e.Requester), dateOr(r.w, e.Extension.OldDue),
			day(r.w, e.Extension.RequestedDue), e.Days))
	}
	return r.reply(strings.Join(lines, "\n"))
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
