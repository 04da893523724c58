package app_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/payment"
	"github.com/ecship/ecship/internal/store/storetest"
)

// A shipment sent without a service comes back incomplete with its rates, cheapest first, each a
// service that can carry it; buying one makes it ready with an item number, and can pay for it
// in the same call (a declined card leaves it ready and unpaid). On both databases.
//
// rule: SVC-2
func TestRatesAndBuy(t *testing.T) {
	for name, dsn := range storetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			a, base := start(t, dsn, nil)
			key := apiKey(t, a.Accounts, "rateshop", account.Live)
			unrated := strings.Replace(fmt.Sprintf(exampleShipment, "10118"), `"service":"AEX",`, "", 1)
			type rate struct {
				Service   struct{ Code string }
				Available bool
				Total     struct{ Amount string }
				Delivery  *struct {
					MinWorkingDays int `json:"min_working_days"`
				}
			}
			type shipmentAnswer struct {
				ID, ItemNo, Status, Service string
				Problems                    []struct{ Field string }
				Rates                       []rate
			}
			decodeShipment := func(body []byte) shipmentAnswer {
				var s shipmentAnswer
				if err := json.Unmarshal([]byte(jsonRename(string(body))), &s); err != nil {
					t.Fatalf("%v: %s", err, body)
				}
				return s
			}
			code, _, body := call(t, base, key, "POST", "/api/v1/shipments", unrated)
			s := decodeShipment(body)
			if code != 201 || s.Status != "incomplete" || s.ItemNo != "" || s.Service != "" || len(s.Problems) != 1 || s.Problems[0].Field != "service" || len(s.Rates) < 2 {
				t.Fatalf("created without a service: %d %s", code, body)
			}
			last := 0.0
			for _, r := range s.Rates {
				total, err := strconv.ParseFloat(r.Total.Amount, 64)
				if err != nil {
					t.Fatal(err)
				}
				if !r.Available || total < last || r.Delivery == nil {
					t.Errorf("rates not all available, priced and cheapest first: %+v", s.Rates)
				}
				last = total
			}
			// Only a missing service is kept: other problems are still refused.
			if code, _, body := call(t, base, key, "POST", "/api/v1/shipments", strings.Replace(unrated, `"weight_g":450`, `"weight_g":0`, 1)); code != 400 ||
				!strings.Contains(string(body), `"field":"weight_g"`) {
				t.Errorf("without a service and a weight: %d %s", code, body)
			}
			// Looking again shows the same rates and changes nothing.
			if code, _, again := call(t, base, key, "GET", "/api/v1/shipments/"+s.ID, ""); code != 200 || len(decodeShipment(again).Rates) != len(s.Rates) {
				t.Errorf("get: %d %s", code, again)
			}
			path := "/api/v1/shipments/" + s.ID + "/buy"
			for body, field := range map[string]string{`{"service":"XYZ"}`: "service", `{}`: "service", `{"service":"AEX","payment":{"method":"cash"}}`: "payment.method"} {
				if code, _, got := call(t, base, key, "POST", path, body); code != 400 || !strings.Contains(string(got), `"field":"`+field+`"`) {
					t.Errorf("buy %s: %d %s", body, code, got)
				}
			}
			card := func(number string) string {
				return fmt.Sprintf(`"payment":{"method":"card","card":{"number":%q,"exp_month":12,"exp_year":%d,"cvc":"123","name":"Chan"}}`, number, time.Now().Year()+2)
			}
			// A card that cannot pay refuses the purchase before the label is touched.
			expired := strings.Replace(card(payment.TestCardApprove), fmt.Sprint(time.Now().Year()+2), "2020", 1)
			if code, _, got := call(t, base, key, "POST", path, fmt.Sprintf(`{"service":"AEX",%s}`, expired)); code != 400 || !strings.Contains(string(got), `"field":"payment.`) {
				t.Errorf("an expired card: %d %s", code, got)
			}
			if s := shipmentByID(t, a, s.ID); s.Service != "" || string(s.Status) != "incomplete" {
				t.Errorf("after a refused card the label is %s with %q", s.Status, s.Service)
			}
			cheapest := s.Rates[0].Service.Code
			code, _, body = call(t, base, key, "POST", path, fmt.Sprintf(`{"service":%q,%s}`, cheapest, card(payment.TestCardApprove)))
			var bought struct {
				Shipment shipmentAnswer
				Payment  struct{ ID, Status string }
			}
			if err := json.Unmarshal([]byte(jsonRename(string(body))), &bought); err != nil || code != 200 || bought.Shipment.Status != "paid" ||
				bought.Shipment.Service != cheapest || bought.Shipment.ItemNo == "" || bought.Payment.ID == "" || len(bought.Shipment.Rates) != 0 {
				t.Fatalf("buy and pay: %d %s", code, body)
			}
			if code, _, got := call(t, base, key, "POST", path, fmt.Sprintf(`{"service":%q}`, cheapest)); code != 409 {
				t.Errorf("buying a paid label again: %d %s", code, got)
			}

			// A declined card: the label is bought (ready) and unpaid.
			_, _, body = call(t, base, key, "POST", "/api/v1/shipments", unrated)
			other := decodeShipment(body)
			code, _, body = call(t, base, key, "POST", "/api/v1/shipments/"+other.ID+"/buy", fmt.Sprintf(`{"service":"AEX",%s}`, card(payment.TestCardDoNotHonour)))
			if code != 402 || !strings.Contains(string(body), `"code":"payment_declined"`) {
				t.Errorf("declined: %d %s", code, body)
			}
			if s := shipmentByID(t, a, other.ID); string(s.Status) != "ready" || s.Service != "AEX" || s.ItemNo == "" {
				t.Errorf("after a declined card: %s %s %q", s.Status, s.Service, s.ItemNo)
			}
			// An edit without a service is refused: a ready label never falls back to choosing.
			if code, _, got := call(t, base, key, "PUT", "/api/v1/shipments/"+other.ID, unrated); code != 400 || !strings.Contains(string(got), `"field":"service"`) {
				t.Errorf("an edit without a service: %d %s", code, got)
			}
		})
	}
}
