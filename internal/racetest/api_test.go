package racetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// client calls the REST API of one server with one bearer key.
type client struct {
	http *http.Client
	base string
	key  string
}

// reply is an answer of the API.
type reply struct {
	Method, Path string
	Code         int
	Body         []byte
	Replayed     bool // Idempotent-Replayed: true
}

// Error describes the reply with its status and body.
func (r reply) Error() string {
	return fmt.Sprintf("%s %s: HTTP %d: %s", r.Method, r.Path, r.Code, bytes.TrimSpace(r.Body))
}

// expect is nil when the reply has one of the codes, else the reply as an error.
func (r reply) expect(codes ...int) error {
	for _, c := range codes {
		if r.Code == c {
			return nil
		}
	}
	return r
}

// decode reads the JSON body into v.
func (r reply) decode(v any) error {
	if err := json.Unmarshal(r.Body, v); err != nil {
		return fmt.Errorf("%s %s: HTTP %d: %v in %s", r.Method, r.Path, r.Code, err, bytes.TrimSpace(r.Body))
	}
	return nil
}

// errorCode is the "code" of an error answer ({"error":{"code":...}}), or "".
func (r reply) errorCode() string {
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	json.Unmarshal(r.Body, &e)
	return e.Error.Code
}

// call sends a request with a JSON body (none when in is nil) and extra header name, value pairs.
// Only a failure to get an answer is an error; any HTTP status is a reply.
func (c client) call(ctx context.Context, method, path string, in any, header ...string) (reply, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return reply{}, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return reply{}, err
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return reply{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{}, fmt.Errorf("%s %s: reading the answer: %w", method, path, err)
	}
	return reply{Method: method, Path: path, Code: resp.StatusCode, Body: b, Replayed: resp.Header.Get("Idempotent-Replayed") == "true"}, nil
}

// The JSON the tests send and read (internal/api: shipments.go, payments.go, refunds.go, counter.go).
type (
	addressIn struct {
		Name    string   `json:"name"`
		Lines   []string `json:"address_lines"`
		Country string   `json:"country"`
		Phone   string   `json:"phone,omitempty"`
	}
	shipmentIn struct {
		Service   string    `json:"service"`
		Reference string    `json:"reference"`
		WeightG   int       `json:"weight_g"`
		Sender    addressIn `json:"sender"`
		Recipient addressIn `json:"recipient"`
	}
	moneyOut struct {
		Amount string `json:"amount"`
	}
	shipmentOut struct {
		ID     string    `json:"id"`
		ItemNo string    `json:"item_no"`
		Status string    `json:"status"`
		Total  *moneyOut `json:"total"`
	}
	paymentOut struct {
		ID          string    `json:"id"`
		Status      string    `json:"status"`
		Amount      *moneyOut `json:"amount"`
		ShipmentIDs []string  `json:"shipment_ids"`
	}
	refundOut struct {
		ID         string `json:"id"`
		ShipmentID string `json:"shipment_id"`
		Reason     string `json:"reason"`
		Status     string `json:"status"`
	}
	cardIn struct {
		Number   string `json:"number"`
		ExpMonth int    `json:"exp_month"`
		ExpYear  int    `json:"exp_year"`
		CVC      string `json:"cvc"`
		Name     string `json:"name"`
	}
)

// Weights of the races' labels: Local Registered Mail costs more at heavyG than at lightG.
const (
	lightG = 500
	heavyG = 1900
)

// label is a local registered letter, in Hong Kong, that needs no customs declaration.
func label(ref string, grams int) shipmentIn {
	return shipmentIn{Service: "LRM", Reference: ref, WeightG: grams,
		Sender:    addressIn{Name: "Chan Tai Man", Lines: []string{"8 Nathan Road"}, Country: "HK", Phone: "91234567"},
		Recipient: addressIn{Name: "Lee Siu Ming", Lines: []string{"1 Queen's Road Central"}, Country: "HK"}}
}

