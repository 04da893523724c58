// Package i18n holds ecship's three languages and their message catalogues (embedded JSON files, one
// per language, checked at start so that every key exists in every language).
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	"golang.org/x/text/language"
)

// Lang is one of the languages ecship speaks.
type Lang string

// The three languages (rule ACC-6). English is the default.
const (
	English            Lang = "en"
	TraditionalChinese Lang = "zh-Hant"
	SimplifiedChinese  Lang = "zh-Hans"
)

// Langs lists the languages in the order the language switch shows them.
var Langs = []Lang{English, TraditionalChinese, SimplifiedChinese}

// Native is each language's name in itself.
func (l Lang) Native() string {
	switch l {
	case TraditionalChinese:
		return "繁體中文"
	case SimplifiedChinese:
		return "简体中文"
	}
	return "English"
}

// Tag is the BCP 47 tag used in HTML lang attributes.
func (l Lang) Tag() string { return string(l) }

var matcher = language.NewMatcher([]language.Tag{
	language.English, language.TraditionalChinese, language.SimplifiedChinese,
})

// Parse reads a language code leniently ("zh-HK", "zh_TW", "zh-CN", "EN"); ok is false when s names
// none of ecship's languages.
func Parse(s string) (Lang, bool) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "_", "-"))
	if s == "" {
		return English, false
	}
	switch strings.ToLower(s) {
	case "en", "english":
		return English, true
	case "zh-hant", "zh-hk", "zh-tw", "zh-mo", "tc":
		return TraditionalChinese, true
	case "zh-hans", "zh-cn", "zh-sg", "zh", "sc":
		return SimplifiedChinese, true
	}
	t, err := language.Parse(s)
	if err != nil {
		return English, false
	}
	_, i, conf := matcher.Match(t)
	if conf == language.No {
		return English, false
	}
	return Langs[i], true
}

// FromAcceptLanguage picks the best of ecship's languages for an Accept-Language header.
func FromAcceptLanguage(header string) Lang {
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil {
		return English
	}
	// Take the caller's preferences one at a time, best first: matching them all at once lets a later
	// exact "zh" (Simplified) beat an earlier "zh-HK" (Traditional).
	for _, t := range tags {
		if _, i, conf := matcher.Match(t); conf >= language.High {
			return Langs[i]
		}
	}
	return English
}

// The messages live in locales/<lang>/<feature>.json: one file per feature, so features grow apart.
//
//go:embed locales
var localeFS embed.FS

var catalogues = map[Lang]map[string]string{}

func init() {
	for _, l := range Langs {
		files, err := fs.Glob(localeFS, "locales/"+string(l)+"/*.json")
		if err != nil || len(files) == 0 {
			panic(fmt.Sprintf("i18n: no messages for %s", l))
		}
		all := map[string]string{}
		for _, name := range files {
			b, err := localeFS.ReadFile(name)
			if err != nil {
				panic(fmt.Sprintf("i18n: %v", err))
			}
			m := map[string]string{}
			if err := json.Unmarshal(b, &m); err != nil {
				panic(fmt.Sprintf("i18n: %s: %v", name, err))
			}
			for k, v := range m {
				if _, dup := all[k]; dup {
					panic(fmt.Sprintf("i18n: %s: key %q is defined twice", name, k))
				}
				all[k] = v
			}
		}
		catalogues[l] = all
	}
}

// Keys returns every key of a language's catalogue, sorted.
func Keys(l Lang) []string {
	keys := make([]string, 0, len(catalogues[l]))
	for k := range catalogues[l] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Has reports whether the language's catalogue has key.
func Has(l Lang, key string) bool {
	_, ok := catalogues[l][key]
	return ok
}

// Localized is a value that has a text in each language (a service's or country's name).
type Localized interface {
	In(Lang) string
}

// Key is a message key used as an argument of another message; it is translated along with it.
type Key string

// In translates the key.
func (k Key) In(l Lang) string { return T(l, string(k), nil) }

// T translates key into l, replacing {name} placeholders with args. A key missing from l falls back
// to English, and a key missing from English is returned as it is, so a gap shows rather than hides.
func T(l Lang, key string, args map[string]any) string {
	s, ok := catalogues[l][key]
	if !ok {
		if s, ok = catalogues[English][key]; !ok {
			return key
		}
	}
	if len(args) == 0 || !strings.Contains(s, "{") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			break
		}
		name := s[i+1 : i+j]
		b.WriteString(s[:i])
		if v, ok := args[name]; ok {
			if lv, ok := v.(Localized); ok {
				b.WriteString(lv.In(l))
			} else {
				fmt.Fprint(&b, v)
			}
		} else {
			b.WriteString(s[i : i+j+1])
		}
		s = s[i+j+1:]
	}
	return b.String()
}

var zhWeekdays = [...]string{"日", "一", "二", "三", "四", "五", "六"}

// Date writes a date the way each language writes it: "Wed 30 Dec", "12月30日（三）".
func Date(l Lang, t time.Time) string {
	if l == English {
		return t.Format("Mon 2 Jan")
	}
	return fmt.Sprintf("%d月%d日（%s）", t.Month(), t.Day(), zhWeekdays[t.Weekday()])
}
