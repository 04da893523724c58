package batch

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	xunicode "golang.org/x/text/encoding/unicode"
)

// Encodings this package reads, as Detect names them and Options.Encoding accepts them.
const (
	UTF8    = "utf-8"
	UTF16LE = "utf-16le"
	UTF16BE = "utf-16be"
	Big5    = "big5"
	GB18030 = "gb18030"
)

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// canonicalEncoding maps the names users and browsers give to an encoding to ours ("" for detect).
// ok is false for a name this package does not read.
func canonicalEncoding(name string) (string, bool) {
	switch strings.ToLower(strings.NewReplacer("_", "-", " ", "").Replace(strings.TrimSpace(name))) {
	case "", "auto", "detect":
		return "", true
	case "utf-8", "utf8", "utf-8-bom", "utf-8-sig":
		return UTF8, true
	case "utf-16", "utf16", "utf-16le", "utf16le", "ucs-2", "unicode":
		return UTF16LE, true // a BOM, when present, still decides the byte order
	case "utf-16be", "utf16be":
		return UTF16BE, true
	case "big5", "big-5", "big5-hkscs", "cp950", "ms950", "windows-950", "x-x-big5":
		return Big5, true
	case "gb18030", "gbk", "gb2312", "cp936", "ms936", "windows-936", "euc-cn":
		return GB18030, true
	}
	return "", false
}

func encodingOf(name string) encoding.Encoding {
	switch name {
	case UTF16LE:
		return xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM)
	case UTF16BE:
		return xunicode.UTF16(xunicode.BigEndian, xunicode.UseBOM)
	case Big5:
		return traditionalchinese.Big5
	case GB18030:
		return simplifiedchinese.GB18030
	}
	return nil // UTF-8: read as is
}

// Detect guesses the encoding and the delimiter of a CSV file from its first bytes. The encoding is
// one of UTF8, UTF16LE, UTF16BE, Big5 or GB18030; the delimiter one of ',', ';' and '\t'.
//
// Encoding, in this order:
//  1. a byte order mark decides (UTF-8, UTF-16LE, UTF-16BE);
//  2. UTF-16 without a mark shows as NUL bytes in every other position of ASCII text;
//  3. bytes that are valid UTF-8 are UTF-8 (plain ASCII included);
//  4. otherwise the sample is decoded both as Big5 (with the Hong Kong supplement) and as GB18030,
//     and each decoding is scored: +3 for each character in a list of about 360 characters common
//     in names, addresses and everyday text, written in that decoding's script (Traditional for
//     Big5, Simplified for GB18030, plus the many characters both scripts share); -10 for each
//     replacement character (bytes the encoding does not define); -2 for each character that real
//     Chinese text seldom holds but a wrong decoding often yields (kana, Bopomofo, Greek, Cyrillic,
//     box drawing, private use, compatibility ideographs); +1 for each character in the encoding's
//     own block of frequent characters (Big5 level 1, A440-C67E; GB2312 level 1, B0A1-D7F9), which
//     a wrong reading hits about half as often; -2 for GB18030 for each two-byte character with a
//     trail byte below 0x80, rare in GB text and common in Big5. The higher score wins; a tie goes
//     to Big5, the Hong Kong default. A wrong decoding yields a near-random mix of characters, few of
//     them common, so the right one wins by a wide margin even on a few names.
//
// Delimiter: the one of ',', ';' and '\t' that occurs most often outside quotes in the first line
// (the header), ties going to ',' then ';'. A first line "sep=;" as Excel writes it decides too.
func Detect(sample []byte) (enc string, delimiter rune) {
	enc = detectEncoding(sample)
	text, _ := decodeSample(sample, enc)
	delimiter, _ = detectDelimiter(text)
	return enc, delimiter
}

func detectEncoding(b []byte) string {
	switch {
	case bytes.HasPrefix(b, bomUTF8):
		return UTF8
	case bytes.HasPrefix(b, bomUTF16LE):
		return UTF16LE
	case bytes.HasPrefix(b, bomUTF16BE):
		return UTF16BE
	}
	if e := detectUTF16(b); e != "" {
		return e
	}
	if utf8.Valid(trimPartialRune(b)) {
		return UTF8
	}
	if len(b) > 64<<10 {
		b = b[:64<<10]
	}
	big5 := scoreChinese(b, traditionalchinese.Big5, traditionalCommon) + big5Frequent(b)
	gb := scoreChinese(b, simplifiedchinese.GB18030, simplifiedCommon) + gbFrequent(b)
	if gb > big5 {
		return GB18030
	}
	return Big5
}

