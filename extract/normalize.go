package extract

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// norm is text prepared for matching, with a map back to the text it came
// from: src[i] is the byte offset in the original of the normalised byte i,
// and src[len(s)] is the original's length. Matching runs on s; what the
// clerk reads (quotes, titles, names) is cut from the original, so that a
// letter in traditional characters or full-width digits is quoted as
// written.
type norm struct {
	s   string
	src []int
}

// layout says what normalisation does with white space.
type layout int

const (
	// flat drops white space, keeping one space only between two ASCII
	// letters or digits: a sentence wrapped or spaced by a PDF converter
	// ("2023 年 10 月底前") reads as "2023年10月底前".
	flat layout = iota
	// cells is flat, but a tab, a '|' or a run of two or more spaces
	// becomes one tab, so that the cells of a form's table stay apart.
	cells
)

// span returns the original text behind s[a:b].
func (n norm) span(orig string, a, b int) string {
	return orig[n.src[a]:n.src[b]]
}

type srcRune struct {
	r   rune
	off int
}

// normalize maps full-width ASCII to ASCII, the traditional characters that
// the rules look for to simplified ones, Chinese numerals before a date or
// duration unit to Arabic digits (二〇二四年六月 → 2024年6月), and white
// space as l says. Invalid UTF-8 is dropped.
func normalize(orig string, l layout) norm {
	runes := make([]srcRune, 0, len(orig)/2)
	for i := 0; i < len(orig); {
		r, w := utf8.DecodeRuneInString(orig[i:])
		if r == utf8.RuneError && w <= 1 {
			i++
			continue
		}
		runes = append(runes, srcRune{foldRune(r), i})
		i += w
	}
	var b strings.Builder
	b.Grow(len(orig))
	src := make([]int, 0, len(orig)+1)
	emit := func(s string, off int) {
		b.WriteString(s)
		for range len(s) {
			src = append(src, off)
		}
	}
	var buf [utf8.UTFMax]byte
	for k := 0; k < len(runes); {
		r := runes[k].r
		if isSpace(r) {
			e := k
			for e < len(runes) && isSpace(runes[e].r) {
				e++
			}
			wide := e-k > 1
			for _, sr := range runes[k:e] {
				if sr.r == '\t' || sr.r == '|' {
					wide = true
				}
			}
			switch {
			case l == cells && wide:
				emit("\t", runes[k].off)
			case k > 0 && e < len(runes) && isASCIIAlnum(runes[k-1].r) && isASCIIAlnum(runes[e].r):
				emit(" ", runes[k].off)
			}
			k = e
			continue
		}
		if isNumeral(r) {
			e := k
			for e < len(runes) && e-k < 12 && isNumeral(runes[e].r) {
				e++
			}
			if digits, ok := numeralBeforeUnit(runes, k, e); ok {
				emit(digits, runes[k].off)
				k = e
				continue
			}
			for ; k < e; k++ {
				n := utf8.EncodeRune(buf[:], runes[k].r)
				emit(string(buf[:n]), runes[k].off)
			}
			continue
		}
		n := utf8.EncodeRune(buf[:], r)
		emit(string(buf[:n]), runes[k].off)
		k++
	}
	src = append(src, len(orig))
	return norm{s: b.String(), src: src}
}

func isSpace(r rune) bool { return unicode.IsSpace(r) || r == '|' || r == '\u200b' || r == '\ufeff' }

