package soap

import (
	"bytes"
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

// leaf is an element of the body without child elements, by local name, with its text, and
// where it stands: its parent's local name and which element that parent is (group), so that
// the fields of one product or one item list stay together. Leaves directly in the operation's
// request wrapper (or in the operation itself) are group 0.
type leaf struct {
	name, value string
	parent      string
	grand       string // the parent's parent
	group       int
}

// envelope is a SOAP request read leniently: namespaces and prefixes are ignored, elements are
// known by their local names (real clients qualify them in every way, or not at all).
type envelope struct {
	Token  usernameToken
	Op     string // local name of the Body's first element
	Leaves []leaf // the leaf elements inside the operation's element, in order
	// NotUnderstood is a header block marked mustUnderstand that this server does not process
	// (anything but WS-Security): SOAP 1.1 requires a MustUnderstand fault for it.
	NotUnderstood string
}

// readEnvelope parses a SOAP 1.1 (or 1.2) envelope with the xmlScanner, which expands no entities
// but the five predefined ones, refuses any encoding but UTF-8 and any DOCTYPE; nesting is bounded,
// so no input costs more than its size. Namespaces are not looked at: end tags are matched to start
// tags here, by the names as written.
func readEnvelope(body []byte) (*envelope, error) {
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	sc, err := newXMLScanner(body)
	if err != nil {
		return nil, formatErr("not XML: %v", err)
	}
	rd := &envelopeReader{env: &envelope{}}
	for {
		t, err := sc.next()
		if err == io.EOF {
			return rd.finish()
		}
		if errors.Is(err, errDirective) {
			return nil, formatErr("%v", err)
		}
		if err != nil {
			return nil, formatErr("not XML: %v", err)
		}
		switch t.kind {
		case xmlStart:
			err = rd.start(t)
		case xmlEnd:
			err = rd.end(t)
		case xmlText:
			err = rd.chars(t.text)
		}
		if err != nil {
			return nil, err
		}
	}
}

// envelopeReader is where readEnvelope stands in the document.
type envelopeReader struct {
	env      *envelope
	path     [MaxDepth]string // element names as written (prefix and local name) from the root down
	locals   [MaxDepth]string // and without their prefixes
	ord      [MaxDepth]int    // each open element's number among the operation's nested elements
	elems    int              // elements opened below the request wrapper so far
	depth    int
	section  int    // 0 none, 1 Header, 2 Body
	inOp     bool   // inside the operation element
	hasChild bool   // the current element has child elements
	text     []byte // text of the current element
	sawRoot  bool
	sawBody  bool
}

// start opens an element: the Envelope, its Header or Body, the operation, or one inside them.
func (rd *envelopeReader) start(t *xmlToken) error {
	if rd.depth == MaxDepth {
		return formatErr("elements nested deeper than %d", MaxDepth)
	}
	name := t.local
	switch {
	case rd.depth == 0:
		if rd.sawRoot {
			return formatErr("more than one root element")
		}
		rd.sawRoot = true
		if name != "Envelope" {
			return formatErr("root element %q is not a SOAP Envelope", name)
		}
	case rd.depth == 1:
		switch name {
		case "Header":
			rd.section = 1
		case "Body":
			rd.section, rd.sawBody = 2, true
		default:
			rd.section = 0
		}
	case rd.depth == 2 && rd.section == 2:
		if rd.env.Op == "" {
			rd.env.Op, rd.inOp = name, true
		}
	}
	if rd.section == 1 && rd.depth == 2 && mustUnderstand(t) && name != "Security" && rd.env.NotUnderstood == "" {
		rd.env.NotUnderstood = name
	}
	rd.ord[rd.depth] = 0
	if rd.inOp && rd.depth >= 4 {
		rd.elems++
		rd.ord[rd.depth] = rd.elems
	}
	if rd.section == 1 && name == "Password" {
		for _, a := range t.attrs {
			if a.local == "Type" {
				rd.env.Token.PasswordType = a.value
			}
		}
	}
	rd.path[rd.depth], rd.locals[rd.depth] = t.name, t.local
	rd.depth++
	rd.hasChild, rd.text = false, rd.text[:0]
	return nil
}

// end closes an element; a leaf's text goes to the UsernameToken or to the operation's values.
func (rd *envelopeReader) end(t *xmlToken) error {
	if rd.depth == 0 || t.name != rd.path[rd.depth-1] {
		return formatErr("end tag </%s> does not close an open element", t.name)
	}
	rd.depth--
	name := rd.locals[rd.depth]
	if !rd.hasChild {
		switch {
		case rd.section == 1 && rd.depth >= 3 && rd.locals[rd.depth-1] == "UsernameToken":
			rd.env.Token.set(name, string(rd.text))
		case rd.inOp && rd.depth >= 3:
			rd.env.Leaves = append(rd.env.Leaves, leaf{name: name, value: string(rd.text),
				parent: rd.locals[rd.depth-1], grand: rd.locals[rd.depth-2], group: rd.ord[rd.depth-1]})
		}
	}
	if rd.depth == 2 && rd.inOp {
		rd.inOp = false
	}
	if rd.depth == 1 {
		rd.section = 0
	}
	// The parent has a child: it is not a leaf.
	rd.hasChild, rd.text = true, rd.text[:0]
	return nil
}

// chars keeps the text of a leaf of the header's token or of the operation.
func (rd *envelopeReader) chars(t []byte) error {
	if rd.depth == 0 {
		if len(bytes.TrimSpace(t)) > 0 {
			return formatErr("text outside the root element")
		}
		return nil
	}
	if rd.depth >= 3 && (rd.section == 1 || rd.inOp) {
		rd.text = append(rd.text, t...)
	}
	return nil
}

// finish checks the document was a whole SOAP envelope with an operation.
func (rd *envelopeReader) finish() (*envelope, error) {
	switch {
	case !rd.sawRoot:
		return nil, formatErr("no root element")
	case rd.depth != 0:
		return nil, formatErr("unclosed elements")
	case !rd.sawBody:
		return nil, formatErr("no SOAP Body")
	case rd.env.Op == "":
		return nil, formatErr("empty SOAP Body")
	}
	return rd.env, nil
}

// mustUnderstand reports whether a header block carries mustUnderstand="1" (or "true").
func mustUnderstand(t *xmlToken) bool {
	for _, a := range t.attrs {
		if a.local == "mustUnderstand" {
			v := bytes.TrimSpace([]byte(a.value))
			return string(v) == "1" || string(v) == "true"
		}
	}
	return false
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
