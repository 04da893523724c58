package soap_test

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/soap"
	"github.com/ecship/ecship/internal/store"
	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/testenv"
)

// rule: API-1, API-2
// getTotalPostage answers what the portal's quote does for the same item, from Hongkong Post's
// three-letter country codes and ship codes, in the three namespace styles clients use.
func TestECShipTotalPostageIsThePortalsQuote(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newECEnv(t, st, monday)
		for _, tc := range []struct {
			country, iso, ship, weight, insurance string
			grams                                 int
			style                                 nsStyle
		}{
			{"JPA", "JP", "EMS", "0.5", "", 500, prefixed},
			{"USB", "US", "AEP", "1.25", "", 1250, defaultNS},
			{"CNA", "CN", "ARM", "0.02", "", 20, unqualified},
			{"GBA", "GB", "APL", "3", "2000", 3000, prefixed},
			{"HKG", "HK", "LPL", "2.0", "", 2000, defaultNS},
		} {
			r := e.doStyle(t, tc.style, newToken(e.shopLive, e.c.Now()), e.shopLive, soap.ServiceCalculator, "getTotalPostage", "api01Req",
				kv{name: "countryCode", value: tc.country}, kv{name: "shipCode", value: tc.ship}, kv{name: "weight", value: tc.weight},
				kv{name: "insuranceAmount", value: tc.insurance})
			if r.status() != "0" || r.fields["errMessage"] != "Success" {
				t.Errorf("%s %s: status %s %q", tc.ship, tc.country, r.status(), r.fields["errMessage"])
				continue
			}
			var ins money.Cents
			if tc.insurance != "" {
				ins = money.MustParse(tc.insurance)
			}
			opts, err := e.cat.Quote(catalog.QuoteRequest{Destination: tc.iso, WeightG: tc.grams, Service: tc.ship, Insurance: ins, At: e.c.Now()})
			if err != nil {
				t.Fatal(err)
			}
			svc, ok := e.cat.Service(tc.ship)
			if !ok {
				t.Fatalf("no service %s", tc.ship)
			}
			for _, o := range opts {
				if o.Service != svc {
					continue
				}
				if got := r.fields["totalPostage"]; got != o.Total.String() {
					t.Errorf("%s %s %s kg: totalPostage %s, the portal's quote %s", tc.ship, tc.country, tc.weight, got, o.Total)
				}
				if tc.insurance != "" && r.fields["insurancePremiumFee"] != o.Insurance.Premium.String() {
					t.Errorf("%s: premium %s, the quote's %s", tc.ship, r.fields["insurancePremiumFee"], o.Insurance.Premium)
				}
			}
			if strings.ContainsAny(r.fields["totalPostage"], "eE") {
				t.Errorf("totalPostage %q is not a plain decimal", r.fields["totalPostage"])
			}
		}
		// Bad input names the field; every field of the Return is there all the same.
		r := e.do(t, e.shopLive, soap.ServiceCalculator, "getTotalPostage", "api01Req",
			kv{name: "countryCode", value: "XXA"}, kv{name: "shipCode", value: "EMS"}, kv{name: "weight", value: "-1"})
		if r.status() != "1" || !strings.Contains(r.fields["errMessage"], "countryCode") || !strings.Contains(r.fields["errMessage"], "weight") {
			t.Errorf("bad country and weight: %s %q", r.status(), r.fields["errMessage"])
		}
		for _, f := range []string{"totalPostage", "additionalCharge", "insurancePremiumFee", "statusAndErrMessage"} {
			if _, ok := r.fields[f]; !ok {
				t.Errorf("the error's Return lacks %s: %s", f, r.raw)
			}
		}
		if !r.nils["totalPostage"] {
			t.Errorf("an empty totalPostage is not xsi:nil: %s", r.raw)
		}
	})
}

