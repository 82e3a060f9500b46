package remind

import (
	"testing"
	"time"

	"duban/domain"
)

func TestDayNumbers(t *testing.T) {
	t.Run("day numbers agree with the time package from 1600 to 2400", func(t *testing.T) {
		for tm := time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC); tm.Year() < 2400; tm = tm.AddDate(0, 0, 1) {
			d := domain.DateOf(tm, time.UTC)
			want := int(tm.Unix() / 86400) // exact: tm is a midnight UTC
			if got := dayNumber(d); got != want {
				t.Fatalf("dayNumber(%s) = %d, want %d", d, got, want)
			}
			if got := dateOfNumber(want); got != d {
				t.Fatalf("dateOfNumber(%d) = %s, want %s", want, got, d)
			}
		}
	})
	t.Run("the leap day of 2024 and the day after it are consecutive", func(t *testing.T) {
		a, b := dayNumber(domain.NewDate(2024, 2, 29)), dayNumber(domain.NewDate(2024, 3, 1))
		if b-a != 1 {
			t.Errorf("2024-03-01 - 2024-02-29 = %d days, want 1", b-a)
		}
	})
}
