package remind

import (
	"strconv"
	"time"

	"duban/domain"
)

// appendReminders appends the reminders of stage n of s, sent at sendAt, to
// out; due is the due date as dedup keys carry it.
func (p *Policy) appendReminders(out []Reminder, it Item, s *series, n int, sendAt time.Time, due string) []Reminder {
	r := Reminder{Day: dateOfNumber(n), SendAt: sendAt, WarnDays: p.WarnDays}
	var buf [32]byte
	switch {
	case s.kind == progressSeries:
		// Progress checks do not depend on the due date: an extension must
		// not repeat one already sent.
		r.Kind, r.Stage, due = KindProgressCheck, string(appendDate(append(buf[:0], "progress-"...), r.Day)), "-"
	case s.kind == escalationSeries:
		r.Kind, r.Stage, r.Owners = KindEscalation, KindEscalation, it.Owners
	case n < s.due:
		r.Kind, r.Stage = KindLead, string(strconv.AppendInt(append(buf[:0], "lead-"...), int64(s.due-n), 10))
	case n == s.due:
		r.Kind, r.Stage = KindDue, KindDue
	default:
		r.Kind, r.Stage = KindOverdue, string(strconv.AppendInt(append(buf[:0], "overdue-"...), int64(n-s.due), 10))
	}
	k := keyParts{commitment: it.Commitment.ID, kind: r.Kind, stage: r.Stage, due: due}
	if s.kind == escalationSeries {
		r.ChatID = p.SupervisionChatID
		r.DedupKey = k.String(nil)
		return append(out, r)
	}
	for _, o := range it.Owners {
		if o == nil {
			continue
		}
		r.Contact, r.ChatID = o, o.ChatID
		r.DedupKey = k.String(o)
		out = append(out, r)
	}
	return out
}

// keyParts are the parts of a dedup key but its recipient.
type keyParts struct {
	commitment       int64
	kind, stage, due string
}

// String returns the dedup key "c12/RECIPIENT/kind/stage/due" for owner o,
// or for the supervision chat if o is nil, in one allocation. An owner is
// named by its stable key ("contact:zhang-guobin"), or by its database id
// if it has none ("contact#7").
func (k keyParts) String(o *domain.Contact) string {
	var buf [128]byte
	b := strconv.AppendInt(append(buf[:0], 'c'), k.commitment, 10)
	switch {
	case o == nil:
		b = append(b, "/supervision/"...)
	case o.Key != "":
		b = append(append(append(b, "/contact:"...), o.Key...), '/')
	default:
		b = append(strconv.AppendInt(append(b, "/contact#"...), o.ID, 10), '/')
	}
	b = append(append(append(append(append(b, k.kind...), '/'), k.stage...), '/'), k.due...)
	return string(b)
}

// appendDate appends d as YYYY-MM-DD to b, as domain.Date.String does, but
// without fmt.
func appendDate(b []byte, d domain.Date) []byte {
	b = appendPadded(b, d.Year, 4)
	b = appendPadded(append(b, '-'), int(d.Month), 2)
	return appendPadded(append(b, '-'), d.Day, 2)
}

// appendPadded appends v with leading zeros to width digits.
func appendPadded(b []byte, v, width int) []byte {
	for limit := 10; width > 1; width, limit = width-1, limit*10 {
		if v < limit {
			b = append(b, '0')
		}
	}
	return strconv.AppendInt(b, int64(v), 10)
}
