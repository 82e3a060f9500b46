package extract

import (
	"fmt"
	"hash/fnv"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"duban/domain"
)

var (
	// actionWords lists the verbs of a promised action. A deadline governs a
	// commitment only when one follows it in its part of the sentence; in
	// the plans, a sentence with one is a plan item.
	actionWords = wordList(`完成|实现|确保|力争|争取|达到|达|建成|建立|建设|建好|完工|竣工|投产|投用|开工|启动|出台|印发|制定|拟定|上线|运行|运营|整改|清运|清理|清除|拆除|修复|复绿|治理|解决|落实|推动|推进|提高|提升|降低|减少|增加|覆盖|交付|办结|验收|落地|开展|实施|形成|打造|引导|鼓励|指导|支持|培育|构建|加快|加大|加强|深化|优化|完善|强化|创建|吸引|引进|发挥|打通|做到|纳入|扩建|改造|编制|组织|举办|召开|上平台`)
	// futureCues mark a sentence as a promise outside the plans: "我办将进一步…",
	// "力争…", "下一步，…".
	futureCues = append(cueList(`我们将|我办将|我局将|我委将|我厅将|我单位将|我部门将|我市将|我区将|我县将|今后|力争|争取|预计|尽快|近期|适时|待条件成熟`),
		cue{head: "将", tails: wordList(`进一步|继续|加快|全力|持续|按照|于|在|会|着力|积极|大力|重点|加大|不断|认真|切实|尽快|抓紧|推动|推进|组织|开展|启动|完成|实现`)},
		cue{head: "下一步", tails: wordList(`,|我|将|工作|要|计划|重点`)},
		planCue, draftCue, cue{head: "确保", notBefore: "了"})
	// planCue and draftCue are 计划 and 拟 as verbs (计划于, 拟定), not
	// nouns (行动计划).
	planCue   = cue{head: "计划", tails: wordList(`于|在|到|将|用|0|1|2|3|4|5|6|7|8|9`)}
	draftCue  = cue{head: "拟", tails: wordList(`定|于|在|将|对|开展|建|推|出台|制定|启动|实施|新建|改造`)}
	aimCues   = append(cueList(`力争|争取|预计|力求|努力|有望|预期|打算`), planCue, draftCue)
	firmWords = wordList(`确保|必须|务必|坚决|完成|实现|达到|建成`)
	// strongCues pick the clause that carries a promise when a sentence has
	// several.
	strongCues = append(cueList(`确保|力争|争取|预计|必须|务必`), planCue, draftCue)
	// adverbialRe opens a clause that frames the action rather than names
	// it: 以…为契机, 通过…, 针对….
	adverbialRe = regexp.MustCompile(`^(?:[一二三四五六七八九十]+是)?(?:以|通过|针对|围绕|根据|按照|为了|为|在|对照|结合|依托|借助|坚持)`)
	targetRe    = regexp.MustCompile(`(\d+(?:\.\d+)?)(%|‰|个百分点|万平方米|平方米|万吨|吨|亿元|万元|公里|千米|亩|家|户|座|项|台|套)`)
	targetVRe   = regexp.MustCompile(`(?:达到|达|提高到|提升到|提高至|提升至|增至|增加到|超过|突破|不低于|不少于|新增|培育|建成|引进|完成)$`)
	statRe      = regexp.MustCompile(`(?:同比|增长|下降|增幅|降幅|增速|占比)$`)
	ordinalRe   = regexp.MustCompile(`^(?:[一二三四五六七八九十]+是|第[一二三四五六七八九十]+[,、]?|[一二三四五六七八九十]+、|\([一二三四五六七八九十\d]+\)|\d{1,2}、|首先|其次|最后|同时|另外|此外|并且|还将|还要|(?:我们|我[局办委厅市区县部]|本[局办委]|我单位|我部门)(?:将|要|已)?|并|对|将|要|于|在)`)
	leadRe      = regexp.MustCompile(`^(?:我们|我[局办委厅市区县部]|本[局办委])?(?:力争|争取|确保|计划|预计|拟|将|要|于|在|到|截止|最迟|并|对|需|务必|必须)+`)
	tailRe      = regexp.MustCompile(`(?:于|在|到|前|之前)$`)
	unitRe      = regexp.MustCompile(`(?:责任单位|牵头单位|承办单位|负责单位|责任部门|牵头部门):?([^,;。)\]]{2,30})|由([\p{Han}]{2,20}?(?:局|委员会|委|办公室|办|中心|政府|公司|集团|管委会|街道|镇|乡))(?:牵头|负责|组织)`)
)

