package bot

import (
	"context"
	"errors"
	"fmt"

	"duban/domain"
	"duban/store"
)

// errStaleButton rolls back a decision whose button names an extension
// request that stopped being the pending one while we looked.
var errStaleButton = errors.New("stale extension button")

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
	action, id, ok := ParseCallback(in.Data)
	if !ok {
		return r.answer(r.w.badButton)
	}
	switch action {
	case ActDone:
		return h.pressDone(ctx, r, id)
	case ActProgress, ActExtend:
		return h.pressAsk(ctx, r, action, id)
	default:
		return h.pressDecide(ctx, r, id, action == ActApprove)
	}
}

// pressDone marks the commitment done and edits the reminder to say so.
func (h *Handler) pressDone(ctx context.Context, r *request, id int64) []Out {
	c, outs := h.find(ctx, r, id)
	if outs != nil {
		return outs
	}
	if msg := r.w.cannotFinish(c); msg != "" {
		return r.answer(htmlToPlain(msg))
	}
	if err := h.markDone(ctx, r, c, "", nil); err != nil {
		return h.changeFailed(r, c, err)
	}
	return append(r.answer(r.w.doneAnswer), r.edit(fmt.Sprintf(r.w.doneEdit, ref(c)))...)
}

// pressAsk answers Progress and Extension: both need input (a percentage,
// a date and a reason), so the bot says exactly what to type.
func (h *Handler) pressAsk(ctx context.Context, r *request, action string, id int64) []Out {
	c, outs := h.find(ctx, r, id)
	if outs != nil {
		return outs
	}
	if !c.Status.Active() {
		msg := r.w.noProgress
		if action == ActExtend {
			msg = r.w.noExtend
		}
		return r.answer(htmlToPlain(fmt.Sprintf(msg, ref(c), esc(r.w.status[c.Status]))))
	}
	typed, format := fmt.Sprintf(r.w.typeProgress, c.ID), r.w.askedProgress
	if action == ActExtend {
		typed, format = fmt.Sprintf(r.w.typeExtend, c.ID), r.w.askedExtend
	}
	return append(r.answer(htmlToPlain(typed)), Out{ChatID: r.ChatID, Text: fmt.Sprintf(format, ref(c), typed)})
}

// pressDecide approves or rejects an extension request from the
// supervision chat's buttons, tells the requester through the outbox in the
// same transaction, and edits the request message to show the decision.
func (h *Handler) pressDecide(ctx context.Context, r *request, extID int64, approve bool) []Out {
	if !supervises(r.ct) {
		return r.answer(r.w.decideOnly)
	}
	ext, err := h.db.ExtensionByID(ctx, extID)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return r.answer(r.w.badButton)
	}
	if err != nil {
		return h.fail(r.In, r.w, err)
	}
	c, outs := h.find(ctx, r, ext.CommitmentID)
	if outs != nil {
		return outs
	}
	if ext.State != "pending" {
		return r.answer(fmt.Sprintf(r.w.decidedAlready, r.w.stateWord(ext.State)))
	}
	var requester *domain.Contact
	if ext.RequesterID != 0 {
		if requester, err = h.db.ContactByID(ctx, ext.RequesterID); err != nil {
			return h.fail(r.In, r.w, err)
		}
	}
	err = h.db.ApplyUpdate(ctx, r.UpdateID, func(ctx context.Context) error {
		decided, err := h.db.DecideExtension(ctx, c.ID, approve, r.actor)
		if err != nil {
			return err
		}
		if decided.ID != ext.ID {
			return errStaleButton
		}
		if requester == nil {
			return nil
		}
		w := lang(requester.Language)
		body := fmt.Sprintf(w.decisionRejected, ref(c), dateOr(w, ext.OldDue))
		if approve {
			body = fmt.Sprintf(w.decisionApproved, ref(c), ext.RequestedDue)
		}
		_, err = h.db.Enqueue(ctx, store.Notification{
			CommitmentID: c.ID, ContactID: requester.ID, ChatID: requester.ChatID, Kind: store.KindExtension,
			Stage: "decision", DedupKey: fmt.Sprintf("ext/%d/decision", ext.ID), Body: body,
		})
		return err
	})
	if errors.Is(err, errStaleButton) {
		return r.answer(r.w.badButton)
	}
	if err != nil {
		return h.changeFailed(r, c, err)
	}
	ext.State = "rejected"
	answer, line := r.w.rejected, r.w.editRejected
	if approve {
		ext.State = "approved"
		answer, line = r.w.approved, r.w.editApproved
	}
	w := lang(h.cfg.Language)
	text := h.extensionText(w, c, ext, requester) + "\n" + fmt.Sprintf(line, esc(r.ct.Name))
	return append(r.answer(answer), r.edit(text)...)
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
