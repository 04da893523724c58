package soap_test

import (
	"crypto/rand"
	"encoding/xml"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/payment"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/soap"
	"github.com/ecship/ecship/internal/store"
	"github.com/ecship/ecship/internal/testenv"
)

// ecEnv is the Mail Tracking env's data with the EC-Ship API over it, and credentials that reuse a
// token for five minutes.
type ecEnv struct {
	*env
	api                 *soap.ECShip
	mux                 *http.ServeMux
	ship                *shipment.Service
	pay                 *payment.Service
	shopLive, shopTrial account.Integrator // TokenReuse five minutes
	rivalLive           account.Integrator
	shopStrict          account.Integrator // never reuses a token
}

func newECEnv(t testing.TB, st *store.Store, now time.Time) *ecEnv {
	t.Helper()
	e := &ecEnv{env: newEnv(t, st, now)}
	e.ship = &shipment.Service{Store: st, Catalog: e.cat, Now: e.c.Now}
	e.pay = &payment.Service{Store: st, Deposits: st, Gateway: &payment.TestGateway{Book: st, Now: e.c.Now}, Log: slog.New(slog.DiscardHandler), Now: e.c.Now}
	e.api = &soap.ECShip{Integrators: e.acc, Senders: e.acc, Catalog: e.cat, Shipments: e.ship, Payments: e.pay, Tracking: e.trk,
		Guard: soap.Guard{Nonces: st, Log: e.acc}, Log: slog.New(slog.DiscardHandler), Now: e.c.Now}
	e.mux = http.NewServeMux()
	e.api.Register(e.mux)
	reuse := account.DefaultTokenReuse
	e.shopLive = e.integratorWith(t, e.shop, account.Integrator{Username: "api_demo_account", Password: "7f1c2a90-5b3e-4d8a-9c41-2e6f0b7d3a15", Mode: account.Live, TokenReuse: reuse}, "127.0.0.1, 192.0.2.1, ::1")
	e.shopTrial = e.integratorWith(t, e.shop, account.Integrator{Username: "api_demo_trial", Password: "ZX81-spectrum-C64-amiga-5", Mode: account.Test, TokenReuse: reuse}, "127.0.0.1, 192.0.2.1, ::1")
	e.rivalLive = e.integratorWith(t, e.rival, account.Integrator{Username: "rival_shop", Password: "Secret-rival-shop", Mode: account.Live, TokenReuse: reuse}, "127.0.0.1, 192.0.2.1, ::1")
	e.shopStrict = e.integratorWith(t, e.shop, account.Integrator{Username: "shop_strict", Password: "Secret-shop-strict", Mode: account.Live}, "127.0.0.1, 192.0.2.1, ::1")
	return e
}

// shopLabel is one of the shop's live labels.
func (e *ecEnv) shopLabel(t testing.TB, id string) *shipment.Shipment {
	t.Helper()
	sh, err := e.ship.Get(ctx, shipment.Owner{User: e.shop, Mode: account.Live}, id)
	if err != nil {
		t.Fatalf("label %s: %v", id, err)
	}
	return sh
}

// nsStyle is how a client qualifies the request's elements.
type nsStyle int

const (
	prefixed    nsStyle = iota // web:op, web:apiNNReq, obj:field (as the WSDL says)
	defaultNS                  // the web namespace as default on the operation, fields in it too
	unqualified                // no namespace below the Body at all
)

// token is a WS-Security UsernameToken: built fresh by ecRequest unless given.
type token struct {
	user, password string
	nonce          []byte
	created        string
}

func newToken(in account.Integrator, now time.Time) token {
	n := make([]byte, 16)
	rand.Read(n)
	return token{user: in.Username, password: in.Password, nonce: n, created: now.UTC().Format(time.RFC3339)}
}

func (t token) header() string { return testenv.SecurityHeader(t.user, t.password, t.nonce, t.created) }

// kv is one field of a request: a value, or a list of products or item numbers.
type kv struct {
	name     string
	value    string
	products []map[string]string
	items    []string
}