// unitCues are the words without which unitRe cannot match.
var unitCues = cueList(`单位|部门|牵头|负责|组织`)

// categories are tried in order on the title, then on the sentence.
var categories = []struct {
	name  string
	words words
}{
	{"cleanup", wordList(`清运|清理|清除|清走|清退|拆除|转运|清淤|清扫`)},
	{"restoration", wordList(`复绿|修复|复垦|生态恢复|绿化|植被恢复`)},
	{"platform", wordList(`平台|系统|数据库|档案库|信息化|上线|互联网|APP|小程序|网站`)},
	{"policy", wordList(`方案|办法|政策|条例|规定|制度|标准|细则|规划|出台|印发|制定`)},
	{"target", wordList(`%|‰|比例|比率|覆盖率|利用率|达标率`)},
}

func category(texts ...string) string {
	for _, t := range texts {
		for _, c := range categories {
			if c.words.in(t) {
				return c.name
			}
		}
	}
	return "other"
}

// text returns the original text behind the normalised range [a, b),
// without the spaces a converter left between Chinese characters.
func (s sentence) text(a, b int) string { return tidy(s.n.span(s.quote, a, b)) }

// trim narrows [a, b) of the normalised sentence to its words: no marks
// at either end, no ordinal (一是) or linking word (对, 将) at the start.
func (s sentence) trim(a, b int) (int, int) {
	str := s.n.s
	for a < b {
		r, w := utf8.DecodeRuneInString(str[a:b])
		if strings.ContainsRune(clauseMarks+"、 ", r) {
			a += w
			continue
		}
		if m := ordinalRe.FindStringIndex(str[a:b]); m != nil && m[1] > 0 {
			a += m[1]
			continue
		}
		break
	}
	for a < b {
		r, w := utf8.DecodeLastRuneInString(str[a:b])
		if !strings.ContainsRune(clauseMarks+"、 ", r) {
			break
		}
		b -= w
	}
	return a, b
}

// addSentence turns a body sentence into commitments or undated entries,
// or nothing.
func (r *Result) addSentence(s sentence, cal WorkingDays) {
	letter := r.Source.RepliedOn
	str := s.n.s
	var deadlines []phrase
	for _, p := range s.phrases {
		if p.kind == kindDeadline {
			deadlines = append(deadlines, p)
		}
	}
	added := false
	for i, p := range deadlines {
		ra := clauseStart(str, p.start)
		if i > 0 && ra < deadlines[i-1].end {
			ra = deadlines[i-1].end // a deadline's part starts after the one before
		}
		rb := len(str)
		if i+1 < len(deadlines) {
			next := deadlines[i+1].start
			if cs := clauseStart(str, next); cs > p.end {
				rb = cs
			} else {
				rb = next
			}
		}
		if !actionWords.in(str[ra:rb]) {
			continue
		}
		ta, tb := s.titleAround(p, ra, rb)
		title := s.title(ra, p, ta, tb)
		res := p.resolve(letter, cal)
		item := itemFields{
			title:    title,
			category: category(title, str[ra:rb]),
			strength: strength(str[ra:rb], str),
			unit:     r.unitFor(s),
		}
		item.target, item.value, item.unitOf = s.target([2]int{ta, tb}, [2]int{ra, rb})
		if !res.missing.isZero() {
			r.Undated = append(r.Undated, item.undated(r.Source.Key, s.quote, r.notes(mkNote(msgDeadlineUndated, s.text(p.start, p.end), res.missing))))
			added = true
			continue
		}
		c := Commitment{
			Source: r.Source.Key, Title: title, Category: item.category,
			Unit: item.unit, Owners: []string{},
			Due: res.due, DuePrecision: res.precision, Strength: item.strength,
			Target: item.target, TargetValue: item.value, TargetUnit: item.unitOf,
			Status: domain.Open, Quote: s.quote,
		}
		review := res.review
		if ca, _ := s.trim(0, ra); ca < ra {
			c.Detail = s.text(s.trim(0, ra))
		}
		if !letter.IsZero() && res.due.Before(letter) {
			c.Status = domain.Done
			review = append(review, mkNote(msgDoneBeforeLetter, res.due, letter))
		}
		c.Review = r.notes(review...)
		r.Commitments = append(r.Commitments, c)
		added = true
	}
	if added {
		return
	}
	r.addUndatedSentence(s)
}

