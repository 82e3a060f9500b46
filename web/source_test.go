package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"duban/store/storetest"
)

// A letter's follow-up (the B-class second reply and the deputy's
// satisfaction) is the supervision office's to record, through the
// workflow; an official cannot, and a bad date changes nothing.
func TestSourceFollowUp(t *testing.T) {
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			e := newEnv(t, backend, "")
			ctx := context.Background()
			sup := e.browser().signIn("ducha", "ducha-pass-1")
			sup.get("/sources/jdz-16-4-111").want(http.StatusOK, `id="source-edit"`)

			sup.post("/sources/jdz-16-4-111", url.Values{"second_reply_on": {"2024-13-01"}, "satisfaction": {"basically"}}).want(http.StatusBadRequest)
			if src, _ := e.db.Source(ctx, "jdz-16-4-111"); !src.SecondReplyOn.IsZero() || src.Satisfaction != "satisfied" {
				t.Fatalf("a bad date changed the source: %+v", src)
			}
			sup.get("/sources/jdz-16-4-111")
			sup.post("/sources/jdz-16-4-111", url.Values{"second_reply_on": {"2024-08-20"}, "satisfaction": {"unsure"}}).want(http.StatusBadRequest)

			sup.get("/sources/jdz-16-4-111")
			sup.post("/sources/jdz-16-4-111", url.Values{"second_reply_on": {"2024-08-20"}, "satisfaction": {"basically"}})
			if sup.status != http.StatusSeeOther {
				t.Fatalf("save: %d %.500s", sup.status, sup.body)
			}
			src, err := e.db.Source(ctx, "jdz-16-4-111")
			if err != nil || src.SecondReplyOn.String() != "2024-08-20" || src.Satisfaction != "basically" {
				t.Fatalf("source after save: %+v %v", src, err)
			}
			var edits int
			if err := e.db.SQLX().Get(&edits, `SELECT COUNT(*) FROM source_edits`); err != nil || edits != 2 {
				t.Fatalf("source_edits: %d %v", edits, err)
			}

			// An official gets the missing page's 404 and changes nothing;
			// the form is not even shown to them.
			off := e.browser().signIn("zhang-guobin", "zhang-pass-1")
			off.get("/sources/jdz-16-4-111")
			if off.status == http.StatusOK && containsForm(off.body) {
				t.Fatal("the follow-up form is shown to an official")
			}
			off.post("/sources/jdz-16-4-111", url.Values{"satisfaction": {"dissatisfied"}}).want(http.StatusNotFound)
			if src, _ := e.db.Source(ctx, "jdz-16-4-111"); src.Satisfaction != "basically" {
				t.Fatalf("an official changed the satisfaction: %q", src.Satisfaction)
			}
		})
	}
}

func containsForm(body string) bool { return strings.Contains(body, `id="source-edit"`) }
