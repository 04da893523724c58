package app_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/addressbook"
	"github.com/ecship/ecship/internal/app"
	"github.com/ecship/ecship/internal/counter"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/testenv"
)

// Finding 4 (and Deliver 3 of issue 11): a test-mode key never reads or changes live data. Every
// REST route that names a record (in its path, or by id in its body) is called with the test keys
// of a sender, a member of counter staff and an admin against live records: each answers 404 or
// 403, and afterwards every live record is exactly as it was. The routes come from the OpenAPI
// document (which another test holds to the router), so a new route must be added here.
func TestTestKeysNeverTouchLiveData(t *testing.T) {
	for name, dsn := range storetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			a, base := start(t, dsn, nil)
			ctx := context.Background()
			mk := func(login string, role account.Role) (*account.User, string) {
				u, err := a.Accounts.CreateUser(ctx, login, login+"@example.hk", "harbour-view-8", role)
				if err != nil {
					t.Fatal(err)
				}
				_, key, err := a.Accounts.CreateAPIKey(ctx, u, "practice", account.Test, account.Client{})
				if err != nil {
					t.Fatal(err)
				}
				return u, key
			}
			sender, senderKey := mk("livesender", account.Sender)
			clerk, clerkKey := mk("liveclerk", account.Counter)
			admin, adminKey := mk("liveadmin", account.Admin)
			live := shipment.Owner{User: sender, Mode: account.Live}

			// Live records of every kind.
			e := &raceEnv{a: a, sender: live, clerk: counter.Clerk{User: clerk, Mode: account.Live}, admin: shipment.Owner{User: admin, Mode: account.Live}}
			ready := e.label(t, 1000)
			settled := e.paidLabel(t, 1000)
			if _, _, _, err := a.Payments.Settle(ctx, time.Now().Add(48*time.Hour)); err != nil {
				t.Fatal(err)
			}
			c, err := a.Payments.Cancel(ctx, live, settled.ID, true)
			if err != nil {
				t.Fatal(err)
			}
			refund := c.Refund
			paid := e.paidLabel(t, 1000)
			pay, err := a.Store.PaymentOfShipment(ctx, sender.ID, account.Live, paid.ID)
			if err != nil {
				t.Fatal(err)
			}
			sess, err := a.Counter.Open(ctx, e.clerk, "GPO", "")
			if err != nil {
				t.Fatal(err)
			}
			waiting := e.label(t, 1000) // unpaid: it waits at the counter for its postage
			if _, err := a.Counter.Scan(ctx, e.clerk, sess.ID, counter.ScanInput{ItemNo: waiting.ItemNo, WeightG: 1000}); err != nil {
				t.Fatal(err)
			}
			dep, err := a.Payments.OpenDeposit(ctx, sender, account.Live, "Permit 9")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Payments.TopUp(ctx, dep.ID, 10000, "BANK-9"); err != nil {
				t.Fatal(err)
			}
			batchID := liveBatch(t, a, base, sender)
			addrID, err := a.Addresses.Save(ctx, live, addressbook.Recipient, shipment.Address{Name: "Live Friend", Lines: []string{"1 Main St"}, City: "Sydney", PostalCode: "2000", Country: "AU"})
			if err != nil {
				t.Fatal(err)
			}
			hook, _, err := a.Webhooks.Register(ctx, sender.ID, account.Live, "https://hooks.example.com/live", "", nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := a.Store.PrintShipments(ctx, sender.ID, account.Live, []string{paid.ID}, time.Now()); err != nil {
				t.Fatal(err)
			}
			hookLog, err := a.Store.Deliveries(ctx, sender.ID, account.Live, hook.ID, 1)
			if err != nil || len(hookLog) != 1 {
				t.Fatalf("the live endpoint's deliveries: %v %d", err, len(hookLog))
			}
			before := liveSnapshot(t, a, live, sess.ID, dep.ID, refund.ID, ready.ID, paid.ID, waiting.ID)

			ids := map[string]string{
				"/api/v1/shipments/{id}":                             ready.ID,
				"/api/v1/shipments/{id}/cancel":                      paid.ID,
				"/api/v1/shipments/{id}/label":                       paid.ID,
				"/api/v1/shipments/{id}/print":                       ready.ID,
				"/api/v1/shipments/{id}/buy":                         ready.ID,
				"/api/v1/addresses/{id}":                             addrID,
				"/api/v1/payments/{id}":                              pay.ID,
				"/api/v1/refunds/{id}/approve":                       refund.ID,
				"/api/v1/refunds/{id}/reject":                        refund.ID,
				"/api/v1/batches/{id}":                               batchID,
				"/api/v1/batches/{id}/mapping":                       batchID,
				"/api/v1/deposits/{id}":                              dep.ID,
				"/api/v1/counter/sessions/{id}":                      sess.ID,
				"/api/v1/counter/sessions/{id}/items":                sess.ID,
				"/api/v1/counter/sessions/{id}/items/{itemNo}":       sess.ID,
				"/api/v1/counter/sessions/{id}/payments":             sess.ID,
				"/api/v1/counter/sessions/{id}/close":                sess.ID,
				"/api/v1/counter/sessions/{id}/receipt":              sess.ID,
				"/api/v1/tracking/{itemNo}":                          paid.ItemNo,
				"/api/v1/webhooks/{id}":                              hook.ID,
				"/api/v1/webhooks/{id}/deliveries":                   hook.ID,
				"/api/v1/webhooks/{id}/deliveries/{delivery}/resend": hook.ID,
			}
			bodies := map[string]string{
				"PUT /api/v1/shipments/{id}":                  localParcel("TEST-KEY"),
				"POST /api/v1/refunds/{id}/reject":            `{"note":"test key"}`,
				"POST /api/v1/shipments/{id}/buy":             `{"service":"LRM"}`,
				"PUT /api/v1/addresses/{id}":                  `{"kind":"recipient","address":{"name":"Test","address_lines":["1 Main St"],"city":"Sydney","postal_code":"2000","country":"AU"}}`,
				"POST /api/v1/counter/sessions/{id}/items":    fmt.Sprintf(`{"item_no":%q,"weight_g":100}`, paid.ItemNo),
				"POST /api/v1/counter/sessions/{id}/payments": `{"method":"cash","amount":{"amount":"1.00","currency":"HKD"}}`,
				"POST /api/v1/batches/{id}/mapping":           `{"mapping":{"reference":"reference"}}`,
				"POST /api/v1/payments":                       fmt.Sprintf(`{"shipment_ids":[%q],"method":"card","card":{"number":"4111111111111111","exp_month":12,"exp_year":2040,"cvc":"123"}}`, ready.ID),
				"POST /api/v1/labels":                         fmt.Sprintf(`{"shipment_ids":[%q]}`, paid.ID),
				"POST /api/v1/refunds":                        fmt.Sprintf(`{"shipment_id":%q}`, paid.ID),
				"POST /api/v1/tracking/events":                fmt.Sprintf(`{"events":[{"item_no":%q,"code":"EMD","time":"2026-12-01T10:00:00+08:00","country":"HK"}]}`, paid.ItemNo),
			}
			// Routes that name live records in their body rather than their path.
			byBody := map[string]bool{"POST /api/v1/payments": true, "POST /api/v1/labels": true, "POST /api/v1/refunds": true, "POST /api/v1/tracking/events": true}

			b := newClient(t, base)
			walked := 0
			for _, route := range testenv.OpenAPIRoutes(t, "../api/openapi.json") {
				method, path, _ := strings.Cut(route, " ")
				if !strings.Contains(path, "{") && !byBody[route] {
					continue
				}
				url := path
				if strings.Contains(path, "{") {
					id, ok := ids[path]
					if !ok {
						t.Errorf("%s names a record: give it a live id in this test", route)
						continue
					}
					url = strings.Replace(url, "{id}", id, 1)
					url = strings.Replace(url, "{itemNo}", waiting.ItemNo, 1)
					url = strings.Replace(url, "{delivery}", hookLog[0].ID, 1)
				}
				walked++
				for _, key := range []string{senderKey, clerkKey, adminKey} {
					code, _, out := b.doJSON(method, url, bodies[route], "Authorization", "Bearer "+key, "Content-Type", "application/json")
					if code != http.StatusNotFound && code != http.StatusForbidden {
						t.Errorf("%s with a test key on live data: %d %s; want 404 or 403", route, code, out)
					}
				}
			}
			if walked < 20 {
				t.Errorf("walked %d routes; the OpenAPI document names more", walked)
			}
			if after := liveSnapshot(t, a, live, sess.ID, dep.ID, refund.ID, ready.ID, paid.ID, waiting.ID); after != before {
				t.Errorf("live data changed under test keys:\nbefore %s\nafter  %s", before, after)
			}
			booksBalance(t, a)
		})
	}
}

