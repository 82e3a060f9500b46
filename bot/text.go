package bot

import (
	"fmt"
	"html"
	"strconv"
	"strings"
	"unicode/utf8"

	"duban/domain"
	"duban/notify"
)

// words is the bot's vocabulary in one language. Strings with verbs are
// fmt formats; every %s that takes user text gets it escaped by the caller.
type words struct {
	notFound, linkHow, linked, startLinked, startInGroup           string
	unlinkedElsewhere, linkAnnounced                               string
	codeUnknown, codeUsed, codeExpired                             string
	unknownCmd, notCommand, fileHint, supervisorOnly, internal     string
	webLink, webOff, webInGroup                                    string
	usagePrefix                                                    string
	problems                                                       map[Problem]string
	pastDate                                                       string
	usage                                                          map[Name]string
	status                                                         map[domain.Status]string
	lights                                                         map[domain.Light]string
	roles                                                          map[domain.Role]string
	due, ongoing, overdueDays, dueToday, dueIn                     string
	more                                                           string
	listHead, listEmpty, dueHead, dueEmpty, overHead, overEmpty    string
	allOverHead, allOverUnit, allOverTop, noUnit                   string
	whoami                                                         string
	progressOK, evidenceN, doneOK, extendOK, lateNote              string
	verifyOK, reopenOK, reportOK, reportNone                       string
	noProgress, noExtend, alreadyDone, closed, notDoneVerify       string
	notDoneReopen, notAfterDue, pendingExists                      string
	showStatus, showDue, showUnit, showOwners, showTarget          string
	showPending, showHistory, showOlder, showEvidence              string
	evProgress, evStatus, evNotification                           string
	typeProgress, typeExtend                                       string
	askedProgress, askedExtend                                     string
	extRequest, extRequester, extDates, extReason, extLate         string
	approve, reject, approved, rejected, pending, decidedAlready   string
	decisionApproved, decisionRejected, editApproved, editRejected string
	doneEdit, doneAnswer, badButton, decideOnly                    string
	help, helpSupervisor                                           string
	// The workflow's answers (SPEC §11).
	confirmDone, keptOpen, askSendBack, askReject, cancelOK     string
	approveOK, rejectOK, pendingHead, pendingEmpty, pendingDone string
	pendingExt, cannot, onlyOffice, ongoingNoExtend             string
	evSent, evEdit, evExtAsked, evExtDecided, showEvidencePhoto string
	evExtWhy, evCommandLine                                     string
	actions                                                     map[string]string
}

// statusWords, lightWords and roleWords take the one vocabulary of the
// domain package, so the bot says what the CLI, the web and the reports say.
func statusWords(lang string) map[domain.Status]string {
	m := map[domain.Status]string{}
	for _, st := range domain.Statuses {
		m[st] = domain.StatusName(st, lang)
	}
	return m
}

func lightWords(lang string) map[domain.Light]string {
	m := map[domain.Light]string{}
	for _, l := range domain.Lights {
		m[l] = domain.LightIcon(l) + " " + domain.LightName(l, lang)
	}
	return m
}

func roleWords(lang string) map[domain.Role]string {
	m := map[domain.Role]string{}
	for _, r := range []domain.Role{domain.Official, domain.Supervisor, domain.Admin} {
		m[r] = domain.RoleName(r, lang)
	}
	return m
}