// rule: API-1
// createOrder makes the same label REST would, getOrderInfo reads it back, getAddressPack prints
// it (the PDF REST gives), and cancelOrder cancels it through the state machine.
func TestECShipOrderToLabel(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newECEnv(t, st, monday)
		for _, style := range []nsStyle{prefixed, defaultNS, unqualified} {
			r := e.doStyle(t, style, newToken(e.shopLive, e.c.Now()), e.shopLive, soap.ServicePosting, "createOrder", "api02Req", usOrder("WEB-1001-"+string(rune('A'+style)))...)
			if r.status() != "0" || r.fields["itemNo"] == "" || r.fields["orderNo"] == "" {
				t.Fatalf("style %d: createOrder: %s %q\n%s", style, r.status(), r.fields["errMessage"], r.raw)
			}
		}
		r := e.do(t, e.shopLive, soap.ServicePosting, "createOrder", "api02Req", usOrder("WEB-2002")...)
		sh, err := e.ship.Get(ctx, shipment.Owner{User: e.shop, Mode: account.Live}, r.fields["orderNo"])
		if err != nil {
			t.Fatalf("the order is not the shop's label: %v", err)
		}
		if sh.ItemNo != r.fields["itemNo"] || sh.Service != "AEX" || sh.Recipient.Country != "US" || sh.WeightG != 550 ||
			sh.Status != shipment.Ready || sh.Reference != "WEB-2002" || len(sh.Contents.Items) != 2 || sh.Contents.Items[1].Origin != "CN" {
			t.Errorf("the label: %+v", sh)
		}
		if got := r.fields["deliveryCharge"]; got != (sh.Postage + sh.Fees).String() {
			t.Errorf("deliveryCharge %s, the label's %s", got, sh.Postage+sh.Fees)
		}

		info := e.do(t, e.shopLive, soap.ServicePosting, "getOrderInfo", "api07Req", kv{name: "orderNo", value: sh.ID})
		if info.status() != "0" || info.fields["itemNo"] != sh.ItemNo || info.fields["orderStatus"] != "ready" || info.fields["countryCode"] != "USA" ||
			info.fields["weight"] != "0.55" || info.fields["refNo"] != "WEB-2002" {
			t.Errorf("getOrderInfo: %v", info.fields)
		}

		ap := e.do(t, e.shopLive, soap.ServicePosting, "getAddressPack", "api11Req", kv{name: "itemNo", items: []string{sh.ItemNo}}, kv{name: "printMode", value: "0"})
		pdf, err := base64.StdEncoding.DecodeString(ap.fields["ap"])
		if ap.status() != "0" || err != nil || !strings.HasPrefix(string(pdf), "%PDF-") {
			t.Fatalf("getAddressPack: %s %q (%v)", ap.status(), ap.fields["errMessage"], err)
		}
		printed, err := e.ship.Get(ctx, shipment.Owner{User: e.shop, Mode: account.Live}, sh.ID)
		if err != nil || printed.PrintedAt == nil {
			t.Errorf("getAddressPack did not print the label: %v", err)
		}
		want, err := shipment.RenderLabels(e.cat, []*shipment.Shipment{printed}, "", false)
		if err != nil || string(want) != string(pdf) {
			t.Errorf("the address pack is not the label REST prints (%d and %d bytes)", len(pdf), len(want))
		}

		cancel := e.do(t, e.shopLive, soap.ServicePosting, "cancelOrder", "api03Req", kv{name: "orderNo", value: sh.ID}, kv{name: "itemNo", value: sh.ItemNo})
		if cancel.status() != "0" {
			t.Fatalf("cancelOrder: %s %q", cancel.status(), cancel.fields["errMessage"])
		}
		after := e.shopLabel(t, sh.ID)
		if after.Status != shipment.Cancelled {
			t.Errorf("cancelled order: %+v", after)
		}
		again := e.do(t, e.shopLive, soap.ServicePosting, "cancelOrder", "api03Req", kv{name: "orderNo", value: sh.ID})
		if again.status() != "3" {
			t.Errorf("cancelling twice: %s %q", again.status(), again.fields["errMessage"])
		}
	})
}

// rule: LBL-11
// Bad orders get a status naming the request's field, and nothing is created.
func TestECShipOrderRefusalsNameTheField(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newECEnv(t, st, monday)
		drop := func(fields []kv, name string) []kv {
			var out []kv
			for _, f := range fields {
				if f.name != name {
					out = append(out, f)
				}
			}
			return out
		}
		set := func(fields []kv, name, value string) []kv {
			out := append([]kv(nil), fields...)
			for i := range out {
				if out[i].name == name {
					out[i].value = value
				}
			}
			return out
		}
		commercialNoHS := usOrder("X")
		commercialNoHS[len(commercialNoHS)-1] = kv{name: "products", products: []map[string]string{
			{"contentDesc": "Silk scarf", "productQty": "1", "productTariffCode": "", "productCountry": "", "productValue": "380", "productWeight": "0.3"}}}
		for _, tc := range []struct {
			name   string
			fields []kv
			want   []string
		}{
			{"no recipient name", drop(usOrder("X"), "recipientName"), []string{"recipientName"}},
			{"unknown country", set(usOrder("X"), "countryCode", "ZZZ"), []string{"countryCode"}},
			{"bad ZIP", set(usOrder("X"), "recipientPostalNo", "1011"), []string{"recipientPostalNo"}},
			{"unknown ship code", set(usOrder("X"), "shipCode", "XYZ"), []string{"shipCode"}},
			{"no products", drop(usOrder("X"), "products"), []string{"products"}},
			{"commercial item without HS code and origin", commercialNoHS, []string{"products.item[0].productTariffCode", "products.item[0].productCountry"}},
			{"counter collection without office", set(usOrder("X"), "mailType", "CC"), []string{"pickupOffice"}},
		} {
			r := e.do(t, e.shopLive, soap.ServicePosting, "createOrder", "api02Req", tc.fields...)
			if r.status() != "1" {
				t.Errorf("%s: status %s %q", tc.name, r.status(), r.fields["errMessage"])
			}
			for _, w := range tc.want {
				if !strings.Contains(r.fields["errMessage"], w) {
					t.Errorf("%s: errMessage %q does not name %s", tc.name, r.fields["errMessage"], w)
				}
			}
			for _, f := range []string{"itemNo", "orderNo", "deliveryCharge", "insurPermFee", "additionalDocument"} {
				if _, ok := r.fields[f]; !ok {
					t.Errorf("%s: the Return lacks %s", tc.name, f)
				}
			}
		}
		// Gifts need neither HS code nor origin: the origin is then the sender's country.
		gift := set(usOrder("GIFT-1"), "itemCategory", "G")
		gift[len(gift)-1] = kv{name: "products", products: []map[string]string{
			{"contentDesc": "Birthday card", "productQty": "1", "productTariffCode": "", "productCountry": "", "productValue": "20", "productWeight": "0.05"}}}
		r := e.do(t, e.shopLive, soap.ServicePosting, "createOrder", "api02Req", gift...)
		if r.status() != "0" {
			t.Fatalf("a gift without HS code: %s %q", r.status(), r.fields["errMessage"])
		}
		if sh := e.shopLabel(t, r.fields["orderNo"]); sh.Contents.Items[0].Origin != "HK" {
			t.Errorf("the gift's origin: %+v", sh)
		}
		list, _, err := e.ship.List(ctx, shipment.Owner{User: e.shop, Mode: account.Live}, shipment.Filter{Search: "X", Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range list {
			if s.Reference == "X" {
				t.Errorf("a refused order was stored: %s", s.ID)
			}
		}
	})
}