// addUndatedSentence handles a sentence with no deadline that governs an
// action: a vague time makes an undated entry, an ongoing word an ongoing
// commitment, and a plan item or a promise with no time an undated entry.
func (r *Result) addUndatedSentence(s sentence) {
	str := s.n.s
	var vague, ongoing *phrase
	for i := range s.phrases {
		p := &s.phrases[i]
		if p.soft && s.mode == modeReport {
			continue
		}
		switch {
		case p.kind == kindVague && vague == nil:
			vague = p
		case p.kind == kindOngoing && ongoing == nil:
			ongoing = p
		}
	}
	action := actionWords.in(str)
	var why note
	switch {
	case vague != nil && (action || s.mode == modePlan):
		why = mkNote(msgVagueUndated, s.text(vague.start, vague.end))
	case ongoing != nil && (action || s.mode == modePlan):
		ta, tb := s.bestClause(ongoing)
		title := s.text(ta, tb)
		if title == "" {
			title = shorten(s.quote)
		}
		c := Commitment{
			Source: r.Source.Key, Title: title, Category: category(title),
			Unit: r.unitFor(s), Owners: []string{}, DuePrecision: domain.POngoing,
			Strength: strength(str[ta:tb], str), Status: domain.Open, Quote: s.quote,
			Review: r.notes(mkNote(msgOngoing, s.text(ongoing.start, ongoing.end))),
		}
		c.Target, c.TargetValue, c.TargetUnit = s.target([2]int{ta, tb}, [2]int{0, len(str)})
		r.Commitments = append(r.Commitments, c)
		return
	case s.mode == modePlan && action:
		why = mkNote(msgPlanNoDeadline)
	case s.future:
		why = mkNote(msgPromiseNoDeadline)
	default:
		return
	}
	ta, tb := s.bestClause(vague)
	title := s.text(ta, tb)
	if title == "" {
		title = shorten(s.quote)
	}
	item := itemFields{title: title, category: category(title), strength: strength(str[ta:tb], str), unit: r.unitFor(s)}
	item.target, item.value, item.unitOf = s.target([2]int{ta, tb}, [2]int{0, len(str)})
	r.Undated = append(r.Undated, item.undated(r.Source.Key, s.quote, r.notes(why)))
}

// itemFields are what commitments and undated entries share.
type itemFields struct {
	title, category, unit string
	strength              domain.Strength
	target, unitOf        string
	value                 *float64
}

func (f itemFields) undated(source, quote, why string) Undated {
	return Undated{
		Source: source, Title: f.title, Category: f.category, Unit: f.unit,
		Strength: f.strength, Target: f.target, TargetValue: f.value, TargetUnit: f.unitOf,
		Quote: quote, Review: why,
	}
}

// titleAround returns the range of the action a deadline governs: the
// clauses after the phrase up to the first that holds an action verb, or
// the words before the phrase when nothing follows it ("…完成整改于年底前").
func (s sentence) titleAround(p phrase, ra, rb int) (int, int) {
	str := s.n.s
	a, b := s.trim(p.end, rb)
	if a >= b {
		a, b = s.trim(ra, p.start)
		for {
			m := tailRe.FindStringIndex(str[a:b])
			if m == nil || m[0] == 0 {
				break
			}
			b = a + m[0]
		}
		return a, b
	}
	cs := clauses(str, a, b)
	end := cs[0][1]
	for _, c := range cs {
		if actionWords.in(str[c[0]:c[1]]) {
			end = c[1]
			break
		}
	}
	return s.trim(a, end)
}

// title is the action's words, with the subject that stood before the
// deadline in its clause ("全市陶瓷固废综合利用率" in
// "全市陶瓷固废综合利用率2025年底前达到95%").
func (s sentence) title(ra int, p phrase, ta, tb int) string {
	str := s.n.s
	t := s.text(ta, tb)
	if ta >= p.end {
		pa, pb := s.trim(ra, p.start)
		if m := leadRe.FindStringIndex(str[pa:pb]); m != nil {
			pa += m[1]
		}
		if m := tailRe.FindStringIndex(str[pa:pb]); m != nil {
			pb = pa + m[0]
		}
		if pa < pb && utf8.RuneCountInString(str[pa:pb]) >= 2 {
			t = s.text(pa, pb) + t
		}
	}
	if t == "" {
		t = s.quote
	}
	return shorten(t)
}

// bestClause returns the clause that carries the promise: one with a
// target, else a strong word (确保, 力争, 拟), else one with an action verb
// (and the time word p, when both do), else the one with p, else the
// first.
func (s sentence) bestClause(p *phrase) (int, int) {
	str := s.n.s
	cs := clauses(str, 0, len(str))
	if len(cs) == 0 {
		return 0, 0
	}
	best, score := cs[0], -1
	for _, c := range cs {
		t := str[c[0]:c[1]]
		sc := 0
		switch {
		case targetRe.MatchString(t) && strings.ContainsAny(t, "%‰"):
			sc = 4
		case strongCues.in(t):
			sc = 3
		default:
			if actionWords.in(t) && !adverbialRe.MatchString(t) {
				sc += 2
			}
			if p != nil && p.start >= c[0] && p.end <= c[1] {
				sc++
			}
		}
		if sc > score {
			best, score = c, sc
		}
	}
	return s.trim(best[0], best[1])
}