// zh is the default language.
var zh = &words{
	notFound:          "未找到 #%d",
	linkHow:           "本聊天尚未关联。请向督查室索取关联码，然后在与机器人的私聊中发送 /start 关联码。",
	linked:            "关联成功：%s（%s）。发送 /help 查看可用命令。",
	unlinkedElsewhere: "本聊天已不再代表 %s：该账号已在另一个 Telegram 聊天中关联。如非本人操作，请立即联系督查室。",
	linkAnnounced:     "⚠️ %s（%s，%s）已关联 Telegram 聊天 %d。如非本人操作，请立即撤销并重新签发关联码。",
	startLinked:       "您已关联为 %s（%s）。发送 /help 查看可用命令。",
	startInGroup:      "请在与机器人的私聊中发送 /start 关联码。",
	codeUnknown:       "关联码无效。请核对后重试，或向督查室索取新的关联码。",
	codeUsed:          "该关联码已被使用。请向督查室索取新的关联码。",
	codeExpired:       "该关联码已过期（有效期 72 小时）。请向督查室索取新的关联码。",
	unknownCmd:        "未知命令 /%s。发送 /help 查看可用命令。",
	notCommand:        "请发送命令，例如 /list。发送 /help 查看可用命令。",
	fileHint:          "如需提交证据，请在照片或文件的说明中写 /done 编号 或 /progress 编号 百分比。",
	supervisorOnly:    "只有督查室可以使用 /%s。",
	internal:          "出错了，请稍后再试。",
	usagePrefix:       " 用法：",
	webLink:           "督办台账登录链接（仅限本人，只能使用一次，%s 前有效）：\n%s",
	webOff:            "督办台账（网页）尚未配置，请联系督查室。",
	webInGroup:        "请在与机器人的私聊中发送 /web，登录链接只发给本人。",
	problems: map[Problem]string{
		MissingID:      "缺少事项编号。",
		BadID:          "事项编号 %s 无效。",
		MissingPercent: "缺少进度百分比。",
		BadPercent:     "进度 %s 无效，应为 0–100 的整数。",
		MissingDate:    "缺少新的截止日期。",
		BadDate:        "日期 %s 无效，格式为 YYYY-MM-DD。",
		MissingReason:  "缺少理由。",
		TooLong:        "文字过长：%s 字，最多 2000 字。",
		BadDays:        "天数 %s 无效，应为 1–366。",
		BadMonth:       "月份 %s 无效，格式为 YYYY-MM。",
	},
	pastDate: "新的截止日期 %s 不在今天之后。",
	usage: map[Name]string{
		CmdStart: "/start 关联码", CmdDue: "/due [天数]", CmdShow: "/show 编号",
		CmdProgress: "/progress 编号 百分比 [说明]", CmdDone: "/done 编号 [说明]",
		CmdExtend: "/extend 编号 YYYY-MM-DD 理由", CmdVerify: "/verify 编号",
		CmdReopen: "/reopen 编号 理由", CmdReport: "/report [YYYY-MM]",
		CmdApprove: "/approve 编号", CmdReject: "/reject 编号 理由", CmdCancel: "/cancel 编号 理由",
	},
	status:      statusWords("zh"),
	lights:      lightWords("zh"),
	roles:       roleWords("zh"),
	due:         "截止 %s",
	ongoing:     "长期",
	overdueDays: "（逾期 %d 天）",
	dueToday:    "（今天到期）",
	dueIn:       "（还有 %d 天）",
	more:        "…… 另有 %d 项",
	listHead:    "我的未完成事项（共 %d 项）：",
	listEmpty:   "您没有未完成的事项。",
	dueHead:     "%d 天内到期（共 %d 项）：",
	dueEmpty:    "%d 天内没有到期的事项。",
	overHead:    "我的逾期事项（共 %d 项）：",
	overEmpty:   "您没有逾期事项。",
	allOverHead: "逾期事项共 %d 项，按单位：",
	allOverUnit: "%s：%d 项",
	allOverTop:  "逾期最久的事项：",
	noUnit:      "（无单位）",
	whoami:      "%s（%s）\n单位：%s\n角色：%s",

	progressOK:    "已记录 %s 进度 %d%%。",
	evidenceN:     "（附证据 %d 份）",
	doneOK:        "%s 已标记完成，等待督查室销号。",
	extendOK:      "%s 延期申请已提交：%s → %s，等待督查室审批。",
	lateNote:      "（逾期后申请）",
	verifyOK:      "%s 已销号。",
	reopenOK:      "%s 已退回，状态改为进行中。",
	reportOK:      "%s 月报已发送。",
	reportNone:    "月报功能未配置。",
	noProgress:    "%s 当前状态为%s，不能再报告进度。",
	noExtend:      "%s 当前状态为%s，无需延期。",
	alreadyDone:   "%s 已是完成状态，等待督查室销号。",
	closed:        "%s 当前状态为%s。",
	notDoneVerify: "%s 当前状态为%s，只有已完成的事项才能销号。",
	notDoneReopen: "%s 当前状态为%s，只有已完成的事项才能退回。",
	notAfterDue:   "%s 新的截止日期 %s 不晚于当前截止日期 %s。",
	pendingExists: "%s 已有待审批的延期申请（申请延至 %s）。",

	showStatus:     "状态：%s · 进度 %d%% · %s",
	showDue:        "截止日期：%s",
	showUnit:       "承办单位：%s",
	showOwners:     "责任人：%s",
	showTarget:     "目标：%s",
	showPending:    "待审批延期：%s → %s，理由：%s",
	showHistory:    "记录：",
	showOlder:      "（更早的 %d 条记录未显示）",
	showEvidence:   "  📎 %s",
	evProgress:     "进度 %d%%",
	evStatus:       "状态 %s → %s",
	evNotification: "已发送提醒 %s",

	typeProgress:  "/progress %d &lt;0-100&gt; &lt;说明&gt;",
	typeExtend:    "/extend %d YYYY-MM-DD &lt;理由&gt;",
	askedProgress: "%s\n请发送：<code>%s</code>",
	askedExtend:   "%s\n请发送：<code>%s</code>",

	extRequest:     "📅 <b>延期申请</b>",
	extRequester:   "申请人：%s（%s）",
	extDates:       "截止日期：%s → %s",
	extReason:      "理由：%s",
	extLate:        "⚠️ 逾期后申请",
	approve:        "批准",
	reject:         "驳回",
	approved:       "已批准",
	rejected:       "已驳回",
	pending:        "待审批",
	decidedAlready: "该延期申请已处理（%s）。",

	decisionApproved: "✅ %s 延期申请已批准，新的截止日期：%s。",
	decisionRejected: "❌ %s 延期申请被驳回，截止日期仍为 %s。",
	editApproved:     "✅ 已批准（%s）",
	editRejected:     "❌ 已驳回（%s）",
	doneEdit:         "%s\n✅ 已标记完成（进度 100%%），等待督查室销号。",
	doneAnswer:       "已标记完成",
	badButton:        "这个按钮已失效。",
	decideOnly:       "只有督查室可以审批延期申请。",

	confirmDone:       "%s\n确认标记为已完成吗？标记后将提交督查室销号。",
	keptOpen:          "%s\n已取消，事项状态未改变。",
	askSendBack:       "%s\n请发送退回理由：<code>/退回 %d 理由</code>",
	askReject:         "%s\n请发送驳回理由：<code>/驳回 %d 理由</code>",
	cancelOK:          "%s 已撤销。",
	approveOK:         "%s 延期申请已批准，新的截止日期：%s。",
	rejectOK:          "%s 延期申请已驳回。",
	pendingHead:       "待销号事项（共 %d 项，最早的在前）：",
	pendingEmpty:      "没有待销号的事项，也没有待审批的延期申请。",
	pendingDone:       "%s · %s报告完成 · 已等待 %d 天",
	pendingExt:        "延期申请 %s · %s申请 %s → %s · 已等待 %d 天",
	cannot:            "%s 当前状态为%s，不能%s。",
	onlyOffice:        "只有督查室可以%s。",
	ongoingNoExtend:   "%s 为常态化事项，没有截止日期，无需延期。",
	evSent:            "已发送%s",
	evEdit:            "修改%s：%s → %s",
	evExtAsked:        "%s申请延期 %s → %s，理由：%s",
	evExtDecided:      "%s%s延期申请%s",
	evExtWhy:          "，理由：%s",
	evCommandLine:     "督查室（命令行）",
	showEvidencePhoto: "  📎 照片",
	actions: map[string]string{"progress": "报告进度", "done": "标记完成", "verify": "销号", "send_back": "退回", "reopen": "退回",
		"cancel": "撤销", "extend": "申请延期", "decide": "审批延期", "edit": "修改", "reassign": "转办", "list pending items": "查看待销号事项"},

	help: "可用命令（编号可写 12 或 #12）：\n" +
		"/list（/列表）我的未完成事项\n" +
		"/due [天数]（/到期）近期到期的事项\n" +
		"/overdue（/逾期）逾期事项\n" +
		"/show 编号（/查看）详情、记录与证据\n" +
		"/progress 编号 百分比 [说明]（/进度）报告进度\n" +
		"/done 编号 [说明]（/完成）标记完成；照片或文件的说明写 /done 编号 即作为证据\n" +
		"/extend 编号 YYYY-MM-DD 理由（/延期）申请延期（常态化事项不适用）\n" +
		"/whoami（/我是谁）我的身份\n" +
		"/web（/网页）督办台账一次性登录链接\n" +
		"/help（/帮助）本说明",
	helpSupervisor: "\n督查室：\n" +
		"/pending（/待核销）待销号事项与待审批延期\n" +
		"/verify 编号（/销号）销号已完成的事项\n" +
		"/reopen 编号 理由（/退回）退回已完成的事项\n" +
		"/approve 编号（/批准）批准事项的延期申请\n" +
		"/reject 编号 理由（/驳回）驳回事项的延期申请\n" +
		"/cancel 编号 理由（/撤销）撤销事项\n" +
		"/report [YYYY-MM]（/月报）立即发送月报",
}

