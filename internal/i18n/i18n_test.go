package i18n

import (
	"strings"
	"testing"
)

// rule: ACC-6
func TestEveryKeyInEveryLanguage(t *testing.T) {
	en := Keys(English)
	if len(en) == 0 {
		t.Fatal("no English messages")
	}
	for _, l := range Langs {
		if got := len(Keys(l)); got != len(en) {
			t.Errorf("%s has %d messages; English has %d", l, got, len(en))
		}
		for _, k := range en {
			if !Has(l, k) {
				t.Errorf("%s lacks %q", l, k)
				continue
			}
			// The same placeholders in every language.
			if a, b := placeholders(T(English, k, nil)), placeholders(T(l, k, nil)); a != b {
				t.Errorf("%s %q has placeholders %s; English has %s", l, k, b, a)
			}
		}
	}
}

func placeholders(s string) string {
	var out []string
	for {
		i := strings.IndexByte(s, '{')
		j := strings.IndexByte(s, '}')
		if i < 0 || j < i {
			break
		}
		out = append(out, s[i:j+1])
		s = s[j+1:]
	}
	sortStrings(out)
	return strings.Join(out, ",")
}

func sortStrings(s []string) {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
}

func TestParseAndNegotiate(t *testing.T) {
	cases := map[string]Lang{"en": English, "zh-HK": TraditionalChinese, "zh_TW": TraditionalChinese, "zh-Hant": TraditionalChinese,
		"zh-CN": SimplifiedChinese, "zh-Hans": SimplifiedChinese, "EN": English}
	for in, want := range cases {
		if got, ok := Parse(in); !ok || got != want {
			t.Errorf("Parse(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	if _, ok := Parse("klingon"); ok {
		t.Error("Parse(klingon) ok")
	}
	if got := FromAcceptLanguage("zh-HK,zh;q=0.9"); got != TraditionalChinese {
		t.Errorf("Accept-Language zh-HK,zh: %v", got)
	}
	if got := FromAcceptLanguage("fr-FR,zh-HK;q=0.9,en;q=0.5"); got != TraditionalChinese {
		t.Errorf("Accept-Language zh-HK: %v", got)
	}
	if got := FromAcceptLanguage(""); got != English {
		t.Errorf("empty Accept-Language: %v", got)
	}
}

type named map[Lang]string

func (n named) In(l Lang) string { return n[l] }

func TestArgumentsAreTranslatedToo(t *testing.T) {
	jp := named{English: "Japan", TraditionalChinese: "日本", SimplifiedChinese: "日本"}
	got := T(TraditionalChinese, "quote.reason.no_airmail", map[string]any{"destination": jp})
	if got != "沒有空郵寄往日本。" {
		t.Errorf("got %q", got)
	}
	if got := T(English, "no.such.key", nil); got != "no.such.key" {
		t.Errorf("missing key shows %q", got)
	}
}
