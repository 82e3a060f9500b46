package extract

import (
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"duban/domain"
)

// kind says what a time phrase is to the sentence that holds it.
type kind int

const (
	// kindMention is a date that is only mentioned: a statistic's year,
	// the day a law was passed.
	kindMention kind = iota
	// kindDeadline is a date by which something is promised.
	kindDeadline
	// kindStart is when something begins (自2024年5月1日起施行): not a
	// deadline.
	kindStart
	// kindStatus is the date of a status report (截至2023年6月底).
	kindStatus
	// kindOngoing is a promise with no end (长期坚持, 常态化).
	kindOngoing
	// kindVague is a time that names no date (尽快, 近期, 适时).
	kindVague
)

func (k kind) String() string {
	return [...]string{"mention", "deadline", "start", "status", "ongoing", "vague"}[k]
}

// resolution is a phrase read against the letter's date.
type resolution struct {
	due       domain.Date
	precision domain.Precision
	// review names the other reading of an ambiguous phrase.
	review []note
	// missing says why there is no date: the phrase counts from a letter
	// date that is unknown, or gives a date out of range. It is the zero
	// note when there is a date.
	missing note
}

// phrase is a time phrase found in a normalised sentence.
type phrase struct {
	start, end int // bytes of the normalised sentence
	kind       kind
	// soft marks an ongoing or vague word that counts only outside the
	// report of past work (持续, 逐步: "逐步形成" there reports a result).
	soft bool
	// bare marks a date with no deadline word (2024年6月30日, 2025年):
	// only its context makes it a deadline.
	bare bool
	// absolute marks a phrase that needs no letter date to resolve.
	absolute bool
	resolve  func(letter domain.Date, cal WorkingDays) resolution
}

const yearWords = `(\d{4}年|今年|本年度|本年|当年|明年|次年|来年|后年|去年)`

// rule is one kind of time phrase: a pattern and what a match means.
type rule struct {
	// need lists characters of which every match holds at least one: a
	// sentence with none of them is not searched.
	need  string
	re    *regexp.Regexp
	parse func(s string, m []int) (phrase, bool)
}

// rules are tried on every sentence; where matches overlap, the one that
// starts first wins, then the longest, then the earlier rule.
var rules = []rule{
	{"0123456789", regexp.MustCompile(`(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})日?(前|之前|以前|为止|止)?`), parseISO},
	{"日号", regexp.MustCompile(yearWords + `?(\d{1,2})月(\d{1,2})[日号](前|之前|以前|为止|止)?`), parseDay},
	{"月", regexp.MustCompile(yearWords + `?(\d{1,2})月(份)?(底之前|底以前|底前|末前|底|末|上旬|中旬|下旬|初|之前|以前|前|以内|内)?`), parseMonth},
	{"年", regexp.MustCompile(yearWords + `(年底之前|年底以前|年底前|年底|年末|底之前|底以前|底前|底|末|度内|以内|之内|内|之前|以前|前|全年|上半年|下半年|第?([1-4])季度(末|底|前)?)?`), parseYear},
	{"年", regexp.MustCompile(`(年底之前|年底以前|年底前|年底|年末|本年度内|年度内|年内)`), parseYearEnd},
	{"半", regexp.MustCompile(`(上半年|下半年)`), parseHalf},
	{"季", regexp.MustCompile(`第?([1-4])季度(末|底|前)?`), parseQuarter},
	{"季", regexp.MustCompile(`(本季度|当季度|下季度|下个季度)(末|底|内)?`), parseThisQuarter},
	{"月", regexp.MustCompile(`(本月|当月|下月|下个月|月)(底之前|底前|底|末|内)`), parseThisMonth},
	{"内", regexp.MustCompile(`(\d{1,4})(个工作日|工作日|个月|个星期|星期|周|天|日|年|个季度)(之内|以内|内)`), parseWithin},
	{"五", regexp.MustCompile(`["“”'‘’「」]?十([一二三四五六七八九])五["“”'‘’「」]?(?:规划)?(期间|时期|期末|末期|末|以内|内|结束前|之前|前)`), parseFiveYear},
	{"前", regexp.MustCompile(yearWords + `?(春节|元旦|国庆节|国庆|五一|劳动节|端午节|端午|中秋节|中秋)(前|之前|以前)`), parseFestival},
	{"长常久坚持", regexp.MustCompile(`长期坚持|坚持长期|常态化|长效机制|长效|久久为功|坚持不懈|持之以恒`), parseOngoing(false)},
	{"持每定", regexp.MustCompile(`持续(?:推进|开展|推动|做好|加强|加大|抓好|优化|提升|深化|跟踪|关注|完善|巩固|落实|强化|改善|发力|用力|督促|整治)|每年|定期`), parseOngoing(true)},
	{"尽近适择条视", regexp.MustCompile(`尽快|尽早|近期|适时|择机|择时|待条件成熟(?:时|后)?|条件成熟时|条件成熟后|视情况|视情`), parseVague(false)},
	{"逐今", regexp.MustCompile(`逐步|今后`), parseVague(true)},
}