// detectUTF16 recognises UTF-16 without a byte order mark by the NUL bytes of its ASCII characters.
func detectUTF16(b []byte) string {
	n := min(len(b), 1024) &^ 1
	if n < 4 {
		return ""
	}
	var evenZero, oddZero int
	for i := 0; i < n; i += 2 {
		if b[i] == 0 {
			evenZero++
		}
		if b[i+1] == 0 {
			oddZero++
		}
	}
	pairs := n / 2
	switch {
	case oddZero*10 >= pairs*3 && evenZero*10 < pairs:
		return UTF16LE
	case evenZero*10 >= pairs*3 && oddZero*10 < pairs:
		return UTF16BE
	}
	return ""
}

// trimPartialRune drops an incomplete UTF-8 sequence cut off at the end of a sample.
func trimPartialRune(b []byte) []byte {
	for i := 1; i <= 3 && i <= len(b); i++ {
		c := b[len(b)-i]
		if c < 0x80 {
			return b
		}
		if c >= 0xC0 { // a lead byte: is its sequence complete?
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			return b
		}
	}
	return b
}

func scoreChinese(b []byte, enc encoding.Encoding, common map[rune]bool) int {
	text, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return -1 << 30
	}
	score := 0
	for len(text) > 0 {
		r, size := utf8.DecodeRune(text)
		text = text[size:]
		switch {
		case r < 0x80:
		case r == utf8.RuneError:
			score -= 10
		case common[r]:
			score += 3
		case unlikely(r):
			score -= 2
		}
	}
	return score
}

// big5Frequent counts the two-byte characters in Big5's level 1 (A440-C67E: the 5,401 frequent
// characters); a byte walk, so it stays cheap.
func big5Frequent(b []byte) int {
	n := 0
	for i := 0; i < len(b); {
		if b[i] < 0x80 || i+1 == len(b) {
			i++
			continue
		}
		lead, trail := b[i], b[i+1]
		if lead >= 0xA4 && lead <= 0xC6 && (trail >= 0x40 && trail <= 0x7E || trail >= 0xA1 && trail <= 0xFE && lead < 0xC6) {
			n++
		}
		i += 2
	}
	return n
}

// gbFrequent counts the characters in GB2312's level 1 (B0A1-D7F9: the 3,755 frequent characters),
// less two for each character of GBK's extension with a trail byte below 0x80 (rare in Simplified
// text, while four in ten Big5 characters have such a trail byte), skipping four-byte sequences.
func gbFrequent(b []byte) int {
	n := 0
	for i := 0; i < len(b); {
		switch {
		case b[i] < 0x80 || i+1 == len(b):
			i++
		case b[i+1] >= 0x30 && b[i+1] <= 0x39:
			i += 4
		default:
			switch {
			case b[i] >= 0xB0 && b[i] <= 0xD7 && b[i+1] >= 0xA1 && b[i+1] <= 0xFE:
				n++
			case b[i+1] < 0x80:
				n -= 2 // GBK's extension (trail byte below 0x80): rare in GB text, common in Big5
			}
			i += 2
		}
	}
	return n
}

// unlikely reports characters that Chinese text seldom holds but a wrong decoding often yields.
func unlikely(r rune) bool {
	return unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Bopomofo, unicode.Greek, unicode.Cyrillic) ||
		(r >= 0x2500 && r <= 0x259F) || // box drawing, blocks
		(r >= 0xE000 && r <= 0xF8FF) || // private use
		(r >= 0xF900 && r <= 0xFAFF) // compatibility ideographs
}

// decodeSample decodes a sample for delimiter detection, dropping a byte order mark.
func decodeSample(b []byte, enc string) (string, error) {
	if enc == UTF8 {
		return string(bytes.TrimPrefix(b, bomUTF8)), nil
	}
	out, err := encodingOf(enc).NewDecoder().Bytes(b)
	return strings.TrimPrefix(string(out), "\uFEFF"), err
}

