package bot

import (
	"context"
	"fmt"

	"duban/domain"
	"duban/workflow"
)

// handleCallback acts on a button press and always answers it, once: the
// first Out is the callback answer. A press on a stale button (the item
// closed, the request decided, or not the presser's) answers why and
// changes nothing.
func (h *Handler) handleCallback(ctx context.Context, in In) []Out {
	r, err := h.identify(ctx, in)
	if err != nil {
		return h.fail(in, h.lang(nil, in), err)
	}
	if r.ct == nil {
		return r.answer(r.w.linkHow)
	}
	action, id, ok := domain.ParseCallback(in.Data)
	if !ok {
		return r.answer(r.w.badButton)
	}
	switch action {
	case domain.BtnDone:
		return h.pressDone(ctx, r, id)
	case domain.BtnConfirmDone:
		return h.confirmDone(ctx, r, id)
	case domain.BtnKeep:
		c, outs := h.find(ctx, r, id)
		if outs != nil {
			return outs
		}
		return append(r.answer(r.w.rejected), r.edit(fmt.Sprintf(r.w.keptOpen, ref(c)))...)
	case domain.BtnProgress, domain.BtnExtend:
		return h.pressAsk(ctx, r, action, id)
	case domain.BtnVerify:
		return h.pressVerify(ctx, r, id)
	case domain.BtnSendBack:
		return h.pressSendBack(ctx, r, id)
	case domain.BtnApprove:
		return h.pressDecide(ctx, r, id, true)
	case domain.BtnReject:
		return h.pressReject(ctx, r, id)
	}
	return r.answer(r.w.badButton)
}

// allowed checks, through the workflow, that the presser may take act on c
// now, and answers why not.
func (h *Handler) allowed(r *request, c *domain.Commitment, act workflow.Action) []Out {
	for _, a := range h.wf.Allowed(r.actor, c) {
		if a == act {
			return nil
		}
	}
	if act == workflow.ActDone && c.Status == domain.Done {
		return r.answer(htmlToPlain(fmt.Sprintf(r.w.alreadyDone, ref(c))))
	}
	if act == workflow.ActExtend && c.Ongoing() && c.Status.Active() {
		return r.answer(htmlToPlain(fmt.Sprintf(r.w.ongoingNoExtend, ref(c))))
	}
	if !r.actor.Supervises() && (act == workflow.ActVerify || act == workflow.ActSendBack || act == workflow.ActDecide) {
		return r.answer(htmlToPlain(fmt.Sprintf(r.w.onlyOffice, r.w.actionWord(string(act)))))
	}
	return r.answer(htmlToPlain(fmt.Sprintf(r.w.cannot, ref(c), esc(r.w.status[c.Status]), esc(r.w.actionWord(string(act))))))
}

// pressDone asks once more before anything changes: 确认完成 / 取消.
func (h *Handler) pressDone(ctx context.Context, r *request, id int64) []Out {
	c, outs := h.find(ctx, r, id)
	if outs != nil {
		return outs
	}
	if outs := h.allowed(r, c, workflow.ActDone); outs != nil {
		return outs
	}
	code := "zh"
	if r.w == en {
		code = "en"
	}
	confirm := Out{ChatID: r.ChatID, Text: fmt.Sprintf(r.w.confirmDone, ref(c)), Buttons: [][]domain.Button{{
		domain.NewButton(domain.BtnConfirmDone, c.ID, code), domain.NewButton(domain.BtnKeep, c.ID, code),
	}}}
	return append(r.answer(htmlToPlain(fmt.Sprintf(r.w.confirmDone, plainRef(c)))), confirm)
}

// confirmDone marks the commitment done and edits the confirmation to say
// so.
func (h *Handler) confirmDone(ctx context.Context, r *request, id int64) []Out {
	if _, outs := h.find(ctx, r, id); outs != nil {
		return outs
	}
	o, err := h.wf.Done(ctx, r.actor, id, "", nil)
	if err != nil {
		return h.refused(r, id, err)
	}
	return append(r.answer(r.w.doneAnswer), r.edit(fmt.Sprintf(r.w.doneEdit, ref(o.Commitment)))...)
}