// findPhrases returns the time phrases of a normalised sentence, in order,
// without overlaps, each classified by its context.
func findPhrases(s string) []phrase {
	type cand struct {
		p    phrase
		rule int
	}
	var cs []cand
	for i, r := range rules {
		if !containsAnyRune(s, r.need) {
			continue
		}
		for _, m := range r.re.FindAllStringSubmatchIndex(s, -1) {
			p, ok := r.parse(s, m)
			if !ok {
				continue
			}
			p.start, p.end = m[0], m[1]
			cs = append(cs, cand{p, i})
		}
	}
	sort.SliceStable(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if a.p.start != b.p.start {
			return a.p.start < b.p.start
		}
		if a.p.end != b.p.end {
			return a.p.end > b.p.end
		}
		return a.rule < b.rule
	})
	var out []phrase
	end := 0
	for _, c := range cs {
		if c.p.start < end {
			continue
		}
		p := c.p
		if p.kind == kindDeadline {
			p.kind = classify(s, p)
		}
		out = append(out, p)
		end = p.end
	}
	return out
}

// containsAnyRune is strings.ContainsAny for a short set of Chinese
// characters: searching for each is much faster than ContainsAny's scan of
// s rune by rune.
func containsAnyRune(s, chars string) bool {
	for _, r := range chars {
		if strings.ContainsRune(s, r) {
			return true
		}
	}
	return false
}

// classify reads a date phrase's context: 截至 makes a status report, 自…起
// a start date, 相较 a comparison, and a bare date is a deadline only when
// 到/至 leads to it or a promised action follows it.
func classify(s string, p phrase) kind {
	before, after := s[:p.start], s[p.end:]
	switch {
	case hasSuffix(before, "截至", "截止到", "截止至", "截至到"):
		return kindStatus
	case hasSuffix(before, "截止") && (strings.ContainsAny(s, "已共") || strings.Contains(s, "累计")):
		return kindStatus
	case hasSuffix(before, "自", "从", "自从") || hasPrefix(after, "起", "开始"):
		return kindStart
	case hasPrefix(after, "以来", "至今"):
		return kindStatus
	case hasSuffix(before, "相较", "相比", "较之", "较", "比", "同比", "与", "和"):
		return kindMention
	case !p.bare:
		return kindDeadline
	case hasSuffix(before, "到", "至", "截止", "最迟", "不晚于", "不迟于"):
		return kindDeadline
	}
	if len(after) > 60 {
		after = after[:60] // the action must follow closely
	}
	clause := after[:clauseEnd(after, 0)]
	if at := bareVerbs.first(clause); at >= 0 && utf8.RuneCountInString(clause[:at]) <= 4 {
		return kindDeadline
	}
	return kindMention
}

// bareVerbs lists the actions that make a bare date a deadline when they
// follow it closely: "2024年6月完成复绿修复", "2025年全面建成".
var bareVerbs = wordList(`完成|实现|建成|完工|竣工|投产|投用|投入使用|开工|启动|出台|印发|上线|整改|清运|修复|复绿|达到|解决|交付|办结|验收|落地|开通|覆盖|制定|拟定`)