// ecRequest renders an operation's request in a namespace style.
func ecRequest(style nsStyle, tok token, op, wrapper string, fields []kv) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:web="` + soap.ECShipWebNamespace + `" xmlns:obj="` + soap.ECShipObjNamespace + `">`)
	b.WriteString(tok.header())
	b.WriteString("<soapenv:Body>")
	w, f := "web:", "obj:"
	switch style {
	case defaultNS:
		w, f = "", ""
		b.WriteString(`<` + op + ` xmlns="` + soap.ECShipWebNamespace + `">`)
	case unqualified:
		w, f = "", ""
		b.WriteString(`<` + op + ` xmlns="">`)
	default:
		b.WriteString(`<web:` + op + `>`)
	}
	b.WriteString("<" + w + wrapper + ">")
	for _, x := range fields {
		switch {
		case x.products != nil:
			b.WriteString("<" + f + x.name + ">")
			for _, p := range x.products {
				b.WriteString("<" + w + "item>") // raw clients put web:item inside obj:products
				for _, k := range []string{"contentDesc", "currencyCode", "productCountry", "productQty", "productTariffCode", "productValue", "productWeight"} {
					if v, ok := p[k]; ok {
						fmt.Fprintf(&b, "<%s%s>%s</%s%s>", f, k, esc(v), f, k)
					}
				}
				b.WriteString("</" + w + "item>")
			}
			b.WriteString("</" + f + x.name + ">")
		case x.items != nil:
			b.WriteString("<" + f + x.name + ">")
			for _, it := range x.items {
				fmt.Fprintf(&b, "<%sitem>%s</%sitem>", w, esc(it), w)
			}
			b.WriteString("</" + f + x.name + ">")
		default:
			fmt.Fprintf(&b, "<%s%s>%s</%s%s>", f, x.name, esc(x.value), f, x.name)
		}
	}
	b.WriteString("</" + w + wrapper + ">")
	if style == prefixed {
		b.WriteString(`</web:` + op + `>`)
	} else {
		b.WriteString(`</` + op + `>`)
	}
	b.WriteString("</soapenv:Body></soapenv:Envelope>")
	return b.String()
}

// ecReturn is an operation's Return as a raw-XML client reads it: its children by local name, the
// lists' items in order.
type ecReturn struct {
	fields   map[string]string
	nils     map[string]bool
	items    map[string][]string // ArrayOfString children
	tracking [][3]string         // trackingInfos: no, date, detail
	raw      string
}

func (r ecReturn) status() string { return r.fields["status"] }

// ecPost sends a raw request to a path and reads the Return of op.
func (e *ecEnv) ecPost(t testing.TB, path, op, body string) ecReturn {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	r.Header.Set("Content-Type", "text/xml; charset=utf-8")
	r.Header.Set("SOAPAction", "")
	w := httptest.NewRecorder()
	e.mux.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		t.Fatalf("%s: HTTP %d: %s", op, w.Code, w.Body.String())
	}
	return readReturn(t, op, w.Body.String())
}

func readReturn(t testing.TB, op, body string) ecReturn {
	t.Helper()
	out := ecReturn{fields: map[string]string{}, nils: map[string]bool{}, items: map[string][]string{}, raw: body}
	d := xml.NewDecoder(strings.NewReader(body))
	var path []string
	var text strings.Builder
	inReturn := false
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		switch x := tok.(type) {
		case xml.StartElement:
			path = append(path, x.Name.Local)
			text.Reset()
			if x.Name.Local == op+"Return" {
				inReturn = true
			}
			for _, a := range x.Attr {
				if a.Name.Local == "nil" && a.Value == "true" {
					out.nils[x.Name.Local] = true
				}
			}
		case xml.CharData:
			text.Write(x)
		case xml.EndElement:
			n := len(path)
			if inReturn && n >= 2 {
				parent := path[n-2]
				switch {
				case parent == op+"Return":
					if _, ok := out.fields[x.Name.Local]; !ok {
						out.fields[x.Name.Local] = text.String()
					}
				case n >= 3 && path[n-3] == "trackingInfos" && parent == "item":
					if x.Name.Local == "no" {
						out.tracking = append(out.tracking, [3]string{})
					}
					if len(out.tracking) > 0 {
						i := map[string]int{"no": 0, "date": 1, "detail": 2}[x.Name.Local]
						out.tracking[len(out.tracking)-1][i] = text.String()
					}
				case x.Name.Local == "item" && parent != "trackingInfos":
					out.items[parent] = append(out.items[parent], text.String())
				}
			}
			if x.Name.Local == op+"Return" {
				inReturn = false
			}
			path = path[:n-1]
			text.Reset()
		}
	}
	if _, ok := out.fields["status"]; !ok {
		t.Fatalf("%s: no %sReturn/status in %s", op, op, body)
	}
	return out
}

// do sends an operation with a fresh token of in, in the prefixed style, to the endpoint of the
// credential's mode.
func (e *ecEnv) do(t testing.TB, in account.Integrator, service, op, wrapper string, fields ...kv) ecReturn {
	t.Helper()
	return e.doStyle(t, prefixed, newToken(in, e.c.Now()), in, service, op, wrapper, fields...)
}

func (e *ecEnv) doStyle(t testing.TB, style nsStyle, tok token, in account.Integrator, service, op, wrapper string, fields ...kv) ecReturn {
	t.Helper()
	base := soap.ECShipLivePath
	if in.Mode == account.Test {
		base = soap.ECShipTrialPath
	}
	all := append([]kv{{name: "ecshipUsername", value: "shop"}, {name: "integratorUsername", value: in.Username}}, fields...)
	return e.ecPost(t, base+"/"+service, op, ecRequest(style, tok, op, wrapper, all))
}

// usOrder is a createOrder to the United States by e-Express+ (AEP: e-Express US), with two
// products.
func usOrder(ref string) []kv {
	return []kv{
		{name: "shipCode", value: "AEP"}, {name: "countryCode", value: "USB"}, {name: "mailType", value: "E"},
		{name: "refNo", value: ref},
		{name: "senderName", value: "Chan Tai Man"}, {name: "senderAddress", value: "Flat A, 8/F, 8 Nathan Road, Tsim Sha Tsui"},
		{name: "senderContactNo", value: "91234567"}, {name: "senderCountry", value: "HKG"},
		{name: "recipientName", value: "Jane Doe"}, {name: "recipientAddress", value: "350 Fifth Avenue, Apt 5"},
		{name: "recipientCity", value: "New York, NY"}, {name: "recipientPostalNo", value: "10118"},
		{name: "recipientContactNo", value: "2125550100"}, {name: "recipientContactNoAreaCode", value: "1"},
		{name: "itemCategory", value: "M"},
		{name: "products", products: []map[string]string{
			{"contentDesc": "Silk scarf", "currencyCode": "HKD", "productCountry": "HKG", "productQty": "2", "productTariffCode": "621410", "productValue": "380", "productWeight": "0.3"},
			{"contentDesc": "Tea", "currencyCode": "HKD", "productCountry": "CNA", "productQty": "1", "productTariffCode": "090230", "productValue": "120.50", "productWeight": "0.25"},
		}},
	}
}
