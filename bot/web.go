package bot

import (
	"context"
	"fmt"
	"time"
)

// WebLinks issues one-time sign-in links to the web workspace (SPEC §13).
// web.SigninLinks implements it; `duban contact weblink` hands out the
// same links.
type WebLinks interface {
	SigninLink(ctx context.Context, contactKey string) (link string, expires time.Time, err error)
}

// web answers /web with a one-time sign-in link for the contact who asked.
// The link signs its holder in, so it is sent only in a private chat.
func (h *Handler) web(ctx context.Context, r *request) []Out {
	if r.ChatType == Group || r.ChatType == Supergroup {
		return r.reply(r.w.webInGroup)
	}
	if h.cfg.WebLinks == nil {
		return r.reply(r.w.webOff)
	}
	link, exp, err := h.cfg.WebLinks.SigninLink(ctx, r.ct.Key)
	if err != nil {
		return h.fail(r.In, r.w, err)
	}
	h.log.Info("sign-in link issued", "contact", r.ct.Key)
	return r.reply(fmt.Sprintf(r.w.webLink, esc(exp.In(h.cfg.Location).Format("2006-01-02 15:04")), esc(link)))
}
