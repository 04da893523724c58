package soap

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// xmlScanner reads the tokens of an XML document held in memory: start and end tags and text,
// nothing else. It is ecship's own because encoding/xml's Decoder, reading a byte at a time through
// an interface and allocating each name, took 44% of the server's CPU answering getTotalPostage
// under load (and as much of the Mail Tracking API's parsing); this reads the bytes in place and
// allocates little (BenchmarkReadEnvelope). It accepts what a SOAP request needs of XML 1.0 and
// refuses the rest, as encoding/xml does (FuzzXMLScanner checks the two agree):
//
//   - the document must be UTF-8 of XML characters (no NUL or other control characters);
//   - an XML declaration may name no encoding but UTF-8; other processing instructions and
//     comments are skipped; CDATA sections are text;
//   - a DOCTYPE, or any other <! declaration, is refused: no entity can be declared, so only the
//     five predefined entities and character references are expanded;
//   - names are made of letters, digits and . - _ : (and any non-ASCII letter); attribute values
//     are quoted and hold no '<'; end tags are matched to start tags by the caller.
type xmlScanner struct {
	b   []byte
	i   int
	tok xmlToken
	buf []byte // text and values decoded

	endNext bool // the last start tag closed itself: its end comes next
}

type xmlTokenKind uint8

const (
	xmlStart xmlTokenKind = iota + 1
	xmlEnd
	xmlText
)

// xmlToken is one token; its text and attributes stay valid until the next call.
type xmlToken struct {
	kind   xmlTokenKind
	name   string // as written, prefix and all: "soapenv:Body"
	local  string // without the prefix: "Body"
	attrs  []xmlAttr
	text   []byte
	closed bool // a start tag that closed itself (<a/>)
}

type xmlAttr struct {
	local, value string
}

var errDirective = errors.New("DOCTYPE and other declarations are not accepted")

// newXMLScanner checks the document is UTF-8 of XML characters and readies it for reading.
func newXMLScanner(b []byte) (*xmlScanner, error) {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return nil, fmt.Errorf("illegal character code %U", rune(c))
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return nil, errors.New("invalid UTF-8")
		}
		if r == 0xFFFE || r == 0xFFFF {
			return nil, fmt.Errorf("illegal character code %U", r)
		}
		i += n
	}
	return &xmlScanner{b: b}, nil
}

func (s *xmlScanner) errorf(format string, args ...any) error {
	line := 1 + bytes.Count(s.b[:min(s.i, len(s.b))], []byte{'\n'})
	return fmt.Errorf("line %d: "+format, append([]any{line}, args...)...)
}

// next reads the next token; io.EOF at the end of the document.
func (s *xmlScanner) next() (*xmlToken, error) {
	t := &s.tok
	if s.endNext {
		s.endNext = false
		t.kind, t.attrs, t.closed = xmlEnd, t.attrs[:0], false
		return t, nil
	}
	for s.i < len(s.b) {
		if s.b[s.i] != '<' {
			return s.text()
		}
		rest := s.b[s.i:]
		switch {
		case bytes.HasPrefix(rest, []byte("<?")):
			if err := s.instruction(); err != nil {
				return nil, err
			}
		case bytes.HasPrefix(rest, []byte("<!--")):
			end := bytes.Index(rest[4:], []byte("-->"))
			if end < 0 {
				return nil, s.errorf("unterminated comment")
			}
			if c := rest[4 : 4+end]; bytes.Contains(c, []byte("--")) || bytes.HasSuffix(c, []byte("-")) {
				return nil, s.errorf(`invalid sequence "--" not allowed in comments`)
			}
			s.i += 4 + end + 3
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			end := bytes.Index(rest[9:], []byte("]]>"))
			if end < 0 {
				return nil, s.errorf("unterminated CDATA section")
			}
			t.kind, t.text = xmlText, rest[9:9+end]
			s.i += 9 + end + 3
			return t, nil
		case bytes.HasPrefix(rest, []byte("<!")):
			return nil, errDirective
		case bytes.HasPrefix(rest, []byte("</")):
			return s.endTag()
		default:
			return s.startTag()
		}
	}
	return nil, io.EOF
}