// A createOrder retried with the same refNo and the same content answers the first order; other
// content under the same refNo is another order. Concurrent retries create once.
func TestECShipCreateOrderRetryCountsOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newECEnv(t, st, monday)
		first := e.do(t, e.shopLive, soap.ServicePosting, "createOrder", "api02Req", usOrder("SHOP-77")...)
		again := e.do(t, e.shopLive, soap.ServicePosting, "createOrder", "api02Req", usOrder("SHOP-77")...)
		if first.status() != "0" || again.fields["orderNo"] != first.fields["orderNo"] || again.fields["itemNo"] != first.fields["itemNo"] {
			t.Errorf("a retry made another order: %v then %v", first.fields, again.fields)
		}
		other := usOrder("SHOP-77")
		other[8] = kv{name: "recipientName", value: "John Roe"}
		diff := e.do(t, e.shopLive, soap.ServicePosting, "createOrder", "api02Req", other...)
		if diff.status() != "0" || diff.fields["orderNo"] == first.fields["orderNo"] {
			t.Errorf("other content under the same refNo: %v", diff.fields)
		}
		// An order cancelled, or a temporary order deleted, is made anew by the same request.
		e.do(t, e.shopLive, soap.ServicePosting, "cancelOrder", "api03Req", kv{name: "orderNo", value: diff.fields["orderNo"]})
		anew := e.do(t, e.shopLive, soap.ServicePosting, "createOrder", "api02Req", other...)
		if anew.status() != "0" || anew.fields["orderNo"] == diff.fields["orderNo"] || e.shopLabel(t, anew.fields["orderNo"]).Status != shipment.Ready {
			t.Errorf("the same order after cancelling it: %v", anew.fields)
		}
		tmp := e.do(t, e.shopLive, soap.ServicePosting, "createTemporaryOrder", "api02Req", usOrder("TMP-1")[:6]...)
		e.do(t, e.shopLive, soap.ServicePosting, "cancelTemporaryOrder", "api12Req", kv{name: "orderNo", value: tmp.fields["orderNo"]})
		if again := e.do(t, e.shopLive, soap.ServicePosting, "createTemporaryOrder", "api02Req", usOrder("TMP-1")[:6]...); again.status() != "0" || again.fields["orderNo"] == tmp.fields["orderNo"] {
			t.Errorf("the same temporary order after deleting it: %s %v", again.status(), again.fields)
		}

		// A day later the same request is a new order, and the retention job forgets the old keys.
		e.c.Add(25 * time.Hour)
		if n, err := st.DeleteStaleCreateKeys(ctx, e.c.Now()); err != nil || n != 3 {
			t.Errorf("stale create keys deleted: %d, %v; want the three of the day before", n, err)
		}
		later := e.do(t, e.shopLive, soap.ServicePosting, "createOrder", "api02Req", usOrder("SHOP-77")...)
		if later.status() != "0" || later.fields["orderNo"] == first.fields["orderNo"] {
			t.Errorf("a day later: %v", later.fields)
		}

		const racers = 8
		got := make(chan string, racers)
		for range racers {
			go func() {
				tok := newToken(e.shopLive, e.c.Now())
				body := ecRequest(prefixed, tok, "createOrder", "api02Req",
					append([]kv{{name: "ecshipUsername", value: "shop"}, {name: "integratorUsername", value: e.shopLive.Username}}, usOrder("RACE-1")...))
				r := httptest.NewRequest(http.MethodPost, soap.ECShipLivePath+"/Posting", strings.NewReader(body))
				w := httptest.NewRecorder()
				e.mux.ServeHTTP(w, r)
				got <- w.Body.String()
			}()
		}
		orders := map[string]bool{}
		for range racers {
			ret := readReturn(t, "createOrder", <-got)
			if ret.status() != "0" {
				t.Errorf("a racer: %s %q", ret.status(), ret.fields["errMessage"])
			}
			orders[ret.fields["orderNo"]] = true
		}
		if len(orders) != 1 {
			t.Errorf("%d racing retries made %d orders", racers, len(orders))
		}
	})
}

