package calendar

import (
	_ "embed"
	"strings"
	"sync"
)

//go:embed cn.txt
var cnFile string

var china = sync.OnceValue(func() *Calendar {
	c, err := Parse(strings.NewReader(cnFile), "builtin:cn (calendar/cn.txt)")
	if err != nil {
		// TestChina parses the same bytes, so this cannot happen in a
		// binary whose tests passed.
		panic("calendar: " + err.Error())
	}
	return c
})

// China returns the built-in calendar for mainland China: the public holidays
// and make-up working days (调休) of 2023 to 2027 from the State Council's
// yearly notices (国务院办公厅关于部分节假日安排的通知). Every call returns the
// same Calendar.
func China() *Calendar {
	return china()
}