// liveBatch uploads a one-row batch with a live key of the sender and answers its id.
func liveBatch(t *testing.T, a *app.App, base string, u *account.User) string {
	t.Helper()
	_, key, err := a.Accounts.CreateAPIKey(context.Background(), u, "live", account.Live, account.Client{})
	if err != nil {
		t.Fatal(err)
	}
	ct, body := multipartFile(t, "orders.csv", batchHeader+batchRow("LIVE-1", "10118"))
	req := newRequest(t, "POST", base+"/api/v1/batches", body)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out := string(readAll(t, resp.Body))
	m := regexp.MustCompile(`"id":"(bat_[a-z0-9]+)"`).FindStringSubmatch(out)
	if resp.StatusCode != 201 || m == nil {
		t.Fatalf("live batch: %d %s", resp.StatusCode, out)
	}
	return m[1]
}

// liveSnapshot is every live record the walk could touch, as text: labels with their state,
// version and printing, the counter session, the deposit balance, the refund, the ledger.
func liveSnapshot(t *testing.T, a *app.App, o shipment.Owner, sessID, depID, refundID string, labels ...string) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	for _, id := range labels {
		s, err := a.Shipments.Get(ctx, o, id)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %s v%d printed:%v; ", id, s.Status, s.Version, s.PrintedAt != nil)
	}
	sess, err := a.Store.CounterSession(ctx, sessID)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "session v%d %s %d items %d payments; ", sess.Version, sess.Status, len(sess.Items), len(sess.Payments))
	d, err := a.Store.Deposit(ctx, depID)
	if err != nil {
		t.Fatal(err)
	}
	r, err := a.Store.RefundByID(ctx, account.Live, refundID)
	if err != nil {
		t.Fatal(err)
	}
	bal, err := a.Store.LedgerBalances(ctx)
	if err != nil {
		t.Fatal(err)
	}
	hooks, err := a.Store.Endpoints(ctx, o.User.ID, account.Live)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hooks {
		fmt.Fprintf(&b, "endpoint %s enabled:%v; ", h.ID, h.DisabledAt == nil)
	}
	book, err := a.Addresses.List(ctx, o, "")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "deposit %v; refund %s; ledger %v; address book %v", d.Balance, r.Status, bal, book)
	return b.String()
}