// text reads character data up to the next tag, its references expanded and line ends made \n.
func (s *xmlScanner) text() (*xmlToken, error) {
	end := bytes.IndexByte(s.b[s.i:], '<')
	if end < 0 {
		end = len(s.b) - s.i
	}
	raw := s.b[s.i : s.i+end]
	s.i += end
	if bytes.Contains(raw, []byte("]]>")) {
		return nil, s.errorf("unescaped ]]> not in CDATA section")
	}
	if bytes.IndexByte(raw, '&') < 0 && bytes.IndexByte(raw, '\r') < 0 {
		s.tok.kind, s.tok.text = xmlText, raw
		return &s.tok, nil
	}
	var err error
	s.buf, err = s.decode(s.buf[:0], raw)
	if err != nil {
		return nil, err
	}
	s.tok.kind, s.tok.text = xmlText, s.buf
	return &s.tok, nil
}

// decode appends raw with its entity and character references expanded and its line ends made \n.
func (s *xmlScanner) decode(dst, raw []byte) ([]byte, error) {
	for i := 0; i < len(raw); {
		c := raw[i]
		switch c {
		case '\r':
			dst = append(dst, '\n')
			i++
			if i < len(raw) && raw[i] == '\n' {
				i++
			}
			continue
		case '&':
		default:
			dst = append(dst, c)
			i++
			continue
		}
		semi := bytes.IndexByte(raw[i:], ';')
		if semi < 0 {
			return nil, s.errorf("invalid character entity %q (no semicolon)", raw[i:min(len(raw), i+10)])
		}
		ref := raw[i+1 : i+semi]
		i += semi + 1
		switch string(ref) {
		case "lt":
			dst = append(dst, '<')
		case "gt":
			dst = append(dst, '>')
		case "amp":
			dst = append(dst, '&')
		case "apos":
			dst = append(dst, '\'')
		case "quot":
			dst = append(dst, '"')
		default:
			r, ok := charRef(ref)
			if !ok {
				return nil, s.errorf("invalid character entity &%s;", ref)
			}
			dst = utf8.AppendRune(dst, r)
		}
	}
	return dst, nil
}

// charRef reads a character reference's "#123" or "#x7B" as an XML character.
func charRef(ref []byte) (rune, bool) {
	if len(ref) < 2 || ref[0] != '#' {
		return 0, false
	}
	base, digits := 10, ref[1:]
	if digits[0] == 'x' {
		base, digits = 16, digits[1:]
	}
	if len(digits) == 0 {
		return 0, false
	}
	n, err := strconv.ParseUint(string(digits), base, 32)
	r := rune(n)
	if err != nil || !(r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF) {
		return 0, false
	}
	return r, true
}

// instruction skips a processing instruction; the XML declaration may name UTF-8 only.
func (s *xmlScanner) instruction() error {
	rest := s.b[s.i+2:]
	end := bytes.Index(rest, []byte("?>"))
	if end < 0 {
		return s.errorf("unterminated processing instruction")
	}
	body := rest[:end]
	s.i += 2 + end + 2
	n := 0
	for n < len(body) && isNameByte(body[n], n == 0) {
		n++
	}
	target := body[:n]
	if n == 0 {
		return s.errorf("processing instruction without a target")
	}
	if string(target) != "xml" {
		return nil
	}
	// Each parameter is read twice: as the declaration's name = "value" pairs, and as encoding/xml
	// reads it (the first "name=" in the text), so neither reading lets another encoding through.
	params, _ := declParams(body)
	for _, v := range []string{params["version"], firstParam(body, "version")} {
		if v != "" && v != "1.0" {
			return s.errorf("unsupported version %q; only version 1.0 is supported", v)
		}
	}
	for _, enc := range []string{params["encoding"], firstParam(body, "encoding")} {
		if enc != "" && !strings.EqualFold(enc, "utf-8") {
			return s.errorf("encoding %q declared but only UTF-8 is read", enc)
		}
	}
	return nil
}

// firstParam is a declaration parameter as encoding/xml reads it: the first `name=` followed at
// once by a quote, and the text up to the same quote; "" when there is none.
func firstParam(body []byte, name string) string {
	param := []byte(name + "=")
	for rest := body; ; {
		k := bytes.Index(rest, param)
		if k < 0 || k+len(param) >= len(rest) {
			return ""
		}
		rest = rest[k+len(param):]
		if q := rest[0]; q == '"' || q == '\'' {
			end := bytes.IndexByte(rest[1:], q)
			if end < 0 {
				return ""
			}
			return string(rest[1 : 1+end])
		}
	}
}

