package extract

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"duban/domain"
)

// meta is what the letter says about itself.
type meta struct {
	source Source
	letter Letter
	// dateLine is the date that closes the letter, if it has one.
	dateLine domain.Date
	notes    []note
}

// line is one line of the letter, normalised with its table cells kept
// apart by tabs.
type line struct {
	orig string
	n    norm
	t    string // n.s without surrounding white space
	off  int    // bytes of n.s before t
}

func (l line) span(a, b int) string { return tidy(l.n.span(l.orig, l.off+a, l.off+b)) }

func cellLines(lines []string) []line {
	out := make([]line, len(lines))
	for i, s := range lines {
		n := normalize(s, cells)
		t := strings.TrimLeft(n.s, " \t")
		off := len(n.s) - len(t)
		out[i] = line{orig: s, n: n, t: strings.TrimRight(t, " \t"), off: off}
	}
	return out
}

var (
	docNoRe      = regexp.MustCompile(`([\p{Han}A-Za-z]{1,24}?)[〔\[【(](\d{4})[〕\]】)]第?(\d{1,5})号`)
	totalNoRe    = regexp.MustCompile(`总第(\d{1,6})号`)
	noRowRe      = regexp.MustCompile(`(?:建议|提案|议案)编号\t+([^\t]+)`)
	nthNoRe      = regexp.MustCompile(`第(\d{1,6})号`)
	codeNoRe     = regexp.MustCompile(`(?:^|[^A-Za-z0-9])([A-Z]{1,4}\d{1,6})号`)
	titleRe      = regexp.MustCompile(`《([^《》]{2,200})》`)
	titleRowRe   = regexp.MustCompile(`(?:建议|提案|议案)(?:标题|题目|名称)\t+([^\t]+)`)
	sessionRe    = regexp.MustCompile(`(?:全国|省|市|县|区|州)?第?([一二三四五六七八九十百\d]{1,5})届(?:全国|省|市|县|区|州)?(?:人大|人民代表大会|政协)(?:常委会)?第?([一二三四五六七八九十\d]{1,4})次(?:全体)?会议`)
	saluteRe     = regexp.MustCompile(`^(?:尊敬的)?(.{1,60}?)(?:等(?:(\d{1,4}|[一二三四五六七八九十百两]{1,4})[名位])?)?(?:人大|政协)?(代表|委员)们?(?:同志)?:$`)
	inlineDepRe  = regexp.MustCompile(`([\p{Han}·]{2,8})等(\d{1,4}|[一二三四五六七八九十百两]{1,4})[名位](?:人大|政协)?(代表|委员)`)
	deputyRowRe  = regexp.MustCompile(`(?:代表|委员)(?:姓名|签名)\s*:?\t*([\p{Han}·、,]{2,40})`)
	classHeadRe  = regexp.MustCompile(`(?:^|[^\p{Han}])(?:分类|类别|办理类别|答复类别)\s*:\s*([A-Da-d][1-3]?|甲|乙|丙|丁)(?:[^A-Za-z0-9]|$)`)
	classFormRe  = regexp.MustCompile(`(?:办理结果分类|办理结果类别|结果分类|答复分类|分类|类别)\s*:?\s*(?:\([^)]{0,80}\))?\t+([A-Da-d][1-3]?|甲|乙|丙|丁)(?:[^A-Za-z0-9]|$)`)
	unitRowRe    = regexp.MustCompile(`(?:承办单位|主办单位|办理单位)\s*:?\t*([^\t]+)`)
	contactRe    = regexp.MustCompile(`联系人[^:\t]{0,10}[:\t]\s*([\p{Han}·]{2,6})`)
	phoneRe      = regexp.MustCompile(`1[3-9]\d{9}|\d{3,4}-\d{7,8}|\d{7,8}`)
	copyRe       = regexp.MustCompile(`^抄送\s*:\s*(.+)$`)
	orgSuffixRe  = regexp.MustCompile(`(?:办公室|局|委员会|委|政府|厅|办|中心|院|公司|集团|管委会|部|处|室|站|所)$`)
	letterheadRe = regexp.MustCompile(`(?:文件|便函|函)$`)
)

