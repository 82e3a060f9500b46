package remind_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"duban/calendar"
	"duban/config"
	"duban/domain"
	"duban/remind"
)

var (
	shanghai = mustLoc("Asia/Shanghai")
	newYork  = mustLoc("America/New_York")
	berlin   = mustLoc("Europe/Berlin")
)

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// day parses a YYYY-MM-DD literal of the test itself.
func day(s string) domain.Date {
	d, err := domain.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// at parses a "YYYY-MM-DD HH:MM" literal of the test itself in loc.
func at(loc *time.Location, s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		panic(err)
	}
	return t
}

// defaultPolicy is the policy of the default configuration with the
// built-in Chinese calendar and the supervision chat -100.
func defaultPolicy(tb testing.TB) remind.Policy {
	tb.Helper()
	cfg := config.Default()
	cfg.Reminders.Calendar = "builtin:cn"
	cfg.Telegram.SupervisionChatID = -100
	return remind.PolicyFromConfig(&cfg, calendar.China())
}

var zhang = &domain.Contact{ID: 1, Key: "zhang-guobin", Name: "张国斌", ChatID: 100001, Language: "zh"}

// fenggang is the seed letter's restoration item: "2024 年 6 月底前，对凤岗村附近
// 倾倒填埋陶瓷固废点完成复绿修复", due Sunday 2024-06-30.
func fenggang() *domain.Commitment {
	return &domain.Commitment{
		ID:           12,
		Key:          "jdz-111-fenggang-restoration",
		Title:        "凤岗村附近倾倒填埋陶瓷固废点完成复绿修复",
		Category:     "restoration",
		Unit:         "国家试验区管委会办公室",
		Owners:       []string{"zhang-guobin"},
		Due:          day("2024-06-30"),
		DuePrecision: domain.PMonth,
		Strength:     domain.Firm,
		Status:       domain.Open,
		CreatedAt:    at(shanghai, "2024-04-15 10:00"),
	}
}

// summary lists reminders as "KEY @ SEND-TIME [chat N]", sorted, for
// comparison in tests.
func summary(rs []remind.Reminder, loc *time.Location) []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		out = append(out, fmt.Sprintf("%s @ %s [chat %d]", r.DedupKey, r.SendAt.In(loc).Format("2006-01-02 15:04"), r.ChatID))
	}
	sort.Strings(out)
	return out
}

func keys(rs []remind.Reminder) map[string]remind.Reminder {
	m := make(map[string]remind.Reminder, len(rs))
	for _, r := range rs {
		m[r.DedupKey] = r
	}
	return m
}

func equalLists(a, b []string) bool {
	return strings.Join(a, "\n") == strings.Join(b, "\n")
}