func isASCIIAlnum(r rune) bool {
	return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// foldRune maps full-width ASCII to ASCII and traditional to simplified.
func foldRune(r rune) rune {
	if r >= 0xFF01 && r <= 0xFF5E {
		return r - 0xFEE0
	}
	if s, ok := simplified[r]; ok {
		return s
	}
	return r
}

// simplified maps the traditional characters that occur in the words the
// rules match (年內, 個月, 聯繫人, 辦理結果…) to simplified ones. It is not
// a general converter: quotes and titles are cut from the original text.
var simplified = func() map[rune]rune {
	const pairs = "內内個个後后週周號号類类對对實实現现確确爭争劃划預预擬拟達达態态堅坚盡尽適适" +
		"條条聯联繫系電电話话辦办屆届會会議议關关於于進进節节曆历農农為为將将務务須须計计" +
		"據据與与復复綠绿運运點点張张單单寫写長长續续機机構构產产業业標标準准規规開开貫贯" +
		"備备註注稱称級级區区縣县廳厅處处員员滿满結结別别編编題题簽签絡络報报設设廢废棄弃" +
		"範范億亿萬万噸吨畝亩裡里門门導导專专項项資资時时間间過过這这當当從从動动傳传統统" +
		"試试驗验環环護护並并經经濟济發发質质總总應应該该國国慶庆歲岁線线網网臺台優优強强" +
		"監监體体參参頭头際际歷历樣样權权況况狀状負负責责牽牵們们問问兩两礎础層层營营維维" +
		"園园廠厂礦矿氣气淨净邊边鄉乡鎮镇審审評评價价蓋盖稅税費费帶带來来連连歸归屬属衛卫" +
		"紀纪錄录夠够舊旧齊齐"
	m := map[rune]rune{}
	rs := []rune(pairs)
	for i := 0; i+1 < len(rs); i += 2 {
		m[rs[i]] = rs[i+1]
	}
	return m
}()

func isNumeral(r rune) bool {
	return strings.ContainsRune("〇○零一二三四五六七八九十百两", r)
}

// dateUnits are the words after which a run of Chinese numerals is a number
// to convert: 二〇二四年, 十二月, 三个月, 十个工作日, 第三季度. Elsewhere
// (一是, 十四五, 一批) numerals stay words.
var dateUnits = [][]rune{
	[]rune("个工作日"), []rune("个星期"), []rune("个季度"), []rune("个月"),
	[]rune("工作日"), []rune("季度"), []rune("星期"),
	[]rune("年"), []rune("月"), []rune("日"), []rune("号"), []rune("天"), []rune("周"),
}

// numeralBeforeUnit converts runes[k:e] when a date unit follows them,
// white space allowed in between.
func numeralBeforeUnit(runes []srcRune, k, e int) (string, bool) {
	j := e
	for j < len(runes) && isSpace(runes[j].r) {
		j++
	}
	matched := false
	for _, u := range dateUnits {
		if j+len(u) > len(runes) {
			continue
		}
		ok := true
		for i, r := range u {
			if runes[j+i].r != r {
				ok = false
				break
			}
		}
		if ok {
			matched = true
			break
		}
	}
	if !matched {
		return "", false
	}
	rs := make([]rune, 0, e-k)
	for _, sr := range runes[k:e] {
		rs = append(rs, sr.r)
	}
	return numeralDigits(rs)
}

// numeralDigits converts a run of Chinese numerals: positional when it holds
// 十 or 百 (二十七 → 27, 十二 → 12), digit by digit otherwise (二〇二四 →
// 2024, 五 → 5).
func numeralDigits(rs []rune) (string, bool) {
	positional := false
	for _, r := range rs {
		if r == '十' || r == '百' {
			positional = true
		}
	}
	if !positional {
		var b strings.Builder
		for _, r := range rs {
			b.WriteByte(byte('0' + numeralValue(r)))
		}
		return b.String(), true
	}
	total, cur := 0, 0
	for _, r := range rs {
		switch r {
		case '十':
			if cur == 0 {
				cur = 1
			}
			total += cur * 10
			cur = 0
		case '百':
			if cur == 0 {
				cur = 1
			}
			total += cur * 100
			cur = 0
		default:
			cur = cur*10 + numeralValue(r)
			if cur > 9 { // 二三十: not a number we can read
				return "", false
			}
		}
	}
	total += cur
	if total > 9999 {
		return "", false
	}
	return strconv.Itoa(total), true
}

func numeralValue(r rune) int {
	switch r {
	case '一':
		return 1
	case '二', '两':
		return 2
	case '三':
		return 3
	case '四':
		return 4
	case '五':
		return 5
	case '六':
		return 6
	case '七':
		return 7
	case '八':
		return 8
	case '九':
		return 9
	}
	return 0
}

// chineseNumber reads a count written either way: "10", "十", "二十三".
func chineseNumber(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	if n, ok := atoi(s); ok {
		return n, true
	}
	rs := []rune(s)
	for _, r := range rs {
		if !isNumeral(r) {
			return 0, false
		}
	}
	d, ok := numeralDigits(rs)
	if !ok {
		return 0, false
	}
	return atoi(d)
}

// atoi reads a short run of ASCII digits; more than nine digits is not a
// number any rule needs.
func atoi(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}