func hasSuffix(s string, words ...string) bool {
	for _, w := range words {
		if strings.HasSuffix(s, w) {
			return true
		}
	}
	return false
}

func hasPrefix(s string, words ...string) bool {
	for _, w := range words {
		if strings.HasPrefix(s, w) {
			return true
		}
	}
	return false
}

// group returns submatch i of m in s, or "".
func group(s string, m []int, i int) string {
	if 2*i+1 >= len(m) || m[2*i] < 0 {
		return ""
	}
	return s[m[2*i]:m[2*i+1]]
}

// yearSpec is the year a phrase names: a number, one relative to the
// letter's year (明年), or none (the letter's year is inferred).
type yearSpec struct {
	abs      int
	rel      int
	relative bool
	given    bool
}

func parseYearSpec(w string) yearSpec {
	switch w {
	case "":
		return yearSpec{}
	case "今年", "本年", "本年度", "当年":
		return yearSpec{relative: true, given: true}
	case "明年", "次年", "来年":
		return yearSpec{rel: 1, relative: true, given: true}
	case "后年":
		return yearSpec{rel: 2, relative: true, given: true}
	case "去年":
		return yearSpec{rel: -1, relative: true, given: true}
	}
	y, _ := atoi(strings.TrimSuffix(w, "年"))
	return yearSpec{abs: y, given: true}
}

// year returns the year ys names against the letter date; inferred is true
// when the phrase named none and the letter's year was taken.
func (ys yearSpec) year(letter domain.Date) (y int, inferred bool, missing note) {
	switch {
	case ys.given && !ys.relative:
		return ys.abs, false, note{}
	case letter.IsZero():
		return 0, false, mkNote(msgNeedsLetterDate)
	case ys.relative:
		return letter.Year + ys.rel, false, note{}
	}
	return letter.Year, true, note{}
}

func (ys yearSpec) absolute() bool { return ys.given && !ys.relative }

// futureRead flags a phrase whose year was inferred when the date falls
// before the letter: "6月底前" in a letter of September most likely
// reports work done, but may mean next June.
func futureRead(r resolution, inferred bool, letter domain.Date, next resolution) resolution {
	if !inferred || !r.missing.isZero() || !r.due.Before(letter) {
		return r
	}
	r.review = append(r.review, mkNote(msgNoYear, r.due, letter))
	if next.missing.isZero() {
		r.review = append(r.review, mkNote(msgNextYear, next.due))
	}
	return r
}

// yearly builds a resolver for a phrase whose date depends only on a year:
// at(y) gives the date for year y.
func yearly(ys yearSpec, futureLooking bool, at func(y int) resolution) func(domain.Date, WorkingDays) resolution {
	return func(letter domain.Date, _ WorkingDays) resolution {
		y, inferred, missing := ys.year(letter)
		if !missing.isZero() {
			return resolution{missing: missing}
		}
		if y < minYear || y > maxYear {
			return resolution{missing: mkNote(msgOutOfRange)}
		}
		r := inRange(at(y))
		if futureLooking {
			r = futureRead(r, inferred, letter, inRange(at(y+1)))
		}
		return r
	}
}

func parseISO(s string, m []int) (phrase, bool) {
	if m[0] > 0 && (isDigitByte(s[m[0]-1]) || s[m[0]-1] == '.') || m[1] < len(s) && isDigitByte(s[m[1]]) {
		return phrase{}, false
	}
	y, _ := atoi(group(s, m, 1))
	mo, _ := atoi(group(s, m, 2))
	d, _ := atoi(group(s, m, 3))
	due, ok := date(y, mo, d)
	if !ok {
		return phrase{}, false
	}
	return phrase{
		kind: kindDeadline, bare: group(s, m, 4) == "", absolute: true,
		resolve: func(domain.Date, WorkingDays) resolution {
			return resolution{due: due, precision: domain.PDay}
		},
	}, true
}

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

