package main

// The command line speaks the configured language (SPEC §7 `language`,
// zh by default): table headers, the labels of `show` and the values in
// them. Help and one-line messages are Chinese first with the English in
// parentheses, whatever the language. JSON and CSV keep the machine names, which scripts read. The words
// for statuses, lights and kinds are the domain's; these are only the
// command line's own labels.

// lang is the configured language, "zh" when the config cannot be read.
func (m *Main) lang() string {
	cfg, err := m.config()
	if err != nil || cfg.Language == "" {
		return "zh"
	}
	return cfg.Language
}

var cliWords = map[string][2]string{
	"id":         {"编号", "ID"},
	"light":      {"灯", "LIGHT"},
	"due":        {"期限", "DUE"},
	"progress":   {"进度", "PROGRESS"},
	"status":     {"状态", "STATUS"},
	"unit":       {"单位", "UNIT"},
	"owners":     {"责任人", "OWNERS"},
	"title":      {"事项", "TITLE"},
	"ongoing":    {"常态化", "ongoing"},
	"overdueDay": {"逾期%d天", "+%dd"},

	"show.key":      {"标识", "key"},
	"show.due":      {"期限", "due"},
	"show.status":   {"状态", "status"},
	"show.unit":     {"单位", "unit"},
	"show.owners":   {"责任人", "owners"},
	"show.category": {"类别", "category"},
	"show.target":   {"目标", "target"},
	"show.source":   {"来源", "source"},
	"show.detail":   {"说明", "detail"},
	"show.history":  {"办理记录", "history"},
	"show.noDue":    {"无（常态化）", "none (ongoing)"},
	"show.overdue":  {"逾期 %d 天", "%d days overdue"},
	"show.pending":  {"待审批延期至 %s%s：%s", "pending extension to %s%s: %s"},
	"show.late":     {"（逾期后申请）", " (filed late)"},
	"show.evidence": {"佐证", "evidence"},
	"ev.progress":   {"进度 %d%%", "progress %d%%"},
	"ev.status":     {"状态 %s → %s", "status %s → %s"},
	"ev.extension":  {"延期 %s → %s，%s", "extension %s → %s, %s"},
	"ev.sent":       {"已发送%s", "sent %s"},

	"contact.key":         {"标识", "KEY"},
	"contact.name":        {"姓名", "NAME"},
	"contact.role":        {"角色", "ROLE"},
	"contact.phone":       {"电话", "PHONE"},
	"contact.telegram":    {"Telegram", "TELEGRAM"},
	"contact.unlinked":    {"未关联", "not linked"},
	"contact.unreachable": {"无法送达", "unreachable"},

	"prec.day":     {"日", "day"},
	"prec.month":   {"月", "month"},
	"prec.quarter": {"季度", "quarter"},
	"prec.year":    {"年", "year"},
	"prec.ongoing": {"常态化", "ongoing"},
	"firm":         {"硬性", "firm"},
	"aim":          {"争取", "aim"},
	"ext.pending":  {"待审批", "pending"},
	"ext.approved": {"已批准", "approved"},
	"ext.rejected": {"未批准", "rejected"},

	"outbox.state":    {"状态", "STATE"},
	"outbox.kind":     {"类型", "KIND"},
	"outbox.channel":  {"渠道", "CHANNEL"},
	"outbox.to":       {"发往", "TO"},
	"outbox.attempts": {"次数", "ATTEMPTS"},
	"outbox.next":     {"下次", "NEXT"},
	"outbox.error":    {"最后错误", "LAST ERROR"},
	"outbox.rows":     {"共 %d 条", "%d row(s)"},

	"state.pending": {"待发送", "pending"},
	"state.sent":    {"已发送", "sent"},
	"state.failed":  {"失败", "failed"},
	"state.dead":    {"无法送达", "dead"},
	"state.dropped": {"已取消", "dropped"},
	"state.batched": {"已合并", "batched"},
}

// word is the command line's label key in lang; a key it does not know is
// printed as it is.
func word(key, lang string) string {
	w, ok := cliWords[key]
	if !ok {
		return key
	}
	if lang == "en" {
		return w[1]
	}
	return w[0]
}
