package domain

import (
	"strconv"
	"strings"
)

// Button is one inline keyboard button of an outbound message; Data is its
// callback data (at most 64 bytes), "ACTION:ID".
type Button struct {
	Text string `json:"text"`
	Data string `json:"data"`
}

// Button actions: the data of a button is "ACTION:ID".
const (
	BtnDone        = "d"  // mark commitment ID done: asks 确认完成 / 取消 first
	BtnConfirmDone = "dc" // the confirmation: mark commitment ID done now
	BtnKeep        = "dk" // the confirmation declined: change nothing
	BtnProgress    = "p"  // how to report progress on ID
	BtnExtend      = "x"  // how to ask for an extension of ID
	BtnApprove     = "ea" // approve extension request ID
	BtnReject      = "er" // reject extension request ID (asks for a reason)
	BtnVerify      = "v"  // 销号 commitment ID
	BtnSendBack    = "b"  // 退回 commitment ID (asks for a reason)
)

var buttonActions = []string{BtnDone, BtnConfirmDone, BtnKeep, BtnProgress, BtnExtend, BtnApprove, BtnReject, BtnVerify, BtnSendBack}

// CallbackData builds a button's callback data, at most 22 bytes.
func CallbackData(action string, id int64) string {
	return action + ":" + strconv.FormatInt(id, 10)
}

// ParseCallback reads a button's callback data: an action and a positive
// id (a commitment's, or an extension request's for BtnApprove and
// BtnReject).
func ParseCallback(data string) (action string, id int64, ok bool) {
	action, num, found := strings.Cut(data, ":")
	if !found || len(num) == 0 || len(num) > 18 {
		return "", 0, false
	}
	known := false
	for _, a := range buttonActions {
		known = known || a == action
	}
	if !known {
		return "", 0, false
	}
	for _, r := range num {
		if r < '0' || r > '9' {
			return "", 0, false
		}
	}
	id, err := strconv.ParseInt(num, 10, 64)
	if err != nil || id <= 0 {
		return "", 0, false
	}
	return action, id, true
}

// buttonNames are the labels of the buttons, zh and en.
var buttonNames = map[string][2]string{
	BtnDone: {"完成", "Done"}, BtnConfirmDone: {"确认完成", "Confirm done"}, BtnKeep: {"取消", "Cancel"},
	BtnProgress: {"进度", "Progress"}, BtnExtend: {"延期", "Extension"},
	BtnApprove: {"批准", "Approve"}, BtnReject: {"驳回", "Reject"},
	BtnVerify: {"销号", "Verify"}, BtnSendBack: {"退回", "Send back"},
}

// NewButton is the button for action on id, labelled in lang.
func NewButton(action string, id int64, lang string) Button {
	return Button{Text: pick(buttonNames[action], action, lang), Data: CallbackData(action, id)}
}

// OwnerButtons are the buttons an owner's message about c carries: Done,
// Progress and, unless c is ongoing (no due date to move), Extension.
func OwnerButtons(c *Commitment, lang string) [][]Button {
	row := []Button{NewButton(BtnDone, c.ID, lang), NewButton(BtnProgress, c.ID, lang)}
	if !c.Ongoing() {
		row = append(row, NewButton(BtnExtend, c.ID, lang))
	}
	return [][]Button{row}
}