// detectDelimiter picks the delimiter from the first line; sepLine is true when that line is
// Excel's "sep=X" hint, which is not part of the data.
func detectDelimiter(text string) (delim rune, sepLine bool) {
	line := text
	if i := strings.IndexAny(line, "\r\n"); i >= 0 {
		line = line[:i]
	}
	if strings.HasPrefix(strings.ToLower(line), "sep=") {
		if r, size := utf8.DecodeRuneInString(line[4:]); size > 0 && size == len(line)-4 && validDelimiter(r) {
			return r, true
		}
	}
	counts := map[rune]int{}
	quoted := false
	for _, r := range text {
		if r == '"' {
			quoted = !quoted
			continue
		}
		if !quoted && (r == '\n' || r == '\r') {
			break
		}
		if !quoted && (r == ',' || r == ';' || r == '\t') {
			counts[r]++
		}
	}
	delim = ','
	for _, r := range []rune{';', '\t'} {
		if counts[r] > counts[delim] {
			delim = r
		}
	}
	return delim, false
}

func validDelimiter(r rune) bool {
	return r != '"' && r != '\r' && r != '\n' && r != utf8.RuneError && r != 0xFEFF && utf8.ValidRune(r)
}

// The frequency lists. Characters written the same in both scripts are in both lists; pairs lists
// each character whose Traditional and Simplified forms differ, Traditional first.
const (
	sharedCommon = "的一是不了人我在有他中大上到以小子和你地出也就那要下生自去之心多天而能好都然日起只作想看文手十用主行方又如前所本同三已老二理美月明其力女名定正向部情者公工己全外但身些意把法此九五四六七八百千" +
		"香港新界路街道室座中心村邨西南北州深圳上海北京省市元期苑山田沙角尖咀旺塘葵涌荃屯朗大埔粉坪洲仔" +
		"有限公司收件人寄姓名地址城重量品巾衣服鞋茶具玩食糖" +
		"李王林何梁朱曾蔡周徐胡郭高袁莫潘余廖江方石程文明志美玲芳敏珍英俊平金德燕霞娟秀嘉欣怡婷家安成源" +
		"先生太小姐女士武哈波沈吉黑浙福建湖河藏疆蒙莞鄂湘皖渝杭成都津化"
	pairs = "陳陈黃黄張张劉刘吳吴鄭郑楊杨許许謝谢鄧邓馮冯盧卢葉叶羅罗趙赵孫孙馬马麥麦蕭萧鍾钟溫温關关蘇苏譚谭龍龙華华偉伟強强國国麗丽傑杰軍军紅红寶宝輝辉雲云鳳凤興兴發发達达" +
		"這这個个來来說说們们為为時时會会對对學学過过後后裡里還还經经現现點点實实進进與与開开長长問问見见頭头動动體体樣样從从應应種种當当無无於于請请" +
		"號号區区門门車车東东貨货樓楼層层廈厦園园灣湾廣广場场縣县鎮镇單单閣阁軒轩臺台銅铜鑼锣觀观將将貢贡數数碼码業业貿贸電电話话郵邮編编國国誌志" +
		"數数價价幣币說说產产禮礼樣样銷销絲丝書书葉叶腦脑機机錶表藥药餅饼絲丝襪袜鏈链環环飾饰裝装護护膚肤糧粮" +
		"嶺岭島岛彌弥頓顿麼么愛爱買买賣卖錢钱銀银醫医韓韩員员總总處处歲岁際际邊边線线網网紙纸廳厅廠厂氣气濟济聯联係系鄉乡隊队離离難难雞鸡魚鱼鳥鸟麵面" +
		"寧宁爾尔濱滨陽阳遼辽陝陕貴贵漢汉慶庆連连錫锡贛赣閩闽瓊琼滬沪妝妆飯饭廚厨鋪铺館馆灣湾"
)

var traditionalCommon, simplifiedCommon = func() (map[rune]bool, map[rune]bool) {
	t, s := map[rune]bool{}, map[rune]bool{}
	for _, r := range sharedCommon {
		t[r], s[r] = true, true
	}
	rs := []rune(pairs)
	for i := 0; i+1 < len(rs); i += 2 {
		t[rs[i]], s[rs[i+1]] = true, true
	}
	return t, s
}()
