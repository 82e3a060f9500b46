package remind_test

import (
	"testing"

	"duban/domain"
	"duban/remind"
)

func BenchmarkDue(b *testing.B) {
	p := defaultPolicy(b)
	it := remind.Item{Commitment: fenggang(), Owners: []*domain.Contact{zhang}}
	now := at(shanghai, "2024-07-22 10:00") // overdue, escalated, progress checks on: three reminders
	b.ReportAllocs()
	for b.Loop() {
		p.Due(it, now)
	}
}

func BenchmarkNext(b *testing.B) {
	p := defaultPolicy(b)
	it := remind.Item{Commitment: fenggang(), Owners: []*domain.Contact{zhang}}
	now := at(shanghai, "2024-07-22 10:00")
	b.ReportAllocs()
	for b.Loop() {
		p.Next(it, now)
	}
}
