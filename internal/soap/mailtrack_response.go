package soap

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/tracking"
)

// langs are the languages a response fills (TRK-11): the others' elements are sent empty.
type langs uint8

const (
	langEn langs = 1 << iota
	langHant
	langHans
)

// dateTimeLayout is the seed's DD-MM-YYYY HH24:MI.
const dateTimeLayout = "02-01-2006 15:04"

var respPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const (
	respHead = `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>` +
		`<getItemDeliveryStatusResponse xmlns="` + MailTrackNamespace + `">`
	respTail = `</getItemDeliveryStatusResponse></soapenv:Body></soapenv:Envelope>` + "\n"
)

// writeResponse writes a getItemDeliveryStatusResponse by hand into a pooled buffer: a 30-item
// answer has thousands of elements, and encoding/xml's reflection would cost more than the look-up.
func (m *MailTrack) writeResponse(w http.ResponseWriter, st Status, l langs, results []result) {
	b := respPool.Get().(*bytes.Buffer)
	b.Reset()
	b.WriteString(respHead)
	elem(b, "status", st.String())
	elem(b, "errMsg", st.Message())
	elem(b, "itemCount", strconv.Itoa(len(results)))
	for i := range results {
		m.writeResult(b, l, &results[i])
	}
	b.WriteString(respTail)
	h := w.Header()
	h.Set("Content-Type", "text/xml; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	w.Write(b.Bytes())
	if b.Cap() <= 1<<20 {
		respPool.Put(b)
	}
}

var (
	dropOffNames   = [3]string{"dropOffPoint_e", "dropOffPoint_c", "dropOffPoint_s"}
	orgNames       = [3]string{"orgCnty_e", "orgCnty_c", "orgCnty_s"}
	destNames      = [3]string{"destCnty_e", "destCnty_c", "destCnty_s"}
	milestoneNames = [3]string{"milestone_e", "milestone_c", "milestone_s"}
	locationNames  = [3]string{"eventLocation_e", "eventLocation_c", "eventLocation_s"}
	messageNames   = [3]string{"eventMsg_e", "eventMsg_c", "eventMsg_s"}
)

// writeResult writes one deliveryResult. Every element is always there, empty when there is nothing
// to say (an item refused, a language not asked for), so the shape never changes.
func (m *MailTrack) writeResult(b *bytes.Buffer, l langs, res *result) {
	b.WriteString("<deliveryResult>")
	elem(b, "itemNo", res.itemNo)
	elem(b, "status", res.status.String())
	elem(b, "errMsg", res.status.Message())
	it := res.item
	if it == nil {
		b.WriteString("<postingDateTime/><dropOffPoint_e/><dropOffPoint_c/><dropOffPoint_s/>" +
			"<orgCnty_code/><orgCnty_e/><orgCnty_c/><orgCnty_s/><destCnty_code/><destCnty_e/><destCnty_c/><destCnty_s/>" +
			"<milestone_e/><milestone_c/><milestone_s/></deliveryResult>")
		return
	}
	at, office := it.Posting()
	if at != nil {
		timeElem(b, "postingDateTime", at.In(catalog.HongKong))
	} else {
		b.WriteString("<postingDateTime/>")
	}
	b.WriteString(m.dropOff.get(office)[l])
	b.WriteString(m.origin.get(res.country)[l])
	b.WriteString(m.dest.get(it.Destination)[l])
	b.WriteString(m.milestone.get(it.Milestone())[l])
	for i := range it.Events {
		e := &it.Events[i]
		b.WriteString("<eventDetail>")
		timeElem(b, "eventDateTime", e.Local())
		b.WriteString(m.location.get(e.Country)[l])
		b.WriteString(m.message.get(e.Code)[l])
		b.WriteString("</eventDetail>")
	}
	b.WriteString("</deliveryResult>")
}

// texts is a run of elements written ready for each choice of languages (indexed by langs).
type texts [8]string

// fragments keeps the elements that depend only on a code (a country, an office, an event code, a
// milestone) written out for each choice of languages: a 30-item answer repeats them hundreds of
// times. Reads take no lock; a new code copies the map (codes are few: countries, offices, events).
type fragments struct {
	mu    sync.Mutex
	m     atomic.Pointer[map[string]*texts]
	build func(code string) *texts
}

// maxFragments bounds a cache; codes beyond it are written afresh each time.
const maxFragments = 2048

func newFragments(build func(code string) *texts) *fragments {
	f := &fragments{build: build}
	f.m.Store(&map[string]*texts{})
	return f
}

func (f *fragments) get(code string) *texts {
	if t, ok := (*f.m.Load())[code]; ok {
		return t
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	old := *f.m.Load()
	if t, ok := old[code]; ok {
		return t
	}
	t := f.build(code)
	if len(old) < maxFragments {
		n := make(map[string]*texts, len(old)+1)
		for k, v := range old {
			n[k] = v
		}
		n[code] = t
		f.m.Store(&n)
	}
	return t
}

// namedTexts writes an optional code element and a text's three language elements, for every
// choice of languages.
func namedTexts(codeElem, code string, elems [3]string, n catalog.Names) *texts {
	var t texts
	var b bytes.Buffer
	for _, l := range []langs{langEn, langHant, langHans, langEn | langHant | langHans} {
		b.Reset()
		if codeElem != "" {
			elem(&b, codeElem, code)
		}
		names(&b, elems, n, l)
		t[l] = b.String()
	}
	return &t
}

// initFragments sets up the caches of written elements.
func (m *MailTrack) initFragments() {
	country := func(code string) catalog.Names {
		if d, ok := m.Catalog.Destination(code); ok && d.Code == code {
			n := d.Names
			n.En = strings.ToUpper(n.En)
			return n
		}
		return catalog.Names{}
	}
	m.origin = newFragments(func(c string) *texts { return namedTexts("orgCnty_code", c, orgNames, country(c)) })
	m.dest = newFragments(func(c string) *texts { return namedTexts("destCnty_code", c, destNames, country(c)) })
	m.location = newFragments(func(c string) *texts { return namedTexts("eventLocation_code", c, locationNames, country(c)) })
	m.dropOff = newFragments(func(c string) *texts {
		var n catalog.Names
		if o, ok := m.Catalog.Office(c); ok {
			n = o.Names
		}
		return namedTexts("", "", dropOffNames, n)
	})
	m.milestone = newFragments(func(c string) *texts { return namedTexts("", "", milestoneNames, tracking.MilestoneNames(c)) })
	m.message = newFragments(func(c string) *texts { return namedTexts("", "", messageNames, tracking.Message(c)) })
}

// names writes the three language elements of a text, filling those asked for.
func names(b *bytes.Buffer, elems [3]string, n catalog.Names, l langs) {
	elem(b, elems[0], pick(n.En, l&langEn != 0))
	elem(b, elems[1], pick(n.ZhHant, l&langHant != 0))
	elem(b, elems[2], pick(n.ZhHans, l&langHans != 0))
}

func pick(s string, ok bool) string {
	if ok {
		return s
	}
	return ""
}

// elem writes <name>text</name>, or <name/> when text is empty.
func elem(b *bytes.Buffer, name, text string) {
	b.WriteByte('<')
	b.WriteString(name)
	if text == "" {
		b.WriteString("/>")
		return
	}
	b.WriteByte('>')
	if strings.ContainsAny(text, "<>&\r") {
		xml.EscapeText(b, []byte(text))
	} else {
		b.WriteString(text)
	}
	b.WriteString("</")
	b.WriteString(name)
	b.WriteByte('>')
}

// timeElem writes a time as DD-MM-YYYY HH24:MI.
func timeElem(b *bytes.Buffer, name string, t time.Time) {
	b.WriteByte('<')
	b.WriteString(name)
	b.WriteByte('>')
	y, mo, d := t.Date()
	h, mi, _ := t.Clock()
	if y < 1000 || y > 9999 {
		b.Write(t.AppendFormat(b.AvailableBuffer(), dateTimeLayout))
	} else {
		var s [16]byte
		two(s[0:], d)
		s[2] = '-'
		two(s[3:], int(mo))
		s[5] = '-'
		two(s[6:], y/100)
		two(s[8:], y%100)
		s[10] = ' '
		two(s[11:], h)
		s[13] = ':'
		two(s[14:], mi)
		b.Write(s[:])
	}
	b.WriteString("</")
	b.WriteString(name)
	b.WriteByte('>')
}

func two(dst []byte, n int) {
	dst[0], dst[1] = byte('0'+n/10), byte('0'+n%10)
}