// pressAsk answers Progress and Extension: both need input (a percentage,
// a date and a reason), so the bot says exactly what to type.
func (h *Handler) pressAsk(ctx context.Context, r *request, action string, id int64) []Out {
	c, outs := h.find(ctx, r, id)
	if outs != nil {
		return outs
	}
	act := workflow.ActProgress
	if action == domain.BtnExtend {
		act = workflow.ActExtend
	}
	if outs := h.allowed(r, c, act); outs != nil {
		return outs
	}
	typed, format := fmt.Sprintf(r.w.typeProgress, c.ID), r.w.askedProgress
	if action == domain.BtnExtend {
		typed, format = fmt.Sprintf(r.w.typeExtend, c.ID), r.w.askedExtend
	}
	return append(r.answer(htmlToPlain(typed)), Out{ChatID: r.ChatID, Text: fmt.Sprintf(format, ref(c), typed)})
}

// pressVerify closes a done item from the supervision chat's 销号 button
// and edits the message to say who did.
func (h *Handler) pressVerify(ctx context.Context, r *request, id int64) []Out {
	o, err := h.wf.Verify(ctx, r.actor, id)
	if err != nil {
		return h.refused(r, id, err)
	}
	return append(r.answer(domain.StatusName(domain.Verified, langCode(r.w))),
		r.edit(fmt.Sprintf(r.w.verifyOK, ref(o.Commitment))+"（"+esc(r.ct.Name)+"）")...)
}

// pressSendBack asks for the reason a done item is sent back: 退回 needs
// one, typed.
func (h *Handler) pressSendBack(ctx context.Context, r *request, id int64) []Out {
	c, outs := h.find(ctx, r, id)
	if outs != nil {
		return outs
	}
	if outs := h.allowed(r, c, workflow.ActSendBack); outs != nil {
		return outs
	}
	text := fmt.Sprintf(r.w.askSendBack, ref(c), c.ID)
	return append(r.answer(htmlToPlain(text)), Out{ChatID: r.ChatID, Text: text})
}

// pressDecide approves an extension request from the supervision chat's
// button and edits the request message to show the decision.
func (h *Handler) pressDecide(ctx context.Context, r *request, extID int64, approve bool) []Out {
	ext, err := h.db.ExtensionByID(ctx, extID)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return r.answer(r.w.badButton)
	}
	if err != nil {
		return h.fail(r.In, r.w, err)
	}
	if !r.actor.Supervises() {
		return r.answer(r.w.decideOnly)
	}
	if ext.State != "pending" {
		return r.answer(fmt.Sprintf(r.w.decidedAlready, r.w.stateWord(ext.State)))
	}
	o, err := h.wf.DecideExtension(ctx, r.actor, extID, approve, "")
	if err != nil {
		return h.refused(r, ext.CommitmentID, err)
	}
	text := fmt.Sprintf(r.w.approveOK, ref(o.Commitment), day(r.w, o.Extension.RequestedDue)) + "\n" + fmt.Sprintf(r.w.editApproved, esc(r.ct.Name))
	return append(r.answer(r.w.approved), r.edit(text)...)
}

// pressReject asks for the reason of a rejection: 驳回 needs one, typed.
func (h *Handler) pressReject(ctx context.Context, r *request, extID int64) []Out {
	ext, err := h.db.ExtensionByID(ctx, extID)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return r.answer(r.w.badButton)
	}
	if err != nil {
		return h.fail(r.In, r.w, err)
	}
	if !r.actor.Supervises() {
		return r.answer(r.w.decideOnly)
	}
	if ext.State != "pending" {
		return r.answer(fmt.Sprintf(r.w.decidedAlready, r.w.stateWord(ext.State)))
	}
	c, outs := h.find(ctx, r, ext.CommitmentID)
	if outs != nil {
		return outs
	}
	text := fmt.Sprintf(r.w.askReject, ref(c), c.ID)
	return append(r.answer(htmlToPlain(text)), Out{ChatID: r.ChatID, Text: text})
}

// langCode is the language code of a vocabulary.
func langCode(w *words) string {
	if w == en {
		return "en"
	}
	return "zh"
}

// edit replaces the message the pressed button is on (a terminal session
// has none, and gets a new message instead).
func (r *request) edit(text string) []Out {
	if r.MessageID == 0 {
		return r.reply(text)
	}
	return []Out{{ChatID: r.ChatID, EditMessageID: r.MessageID, Text: text}}
}

// stateWord names an extension request's state.
func (w *words) stateWord(state string) string {
	switch state {
	case "approved":
		return w.approved
	case "rejected":
		return w.rejected
	case "pending":
		return w.pending
	}
	return state
}