// readLetter reads the letter's metadata: numbers, title, session,
// deputies, classification, handling unit, contact, copies, the form's
// satisfaction and the dates that close the letter and the form.
func readLetter(raw []string) meta {
	ls := cellLines(raw)
	var m meta
	m.source.Kind = "other"
	form := formStart(ls)
	head := headEnd(ls)

	m.source.ReplyDocNo = replyDocNo(ls, head)
	m.source.Number = suggestionNumber(ls, head)
	m.source.Title = letterTitle(ls)
	m.source.Session, m.source.Kind = sessionAndKind(ls, head)
	deputies(&m, ls, form)
	classification(&m, ls)
	m.letter.Letterhead = letterhead(ls)
	var at int
	m.dateLine, at = lastDateGroup(ls[:form])
	m.source.HandlingUnit = unitRow(ls)
	if m.source.HandlingUnit == "" && at > 0 {
		sig := at - 1 // the signature above the date
		for sig > 0 && ls[sig].t == "" {
			sig--
		}
		if isOrg(ls[sig].t) {
			m.source.HandlingUnit = ls[sig].span(0, len(ls[sig].t))
		}
	}
	if m.source.HandlingUnit == "" {
		m.source.HandlingUnit = m.letter.Letterhead
	}
	m.letter.FormSignedOn, _ = lastDateGroup(ls[form:])
	contact(&m, ls)
	m.letter.CopyTo = copyTo(ls)
	m.source.Satisfaction = satisfaction(ls)
	return m
}

// formStart returns the index of the line where the attached feedback form
// begins ("附件" standing alone, or the form's title), or len(ls).
func formStart(ls []line) int {
	for i, l := range ls {
		t := strings.ReplaceAll(l.t, "\t", "")
		if t == "附件" || strings.HasPrefix(t, "附件") && len(t) <= len("附件")+3 && !strings.Contains(t, ":") ||
			strings.HasSuffix(t, "意见表") && !strings.HasPrefix(t, "附件") {
			return i
		}
	}
	return len(ls)
}

// headEnd returns the index of the salutation line (…代表：), which closes
// the letter's head, or of the first long line when there is none.
func headEnd(ls []line) int {
	for i, l := range ls {
		if maySalute(l.t) && saluteRe.MatchString(l.t) {
			return i + 1
		}
		if utf8.RuneCountInString(l.t) > 60 {
			return i
		}
	}
	return len(ls)
}

// replyDocNo returns the reply's document number: the one on a line of its
// own, else one in the letter's head. Brackets are written 〔〕 as the
// standard for official documents has them.
func replyDocNo(ls []line, head int) string {
	pick := func(l line, m []int) string {
		return l.span(m[2], m[3]) + "〔" + l.t[m[4]:m[5]] + "〕" + l.t[m[6]:m[7]] + "号"
	}
	for _, l := range ls {
		if !strings.Contains(l.t, "号") {
			continue
		}
		if m := docNoRe.FindStringSubmatchIndex(l.t); m != nil && m[0] == 0 && m[1] == len(l.t) {
			return pick(l, m)
		}
	}
	for _, l := range ls[:head] {
		if m := docNoRe.FindStringSubmatchIndex(l.t); m != nil {
			return pick(l, m)
		}
	}
	return ""
}

// suggestionNumber returns the suggestion's number: 总第N号 anywhere, else
// the form's 建议编号, else 第N号 or DH123号 in the letter's head.
func suggestionNumber(ls []line, head int) string {
	for _, l := range ls {
		if !strings.Contains(l.t, "总第") {
			continue
		}
		if m := totalNoRe.FindStringSubmatch(l.t); m != nil {
			return "总第" + m[1] + "号"
		}
	}
	for _, l := range ls {
		if !strings.Contains(l.t, "编号") {
			continue
		}
		if m := noRowRe.FindStringSubmatchIndex(l.t); m != nil {
			if v := strings.TrimSpace(l.t[m[2]:m[3]]); v != "" {
				return v
			}
		}
	}
	for _, l := range ls[:head] {
		for _, m := range nthNoRe.FindAllStringSubmatchIndex(l.t, -1) {
			if !hasSuffix(l.t[:m[0]], "〕", "]", "】", ")") {
				return "第" + l.t[m[2]:m[3]] + "号"
			}
		}
		if m := codeNoRe.FindStringSubmatch(l.t); m != nil {
			return m[1] + "号"
		}
	}
	return ""
}

// letterTitle returns the suggestion's title: the 《》 in the sentence that
// acknowledges it (您提出的《…》收悉), else the form's 建议标题, else the
// first 《》.
func letterTitle(ls []line) string {
	first := ""
	for _, l := range ls {
		if !strings.Contains(l.t, "《") {
			continue
		}
		m := titleRe.FindStringSubmatchIndex(l.t)
		if m == nil {
			continue
		}
		if strings.Contains(l.t, "提出的") || strings.Contains(l.t, "所提") || strings.Contains(l.t, "收悉") || strings.Contains(l.t, "领衔") {
			return l.span(m[2], m[3])
		}
		if first == "" {
			first = l.span(m[2], m[3])
		}
	}
	for _, l := range ls {
		if !strings.Contains(l.t, "标题") && !strings.Contains(l.t, "题目") && !strings.Contains(l.t, "名称") {
			continue
		}
		if m := titleRowRe.FindStringSubmatchIndex(l.t); m != nil {
			return l.span(m[2], m[3])
		}
	}
	return first
}