// en is English, for contacts whose language is "en".
var en = &words{
	notFound:          "#%d not found",
	linkHow:           "This chat is not linked. Ask the supervision office for a link code, then send /start CODE in a private chat with the bot.",
	linked:            "Linked: %s (%s). Send /help for the commands.",
	unlinkedElsewhere: "This chat no longer speaks for %s: the account was linked in another Telegram chat. If that was not you, tell the supervision office at once.",
	linkAnnounced:     "⚠️ %s (%s, %s) linked Telegram chat %d. If that was not them, revoke it and issue a new link code.",
	startLinked:       "You are linked as %s (%s). Send /help for the commands.",
	startInGroup:      "Send /start CODE in a private chat with the bot.",
	codeUnknown:       "Unknown link code. Check it, or ask the supervision office for a new one.",
	codeUsed:          "This link code was already used. Ask the supervision office for a new one.",
	codeExpired:       "This link code has expired (codes are valid for 72 hours). Ask the supervision office for a new one.",
	unknownCmd:        "Unknown command /%s. Send /help for the commands.",
	notCommand:        "Please send a command, such as /list. Send /help for the commands.",
	fileHint:          "To attach evidence, caption the photo or file with /done ID or /progress ID PCT.",
	supervisorOnly:    "Only the supervision office may use /%s.",
	internal:          "Something went wrong; please try again later.",
	usagePrefix:       " Usage: ",
	webLink:           "Your sign-in link to the web workspace (yours only, works once, until %s):\n%s",
	webOff:            "The web workspace is not configured; ask the supervision office.",
	webInGroup:        "Send /web in a private chat with the bot: sign-in links go to you alone.",
	problems: map[Problem]string{
		MissingID:      "Missing the commitment id.",
		BadID:          "Invalid id %s.",
		MissingPercent: "Missing the percentage.",
		BadPercent:     "Invalid percentage %s: want a whole number 0-100.",
		MissingDate:    "Missing the new due date.",
		BadDate:        "Invalid date %s: want YYYY-MM-DD.",
		MissingReason:  "Missing the reason.",
		TooLong:        "Text too long: %s characters, at most 2000.",
		BadDays:        "Invalid number of days %s: want 1-366.",
		BadMonth:       "Invalid month %s: want YYYY-MM.",
	},
	pastDate: "The new due date %s is not after today.",
	usage: map[Name]string{
		CmdStart: "/start CODE", CmdDue: "/due [DAYS]", CmdShow: "/show ID",
		CmdProgress: "/progress ID PCT [NOTE]", CmdDone: "/done ID [NOTE]",
		CmdExtend: "/extend ID YYYY-MM-DD REASON", CmdVerify: "/verify ID",
		CmdReopen: "/reopen ID REASON", CmdReport: "/report [YYYY-MM]",
		CmdApprove: "/approve ID", CmdReject: "/reject ID REASON", CmdCancel: "/cancel ID REASON",
	},
	status:      statusWords("en"),
	lights:      lightWords("en"),
	roles:       roleWords("en"),
	due:         "due %s",
	ongoing:     "ongoing",
	overdueDays: " (%d days overdue)",
	dueToday:    " (due today)",
	dueIn:       " (in %d days)",
	more:        "… and %d more",
	listHead:    "Your open commitments (%d):",
	listEmpty:   "You have no open commitments.",
	dueHead:     "Due within %d days (%d):",
	dueEmpty:    "Nothing is due within %d days.",
	overHead:    "Your overdue commitments (%d):",
	overEmpty:   "You have no overdue commitments.",
	allOverHead: "%d overdue commitments, by unit:",
	allOverUnit: "%s: %d",
	allOverTop:  "Longest overdue:",
	noUnit:      "(no unit)",
	whoami:      "%s (%s)\nUnit: %s\nRole: %s",

	progressOK:    "Recorded progress %[2]d%% on %[1]s.",
	evidenceN:     " (%d evidence file(s) attached)",
	doneOK:        "%s marked done; awaiting verification by the supervision office.",
	extendOK:      "%s: extension request filed, %s → %s; awaiting the supervision office.",
	lateNote:      " (filed after the due date)",
	verifyOK:      "%s verified (closed).",
	reopenOK:      "%s sent back; it is in progress again.",
	reportOK:      "Monthly report %s sent.",
	reportNone:    "Monthly reports are not configured.",
	noProgress:    "%s is %s: it takes no more progress.",
	noExtend:      "%s is %s: nothing to extend.",
	alreadyDone:   "%s is already done, awaiting verification.",
	closed:        "%s is %s.",
	notDoneVerify: "%s is %s: only a done commitment can be verified.",
	notDoneReopen: "%s is %s: only a done commitment can be sent back.",
	notAfterDue:   "%s: the new due date %s is not after the current one, %s.",
	pendingExists: "%s already has a pending extension request (to %s).",

	showStatus:     "Status: %s · progress %d%% · %s",
	showDue:        "Due: %s",
	showUnit:       "Unit: %s",
	showOwners:     "Owners: %s",
	showTarget:     "Target: %s",
	showPending:    "Pending extension: %s → %s, reason: %s",
	showHistory:    "History:",
	showOlder:      "(%d earlier entries not shown)",
	showEvidence:   "  📎 %s",
	evProgress:     "progress %d%%",
	evStatus:       "status %s → %s",
	evNotification: "reminder sent: %s",

	typeProgress:  "/progress %d &lt;0-100&gt; &lt;note&gt;",
	typeExtend:    "/extend %d YYYY-MM-DD &lt;reason&gt;",
	askedProgress: "%s\nSend: <code>%s</code>",
	askedExtend:   "%s\nSend: <code>%s</code>",

	extRequest:     "📅 <b>Extension request</b>",
	extRequester:   "Requested by: %s (%s)",
	extDates:       "Due date: %s → %s",
	extReason:      "Reason: %s",
	extLate:        "⚠️ Filed after the due date",
	approve:        "Approve",
	reject:         "Reject",
	approved:       "Approved",
	rejected:       "Rejected",
	pending:        "pending",
	decidedAlready: "This extension request was already decided (%s).",

	decisionApproved: "✅ %s: extension approved; the new due date is %s.",
	decisionRejected: "❌ %s: extension rejected; the due date stays %s.",
	editApproved:     "✅ Approved (%s)",
	editRejected:     "❌ Rejected (%s)",
	doneEdit:         "%s\n✅ Marked done (progress 100%%); awaiting verification.",
	doneAnswer:       "Marked done",
	badButton:        "This button no longer works.",
	decideOnly:       "Only the supervision office may decide extension requests.",

	confirmDone:       "%s\nMark it done? The supervision office will then verify it.",
	keptOpen:          "%s\nNot changed.",
	askSendBack:       "%s\nSend the reason: <code>/reopen %d REASON</code>",
	askReject:         "%s\nSend the reason: <code>/reject %d REASON</code>",
	cancelOK:          "%s cancelled.",
	approveOK:         "%s: extension approved; the new due date is %s.",
	rejectOK:          "%s: extension rejected.",
	pendingHead:       "Awaiting verification (%d, oldest first):",
	pendingEmpty:      "Nothing awaits verification and no extension request is pending.",
	pendingDone:       "%s · reported done by %s · waiting %d days",
	pendingExt:        "Extension %s · asked by %s %s → %s · waiting %d days",
	cannot:            "%s is %s: cannot %s.",
	onlyOffice:        "Only the supervision office may %s.",
	ongoingNoExtend:   "%s is ongoing: it has no due date to extend.",
	evSent:            "sent: %s",
	evEdit:            "changed %s: %s → %s",
	evExtAsked:        "%s asked for an extension %s → %s, reason: %s",
	evExtDecided:      "%s %s the extension%s",
	evExtWhy:          "; reason: %s",
	evCommandLine:     "the supervision office (command line)",
	showEvidencePhoto: "  📎 photo",
	actions: map[string]string{"progress": "report progress", "done": "mark it done", "verify": "verify it", "send_back": "send it back",
		"reopen": "send it back", "cancel": "cancel it", "extend": "extend it", "decide": "decide extensions", "edit": "edit it",
		"reassign": "reassign", "list pending items": "list pending items"},

	help: "Commands (an id may be written 12 or #12):\n" +
		"/list (/列表) your open commitments\n" +
		"/due [DAYS] (/到期) due soon\n" +
		"/overdue (/逾期) overdue commitments\n" +
		"/show ID (/查看) detail, history and evidence\n" +
		"/progress ID PCT [NOTE] (/进度) report progress\n" +
		"/done ID [NOTE] (/完成) mark done; caption a photo or file with /done ID to attach it\n" +
		"/extend ID YYYY-MM-DD REASON (/延期) ask for an extension\n" +
		"/whoami (/我是谁) who you are\n" +
		"/web (/网页) a one-time sign-in link to the web workspace\n" +
		"/help (/帮助) this list",
	helpSupervisor: "\nSupervision office:\n" +
		"/pending (/待核销) done items awaiting verification and pending extensions\n" +
		"/verify ID (/销号) close a done commitment\n" +
		"/reopen ID REASON (/退回) send a done commitment back\n" +
		"/approve ID (/批准) approve the commitment's extension request\n" +
		"/reject ID REASON (/驳回) reject it\n" +
		"/cancel ID REASON (/撤销) cancel a commitment\n" +
		"/report [YYYY-MM] (/月报) send the monthly report now",
}

