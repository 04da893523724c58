package app_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/netip"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/testenv"
)

// ecshipCall is a SOAP request of the EC-Ship API, as a PHP plugin sends it.
func ecshipCall(user, key, op, wrapper, fields string) string {
	nonce := []byte(time.Now().Format(time.RFC3339Nano))
	return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:web="http://webservice.integrator.hkpost.com" xmlns:obj="http://object.integrator.hkpost.com">` +
		testenv.SecurityHeader(user, key, nonce, time.Now().UTC().Format(time.RFC3339)) +
		`<soapenv:Body><web:` + op + `><web:` + wrapper + `><obj:ecshipUsername>soapshop</obj:ecshipUsername><obj:integratorUsername>` + user + `</obj:integratorUsername>` +
		fields + `</web:` + wrapper + `></web:` + op + `></soapenv:Body></soapenv:Envelope>`
}

// returnField reads one field of a SOAP answer's Return by local name.
func returnField(body, name string) string {
	m := regexp.MustCompile(`<(?:\w+:)?` + name + `>([^<]*)</`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// rule: API-1
// An order made over the EC-Ship SOAP API is the label the REST API shows: the same id, item
// number, state and label PDF, on the same server, and cancelling it over SOAP is seen over REST.
func TestECShipSOAPAgreesWithREST(t *testing.T) {
	for name, dsn := range storetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			a, base := start(t, dsn, nil)
			key := apiKey(t, a.Accounts, "soapshop", account.Live)
			u := userByLogin(t, a, "soapshop")
			const secret = "7f1c2a90-5b3e-4d8a-9c41-2e6f0b7d3a15"
			if _, err := a.Accounts.CreateIntegrator(context.Background(), u, account.Integrator{Username: "soap_shop", Password: secret, Mode: account.Live,
				AllowIPs: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("::1/128")}, TokenReuse: account.DefaultTokenReuse}, account.Client{}); err != nil {
				t.Fatal(err)
			}
			b := newClient(t, base)
			soapPost := func(service, op, wrapper, fields string) string {
				t.Helper()
				code, _, body := b.doJSON("POST", "/API/services/"+service, ecshipCall("soap_shop", secret, op, wrapper, fields), "Content-Type", "text/xml; charset=utf-8")
				if code != 200 || returnField(body, "status") != "0" {
					t.Fatalf("%s: HTTP %d status %q %q", op, code, returnField(body, "status"), returnField(body, "errMessage"))
				}
				return body
			}
			rest := func(path string) string {
				t.Helper()
				code, _, body := b.doJSON("GET", path, "", "Authorization", "Bearer "+key)
				if code != 200 {
					t.Fatalf("GET %s: %d %s", path, code, body)
				}
				return body
			}
			order := soapPost("Posting", "createOrder", "api02Req", `<obj:shipCode>AEP</obj:shipCode><obj:countryCode>USC</obj:countryCode><obj:refNo>AGREE-1</obj:refNo>`+
				`<obj:senderName>Chan Tai Man</obj:senderName><obj:senderAddress>8 Nathan Road</obj:senderAddress><obj:senderContactNo>91234567</obj:senderContactNo>`+
				`<obj:recipientName>Jane Doe</obj:recipientName><obj:recipientAddress>1 Market Street</obj:recipientAddress><obj:recipientCity>San Francisco, CA</obj:recipientCity>`+
				`<obj:recipientPostalNo>94105</obj:recipientPostalNo><obj:itemCategory>M</obj:itemCategory><obj:products><web:item><obj:contentDesc>Silk scarf</obj:contentDesc>`+
				`<obj:productQty>1</obj:productQty><obj:productWeight>0.3</obj:productWeight><obj:productValue>380</obj:productValue><obj:productTariffCode>621410</obj:productTariffCode>`+
				`<obj:productCountry>HKG</obj:productCountry></web:item></obj:products>`)
			id, itemNo := returnField(order, "orderNo"), returnField(order, "itemNo")
			var s struct {
				ID, Status, Service, Reference string
				ItemNo                         string `json:"item_no"`
				Recipient                      struct{ Name, Country string }
			}
			if err := json.Unmarshal([]byte(rest("/api/v1/shipments/"+id)), &s); err != nil {
				t.Fatal(err)
			}
			if s.ID != id || s.ItemNo != itemNo || s.Status != "ready" || s.Service != "AEX" || s.Reference != "AGREE-1" || s.Recipient.Country != "US" || s.Recipient.Name != "Jane Doe" {
				t.Errorf("the SOAP order over REST: %+v (SOAP: %s %s)", s, id, itemNo)
			}
			pack := soapPost("Posting", "getAddressPack", "api11Req", `<obj:itemNo><web:item>`+itemNo+`</web:item></obj:itemNo><obj:printMode>0</obj:printMode>`)
			pdf, err := base64.StdEncoding.DecodeString(returnField(pack, "ap"))
			if err != nil || string(pdf) != rest("/api/v1/shipments/"+id+"/label") {
				t.Errorf("getAddressPack is not REST's label (%v, %d bytes)", err, len(pdf))
			}
			soapPost("Posting", "cancelOrder", "api03Req", `<obj:orderNo>`+id+`</obj:orderNo>`)
			if got := rest("/api/v1/shipments/" + id); !strings.Contains(got, `"status":"cancelled"`) {
				t.Errorf("cancelled over SOAP, over REST: %s", got)
			}
		})
	}
}
