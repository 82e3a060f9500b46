package web

import (
	"net/http"
	"strings"
	"testing"

	"duban/store/storetest"
)

func TestMonthlyReportPage(t *testing.T) {
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			e := newEnv(t, backend, "http://duban.test")
			b := e.browser().signIn("ducha", "ducha-pass-1")

			t.Run("the reports link opens the month just ended", func(t *testing.T) {
				b.get("/reports").want(http.StatusSeeOther)
				if loc := b.resp.Header.Get("Location"); loc != "/reports/2024-06" {
					t.Errorf("Location %q", loc)
				}
			})
			t.Run("a past month is the report as a page, with its chart and downloads", func(t *testing.T) {
				b.get("/reports/2024-06").want(http.StatusOK, "月度报告 2024-06", "截至 2024-06-30 24:00", "总体", "办成率",
					"各单位（红灯多者在前）", "国家试验区管委会办公室", "红灯事项", "凤岗村附近倾倒填埋陶瓷固废点完成复绿修复",
					`src="/reports/2024-06.png"`, `href="/reports/2024-06.xlsx"`, `href="/reports/2024-06.csv"`, `href="/reports/2024-06.md"`,
					`href="/reports/2024-05"`, `href="/reports/2024-07"`)
			})
			t.Run("the downloads are the report package's formats", func(t *testing.T) {
				for _, tt := range []struct{ ext, ctype, starts, holds string }{
					{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK", ""},
					{"png", "image/png", "\x89PNG", ""},
					{"csv", "text/csv; charset=utf-8", "", "凤岗村"},
					{"md", "text/markdown; charset=utf-8", "# 督办月报", "凤岗村"},
				} {
					b.get("/reports/2024-06."+tt.ext).want(http.StatusOK, tt.holds)
					if ct := b.resp.Header.Get("Content-Type"); ct != tt.ctype {
						t.Errorf("%s: Content-Type %q", tt.ext, ct)
					}
					if !strings.HasPrefix(b.body, tt.starts) {
						t.Errorf("%s starts %q", tt.ext, b.body[:min(len(b.body), 20)])
					}
					if cd := b.resp.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="duban-report-2024-06.`+tt.ext+`"`) {
						t.Errorf("%s: Content-Disposition %q", tt.ext, cd)
					}
				}
			})
			t.Run("the month in progress is shown as of now", func(t *testing.T) {
				b.get("/reports/2024-07").want(http.StatusOK, "月度报告 2024-07", "本月尚未结束")
				if strings.Contains(b.body, `href="/reports/2024-08"`) {
					t.Error("a link to a month not begun")
				}
			})
			t.Run("a month not begun, a bad month or format is not found", func(t *testing.T) {
				for _, p := range []string{"/reports/2024-08", "/reports/2024-13", "/reports/24-06", "/reports/2024-06.pdf", "/reports/2024-06.xlsx.png"} {
					b.get(p).want(http.StatusNotFound)
				}
			})
			t.Run("an official gets the same 404 as a missing page", func(t *testing.T) {
				o := e.browser().signIn("zhang-guobin", "zhang-pass-1")
				missing := o.get("/no-such-page").want(http.StatusNotFound).body
				for _, p := range []string{"/reports", "/reports/2024-06", "/reports/2024-06.xlsx", "/reports/2024-06.png"} {
					if o.get(p).want(http.StatusNotFound).body != missing {
						t.Errorf("%s differs from a missing page", p)
					}
				}
				if strings.Contains(o.get("/").body, `href="/reports"`) {
					t.Error("an official's menu links to the reports")
				}
			})
		})
	}
}