func parseDay(s string, m []int) (phrase, bool) {
	ys := parseYearSpec(group(s, m, 1))
	mo, _ := atoi(group(s, m, 2))
	d, _ := atoi(group(s, m, 3))
	if mo < 1 || mo > 12 || d < 1 || d > 31 {
		return phrase{}, false
	}
	suffix := group(s, m, 4)
	return phrase{
		kind: kindDeadline, bare: suffix == "", absolute: ys.absolute(),
		resolve: yearly(ys, suffix != "", func(y int) resolution {
			due, ok := date(y, mo, d)
			if !ok {
				return resolution{missing: mkNote(msgNoSuchDay, mo, d, y)}
			}
			return resolution{due: due, precision: domain.PDay}
		}),
	}, true
}

func parseMonth(s string, m []int) (phrase, bool) {
	ys := parseYearSpec(group(s, m, 1))
	mo, _ := atoi(group(s, m, 2))
	if mo < 1 || mo > 12 {
		return phrase{}, false
	}
	suffix := group(s, m, 4)
	bare := suffix == "" && group(s, m, 3) == ""
	p := phrase{kind: kindDeadline, bare: bare, absolute: ys.absolute()}
	switch suffix {
	case "上旬", "初":
		p.resolve = yearly(ys, true, func(y int) resolution {
			d, _ := date(y, mo, 10)
			return resolution{due: d, precision: domain.PDay}
		})
	case "中旬":
		p.resolve = yearly(ys, true, func(y int) resolution {
			d, _ := date(y, mo, 20)
			return resolution{due: d, precision: domain.PDay}
		})
	case "下旬":
		p.resolve = yearly(ys, true, func(y int) resolution {
			return resolution{due: monthEnd(y, mo), precision: domain.PDay}
		})
	case "前", "之前", "以前":
		// "6月前": before June begins, or by the end of June. The earlier
		// reading is chased; the review names the other.
		p.resolve = yearly(ys, true, func(y int) resolution {
			return resolution{
				due: monthEnd(y, mo-1), precision: domain.PMonth,
				review: []note{mkNote(msgMonthBefore, mo, monthEnd(y, mo-1), monthEnd(y, mo))},
			}
		})
	case "内", "以内":
		p.resolve = func(letter domain.Date, cal WorkingDays) resolution {
			r := yearly(ys, true, func(y int) resolution {
				return resolution{due: monthEnd(y, mo), precision: domain.PMonth}
			})(letter, cal)
			if r.missing.isZero() && !ys.given && !letter.IsZero() {
				alt := addMonths(letter, mo)
				r.review = append(r.review, mkNote(msgMonthWithin, mo, r.due, alt))
			}
			return r
		}
	default:
		p.resolve = yearly(ys, suffix != "" || group(s, m, 3) != "", func(y int) resolution {
			return resolution{due: monthEnd(y, mo), precision: domain.PMonth}
		})
	}
	return p, true
}

func parseYear(s string, m []int) (phrase, bool) {
	ys := parseYearSpec(group(s, m, 1))
	if ys.absolute() && (ys.abs < 1000 || m[0] > 0 && isDigitByte(s[m[0]-1])) {
		return phrase{}, false
	}
	suffix := group(s, m, 2)
	p := phrase{kind: kindDeadline, bare: suffix == "", absolute: ys.absolute()}
	yearEnd := func(y int) resolution { return resolution{due: monthEnd(y, 12), precision: domain.PYear} }
	switch {
	case suffix == "前" || suffix == "之前" || suffix == "以前":
		// "2025年前": before 2025 begins, or by the end of 2025. The
		// earlier reading is chased; the review names the other.
		p.resolve = yearly(ys, false, func(y int) resolution {
			return resolution{
				due: monthEnd(y-1, 12), precision: domain.PYear,
				review: []note{mkNote(msgYearBefore, y, monthEnd(y-1, 12), monthEnd(y, 12))},
			}
		})
	case suffix == "上半年":
		p.resolve = yearly(ys, false, func(y int) resolution { return resolution{due: monthEnd(y, 6), precision: domain.PMonth} })
	case suffix == "下半年":
		p.resolve = yearly(ys, false, func(y int) resolution { return resolution{due: monthEnd(y, 12), precision: domain.PMonth} })
	case strings.Contains(suffix, "季度"):
		q, _ := atoi(group(s, m, 3))
		p.resolve = yearly(ys, false, quarterEnd(q, group(s, m, 4)))
	default:
		p.resolve = yearly(ys, false, yearEnd)
	}
	return p, true
}