// sessionAndKind returns the session (市十六届人大四次会议) and the kind of
// source: a 政协 session or a 提案 is a proposal, a 人大 session or a 建议
// a deputy's suggestion, a 督查 an inspection.
func sessionAndKind(ls []line, head int) (string, string) {
	session := ""
	for _, l := range ls {
		if !strings.Contains(l.t, "届") {
			continue
		}
		if m := sessionRe.FindStringIndex(l.t); m != nil {
			session = l.span(m[0], m[1])
			break
		}
	}
	var b strings.Builder
	for _, l := range ls[:min(head, 40)] {
		b.WriteString(l.t)
	}
	headText := b.String()
	switch {
	case strings.Contains(session, "政协") || strings.Contains(headText, "提案"):
		return session, "proposal"
	case session != "" || strings.Contains(headText, "建议") || strings.Contains(headText, "议案") || strings.Contains(headText, "代表"):
		return session, "deputy_suggestion"
	case strings.Contains(headText, "督查"):
		return session, "inspection"
	}
	return session, "other"
}

// deputies reads the names in the salutation (欧阳琦等代表：, 王娟等10名代表：),
// then those of the form's 代表姓名 row.
func deputies(m *meta, ls []line, form int) {
	add := func(names string) {
		for _, n := range strings.FieldsFunc(names, func(r rune) bool { return strings.ContainsRune("、,，;；和及 ", r) }) {
			n = trimNamePrefix(n)
			if isName(n) && !contains(m.source.Deputies, n) && len(m.source.Deputies) < maxDeputies {
				m.source.Deputies = append(m.source.Deputies, n)
			}
		}
	}
	for _, l := range ls[:form] {
		if !maySalute(l.t) {
			continue
		}
		if s := saluteRe.FindStringSubmatchIndex(l.t); s != nil {
			add(l.span(s[2], s[3]))
			if s[4] >= 0 {
				m.letter.DeputyCount, _ = chineseNumber(l.t[s[4]:s[5]])
			}
			break
		}
	}
	if len(m.source.Deputies) == 0 {
		for _, l := range ls[:form] {
			if !strings.Contains(l.t, "等") {
				continue
			}
			if s := inlineDepRe.FindStringSubmatchIndex(l.t); s != nil {
				add(l.span(s[2], s[3]))
				m.letter.DeputyCount, _ = chineseNumber(l.t[s[4]:s[5]])
				break
			}
		}
	}
	for _, l := range ls {
		if !strings.Contains(l.t, "姓名") && !strings.Contains(l.t, "签名") {
			continue
		}
		if s := deputyRowRe.FindStringSubmatchIndex(l.t); s != nil {
			add(l.span(s[2], s[3]))
		}
	}
}

// maySalute is a cheap test before saluteRe: a salutation is a short line
// ending with a colon that names 代表 or 委员.
func maySalute(t string) bool {
	return len(t) < 200 && strings.HasSuffix(t, ":") && (strings.Contains(t, "代表") || strings.Contains(t, "委员"))
}

// maxDeputies bounds the names read: a suggestion has a few, a joint one
// some dozens.
const maxDeputies = 100

var namePrefixes = []string{"尊敬的", "关于对", "关于", "对于", "对", "致", "您好"}

func trimNamePrefix(n string) string {
	for _, p := range namePrefixes {
		if strings.HasPrefix(n, p) && utf8.RuneCountInString(n)-utf8.RuneCountInString(p) >= 2 {
			return strings.TrimPrefix(n, p)
		}
	}
	return n
}

// isName reports whether s looks like a person's name: two to five Chinese
// characters (or a name with ·), not a word like 各位.
func isName(s string) bool {
	n := utf8.RuneCountInString(s)
	if n < 2 || n > 5 && !strings.Contains(s, "·") || n > 12 {
		return false
	}
	for _, r := range s {
		if r != '·' && !isHan(r) {
			return false
		}
	}
	switch s {
	case "各位", "全体", "有关", "相关", "各位人大", "人大", "政协":
		return false
	}
	return true
}

func isHan(r rune) bool { return r >= 0x3400 && r <= 0x9FFF || r >= 0xF900 && r <= 0xFAFF }

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// classification reads the code in the letter's head (分类：B2, 类别:A) and
// in the form's table (办理结果分类 (A1、A2…) B2); the head wins and a
// difference is noted.
func classification(m *meta, ls []line) {
	head, form := "", ""
	for _, l := range ls {
		if !strings.Contains(l.t, "分类") && !strings.Contains(l.t, "类别") {
			continue
		}
		if head == "" {
			if s := classHeadRe.FindStringSubmatch(l.t); s != nil {
				head = strings.ToUpper(s[1])
			}
		}
		if form == "" {
			if s := classFormRe.FindStringSubmatch(l.t); s != nil {
				form = strings.ToUpper(s[1])
			}
		}
	}
	m.source.Classification = head
	if head == "" {
		m.source.Classification = form
	}
	if head != "" && form != "" && head != form {
		m.notes = append(m.notes, mkNote(msgClassDiffers, head, form))
	}
}

