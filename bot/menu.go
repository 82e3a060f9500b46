package bot

import "slices"

// MenuCommand is one entry of the command menu a chat client shows.
type MenuCommand struct {
	Command     string // without the slash
	Description string
}

// menu is the command list Telegram shows, per language. Telegram accepts
// only Latin names here; the Chinese aliases work when typed.
var menu = map[string][]MenuCommand{
	"zh": {
		{Command: "list", Description: "我的未完成事项（/列表）"},
		{Command: "due", Description: "近期到期的事项：/due [天数]"},
		{Command: "overdue", Description: "逾期事项（/逾期）"},
		{Command: "show", Description: "事项详情与记录：/show 编号"},
		{Command: "progress", Description: "报告进度：/progress 编号 百分比 [说明]（/进度）"},
		{Command: "done", Description: "标记完成：/done 编号 [说明]（/完成）"},
		{Command: "extend", Description: "申请延期：/extend 编号 YYYY-MM-DD 理由（/延期）"},
		{Command: "verify", Description: "督查室：核销 /verify 编号"},
		{Command: "reopen", Description: "督查室：退回 /reopen 编号 理由"},
		{Command: "report", Description: "督查室：发送月报 /report [YYYY-MM]"},
		{Command: "web", Description: "督办台账（网页）一次性登录链接（/网页）"},
		{Command: "whoami", Description: "我的身份"},
		{Command: "help", Description: "命令说明"},
		{Command: "start", Description: "关联本聊天：/start 关联码"},
	},
	"": {
		{Command: "list", Description: "My open commitments"},
		{Command: "due", Description: "Due soon: /due [DAYS]"},
		{Command: "overdue", Description: "Overdue commitments"},
		{Command: "show", Description: "Detail and history: /show ID"},
		{Command: "progress", Description: "Report progress: /progress ID PCT [NOTE]"},
		{Command: "done", Description: "Mark done: /done ID [NOTE]"},
		{Command: "extend", Description: "Ask for an extension: /extend ID YYYY-MM-DD REASON"},
		{Command: "verify", Description: "Supervisors: close a done item, /verify ID"},
		{Command: "reopen", Description: "Supervisors: send a done item back, /reopen ID REASON"},
		{Command: "report", Description: "Supervisors: send the monthly report, /report [YYYY-MM]"},
		{Command: "web", Description: "A one-time sign-in link to the web register"},
		{Command: "whoami", Description: "Who am I"},
		{Command: "help", Description: "The commands"},
		{Command: "start", Description: "Link this chat: /start CODE"},
	},
}

// MenuLanguages are the languages Menu has a list for, the default list
// ("", for everyone else) last.
func MenuLanguages() []string { return []string{"zh", ""} }

// Menu returns the command list for lang, which the transport sets as the
// chat client's menu (Telegram's setMyCommands).
func Menu(lang string) []MenuCommand { return slices.Clone(menu[lang]) }