// quarterEnd resolves quarter q; "前" (三季度前) is read as before the
// quarter begins, with the other reading in the review.
func quarterEnd(q int, suffix string) func(y int) resolution {
	return func(y int) resolution {
		end := monthEnd(y, 3*q)
		if suffix != "前" {
			return resolution{due: end, precision: domain.PQuarter}
		}
		prev := monthEnd(y, 3*q-3)
		return resolution{
			due: prev, precision: domain.PQuarter,
			review: []note{mkNote(msgQuarterBefore, numeral(q), prev, end)},
		}
	}
}

func parseYearEnd(s string, m []int) (phrase, bool) {
	if m[0] > 0 && (isDigitByte(s[m[0]-1]) || hasSuffix(s[:m[0]], "每", "全", "近", "多", "几", "今", "明", "本", "当", "去", "来", "次", "后")) {
		return phrase{}, false
	}
	return phrase{
		kind:    kindDeadline,
		resolve: yearly(yearSpec{}, false, func(y int) resolution { return resolution{due: monthEnd(y, 12), precision: domain.PYear} }),
	}, true
}

func parseHalf(s string, m []int) (phrase, bool) {
	mo := 6
	if group(s, m, 1) == "下半年" {
		mo = 12
	}
	return phrase{
		kind: kindDeadline,
		resolve: yearly(yearSpec{}, true, func(y int) resolution {
			return resolution{due: monthEnd(y, mo), precision: domain.PMonth}
		}),
	}, true
}

func parseQuarter(s string, m []int) (phrase, bool) {
	q, _ := atoi(group(s, m, 1))
	return phrase{kind: kindDeadline, resolve: yearly(yearSpec{}, true, quarterEnd(q, group(s, m, 2)))}, true
}

func parseThisQuarter(s string, m []int) (phrase, bool) {
	next := strings.HasPrefix(group(s, m, 1), "下")
	return phrase{kind: kindDeadline, resolve: func(letter domain.Date, _ WorkingDays) resolution {
		if letter.IsZero() {
			return resolution{missing: mkNote(msgNeedsLetterDate)}
		}
		q := (int(letter.Month)-1)/3 + 1
		if next {
			q++
		}
		d := domain.NewDate(letter.Year, time.Month(3*q)+1, 0)
		return inRange(resolution{due: d, precision: domain.PQuarter})
	}}, true
}

func parseThisMonth(s string, m []int) (phrase, bool) {
	w := group(s, m, 1)
	if w == "月" && m[0] > 0 {
		if r, _ := utf8.DecodeLastRuneInString(s[:m[0]]); r >= '0' && r <= '9' || isNumeral(r) {
			return phrase{}, false
		}
	}
	next := strings.HasPrefix(w, "下")
	return phrase{kind: kindDeadline, resolve: func(letter domain.Date, _ WorkingDays) resolution {
		if letter.IsZero() {
			return resolution{missing: mkNote(msgNeedsLetterDate)}
		}
		mo := letter.Month
		if next {
			mo++
		}
		return inRange(resolution{due: domain.NewDate(letter.Year, mo+1, 0), precision: domain.PMonth})
	}}, true
}