// rule: API-3, TRK-4
// Credentials: live ones on /API, test ones on /API-trial (test-mode labels); the sender named
// must be one the integrator acts for; a token may be reused within the credential's window by
// that credential only.
func TestECShipCredentials(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newECEnv(t, st, monday)
		quote := []kv{{name: "countryCode", value: "JPA"}, {name: "shipCode", value: "EMS"}, {name: "weight", value: "0.5"}}
		ask := func(path string, tok token, integrator, sender string) ecReturn {
			t.Helper()
			body := ecRequest(prefixed, tok, "getTotalPostage", "api01Req",
				append([]kv{{name: "ecshipUsername", value: sender}, {name: "integratorUsername", value: integrator}}, quote...))
			return e.ecPost(t, path+"/Calculator", "getTotalPostage", body)
		}
		now := e.c.Now()
		if r := ask(soap.ECShipLivePath, newToken(e.shopTrial, now), e.shopTrial.Username, "shop"); r.status() != "0" {
			t.Errorf("a test credential quoting on the live endpoint (quotes touch no data): %s", r.status())
		}
		info := ecRequest(prefixed, newToken(e.shopTrial, now), "getOrderInfo", "api07Req", []kv{{name: "ecshipUsername", value: "shop"},
			{name: "integratorUsername", value: e.shopTrial.Username}, {name: "orderNo", value: "shp_x"}})
		if r := e.ecPost(t, soap.ECShipLivePath+"/Posting", "getOrderInfo", info); r.status() != "9992" {
			t.Errorf("a test credential on the live Posting endpoint: %s", r.status())
		}
		if r := ask(soap.ECShipTrialPath, newToken(e.shopTrial, now), e.shopTrial.Username, "shop"); r.status() != "0" {
			t.Errorf("a test credential on the trial endpoint: %s %q", r.status(), r.fields["errMessage"])
		}
		if r := ask(soap.ECShipLivePath, newToken(e.rivalLive, now), e.rivalLive.Username, "shop"); r.status() != "1" || !strings.Contains(r.fields["errMessage"], "ecshipUsername") {
			t.Errorf("the rival's integrator acting for the shop: %s %q", r.status(), r.fields["errMessage"])
		}
		wrong := newToken(e.shopLive, now)
		wrong.password = "not-the-key"
		if r := ask(soap.ECShipLivePath, wrong, e.shopLive.Username, "shop"); r.status() != "9992" {
			t.Errorf("a wrong key: %s", r.status())
		}
		mismatch := newToken(e.shopLive, now)
		if r := ask(soap.ECShipLivePath, mismatch, e.shopStrict.Username, "shop"); r.status() != "9992" {
			t.Errorf("a body naming another integrator than the token: %s", r.status())
		}

		// Real clients send Hong Kong time marked Z (eight hours ahead), some on a 12-hour clock.
		hkAsZ := newToken(e.shopLive, now)
		hkAsZ.created = now.Add(8 * time.Hour).UTC().Format(time.RFC3339)
		if r := ask(soap.ECShipLivePath, hkAsZ, e.shopLive.Username, "shop"); r.status() != "0" {
			t.Errorf("Created in Hong Kong time marked Z: %s", r.status())
		}
		tooFar := newToken(e.shopLive, now)
		tooFar.created = now.Add(9 * time.Hour).UTC().Format(time.RFC3339)
		if r := ask(soap.ECShipLivePath, tooFar, e.shopLive.Username, "shop"); r.status() != "9992" {
			t.Errorf("Created nine hours ahead: %s", r.status())
		}
		// A 64-character key and a username with underscores.
		long := e.integratorWith(t, e.shop, account.Integrator{Username: "shop_long_key", Password: strings.Repeat("k1_", 21) + "z", Mode: account.Live}, "192.0.2.1")
		if r := ask(soap.ECShipLivePath, newToken(long, now), long.Username, "shop"); r.status() != "0" || len(long.Password) != 64 {
			t.Errorf("a 64-character key: %s", r.status())
		}
		if r := e.env.do(t, e.m, call{cred: long, items: []string{e.delivered}}); r.Status != 9992 {
			t.Errorf("the Mail Tracking API took a key over its 20 characters: %d", r.Status)
		}

		// One token, several calls in a row: within the window, by the same credential.
		tok := newToken(e.shopLive, now)
		for i := range 3 {
			if r := ask(soap.ECShipLivePath, tok, e.shopLive.Username, "shop"); r.status() != "0" {
				t.Errorf("use %d of one token: %s", i+1, r.status())
			}
		}
		e.c.Add(account.DefaultTokenReuse + time.Second)
		if r := ask(soap.ECShipLivePath, tok, e.shopLive.Username, "shop"); r.status() != "9992" {
			t.Errorf("the token after its window: %s", r.status())
		}
		strict := newToken(e.shopStrict, e.c.Now())
		if r := ask(soap.ECShipLivePath, strict, e.shopStrict.Username, "shop"); r.status() != "0" {
			t.Errorf("a strict credential's first use: %s", r.status())
		}
		if r := ask(soap.ECShipLivePath, strict, e.shopStrict.Username, "shop"); r.status() != "9992" {
			t.Errorf("a strict credential's token again: %s", r.status())
		}

		// Trial orders are test-mode labels, Z series, invisible to live calls.
		order := e.do(t, e.shopTrial, soap.ServicePosting, "createOrder", "api02Req", usOrder("TRIAL-1")...)
		if order.status() != "0" || !strings.HasPrefix(order.fields["itemNo"], "Z") {
			t.Fatalf("a trial order: %s %q %s", order.status(), order.fields["errMessage"], order.fields["itemNo"])
		}
		if r := e.do(t, e.shopLive, soap.ServicePosting, "getOrderInfo", "api07Req", kv{name: "orderNo", value: order.fields["orderNo"]}); r.status() != "2" {
			t.Errorf("a trial order read with the live credential: %s", r.status())
		}
	})
}

