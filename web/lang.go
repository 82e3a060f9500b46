package web

import (
	"fmt"
	"time"

	"duban/domain"
)

// lang words the pages: Chinese by default, English for contacts whose
// language is en.
type lang struct{ en bool }

func langOf(c *domain.Contact) lang { return lang{en: c != nil && c.Language == "en"} }

// Lang returns "zh" or "en", for the html element.
func (l lang) Lang() string {
	if l.en {
		return "en"
	}
	return "zh-CN"
}

// T returns the words of a message id.
func (l lang) T(id string) string {
	w, ok := words[id]
	if !ok {
		return id
	}
	if l.en {
		return w[1]
	}
	return w[0]
}

// F formats the words of a message id.
func (l lang) F(id string, args ...any) string { return fmt.Sprintf(l.T(id), args...) }

// Status, Light, Category and Satisfaction name the domain's values: the
// same zh names as the reports. Statuses and lights are the domain's one
// vocabulary (domain.StatusName, domain.LightName).
func (l lang) Status(s domain.Status) string { return domain.StatusName(s, l.Lang()) }
func (l lang) Light(x domain.Light) string   { return domain.LightName(x, l.Lang()) }
func (l lang) Category(c string) string      { return l.T("category." + c) }
func (l lang) Satisfaction(s string) string {
	if s == "" {
		return "—"
	}
	return l.T("satisfaction." + s)
}
func (l lang) Role(r domain.Role) string { return l.T("role." + string(r)) }

// Date writes a due date, "长期" for none.
func (l lang) Date(d domain.Date) string {
	if d.IsZero() {
		return l.T("ongoing")
	}
	return d.String()
}

// Time writes an instant in loc.
func (l lang) Time(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2006-01-02 15:04")
}