// maxTitle is the longest title in runes; the quote keeps the whole
// sentence.
const maxTitle = 80

func shorten(t string) string {
	if utf8.RuneCountInString(t) <= maxTitle {
		return t
	}
	rs := []rune(t)
	return string(rs[:maxTitle-1]) + "…"
}

// strength is aim when the words say 力争, 争取, 计划, 预计 or 拟, else firm:
// the nearest words first, then the sentence.
func strength(near, all string) domain.Strength {
	for _, t := range []string{near, all} {
		if aimCues.in(t) {
			return domain.Aim
		}
		if firmWords.in(t) {
			return domain.Firm
		}
	}
	return domain.Firm
}

// target finds a number with its unit in the title's range, else in the
// region: a percentage always, another unit when a verb like 达到 leads to
// it. A growth figure (同比增长29%) is a statistic, not a target.
func (s sentence) target(ranges ...[2]int) (string, *float64, string) {
	str := s.n.s
	for _, rg := range ranges {
		for _, m := range targetRe.FindAllStringSubmatchIndex(str[rg[0]:rg[1]], -1) {
			a, b := rg[0]+m[0], rg[0]+m[1]
			unit := str[rg[0]+m[4] : rg[0]+m[5]]
			before := str[clauseStart(str, a):a]
			if statRe.MatchString(before) {
				continue
			}
			if unit != "%" && unit != "‰" && !targetVRe.MatchString(before) {
				continue
			}
			v, err := strconv.ParseFloat(str[rg[0]+m[2]:rg[0]+m[3]], 64)
			if err != nil {
				continue
			}
			ca, cb := s.trim(clauseStart(str, a), clauseEnd(str, b))
			return s.text(ca, cb), &v, unit
		}
	}
	return "", nil, ""
}

// unitFor returns the unit a sentence names as responsible (责任单位：…,
// 由…牵头), else the letter's handling unit.
func (r *Result) unitFor(s sentence) string {
	if !unitCues.in(s.n.s) {
		return r.Source.HandlingUnit
	}
	if m := unitRe.FindStringSubmatchIndex(s.n.s); m != nil {
		if m[2] >= 0 {
			return s.text(m[2], m[3])
		}
		return s.text(m[4], m[5])
	}
	return r.Source.HandlingUnit
}

// sourceKey derives a stable ASCII key: s-<session>-<number> (s-16-4-111
// for 市十六届人大四次会议 第111号), else s-<number>, else s-<year>-<n> from
// the reply document number, else a hash of the text.
func sourceKey(s Source, text string) string {
	num := strings.ToLower(asciiAlnum(s.Number))
	session := ""
	if m := sessionRe.FindStringSubmatch(normalize(s.Session, flat).s); m != nil {
		a, okA := chineseNumber(m[1])
		b, okB := chineseNumber(m[2])
		if okA && okB {
			session = strconv.Itoa(a) + "-" + strconv.Itoa(b)
		}
	}
	switch {
	case num != "" && session != "":
		return "s-" + session + "-" + num
	case num != "":
		return "s-" + num
	}
	if m := docNoRe.FindStringSubmatch(normalize(s.ReplyDocNo, flat).s); m != nil {
		return "s-" + m[2] + "-" + m[3]
	}
	return fmt.Sprintf("s-%08x", hash(text))
}

func asciiAlnum(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < utf8.RuneSelf && (r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func hash(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}

// assignKeys gives every commitment and undated entry a key derived from
// its source, category, quote and title, so that extracting the same
// letter again yields the same keys; repeats get -2, -3.
func assignKeys(r *Result) {
	seen := map[string]int{}
	key := func(category, quote, title string) string {
		k := fmt.Sprintf("%s-%s-%06x", r.Source.Key, category, hash(quote+"\x00"+title)&0xffffff)
		seen[k]++
		if n := seen[k]; n > 1 {
			k += "-" + strconv.Itoa(n)
		}
		return k
	}
	for i := range r.Commitments {
		c := &r.Commitments[i]
		c.Key = key(c.Category, c.Quote, c.Title)
	}
	for i := range r.Undated {
		u := &r.Undated[i]
		u.Key = key(u.Category, u.Quote, u.Title)
	}
}