// getMTTInfo and getTTInfo answer the sender's own items from the tracking domain.
func TestECShipTracking(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newECEnv(t, st, monday)
		m := e.do(t, e.shopLive, soap.ServiceTracking, "getMTTInfo", "api04Req", kv{name: "itemNo", value: e.delivered})
		if m.status() != "0" || m.fields["ttStatus"] != "5" || m.fields["trackingDate"] == "" {
			t.Errorf("getMTTInfo of a delivered item: %v", m.fields)
		}
		for lang, want := range map[string]string{"E": "Delivered", "C": "已成功派遞", "S": ""} {
			r := e.do(t, e.shopLive, soap.ServiceTracking, "getTTInfo", "api05Req", kv{name: "itemNo", value: e.delivered}, kv{name: "language", value: lang})
			if r.status() != "0" || len(r.tracking) != 6 || r.fields["itemNo"] != e.delivered {
				t.Fatalf("getTTInfo %s: %s, %d events", lang, r.status(), len(r.tracking))
			}
			for i, ti := range r.tracking {
				if ti[0] == "" || ti[1] == "" || ti[2] == "" {
					t.Errorf("getTTInfo %s: trackingInfos item %d has an empty part: %v", lang, i, ti)
				}
			}
			if want != "" && !strings.HasPrefix(r.tracking[5][2], want) {
				t.Errorf("getTTInfo %s: last event %q", lang, r.tracking[5][2])
			}
		}
		if r := e.do(t, e.shopLive, soap.ServiceTracking, "getMTTInfo", "api04Req", kv{name: "itemNo", value: e.rivalItem}); r.status() != "2" {
			t.Errorf("another sender's item: %s", r.status())
		}
		if r := e.do(t, e.shopLive, soap.ServiceTracking, "getTTInfo", "api05Req", kv{name: "itemNo", value: "nonsense"}); r.status() != "1" {
			t.Errorf("a malformed item number: %s", r.status())
		}
	})
}

// Requests that are not a readable call get a SOAP Fault, never a 500 and never half a change.
func TestECShipFaults(t *testing.T) {
	st := storetest.Open(t, storetest.DSNs(t)["sqlite"])
	e := newECEnv(t, st, monday)
	tok := newToken(e.shopLive, e.c.Now())
	valid := ecRequest(prefixed, tok, "getTotalPostage", "api01Req", []kv{{name: "integratorUsername", value: e.shopLive.Username}})
	for name, body := range map[string]string{
		"not XML":                     "hello",
		"DOCTYPE":                     `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body/></soapenv:Envelope>`,
		"unknown operation":           strings.ReplaceAll(valid, "getTotalPostage", "getFreeShipping"),
		"another service's operation": ecRequest(prefixed, tok, "createOrder", "api02Req", nil),
		"must understand":             strings.Replace(valid, "<soapenv:Header>", `<soapenv:Header><x:Routing soapenv:mustUnderstand="1" xmlns:x="urn:x"/>`, 1),
		"huge":                        strings.Replace(valid, "</obj:integratorUsername>", strings.Repeat("x", soap.MaxBody)+"</obj:integratorUsername>", 1),
	} {
		r := httptest.NewRequest(http.MethodPost, soap.ECShipLivePath+"/Calculator?wsdl", strings.NewReader(body))
		w := httptest.NewRecorder()
		e.mux.ServeHTTP(w, r)
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "<soapenv:Fault>") {
			t.Errorf("%s: HTTP %d %s", name, w.Code, w.Body.String())
		}
	}
}

// Each service's WSDL is served on GET, live and trial, with the address the client reached.
func TestECShipWSDL(t *testing.T) {
	st := storetest.Open(t, storetest.DSNs(t)["sqlite"])
	e := newECEnv(t, st, monday)
	for _, base := range []string{soap.ECShipLivePath, soap.ECShipTrialPath} {
		for _, svc := range []string{soap.ServiceCalculator, soap.ServicePosting, soap.ServiceTracking, soap.ServiceSoazPosting} {
			r := httptest.NewRequest(http.MethodGet, base+"/"+svc+"?wsdl", nil)
			w := httptest.NewRecorder()
			e.mux.ServeHTTP(w, r)
			body := w.Body.String()
			if w.Code != http.StatusOK || !strings.Contains(body, `location="http://example.com`+base+"/"+svc+`"`) ||
				!strings.Contains(body, `<wsdl:service name="`+svc+`Service">`) {
				t.Errorf("%s/%s: HTTP %d\n%.300s", base, svc, w.Code, body)
			}
		}
	}
}