func parseWithin(s string, m []int) (phrase, bool) {
	if m[0] > 0 && isDigitByte(s[m[0]-1]) {
		return phrase{}, false
	}
	n, _ := atoi(group(s, m, 1))
	unit := group(s, m, 2)
	if unit == "年" && n >= 1000 { // 2024年内 is a year, not 2024 years
		return phrase{}, false
	}
	return phrase{kind: kindDeadline, resolve: func(letter domain.Date, cal WorkingDays) resolution {
		if letter.IsZero() {
			return resolution{missing: mkNote(msgNeedsLetterDate)}
		}
		if n > 100000 {
			return resolution{missing: mkNote(msgOutOfRange)}
		}
		var r resolution
		switch unit {
		case "年":
			r = resolution{due: addMonths(letter, 12*n), precision: domain.PYear}
		case "个月":
			r = resolution{due: addMonths(letter, n), precision: domain.PMonth}
		case "个季度":
			r = resolution{due: addMonths(letter, 3*n), precision: domain.PQuarter}
		case "个星期", "星期", "周":
			r = resolution{due: letter.AddDays(7 * n), precision: domain.PDay}
		case "天", "日":
			r = resolution{due: letter.AddDays(n), precision: domain.PDay}
		default: // working days
			if n > maxWorkingDays {
				return resolution{missing: mkNote(msgOutOfRange)}
			}
			d, ok := addWorkingDays(letter, n, cal)
			if !ok {
				return resolution{missing: mkNote(msgFewWorkingDays)}
			}
			r = resolution{due: d, precision: domain.PDay}
		}
		return inRange(r)
	}}, true
}

// parseFiveYear reads the five-year plans: “十四五”期间 is 2021–2025, so
// its deadline is 2025-12-31; 十五五 ends in 2030. Plans are numbered in
// five-year steps from the third (1966–1970).
func parseFiveYear(s string, m []int) (phrase, bool) {
	k := 10 + numeralValue([]rune(group(s, m, 1))[0])
	if k < 3 {
		return phrase{}, false
	}
	end := 1970 + 5*(k-3)
	due, ok := date(end, 12, 31)
	if !ok {
		return phrase{}, false
	}
	return phrase{kind: kindDeadline, absolute: true, resolve: func(domain.Date, WorkingDays) resolution {
		return resolution{due: due, precision: domain.PYear}
	}}, true
}

func parseFestival(s string, m []int) (phrase, bool) {
	ys := parseYearSpec(group(s, m, 1))
	name := group(s, m, 2)
	return phrase{kind: kindDeadline, absolute: ys.absolute(), resolve: func(letter domain.Date, _ WorkingDays) resolution {
		var day domain.Date
		var ok bool
		if ys.given {
			y, _, missing := ys.year(letter)
			if !missing.isZero() {
				return resolution{missing: missing}
			}
			day, ok = festival(name, y)
		} else {
			if letter.IsZero() {
				return resolution{missing: mkNote(msgNeedsLetterDate)}
			}
			day, ok = nextFestival(name, letter)
		}
		if !ok {
			return resolution{missing: mkNote(msgOutOfRange)}
		}
		return inRange(resolution{due: day.AddDays(-1), precision: domain.PDay})
	}}, true
}

func parseOngoing(soft bool) func(string, []int) (phrase, bool) {
	return func(s string, m []int) (phrase, bool) {
		if soft && m[0] > 0 && hasSuffix(s[:m[0]], "可") {
			return phrase{}, false
		}
		return phrase{kind: kindOngoing, soft: soft, absolute: true, resolve: func(domain.Date, WorkingDays) resolution {
			return resolution{precision: domain.POngoing}
		}}, true
	}
}

func parseVague(soft bool) func(string, []int) (phrase, bool) {
	return func(s string, m []int) (phrase, bool) {
		return phrase{kind: kindVague, soft: soft, absolute: true, resolve: func(domain.Date, WorkingDays) resolution {
			return resolution{missing: mkNote(msgNamesNoDate, s[m[0]:m[1]])}
		}}, true
	}
}

// parseDeadline reads one phrase on its own, as a sentence of the letter
// would be read: it returns the first time phrase found, its kind and its
// reading against the letter date.
func parseDeadline(text string, letter domain.Date, cal WorkingDays) (kind, resolution, bool) {
	n := normalize(text, flat)
	ps := findPhrases(n.s)
	if len(ps) == 0 {
		return kindMention, resolution{}, false
	}
	p := ps[0]
	if p.kind == kindMention && p.bare && p.start == 0 && p.end == len(n.s) {
		p.kind = kindDeadline // a date given alone is read as a deadline
	}
	return p.kind, p.resolve(letter, cal), true
}