// declParams reads an XML declaration's parameters (after its target) as name = "value" pairs;
// false when they do not read so.
func declParams(body []byte) (map[string]string, bool) {
	params := map[string]string{}
	rest := body[3:] // after "xml"
	for {
		rest = bytes.TrimLeft(rest, " \t\r\n")
		if len(rest) == 0 {
			return params, true
		}
		n := 0
		for n < len(rest) && isNameByte(rest[n], n == 0) {
			n++
		}
		if n == 0 {
			return nil, false
		}
		name := string(rest[:n])
		v := bytes.TrimLeft(rest[n:], " \t\r\n")
		if len(v) == 0 || v[0] != '=' {
			return nil, false
		}
		v = bytes.TrimLeft(v[1:], " \t\r\n")
		if len(v) == 0 || v[0] != '"' && v[0] != '\'' {
			return nil, false
		}
		k := bytes.IndexByte(v[1:], v[0])
		if k < 0 {
			return nil, false
		}
		params[name] = string(v[1 : 1+k])
		rest = v[1+k+1:]
	}
}

func isNameByte(c byte, first bool) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':' || c >= utf8.RuneSelf ||
		!first && (c >= '0' && c <= '9' || c == '-' || c == '.')
}

// name reads a name at the scanner's position.
func (s *xmlScanner) name() (string, bool) {
	start := s.i
	for s.i < len(s.b) && isNameByte(s.b[s.i], s.i == start) {
		s.i++
	}
	if s.i == start || bytes.Count(s.b[start:s.i], []byte{':'}) > 1 {
		return "", false
	}
	return string(s.b[start:s.i]), true
}

func (s *xmlScanner) space() bool {
	start := s.i
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
			continue
		}
		break
	}
	return s.i > start
}

// local is a name without its prefix (a colon first or last is part of the name).
func local(name string) string {
	if i := strings.IndexByte(name, ':'); i > 0 && i < len(name)-1 {
		return name[i+1:]
	}
	return name
}

func (s *xmlScanner) startTag() (*xmlToken, error) {
	t := &s.tok
	s.i++ // '<'
	name, ok := s.name()
	if !ok {
		return nil, s.errorf("expected element name after <")
	}
	t.kind, t.name, t.local, t.attrs, t.closed, t.text = xmlStart, name, local(name), t.attrs[:0], false, nil
	s.buf = s.buf[:0]
	for {
		s.space()
		if s.i >= len(s.b) {
			return nil, s.errorf("unexpected EOF in element %s", name)
		}
		switch s.b[s.i] {
		case '>':
			s.i++
			return t, nil
		case '/':
			if s.i+1 < len(s.b) && s.b[s.i+1] == '>' {
				s.i += 2
				t.closed, s.endNext = true, true
				return t, nil
			}
			return nil, s.errorf("expected /> in element %s", name)
		}
		attr, ok := s.name()
		if !ok {
			return nil, s.errorf("expected attribute name in element %s", name)
		}
		s.space()
		if s.i >= len(s.b) || s.b[s.i] != '=' {
			return nil, s.errorf("attribute %s in element %s without a value", attr, name)
		}
		s.i++
		s.space()
		if s.i >= len(s.b) || s.b[s.i] != '"' && s.b[s.i] != '\'' {
			return nil, s.errorf("unquoted or missing attribute value in element %s", name)
		}
		q := s.b[s.i]
		end := bytes.IndexByte(s.b[s.i+1:], q)
		if end < 0 {
			return nil, s.errorf("unterminated attribute value in element %s", name)
		}
		raw := s.b[s.i+1 : s.i+1+end]
		s.i += 1 + end + 1
		if bytes.IndexByte(raw, '<') >= 0 {
			return nil, s.errorf("unescaped < inside quoted string")
		}
		value := string(raw)
		if bytes.IndexByte(raw, '&') >= 0 || bytes.IndexByte(raw, '\r') >= 0 {
			v, err := s.decode(s.buf[:0], raw)
			if err != nil {
				return nil, err
			}
			value = string(v)
		}
		t.attrs = append(t.attrs, xmlAttr{local: local(attr), value: value})
	}
}

func (s *xmlScanner) endTag() (*xmlToken, error) {
	t := &s.tok
	s.i += 2 // "</"
	name, ok := s.name()
	if !ok {
		return nil, s.errorf("expected element name after </")
	}
	s.space()
	if s.i >= len(s.b) || s.b[s.i] != '>' {
		return nil, s.errorf("invalid characters between </%s and >", name)
	}
	s.i++
	t.kind, t.name, t.local, t.attrs, t.closed, t.text = xmlEnd, name, local(name), t.attrs[:0], false, nil
	return t, nil
}