// getCOP gives a posted item's certificate of posting; getItemNo finds item numbers by reference;
// getMcnInfo says plainly it is not served.
func TestECShipCertificateAndSearch(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newECEnv(t, st, monday)
		r := e.do(t, e.shopLive, soap.ServicePosting, "getCOP", "api10Req", kv{name: "itemNo", value: e.posted})
		pdf, err := base64.StdEncoding.DecodeString(r.fields["COP"])
		if r.status() != "0" || err != nil || !strings.HasPrefix(string(pdf), "%PDF-") {
			t.Fatalf("getCOP: %s %q", r.status(), r.fields["errMessage"])
		}
		text := testenv.PDFText(t, pdf)
		for _, want := range []string{"Certificate of posting", e.posted, "Tsim Sha Tsui"} {
			if !strings.Contains(text, want) {
				t.Errorf("the certificate lacks %q:\n%s", want, text)
			}
		}
		if got := strings.Join(testenv.Barcodes(t, pdf, 1), " "); !strings.Contains(got, e.posted) {
			t.Errorf("the certificate's barcode reads %q, want %s", got, e.posted)
		}
		if r := e.do(t, e.shopLive, soap.ServicePosting, "getCOP", "api10Req", kv{name: "itemNo", value: e.unposted}); r.status() != "3" || !r.nils["COP"] {
			t.Errorf("a certificate of an item not posted: %s %q", r.status(), r.fields["errMessage"])
		}
		if r := e.do(t, e.shopLive, soap.ServicePosting, "getCOP", "api10Req", kv{name: "itemNo", value: e.rivalItem}); r.status() != "2" {
			t.Errorf("a certificate of another sender's item: %s", r.status())
		}

		a := e.do(t, e.shopLive, soap.ServicePosting, "createOrder", "api02Req", usOrder("REF-9")...)
		e.c.Add(time.Minute)
		other := usOrder("REF-9")
		other[8] = kv{name: "recipientName", value: "John Roe"}
		b := e.do(t, e.shopLive, soap.ServicePosting, "createOrder", "api02Req", other...)
		found := e.do(t, e.shopLive, soap.ServicePosting, "getItemNo", "api26Req", kv{name: "searchParam", value: "REF-9"}, kv{name: "searchType", value: "REF_NO"})
		if got := found.items["itemNo"]; found.status() != "0" || len(got) != 2 || got[0] != b.fields["itemNo"] || got[1] != a.fields["itemNo"] {
			t.Errorf("getItemNo newest first: %v, want %s %s", got, b.fields["itemNo"], a.fields["itemNo"])
		}
		asc := e.do(t, e.shopLive, soap.ServicePosting, "getItemNo", "api26Req", kv{name: "searchParam", value: "REF-9"}, kv{name: "sortOrder", value: "ASC"})
		if got := asc.items["itemNo"]; len(got) != 2 || got[0] != a.fields["itemNo"] {
			t.Errorf("getItemNo oldest first: %v", got)
		}
		if r := e.do(t, e.rivalLive, soap.ServicePosting, "getItemNo", "api26Req", kv{name: "searchParam", value: "REF-9"}); r.status() != "1" {
			t.Errorf("the rival's integrator searching as the shop: %s", r.status())
		}
		if r := e.do(t, e.shopLive, soap.ServicePosting, "getMcnInfo", "api27Req", kv{name: "mcn", value: "12345"}); r.status() != "5" || r.fields["errMessage"] == "" {
			t.Errorf("getMcnInfo: %s %q", r.status(), r.fields["errMessage"])
		}
	})
}