// Test cards the built-in gateway approves (internal/payment/testgateway.go approves any valid
// number but its few decline and time-out numbers): one of each brand, so payments use any card.
var cards = []cardIn{
	{Number: "4111 1111 1111 1111", CVC: "123"}, // Visa
	{Number: "5555 5555 5555 4444", CVC: "123"}, // Mastercard
	{Number: "3782 822463 10005", CVC: "1234"},  // American Express
	{Number: "3530 1113 3330 0000", CVC: "123"}, // JCB
	{Number: "6200 0000 0000 0005", CVC: "123"}, // UnionPay
}

// card is a test card valid for two more years.
func card(i int) cardIn {
	c := cards[i%len(cards)]
	c.ExpMonth, c.ExpYear, c.Name = 12, time.Now().Year()+2, "RACE TEST"
	return c
}

// createLabels makes n ready labels with references prefix-0, prefix-1, ..., twenty at a time (the
// most for one country), alternately on both servers.
func (h *harness) createLabels(ctx context.Context, prefix string, n, grams int) ([]shipmentOut, error) {
	out := make([]shipmentOut, n)
	const perRequest = 20
	err := forEach((n+perRequest-1)/perRequest, workers, func(w, chunk int) error {
		lo, hi := chunk*perRequest, min(n, (chunk+1)*perRequest)
		in := struct {
			Shipments []shipmentIn `json:"shipments"`
		}{}
		for i := lo; i < hi; i++ {
			in.Shipments = append(in.Shipments, label(fmt.Sprintf("%s-%d", prefix, i), grams))
		}
		rep, err := h.sender[chunk%2].call(ctx, "POST", "/api/v1/shipments", in)
		if err != nil {
			return err
		}
		if err := rep.expect(http.StatusCreated); err != nil {
			return err
		}
		var got struct {
			Data []shipmentOut `json:"data"`
		}
		if err := rep.decode(&got); err != nil {
			return err
		}
		if len(got.Data) != hi-lo {
			return fmt.Errorf("%v: %d labels made, not %d", rep, len(got.Data), hi-lo)
		}
		for i, sh := range got.Data {
			if sh.Status != "ready" || sh.ItemNo == "" {
				return fmt.Errorf("%v: label %d is %q with item number %q, not ready", rep, i, sh.Status, sh.ItemNo)
			}
			out[lo+i] = sh
		}
		return nil
	})
	return out, err
}

// payByCard pays for labels in one payment, with a fresh idempotency key.
func payByCard(ctx context.Context, c client, cd cardIn, ids ...string) (reply, error) {
	in := struct {
		ShipmentIDs []string `json:"shipment_ids"`
		Method      string   `json:"method"`
		Card        cardIn   `json:"card"`
	}{ids, "card", cd}
	return c.call(ctx, "POST", "/api/v1/payments", in, "Idempotency-Key", newKey())
}

// payEach pays for each label in a payment of its own, on both servers.
func (h *harness) payEach(ctx context.Context, labels []shipmentOut) error {
	return forEach(len(labels), workers, func(w, i int) error {
		rep, err := payByCard(ctx, h.sender[w%2], card(i), labels[i].ID)
		if err != nil {
			return err
		}
		return rep.expect(http.StatusCreated)
	})
}

// cancel asks to cancel a label: POST /api/v1/shipments/{id}/cancel.
func cancel(ctx context.Context, c client, id string) (reply, error) {
	return c.call(ctx, "POST", "/api/v1/shipments/"+id+"/cancel", nil)
}

// refundsByShipment lists the sender's refund applications by label.
func (h *harness) refundsByShipment(ctx context.Context) (map[string]refundOut, error) {
	rep, err := h.sender[0].call(ctx, "GET", "/api/v1/refunds", nil)
	if err != nil {
		return nil, err
	}
	if err := rep.expect(http.StatusOK); err != nil {
		return nil, err
	}
	var list struct {
		Data []refundOut `json:"data"`
	}
	if err := rep.decode(&list); err != nil {
		return nil, err
	}
	out := map[string]refundOut{}
	for _, r := range list.Data {
		out[r.ShipmentID] = r
	}
	return out, nil
}

// newKey is a random idempotency key.
func newKey() string {
	b := make([]byte, 12)
	rand.Read(b)
	return "race-" + hex.EncodeToString(b)
}