// lang returns the vocabulary of a language code: English for "en" and its
// regional variants, Chinese otherwise.
func lang(code string) *words {
	code = strings.ToLower(code)
	if code == "en" || strings.HasPrefix(code, "en-") || strings.HasPrefix(code, "en_") {
		return en
	}
	return zh
}

// esc escapes user text for Telegram's HTML parse mode.
func esc(s string) string { return html.EscapeString(s) }

// cut shortens s to at most n characters, marking the cut with "…".
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// ref names a commitment in HTML: "#12 <b>title</b>".
func ref(c *domain.Commitment) string {
	return "#" + strconv.FormatInt(c.ID, 10) + " <b>" + esc(c.Title) + "</b>"
}

// plainRef names a commitment in plain text, short enough for a callback
// answer (200 characters at most).
func plainRef(c *domain.Commitment) string {
	return "#" + strconv.FormatInt(c.ID, 10) + " " + cut(c.Title, 60)
}

// notFound is the one answer for a missing id and for one out of scope:
// the same bytes, so that ids cannot be probed.
func (w *words) notFoundText(id int64) string { return fmt.Sprintf(w.notFound, id) }

// problem renders a ParseError as one line with the command's syntax.
func (w *words) problem(e *ParseError) string {
	if e.Problem == Unknown {
		return fmt.Sprintf(w.unknownCmd, esc(cut(e.Arg, 32)))
	}
	msg := w.problems[e.Problem]
	if strings.Contains(msg, "%s") {
		msg = fmt.Sprintf(msg, esc(cut(e.Arg, 24)))
	}
	return msg + w.syntax(e.Cmd)
}

// syntax is " Usage: <code>/cmd ...</code>", or "" for commands without
// arguments.
func (w *words) syntax(n Name) string {
	u, ok := w.usage[n]
	if !ok {
		return ""
	}
	return w.usagePrefix + "<code>" + esc(u) + "</code>"
}

// PlainText turns the bot's HTML into plain text, as a terminal or a
// callback answer shows it: tags dropped, entities decoded.
func PlainText(s string) string { return notify.StripHTML(s) }

// htmlToPlain is PlainText cut to fit a callback answer (200 characters).
func htmlToPlain(s string) string { return cut(PlainText(s), 190) }