// unitRow returns the form's 承办单位 cell (or a 承办单位：… line).
func unitRow(ls []line) string {
	for _, l := range ls {
		if !strings.Contains(l.t, "单位") {
			continue
		}
		for _, s := range unitRowRe.FindAllStringSubmatchIndex(l.t, -1) {
			v := strings.TrimSpace(l.t[s[2]:s[3]])
			if v == "" || hasPrefix(v, "填写", "盖章", "签章", "(", "（") {
				continue
			}
			return l.span(s[2], s[3])
		}
	}
	return ""
}

// letterhead returns the first line when it names an organisation, without
// a trailing 文件 or 函.
func letterhead(ls []line) string {
	for _, l := range ls {
		if l.t == "" {
			continue
		}
		s := letterheadRe.ReplaceAllString(l.t, "")
		if isOrg(s) && !strings.ContainsAny(s, "\t:") {
			return l.span(0, len(s))
		}
		return ""
	}
	return ""
}

func isOrg(s string) bool {
	n := utf8.RuneCountInString(s)
	return n >= 3 && n <= 40 && orgSuffixRe.MatchString(s) && !strings.ContainsAny(s, "。,;:")
}

// contact reads 联系人 and the phone on the same line or the next two.
func contact(m *meta, ls []line) {
	for i, l := range ls {
		if !strings.Contains(l.t, "联系人") {
			continue
		}
		s := contactRe.FindStringSubmatchIndex(l.t)
		if s == nil {
			continue
		}
		name := l.span(s[2], s[3])
		name = strings.TrimSuffix(strings.TrimSuffix(name, "同志"), "电话")
		m.letter.Contact = name
		for j := i; j < len(ls) && j <= i+2; j++ {
			from := 0
			if j == i {
				from = s[1]
			}
			if p := phoneRe.FindString(ls[j].t[from:]); p != "" {
				m.letter.ContactPhone = p
				return
			}
		}
		return
	}
}

// copyTo reads the 抄送 line's recipients.
func copyTo(ls []line) []string {
	for _, l := range ls {
		if !strings.HasPrefix(l.t, "抄送") {
			continue
		}
		s := copyRe.FindStringSubmatchIndex(l.t)
		if s == nil {
			continue
		}
		var out []string
		for _, r := range strings.FieldsFunc(l.span(s[2], s[3]), func(r rune) bool { return strings.ContainsRune("，,、;；", r) }) {
			if r = strings.Trim(r, "。. "); r != "" {
				out = append(out, r)
			}
		}
		return out
	}
	return nil
}

// satisfaction reads the tick in the form's 办理结果 row (else its 办理态度
// row): a tick marks the option it follows (满意 √) or, written before it
// with no space, the option it precedes (☑满意).
func satisfaction(ls []line) string {
	pick := ""
	for _, l := range ls {
		if len(l.t) > 2000 || !strings.Contains(l.t, "满意") {
			continue
		}
		if v := tickedOption(l.t); v != "" {
			if strings.Contains(l.t, "办理结果") {
				return v
			}
			if pick == "" {
				pick = v
			}
		}
	}
	return pick
}

var options = []struct{ word, value string }{
	{"基本满意", "basically"}, {"不满意", "dissatisfied"}, {"满意", "satisfied"},
}

const ticks = "√✓✔☑■●✅"

func tickedOption(s string) string {
	type opt struct {
		start, end int
		value      string
	}
	var opts []opt
	covered := make([]bool, len(s))
	for _, o := range options {
		for i := 0; ; {
			j := strings.Index(s[i:], o.word)
			if j < 0 {
				break
			}
			a := i + j
			if !covered[a] {
				opts = append(opts, opt{a, a + len(o.word), o.value})
				for k := a; k < a+len(o.word); k++ {
					covered[k] = true
				}
			}
			i = a + len(o.word)
		}
	}
	for i, r := range s {
		if !strings.ContainsRune(ticks, r) {
			continue
		}
		after := i + utf8.RuneLen(r)
		best := -1
		for k, o := range opts {
			if o.start == after {
				return o.value
			}
			if o.end <= i && (best < 0 || o.end > opts[best].end) {
				best = k
			}
		}
		if best >= 0 {
			return opts[best].value
		}
	}
	return ""
}
