package soap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// stdTokens is a document's start tags (with attributes), end tags and text as encoding/xml reads
// them, in the scanner's terms; ok is false when encoding/xml refuses the document (a DOCTYPE
// included, which the scanner refuses too).
func stdTokens(doc []byte) (out []string, ok bool) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return out, true
		}
		if err != nil {
			return nil, false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			s := "<" + qname(t.Name)
			for _, a := range t.Attr {
				s += fmt.Sprintf(" %s=%q", a.Name.Local, a.Value)
			}
			out = append(out, s)
		case xml.EndElement:
			out = append(out, "</"+qname(t.Name))
		case xml.CharData:
			out = append(out, "text:"+string(t))
		case xml.Directive:
			return nil, false
		}
	}
}

func qname(n xml.Name) string {
	if n.Space != "" {
		return n.Space + ":" + n.Local
	}
	return n.Local
}

// ourTokens is the same from the scanner; adjacent text is joined, as encoding/xml gives text and
// CDATA next to each other as separate tokens too (both are compared joined).
func ourTokens(doc []byte) (out []string, err error) {
	sc, err := newXMLScanner(doc)
	if err != nil {
		return nil, err
	}
	for {
		t, err := sc.next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch t.kind {
		case xmlStart:
			s := "<" + t.name
			for _, a := range t.attrs {
				s += fmt.Sprintf(" %s=%q", a.local, a.value)
			}
			out = append(out, s)
		case xmlEnd:
			out = append(out, "</"+t.name)
		case xmlText:
			out = append(out, "text:"+string(t.text))
		}
	}
}

func joinText(toks []string) []string {
	var out []string
	for _, t := range toks {
		if strings.HasPrefix(t, "text:") && len(out) > 0 && strings.HasPrefix(out[len(out)-1], "text:") {
			out[len(out)-1] += strings.TrimPrefix(t, "text:")
			continue
		}
		out = append(out, t)
	}
	var kept []string
	for _, t := range out {
		if t != "text:" {
			kept = append(kept, t)
		}
	}
	return kept
}

var xmlSeeds = []string{
	`<?xml version="1.0" encoding="UTF-8"?><a:E xmlns:a="urn:x"><a:B k='v' m="&lt;&amp;&#65;&#x42;"/><c>t&gt;x<![CDATA[<raw>&]]>y</c><!-- note --><d></d ></a:E>`,
	"<a>\r\nline\rtwo</a>",
	`<a x="1"y="2"/>`,
	`<a x=1/>`,
	`<a>&unknown;</a>`,
	`<a>&#0;</a>`,
	`<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>`,
	`<?xml version="1.0" encoding="ISO-8859-1"?><a/>`,
	`<a><!-- unterminated </a>`,
	`<a>]]></a>`,
	`<a b="<"/>`,
	"<a>\x00</a>",
	"<a>\xff</a>",
	`<1a/>`,
	`<a:/>`,
	`<a></b>`,
	`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><op><x>1</x></op></s:Body></s:Envelope>`,
	// Found by fuzzing against encoding/xml.
	`<?0?>`, `<?A!?>`, `<?xml version="0"?>`, `<?xml version="1.0" encodingfoo="x" encoding="ISO-8859-1"?><a/>`, `<?xml 0encoding="0"?>`, `<?xml 0?>`, `<?xml encoding="UTF8"?>`, `<?xml encodingencoding="0"?>`, `<::>`, `<:a><a:/>`, `&#000100000;`, `<!----->`, `<!-- a--b -->`,
}

// The scanner reads what encoding/xml reads, token for token, and refuses what it refuses; the
// one leniency allowed is a name with non-ASCII characters outside encoding/xml's letter classes.
func TestXMLScannerAgreesWithEncodingXML(t *testing.T) {
	for _, doc := range xmlSeeds {
		compareScanners(t, []byte(doc))
	}
}

func FuzzXMLScanner(f *testing.F) {
	for _, doc := range xmlSeeds {
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		compareScanners(t, doc)
	})
}

func compareScanners(t *testing.T, doc []byte) {
	t.Helper()
	want, stdOK := stdTokens(doc)
	got, err := ourTokens(doc)
	switch {
	case stdOK && err != nil:
		// encoding/xml reads names and text it should not: an ampersand-free document with only
		// well-formed parts is the only case where refusing is wrong.
		if !errors.Is(err, errDirective) && wellFormedASCII(doc) {
			t.Fatalf("%q: encoding/xml reads it, the scanner refuses: %v", doc, err)
		}
	case !stdOK && err == nil:
		if asciiOnly(doc) {
			t.Fatalf("%q: encoding/xml refuses it, the scanner reads %q", doc, got)
		}
	case stdOK:
		if g, w := joinText(got), joinText(want); fmt.Sprint(g) != fmt.Sprint(w) {
			t.Fatalf("%q:\nscanner  %q\nencoding %q", doc, g, w)
		}
	}
}

func asciiOnly(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// wellFormedASCII is an ASCII document that has no character encoding/xml lets through but XML
// does not allow: control characters, or character references (encoding/xml takes a reference to
// a surrogate, which is no XML character; the scanner refuses it).
func wellFormedASCII(b []byte) bool {
	if bytes.Contains(b, []byte("&#")) {
		return false
	}
	for _, c := range b {
		if c >= 0x80 || c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

// BenchmarkReadEnvelope reads a getTotalPostage request with its WS-Security header (1.3 KB):
// the whole of readEnvelope with the scanner, and encoding/xml's Decoder merely reading its raw
// tokens, as readEnvelope did before (a lower bound of what it took).
func BenchmarkReadEnvelope(b *testing.B) {
	body := []byte(`<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:web="http://webservice.integrator.hkpost.com" xmlns:obj="http://object.integrator.hkpost.com"><soapenv:Header><wsse:Security soapenv:mustUnderstand="1" xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"><wsse:UsernameToken><wsse:Username>load_api</wsse:Username><wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">q3gbK4N0m+vX0vJyB6jvqk0lM0s=</wsse:Password><wsse:Nonce>3q2+7wABAgMEBQYHCAkKCw==</wsse:Nonce><wsu:Created>2026-12-03T14:00:00Z</wsu:Created></wsse:UsernameToken></wsse:Security></soapenv:Header><soapenv:Body><web:getTotalPostage><web:api01Req><obj:ecshipUsername>loadshop</obj:ecshipUsername><obj:integratorUsername>load_api</obj:integratorUsername><obj:countryCode>USB</obj:countryCode><obj:shipCode>AEP</obj:shipCode><obj:weight>0.55</obj:weight></web:api01Req></web:getTotalPostage></soapenv:Body></soapenv:Envelope>`)
	b.Run("scanner", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := readEnvelope(body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-xml-tokens-only", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			d := xml.NewDecoder(bytes.NewReader(body))
			for {
				if _, err := d.RawToken(); err == io.EOF {
					break
				} else if err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
