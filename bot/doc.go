// Package bot is duban's Telegram bot: a transport-free command Handler
// (parsing, authorisation and execution of the commands of SPEC §5 and of
// the reminders' buttons) and the Responder that applies an update once and
// delivers its answers through a Transport. The Telegram transport
// (duban/telegram) turns Bot API updates into In and hands them to the
// Responder, from its Poller (getUpdates long polling, the offset kept in
// the database) or its Webhook; this package imports no Telegram client.
// `duban chat --as KEY` drives the same Handler from a terminal.
//
// # Commands
//
// Ids are written 12 or #12 (＃12 too). A command may be addressed to the
// bot (/list@duban_bot) and may start with a full-width slash (／列表).
//
//	/start CODE (/开始)             link this private chat (code from `duban contact link KEY`)
//	/help (/帮助)                   the commands this contact may use
//	/whoami (/我是谁)               name, unit, role
//	/web (/网页, /台账)              a one-time sign-in link to the web workspace (private chats)
//	/list (/列表)                   my open commitments, most urgent first
//	/due [DAYS] (/到期)             mine due within DAYS (default 7, 1-366)
//	/overdue (/逾期)                mine overdue; supervisors: all, counted by unit
//	/show ID (/查看)                detail, history, evidence, pending extension
//	/progress ID PCT [NOTE] (/进度) record progress (PCT 0-100, "60%" accepted)
//	/done ID [NOTE] (/完成)         mark done
//	/extend ID YYYY-MM-DD REASON (/延期)  ask for an extension
//	/verify ID (/销号, /核销)        supervisors: close a done commitment
//	/reopen ID REASON (/退回)        supervisors: send a done commitment back
//	/report [YYYY-MM] (/月报)        supervisors: send the monthly report now
//
// SPEC §5 requires /进度 /完成 /延期 /列表 /逾期; the other Chinese aliases
// are extras. A photo or document whose caption is /done ID ... or
// /progress ID PCT ... is attached as evidence: "tg:<file_id>", plus the
// path of a copy in evidence.dir when that is configured.
//
// # Buttons
//
// Reminders carry Done, Progress and Extension ("d:12", "p:12", "x:12");
// extension requests in the supervision chat carry Approve and Reject
// ("ea:7", "er:7", with the request's id). Every press is answered; Done
// and a decision also edit the message to show the new state; Progress and
// Extension answer with the exact command to type. A stale press (closed
// item, decided request, someone else's item) answers why and changes
// nothing.
//
// # Who sees what
//
// Officials see and change the commitments they own (their unit's too with
// bot.unit_scope); supervisors and admins all. Anything else is answered
// exactly like a missing id ("未找到 #12" / "#12 not found"), so ids cannot
// be probed; role checks (/verify, /reopen, /report) come before the id.
// An unlinked chat gets one line on how to link. Replies are in the
// contact's language (zh default, en) and name the commitment by id and
// title, HTML-escaped. Bad input gets one line with the syntax and changes
// nothing.
//
// # Deliberate silences
//
// Edited messages (re-applying an edited command would surprise), commands
// addressed to another bot in a group, plain text in a group, and anything
// in a group other than the supervision chat get no answer. In a private
// chat a command to another bot is answered as an unknown command.
//
// # Exactly once
//
// A change and the record of its update_id (bot_updates) commit in one
// transaction (store.ApplyUpdate); the poller stores the last handled
// update_id (kv "telegram.offset") after answering. A crash between the
// two makes Telegram deliver the update again, and it is skipped; a crash
// before the change makes it be applied once on restart. A reply that
// cannot be sent is queued in the outbox (kind "reply").
package bot
