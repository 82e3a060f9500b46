package domain

// One vocabulary (SPEC §11): every status, light and notification kind
// has one Chinese and one English name, used by the bot, the command line,
// the web, the reminders and the reports. Nothing else spells them.

// StatusName names a status in lang ("zh", the default, or "en").
func StatusName(s Status, lang string) string { return pick(statusNames[s], s, lang) }

// LightName names a light in lang.
func LightName(l Light, lang string) string { return pick(lightNames[l], l, lang) }

// LightIcon is the light's coloured dot, shown before its name.
func LightIcon(l Light) string { return lightIcons[l] }

// KindName names a notification kind in lang.
func KindName(k string, lang string) string { return pick(kindNames[k], k, lang) }

// RoleName names a role in lang.
func RoleName(r Role, lang string) string { return pick(roleNames[r], r, lang) }

var statusNames = map[Status][2]string{
	Open:       {"未启动", "open"},
	InProgress: {"进行中", "in progress"},
	Done:       {"已完成", "done"},
	Verified:   {"已销号", "verified"},
	Cancelled:  {"已撤销", "cancelled"},
}

var lightNames = map[Light][2]string{
	Red:    {"红灯", "red"},
	Yellow: {"黄灯", "yellow"},
	Green:  {"绿灯", "green"},
	LDone:  {"已完成", "done"},
	Grey:   {"已撤销", "cancelled"},
}

var lightIcons = map[Light]string{Red: "🔴", Yellow: "🟡", Green: "🟢", LDone: "✅", Grey: "⚪"}

var roleNames = map[Role][2]string{
	Official:   {"承办人", "official"},
	Supervisor: {"督查室", "supervisor"},
	Admin:      {"管理员", "administrator"},
}

// Notification kinds: reminders chase a deadline; the others tell someone
// of a change or send a report.
const (
	KindLead          = "lead"
	KindDue           = "due"
	KindOverdue       = "overdue"
	KindEscalation    = "escalation"
	KindProgressCheck = "progress_check"
	KindDigest        = "digest"
	KindReport        = "monthly_report"
	KindExtension     = "extension" // extension request and decision
	KindFollowUp      = "follow_up" // a source owes its second reply
	KindReply         = "reply"     // a bot answer that could not be sent at once
	KindDone          = "done"      // an owner marked an item done (to the supervision chat)
	KindVerified      = "verified"  // 已销号 (to the owners)
	KindSentBack      = "sent_back" // 退回 with a reason (to the owners)
	KindCancelled     = "cancelled" // 撤销 with a reason (to the owners)
	KindReassigned    = "reassigned"
)

// IsReminderKind reports whether kind chases an owner about one item's
// deadline or progress (the messages an owner answers).
func IsReminderKind(kind string) bool {
	switch kind {
	case KindLead, KindDue, KindOverdue, KindProgressCheck, KindSentBack:
		return true
	}
	return false
}

var kindNames = map[string][2]string{
	KindLead:          {"提前提醒", "lead reminder"},
	KindDue:           {"到期提醒", "due reminder"},
	KindOverdue:       {"逾期提醒", "overdue reminder"},
	KindEscalation:    {"逾期督办", "escalation"},
	KindProgressCheck: {"进度询问", "progress check"},
	KindDigest:        {"每周汇总", "weekly digest"},
	KindReport:        {"月报", "monthly report"},
	KindExtension:     {"延期申请", "extension"},
	KindFollowUp:      {"跟踪问效", "follow-up"},
	KindReply:         {"回复", "reply"},
	KindDone:          {"完成待销号", "done, awaiting verification"},
	KindVerified:      {"已销号", "verified"},
	KindSentBack:      {"退回", "sent back"},
	KindCancelled:     {"撤销", "cancelled"},
	KindReassigned:    {"转办", "reassigned"},
}

// ChasesDeadline reports whether a notification kind is a reminder about
// a deadline: those are dropped when their commitment closes, while news
// of the change itself (done, verified, cancelled) still goes out.
func ChasesDeadline(kind string) bool {
	switch kind {
	case KindLead, KindDue, KindOverdue, KindEscalation, KindProgressCheck:
		return true
	}
	return false
}

func pick[T ~string](names [2]string, v T, lang string) string {
	i := 0
	if IsEnglish(lang) {
		i = 1
	}
	if names[i] == "" {
		return string(v)
	}
	return names[i]
}