// SoazPosting takes the same orders in its own flat field names.
func TestECShipSoazPosting(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newECEnv(t, st, monday)
		order := []kv{{name: "soazUsername", value: "shop"}, {name: "integratorUsername", value: e.shopLive.Username},
			{name: "service", value: "AEX"}, {name: "custOrdRef", value: "SOAZ-1"},
			{name: "addresseeName", value: "Kim Min-jun"}, {name: "addresseeAddr1", value: "12 Sejong-daero"}, {name: "addresseeAddr2", value: "Jung-gu"},
			{name: "addresseeCity", value: "Seoul"}, {name: "addresseePostalCode", value: "04524"}, {name: "addresseeCountry", value: "KRA"},
			{name: "addresseeTelNo", value: "+82 2 123 4567"},
			{name: "sendContactName", value: "Chan Tai Man"}, {name: "sendAddress1", value: "8 Nathan Road"}, {name: "sendAddress2", value: "Tsim Sha Tsui"},
			{name: "sendTelNo", value: "91234567"}, {name: "cn23ItemTypeCode", value: "M"}, {name: "itemCurrCode1", value: "HKD"},
			{name: "itemDesc1", value: "Phone case"}, {name: "itemQty1", value: "3"}, {name: "itemWgt1", value: "0.2"}, {name: "itemValue1", value: "150"},
			{name: "itemHSCode1", value: "392690"}, {name: "itemCtyCode1", value: "HKG"}}
		tok := newToken(e.shopLive, e.c.Now())
		r := e.ecPost(t, soap.ECShipLivePath+"/SoazPosting", "createSoazOrder", ecRequest(prefixed, tok, "createSoazOrder", "api30Req", order))
		if r.status() != "0" || r.fields["itemNo"] == "" {
			t.Fatalf("createSoazOrder: %s %q", r.status(), r.fields["errMessage"])
		}
		pack := e.ecPost(t, soap.ECShipLivePath+"/SoazPosting", "getSoazAddressPack", ecRequest(prefixed, tok, "getSoazAddressPack", "api31Req",
			[]kv{{name: "soazUsername", value: "shop"}, {name: "integratorUsername", value: e.shopLive.Username}, {name: "itemNo", value: r.fields["itemNo"]}, {name: "printMode", value: "0"}}))
		pdf, err := base64.StdEncoding.DecodeString(pack.fields["COP"])
		if pack.status() != "0" || err != nil || !strings.HasPrefix(string(pdf), "%PDF-") {
			t.Fatalf("getSoazAddressPack (the same token again, within its window): %s %q", pack.status(), pack.fields["errMessage"])
		}
		var bad []kv
		for _, f := range order {
			if f.name != "addresseeName" && f.name != "itemHSCode1" {
				bad = append(bad, f)
			}
		}
		r = e.ecPost(t, soap.ECShipLivePath+"/SoazPosting", "createSoazOrder", ecRequest(unqualified, newToken(e.shopLive, e.c.Now()), "createSoazOrder", "api30Req", bad))
		if r.status() != "1" || !strings.Contains(r.fields["errMessage"], "addresseeName") || !strings.Contains(r.fields["errMessage"], "itemHSCode1") {
			t.Errorf("a SOAZ order without addressee name and HS code: %s %q", r.status(), r.fields["errMessage"])
		}
	})
}

// Every operation answers in each of the three namespace styles clients use, on both databases.
func TestECShipEveryOperationInEveryStyle(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newECEnv(t, st, monday)
		for _, style := range []nsStyle{prefixed, defaultNS, unqualified} {
			run := func(service, op, wrapper string, fields ...kv) ecReturn {
				t.Helper()
				r := e.doStyle(t, style, newToken(e.shopLive, e.c.Now()), e.shopLive, service, op, wrapper, fields...)
				if r.status() != "0" && !(op == "getMcnInfo" && r.status() == "5") {
					t.Errorf("style %d: %s: %s %q", style, op, r.status(), r.fields["errMessage"])
				}
				return r
			}
			ref := fmt.Sprintf("STYLE-%d", style)
			run(soap.ServiceCalculator, "getTotalPostage", "api01Req", kv{name: "countryCode", value: "JPA"}, kv{name: "shipCode", value: "EMS"}, kv{name: "weight", value: "1"})
			o := run(soap.ServicePosting, "createOrder", "api02Req", usOrder(ref)...)
			run(soap.ServicePosting, "getOrderInfo", "api07Req", kv{name: "orderNo", value: o.fields["orderNo"]})
			run(soap.ServicePosting, "getItemNo", "api26Req", kv{name: "searchParam", value: ref}, kv{name: "searchType", value: "REF_NO"})
			run(soap.ServicePosting, "getAddressPack", "api11Req", kv{name: "itemNo", items: []string{o.fields["itemNo"]}}, kv{name: "printMode", value: "2"})
			run(soap.ServicePosting, "cancelOrder", "api03Req", kv{name: "orderNo", value: o.fields["orderNo"]})
			tmp := run(soap.ServicePosting, "createTemporaryOrder", "api02Req", usOrder(ref + "-T")[:6]...)
			run(soap.ServicePosting, "getTemporaryOrderInfo", "api07Req", kv{name: "orderNo", value: tmp.fields["orderNo"]})
			run(soap.ServicePosting, "cancelTemporaryOrder", "api12Req", kv{name: "orderNo", value: tmp.fields["orderNo"]})
			run(soap.ServicePosting, "getCOP", "api10Req", kv{name: "itemNo", value: e.posted})
			run(soap.ServicePosting, "getMcnInfo", "api27Req", kv{name: "mcn", value: "1"})
			run(soap.ServiceTracking, "getMTTInfo", "api04Req", kv{name: "itemNo", value: e.delivered})
			run(soap.ServiceTracking, "getTTInfo", "api05Req", kv{name: "itemNo", value: e.delivered}, kv{name: "language", value: "S"})
			// (APL: the env's labels hold R and E series numbers the item number allocator does not know)
			soaz := run(soap.ServiceSoazPosting, "createSoazOrder", "api30Req", kv{name: "service", value: "APL"}, kv{name: "custOrdRef", value: ref},
				kv{name: "addresseeName", value: "Wang Fang"}, kv{name: "addresseeAddr1", value: "1 Nanjing Road"}, kv{name: "addresseeCity", value: "Shanghai"},
				kv{name: "addresseePostalCode", value: "200001"}, kv{name: "addresseeCountry", value: "CNA"}, kv{name: "sendContactName", value: "Chan Tai Man"},
				kv{name: "sendAddress1", value: "8 Nathan Road"}, kv{name: "sendTelNo", value: "91234567"}, kv{name: "cn23ItemTypeCode", value: "D"},
				kv{name: "itemDesc1", value: "Letters"}, kv{name: "itemQty1", value: "1"}, kv{name: "itemWgt1", value: "0.05"}, kv{name: "itemValue1", value: "0"})
			run(soap.ServiceSoazPosting, "getSoazAddressPack", "api31Req", kv{name: "itemNo", value: soaz.fields["itemNo"]}, kv{name: "printMode", value: "0"})
		}
		// A request whose fields are in another operation's wrapper is a fault.
		body := ecRequest(prefixed, newToken(e.shopLive, e.c.Now()), "getOrderInfo", "api02Req", []kv{{name: "integratorUsername", value: e.shopLive.Username}})
		r := httptest.NewRequest(http.MethodPost, soap.ECShipLivePath+"/Posting", strings.NewReader(body))
		w := httptest.NewRecorder()
		e.mux.ServeHTTP(w, r)
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "api07Req") {
			t.Errorf("a wrong wrapper: HTTP %d %s", w.Code, w.Body.String())
		}
	})
}

