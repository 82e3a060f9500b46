package extract

import (
	"regexp"
	"strings"

	"duban/domain"
)

var (
	cnDateRe  = regexp.MustCompile(`^(\d{4})年(\d{1,2})月(\d{1,2})[日号]$`)
	isoDateRe = regexp.MustCompile(`^(\d{4})[-./](\d{1,2})[-./](\d{1,2})$`)
)

// fullDate reads a whole string as one date: 2024年5月27日 or 2024-06-24.
func fullDate(s string) (domain.Date, bool) {
	m := cnDateRe.FindStringSubmatch(s)
	if m == nil {
		m = isoDateRe.FindStringSubmatch(s)
	}
	if m == nil {
		return domain.Date{}, false
	}
	y, _ := atoi(m[1])
	mo, _ := atoi(m[2])
	d, _ := atoi(m[3])
	return date(y, mo, d)
}

// dateOnly reports whether a flat line holds nothing but date characters.
func dateOnly(s string) bool {
	return s != "" && strings.Trim(s, "0123456789年月日号-./") == ""
}

// mayBeDate reports whether a raw line holds only characters a date may be
// written with, so that only such lines are normalised.
func mayBeDate(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune("0123456789０１２３４５６７８９〇○零一二三四五六七八九十年月日号號-./－．／ \t　", r) {
			return false
		}
	}
	return true
}

// lastDateGroup finds the last date standing on lines of its own, as the
// date under a letter's signature does, also when a converter broke it
// across lines ("2024年5月" / "27日"). It returns the date and the index of
// its first line (-1 when there is none).
func lastDateGroup(ls []line) (domain.Date, int) {
	flats := make([]string, len(ls))
	for i, l := range ls {
		if mayBeDate(l.orig) {
			flats[i] = normalize(l.orig, flat).s
		}
	}
	var found domain.Date
	at := -1
	for i := range ls {
		if !dateOnly(flats[i]) {
			continue
		}
		joined := ""
		for j, n, blanks := i, 0, 0; j < len(ls) && n < 3 && blanks <= 2; j++ {
			if strings.TrimSpace(ls[j].orig) == "" {
				blanks++
				continue
			}
			if !dateOnly(flats[j]) {
				break
			}
			joined += flats[j]
			n++
			if d, ok := fullDate(joined); ok {
				found, at = d, i
				break
			}
		}
	}
	return found, at
}

// settleDate decides the letter's date. The date that closes the letter
// wins; then Options.LetterDate; then the date by the signature on the
// attached form, unless it is earlier than what the letter reports as
// past (a stale form); then, as a lower bound, the latest date the letter
// reports. Each choice but the first two carries a note.
func settleDate(r *Result, m meta, body []sentence, given domain.Date) {
	notes := m.notes
	if !given.IsZero() && (given.Year < minYear || given.Year > maxYear) {
		notes = append(notes, mkNote(msgDateIgnored, given))
		given = domain.Date{}
	}
	reported := latestReported(body)
	form := r.Letter.FormSignedOn
	r.Letter.LatestReported = reported
	var d domain.Date
	switch {
	case !m.dateLine.IsZero():
		d, r.Letter.DateFrom = m.dateLine, "date line"
		if !given.IsZero() && given != d {
			notes = append(notes, mkNote(msgDateDiffers, given, d))
		}
	case !given.IsZero():
		d, r.Letter.DateFrom = given, "--date"
	case !form.IsZero() && !form.Before(reported):
		d, r.Letter.DateFrom = form, "form"
		notes = append(notes, mkNote(msgDateFromForm, form))
	case !reported.IsZero():
		d, r.Letter.DateFrom = reported, "latest reported date"
		notes = append(notes, mkNote(msgDateFromReported, reported))
	default:
		notes = append(notes, mkNote(msgNoDate))
	}
	if !form.IsZero() && form.Before(reported) {
		notes = append(notes, mkNote(msgStaleForm, form, reported))
	}
	if !d.IsZero() && d.Before(reported) {
		notes = append(notes, mkNote(msgDateBeforeReported, d, reported))
	}
	r.Source.RepliedOn = d
	r.Letter.Review = r.notes(notes...)
}

// latestReported returns the latest date that the report of past work
// names: events and statistics with a year of their own, outside the plans
// and outside sentences that promise.
func latestReported(body []sentence) domain.Date {
	var latest domain.Date
	for _, s := range body {
		if s.mode == modePlan || s.future {
			continue
		}
		for _, p := range s.phrases {
			if !p.absolute || p.kind != kindMention && p.kind != kindStatus {
				continue
			}
			res := p.resolve(domain.Date{}, nil)
			if res.missing.isZero() && res.due.After(latest) {
				latest = res.due
			}
		}
	}
	return latest
}
