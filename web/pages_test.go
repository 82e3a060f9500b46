package web

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"duban/store/storetest"
)

func mustShanghai() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}

func TestPagesRenderForASupervisor(t *testing.T) {
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			e := newEnv(t, backend, "http://duban.test")
			b := e.browser().signIn("ducha", "ducha-pass-1")
			b.get("/").want(http.StatusOK, "督办总览", "国家试验区管委会办公室", "待核销", "办成率")
			b.get("/commitments").want(http.StatusOK, "凤岗村附近倾倒填埋陶瓷固废点完成复绿修复", "张国斌")
			b.get("/commitments?light=red&unit="+"国家试验区管委会办公室").want(http.StatusOK, "凤岗村")
			b.get("/commitments/2").want(http.StatusOK, "凤岗村", "办理记录", "总第111号")
			b.get("/sources/jdz-16-4-111").want(http.StatusOK, "景国试管办议字〔2024〕3号", "满意")
			b.get("/units/国家试验区管委会办公室").want(http.StatusOK, "凤岗村")
			b.get("/contacts").want(http.StatusOK, "督查室值班员", "李四")
			b.get("/commitments.csv").want(http.StatusOK, "凤岗村")
			b.get("/commitments.xlsx").want(http.StatusOK)
			b.get(fmt.Sprintf("/commitments/%d", e.otherID)).want(http.StatusOK, "背街小巷")
		})
	}
}