// Review findings: an unknown nested field is ignored, not read as a product; a live credential
// may quote on the trial Calculator; an over-long nonce is refused; a long reference is a field
// problem, not a failure of the database.
func TestECShipLenientButBounded(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newECEnv(t, st, monday)
		extra := append(usOrder("EXTRA-1"), kv{name: "extra", items: []string{"x"}})
		if r := e.do(t, e.shopLive, soap.ServicePosting, "createOrder", "api02Req", extra...); r.status() != "0" {
			t.Errorf("an unknown nested field: %s %q", r.status(), r.fields["errMessage"])
		}
		quote := ecRequest(prefixed, newToken(e.shopLive, e.c.Now()), "getTotalPostage", "api01Req", []kv{
			{name: "ecshipUsername", value: "shop"}, {name: "integratorUsername", value: e.shopLive.Username},
			{name: "countryCode", value: "JPA"}, {name: "shipCode", value: "EMS"}, {name: "weight", value: "1"}})
		if r := e.ecPost(t, soap.ECShipTrialPath+"/Calculator", "getTotalPostage", quote); r.status() != "0" {
			t.Errorf("a live credential quoting on the trial Calculator: %s", r.status())
		}
		order := ecRequest(prefixed, newToken(e.shopLive, e.c.Now()), "createOrder", "api02Req",
			append([]kv{{name: "ecshipUsername", value: "shop"}, {name: "integratorUsername", value: e.shopLive.Username}}, usOrder("LIVE-ON-TRIAL")...))
		if r := e.ecPost(t, soap.ECShipTrialPath+"/Posting", "createOrder", order); r.status() != "9992" {
			t.Errorf("a live credential ordering on the trial endpoint: %s", r.status())
		}
		tok := newToken(e.shopLive, e.c.Now())
		tok.nonce = make([]byte, 3000)
		if r := e.doStyle(t, prefixed, tok, e.shopLive, soap.ServiceCalculator, "getTotalPostage", "api01Req",
			kv{name: "countryCode", value: "JPA"}, kv{name: "shipCode", value: "EMS"}, kv{name: "weight", value: "1"}); r.status() != "9992" {
			t.Errorf("a 3,000-byte nonce: %s", r.status())
		}
		long := usOrder(strings.Repeat("R", 5300))
		if r := e.do(t, e.shopLive, soap.ServicePosting, "createTemporaryOrder", "api02Req", long...); r.status() != "0" || !strings.Contains(r.fields["errMessage"], "refNo") {
			t.Errorf("a 5,300-character refNo on a temporary order: %s %q", r.status(), r.fields["errMessage"])
		}
	})
}

// getItemNo finds a reference exactly, however many others contain it.
func TestECShipItemNoByExactReference(t *testing.T) {
	st := storetest.Open(t, storetest.DSNs(t)["sqlite"])
	e := newECEnv(t, st, monday)
	want := e.do(t, e.shopLive, soap.ServicePosting, "createOrder", "api02Req", usOrder("77")...)
	for i := range 51 {
		e.c.Add(time.Second)
		e.do(t, e.shopLive, soap.ServicePosting, "createOrder", "api02Req", usOrder(fmt.Sprintf("ORD-77-%d", i))...)
	}
	r := e.do(t, e.shopLive, soap.ServicePosting, "getItemNo", "api26Req", kv{name: "searchParam", value: "77"})
	if got := r.items["itemNo"]; r.status() != "0" || len(got) != 1 || got[0] != want.fields["itemNo"] {
		t.Errorf("getItemNo 77 among 51 ORD-77-n: %s %v", r.status(), got)
	}
}
