package web

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"testing"

	"duban/domain"
	"duban/store/storetest"
)

// tinyPNG is a 1×1 PNG, an evidence photo.
var tinyPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")

// multipart posts a form with a file field "file" holding data.
func (b *browser) multipart(path string, fields url.Values, data []byte) *browser {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if _, ok := fields["csrf"]; !ok {
		mw.WriteField("csrf", b.csrf)
	}
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if data != nil {
		fw, _ := mw.CreateFormFile("file", "photo.png")
		fw.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", b.e.ts.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

func (e *env) status(id int64) domain.Status {
	e.t.Helper()
	c, err := e.db.Commitment(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return c.Status
}

func TestItemActionsGoThroughTheWorkflow(t *testing.T) {
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			e := newEnv(t, backend, "http://duban.test")
			off := e.browser().signIn("zhang-guobin", "zhang-pass-1")
			off.get("/commitments/2").want(http.StatusOK, `id="act-done"`)
			if bytes.Contains([]byte(off.body), []byte(`id="act-verify"`)) {
				t.Fatal("an official is offered 销号")
			}
			off.multipart("/commitments/2/progress", url.Values{"note": {"已复绿"}, "done": {"1"}}, tinyPNG).want(http.StatusSeeOther)
			if st := e.status(2); st != domain.Done {
				t.Fatalf("status %s, want done", st)
			}
			off.get("/commitments/2").want(http.StatusOK, "已复绿", "/commitments/2/evidence/0")
			off.get("/commitments/2/evidence/0").want(http.StatusOK)
			// An official may not verify: refused, nothing changed.
			off.get("/commitments/2")
			off.post("/commitments/2/verify", nil).want(http.StatusForbidden)
			if st := e.status(2); st != domain.Done {
				t.Fatalf("status %s after an official's verify", st)
			}
			sup := e.browser().signIn("ducha", "ducha-pass-1")
			sup.get("/").want(http.StatusOK, "/commitments/2")
			sup.get("/commitments/2").want(http.StatusOK, `id="act-verify"`)
			sup.post("/commitments/2/verify", nil).want(http.StatusSeeOther)
			if st := e.status(2); st != domain.Verified {
				t.Fatalf("status %s, want verified", st)
			}
		})
	}
}

func TestActionLinkTakesProgressForItsItemOnly(t *testing.T) {
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			e := newEnv(t, backend, "http://duban.test")
			ct, err := e.db.Contact(context.Background(), "zhang-guobin")
			if err != nil {
				t.Fatal(err)
			}
			tok := e.srv.Links().ActionToken(ct.ID, 2)
			b := e.browser()
			b.get("/a/"+tok).want(http.StatusOK, "凤岗村")
			b.multipart("/a/"+tok, url.Values{"percent": {"60"}, "note": {"过半"}, "progress": {"1"}}, tinyPNG).want(http.StatusSeeOther)
			c, _ := e.db.Commitment(context.Background(), 2)
			if c.Progress != 60 {
				t.Fatalf("progress %d, want 60", c.Progress)
			}
			b.get("/a/"+tok).want(http.StatusOK, "/a/"+tok+"/evidence/0")
			b.get("/a/" + tok + "/evidence/0").want(http.StatusOK)
			b.multipart("/a/"+tok, url.Values{"csrf": {"wrong"}, "done": {"1"}}, nil).want(http.StatusForbidden)
			if st := e.status(2); st == domain.Done {
				t.Fatal("a form with a wrong token marked the item done")
			}
			other := e.srv.Links().ActionToken(ct.ID, e.otherID)
			b.get("/a/" + other).want(http.StatusForbidden)
		})
	}
}
