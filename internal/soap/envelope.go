package soap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
)

// Limits on what a request may be. Requests are small (30 item numbers and a token fit in 3 KB),
// so anything near these is not a real client.
const (
	MaxBody  = 64 << 10 // bytes of a request body
	MaxDepth = 32       // nesting of XML elements
)

// errFormat is a request that is not a SOAP envelope this server reads: not XML, not UTF-8, a
// DOCTYPE, too deep, too big, or not an Envelope with a Body.
type errFormat struct{ reason string }

func (e *errFormat) Error() string { return "soap: " + e.reason }

func formatErr(format string, args ...any) error { return &errFormat{fmt.Sprintf(format, args...)} }

var bodyPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// readBody reads at most MaxBody bytes of the request's body into a pooled buffer; give it back
// with putBody. A longer body is a format error, found without reading the rest.
func readBody(w http.ResponseWriter, r *http.Request) (*bytes.Buffer, error) {
	buf := bodyPool.Get().(*bytes.Buffer)
	buf.Reset()
	if r.ContentLength > MaxBody {
		return buf, formatErr("body of %d bytes is over %d", r.ContentLength, MaxBody)
	}
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, MaxBody)); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return buf, formatErr("body over %d bytes", MaxBody)
		}
		return buf, formatErr("reading body: %v", err)
	}
	return buf, nil
}

func putBody(buf *bytes.Buffer) {
	if buf.Cap() <= 2*MaxBody {
		bodyPool.Put(buf)
	}
}

// usernameToken is a WS-Security UsernameToken as sent.
type usernameToken struct {
	present      bool
	Username     string
	Password     string
	PasswordType string // the Type attribute: "...#PasswordText", "...#PasswordDigest" or ""
	Nonce        string // base64
	Created      string
}

// leaf is an element of the body without child elements, by local name, with its text.
type leaf struct {
	name, value string
}

// envelope is a SOAP request read leniently: namespaces and prefixes are ignored, elements are
// known by their local names (clients qualify them in every way, ecship-api-wire.md).
type envelope struct {
	Token  usernameToken
	Op     string // local name of the Body's first element
	Leaves []leaf // the leaf elements inside the operation's element, in order
}

// readEnvelope parses a SOAP 1.1 (or 1.2) envelope. encoding/xml expands no entities but the five
// predefined ones and, with no CharsetReader, refuses any encoding but UTF-8; a DOCTYPE is refused
// outright and nesting is bounded, so no input costs more than its size. Raw tokens are read, as
// namespaces are not looked at: end tags are matched to start tags here.
func readEnvelope(body []byte) (*envelope, error) {
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	d := xml.NewDecoder(bytes.NewReader(body))
	env := &envelope{}
	var (
		path     [MaxDepth]xml.Name // element names (prefix and local name) from the root down
		depth    int
		section  int    // 0 none, 1 Header, 2 Body
		inOp     bool   // inside the operation element
		hasChild bool   // the current element has child elements
		text     []byte // text of the current element
		sawRoot  bool
		sawBody  bool
	)
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, formatErr("not XML: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == MaxDepth {
				return nil, formatErr("elements nested deeper than %d", MaxDepth)
			}
			name := t.Name.Local
			switch {
			case depth == 0:
				if sawRoot {
					return nil, formatErr("more than one root element")
				}
				sawRoot = true
				if name != "Envelope" {
					return nil, formatErr("root element %q is not a SOAP Envelope", name)
				}
			case depth == 1:
				switch name {
				case "Header":
					section = 1
				case "Body":
					section, sawBody = 2, true
				default:
					section = 0
				}
			case depth == 2 && section == 2:
				if env.Op == "" {
					env.Op, inOp = name, true
				}
			}
			if section == 1 && name == "Password" {
				for _, a := range t.Attr {
					if a.Name.Local == "Type" {
						env.Token.PasswordType = a.Value
					}
				}
			}
			path[depth] = t.Name
			depth++
			hasChild, text = false, text[:0]
		case xml.EndElement:
			if depth == 0 || t.Name != path[depth-1] {
				return nil, formatErr("end tag </%s> does not close an open element", t.Name.Local)
			}
			depth--
			name := path[depth].Local
			if !hasChild {
				switch {
				case section == 1 && depth >= 3 && path[depth-1].Local == "UsernameToken":
					env.Token.set(name, string(text))
				case inOp && depth >= 3:
					env.Leaves = append(env.Leaves, leaf{name: name, value: string(text)})
				}
			}
			if depth == 2 && inOp {
				inOp = false
			}
			if depth == 1 {
				section = 0
			}
			// The parent has a child: it is not a leaf.
			hasChild, text = true, text[:0]
		case xml.CharData:
			if depth == 0 {
				if len(bytes.TrimSpace(t)) > 0 {
					return nil, formatErr("text outside the root element")
				}
				continue
			}
			if depth >= 3 && (section == 1 || inOp) {
				text = append(text, t...)
			}
		case xml.Directive:
			return nil, formatErr("DOCTYPE and other declarations are not accepted")
		}
	}
	switch {
	case !sawRoot:
		return nil, formatErr("no root element")
	case depth != 0:
		return nil, formatErr("unclosed elements")
	case !sawBody:
		return nil, formatErr("no SOAP Body")
	case env.Op == "":
		return nil, formatErr("empty SOAP Body")
	}
	return env, nil
}

// set records a leaf of the header's UsernameToken (a Timestamp's Created is not the token's).
func (t *usernameToken) set(name, value string) {
	switch name {
	case "Username":
		t.present, t.Username = true, value
	case "Password":
		t.present, t.Password = true, value
	case "Nonce":
		t.Nonce = value
	case "Created":
		t.Created = value
	}
}