var words = map[string][2]string{
	"app":                       {"督办台账", "Duban register"},
	"nav.dashboard":             {"总览", "Dashboard"},
	"nav.register":              {"台账", "Register"},
	"nav.contacts":              {"联系人", "Contacts"},
	"nav.reports":               {"月报", "Reports"},
	"nav.signout":               {"退出", "Sign out"},
	"signin":                    {"登录", "Sign in"},
	"signin.key":                {"账号（联系人代码）", "Account (contact key)"},
	"signin.password":           {"密码", "Password"},
	"signin.failed":             {"账号或密码不对。", "Wrong account or password."},
	"signin.limited":            {"尝试次数过多，请15分钟后再试。", "Too many attempts; try again in 15 minutes."},
	"signin.link":               {"一次性登录链接", "One-time sign-in link"},
	"signin.link.go":            {"点击登录", "Sign in"},
	"signin.link.help":          {"此链接只能使用一次，15分钟内有效。", "This link works once, within 15 minutes."},
	"signin.link.bad":           {"登录链接无效或已过期，请重新获取（机器人中发送 /web）。", "This sign-in link is invalid or expired; ask for a new one (/web in the bot)."},
	"dashboard":                 {"督办总览", "Dashboard"},
	"register":                  {"督办台账", "Register"},
	"item":                      {"督办事项", "Commitment"},
	"source":                    {"来源文件", "Source"},
	"unit":                      {"承办单位", "Unit"},
	"contacts":                  {"联系人", "Contacts"},
	"report":                    {"月度报告", "Monthly report"},
	"error.notfound":            {"未找到", "Not found"},
	"error.csrf":                {"表单已失效", "Form expired"},
	"error.forbidden":           {"无权操作", "Not allowed"},
	"error.limited":             {"请求过多", "Too many requests"},
	"error.link":                {"链接无效", "Invalid link"},
	"error.bad":                 {"输入有误", "Bad input"},
	"msg.notfound":              {"没有这个页面，或您无权查看。", "No such page, or you may not see it."},
	"msg.csrf":                  {"表单已失效，请返回重新打开页面再提交。没有做任何更改。", "This form expired; go back, reload and try again. Nothing was changed."},
	"msg.forbidden":             {"您无权进行此操作。没有做任何更改。", "You may not do this. Nothing was changed."},
	"msg.limited":               {"尝试次数过多，请15分钟后再试。", "Too many attempts; try again in 15 minutes."},
	"msg.link":                  {"此链接无效或已过期，没有做任何更改。请使用最新提醒中的链接。", "This link is invalid or expired; nothing was changed. Use the link in the latest reminder."},
	"msg.bad":                   {"输入有误，没有做任何更改。", "Bad input; nothing was changed."},
	"back":                      {"返回", "Back"},
	"ongoing":                   {"长期", "ongoing"},
	"col.id":                    {"编号", "ID"},
	"col.title":                 {"事项", "Commitment"},
	"col.unit":                  {"承办单位", "Unit"},
	"col.owners":                {"责任人", "Owners"},
	"col.due":                   {"完成时限", "Due"},
	"col.status":                {"状态", "Status"},
	"col.light":                 {"灯", "Light"},
	"col.progress":              {"进度", "Progress"},
	"col.source":                {"来源", "Source"},
	"col.class":                 {"分类", "Class"},
	"col.overdue":               {"逾期天数", "Days overdue"},
	"col.active":                {"在办", "Active"},
	"col.red":                   {"红", "Red"},
	"col.yellow":                {"黄", "Yellow"},
	"col.green":                 {"绿", "Green"},
	"col.done":                  {"完成", "Done"},
	"col.donerate":              {"办成率", "Done rate"},
	"col.ontimerate":            {"按期办结率", "On-time rate"},
	"col.total":                 {"合计", "Total"},
	"col.name":                  {"姓名", "Name"},
	"col.role":                  {"角色", "Role"},
	"col.phone":                 {"电话", "Phone"},
	"col.telegram":              {"Telegram", "Telegram"},
	"col.reach":                 {"可达", "Reachable"},
	"col.signin":                {"最近登录", "Last sign-in"},
	"col.waiting":               {"已等待", "Waiting"},
	"col.requested":             {"申请时限", "Requested"},
	"col.reason":                {"理由", "Reason"},
	"col.by":                    {"提交人", "By"},
	"col.when":                  {"时间", "When"},
	"filter":                    {"筛选", "Filter"},
	"filter.all":                {"全部", "All"},
	"filter.search":             {"关键词", "Keyword"},
	"filter.due_from":           {"时限从", "Due from"},
	"filter.due_to":             {"至", "to"},
	"filter.sort":               {"排序", "Sort"},
	"filter.reset":              {"清除", "Reset"},
	"sort.-id":                  {"最新登记", "Newest"},
	"sort.id":                   {"最早登记", "Oldest"},
	"sort.due":                  {"时限由近及远", "Due, soonest"},
	"sort.-due":                 {"时限由远及近", "Due, latest"},
	"sort.-updated":             {"最近更新", "Recently updated"},
	"export.csv":                {"导出 CSV", "Export CSV"},
	"export.xlsx":               {"导出 Excel", "Export Excel"},
	"page.next":                 {"下一页", "Next page"},
	"page.first":                {"第一页", "First page"},
	"page.empty":                {"没有符合条件的事项。", "No matching commitments."},
	"totals":                    {"红黄绿灯", "Lights"},
	"byunit":                    {"各单位", "By unit"},
	"queue":                     {"待核销", "Awaiting verification"},
	"queue.ext":                 {"待审批延期", "Extension requests"},
	"queue.empty":               {"暂无。", "None."},
	"escalations":               {"本周升级督办", "Escalated this week"},
	"days":                      {"%d 天", "%d d"},
	"field.key":                 {"代码", "Key"},
	"field.detail":              {"详情", "Detail"},
	"field.category":            {"类别", "Category"},
	"field.precision":           {"时限精度", "Precision"},
	"field.strength":            {"承诺力度", "Strength"},
	"field.target":              {"目标", "Target"},
	"field.created":             {"登记时间", "Created"},
	"field.updated":             {"更新时间", "Updated"},
	"field.closed":              {"办结时间", "Closed"},
	"field.number":              {"编号", "Number"},
	"field.kind":                {"类型", "Kind"},
	"field.session":             {"会议", "Session"},
	"field.deputies":            {"代表", "Deputies"},
	"field.replydoc":            {"答复文号", "Reply document"},
	"field.handling":            {"主办单位", "Handling unit"},
	"field.replied":             {"答复日期", "Replied on"},
	"field.satisfaction":        {"代表满意度", "Satisfaction"},
	"field.second":              {"二次答复日期", "Second reply on"},
	"timeline":                  {"办理记录", "Timeline"},
	"ev.progress":               {"进度 %d%%", "progress %d%%"},
	"ev.status":                 {"状态：%s → %s", "status: %s → %s"},
	"ev.extension":              {"延期申请 %s → %s（%s）", "extension %s → %s (%s)"},
	"ev.notification":           {"已发送提醒：%s", "sent: %s"},
	"ev.evidence":               {"佐证", "evidence"},
	"ev.late":                   {"逾期后申请", "filed late"},
	"actions":                   {"操作", "Actions"},
	"act.progress":              {"报告进度", "Report progress"},
	"act.done":                  {"完成", "Done"},
	"act.extend":                {"申请延期", "Ask for extension"},
	"act.verify":                {"销号", "Verify"},
	"act.send_back":             {"退回", "Send back"},
	"act.cancel":                {"撤销", "Cancel"},
	"act.reopen":                {"重新打开", "Reopen"},
	"act.approve":               {"批准延期", "Approve"},
	"act.reject":                {"驳回延期", "Reject"},
	"act.edit":                  {"修改", "Edit"},
	"act.save":                  {"保存", "Save"},
	"in.percent":                {"进度（%）", "Progress (%)"},
	"in.note":                   {"说明", "Note"},
	"in.photo":                  {"照片或文件", "Photo or file"},
	"in.date":                   {"新的完成时限", "New due date"},
	"in.reason":                 {"理由", "Reason"},
	"none":                      {"无", "none"},
	"ok.saved":                  {"已保存。", "Saved."},
	"actionlink":                {"事项办理", "Report on a commitment"},
	"actionlink.help":           {"此链接只用于本事项，14天内有效。", "This link is for this commitment only, valid 14 days."},
	"actionlink.done":           {"已收到，谢谢。", "Received, thank you."},
	"ics":                       {"日历订阅", "Calendar feed"},
	"category.cleanup":          {"清运", "cleanup"},
	"category.restoration":      {"复绿修复", "restoration"},
	"category.platform":         {"平台建设", "platform"},
	"category.target":           {"指标", "target"},
	"category.policy":           {"政策", "policy"},
	"category.other":            {"其他", "other"},
	"satisfaction.satisfied":    {"满意", "satisfied"},
	"satisfaction.basically":    {"基本满意", "basically satisfied"},
	"satisfaction.dissatisfied": {"不满意", "dissatisfied"},
	"role.official":             {"承办人", "official"},
	"role.supervisor":           {"督查室", "supervisor"},
	"role.admin":                {"管理员", "admin"},
	"precision.day":             {"日", "day"},
	"precision.month":           {"月", "month"},
	"precision.quarter":         {"季度", "quarter"},
	"precision.year":            {"年", "year"},
	"precision.ongoing":         {"长期", "ongoing"},
	"strength.firm":             {"确保", "firm"},
	"strength.aim":              {"力争", "aim"},
	"yes":                       {"是", "yes"},
	"no":                        {"否", "no"},
	"report.asof":               {"截至 %s", "As of %s"},
	"report.asof.partial":       {"截至 %s（本月尚未结束）", "As of %s (the month is not over)"},
	"report.prev":               {"上个月", "Previous month"},
	"report.next":               {"下个月", "Next month"},
	"report.download":           {"下载", "Download"},
	"report.overall":            {"总体", "Overall"},
	"report.figure":             {"指标", "Figure"},
	"report.thismonth":          {"本月", "This month"},
	"report.lastmonth":          {"上月", "Last month"},
	"report.change":             {"变化", "Change"},
	"report.items":              {"承诺事项", "Commitments"},
	"report.open":               {"在办", "Open"},
	"report.red":                {"红灯（逾期）", "Red (overdue)"},
	"report.newlyred":           {"本月新增红灯", "Newly red"},
	"report.maxoverdue":         {"最长逾期（天）", "Longest overdue (days)"},
	"report.ontime":             {"办成率（按期完成/到期）", "On-time completion (done on time / due)"},
	"report.satisfaction":       {"满意率（代表评价）", "Deputies' satisfaction"},
	"report.extensions":         {"批准延期（其中逾期申请）", "Extensions granted (filed late)"},
	"report.unreachable":        {"联系不上的责任人", "Unreachable owners"},
	"report.byunit":             {"各单位（红灯多者在前）", "By unit, worst first"},
	"report.byclass":            {"来源分类", "By source classification"},
	"report.redlist":            {"红灯事项（逾期最久的在前）", "Red items, longest overdue first"},
	"report.owed":               {"待二次答复的B类来源", "B-class sources owing a second reply"},
	"report.chart":              {"各单位红黄绿灯", "Lights by unit"},
	"report.nounit":             {"（无单位）", "(no unit)"},
	"report.items.short":        {"事项", "Items"},
	"report.change.red":         {"较上月", "Change"},
	"report.closed":             {"完成/销号", "Done or verified"},
	"report.done.month":         {"本月完成", "Done this month"},
	"report.ontime.short":       {"办成率", "On time"},
	"report.satisfaction.short": {"满意率", "Satisfaction"},
	"report.extended":           {"批准延期", "Extended"},
	"report.unreach.short":      {"联系不上", "Unreachable"},
	"report.verified":           {"销号", "Verified"},
	"linked":                    {"已绑定", "linked"},
	"notlinked":                 {"未绑定", "not linked"},
}
