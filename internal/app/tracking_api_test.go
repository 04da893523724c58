package app_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/counter"
	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/testenv"
)

func TestTrackingAPI(t *testing.T) {
	for name, dsn := range storetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			a, base := start(t, dsn, nil)
			ctx := context.Background()
			sender := apiKey(t, a.Accounts, "tracked", account.Live)
			stranger := apiKey(t, a.Accounts, "stranger", account.Live)
			admin := testenv.User(t, a.Accounts, "ops", "ops@example.hk", account.Admin)
			opsKey := newAPIKey(t, a.Accounts, admin, "ops", account.Live)
			clerk := testenv.User(t, a.Accounts, "clerk", "clerk@example.hk", account.Counter)
			b := newClient(t, base)
			hs := []string{"Authorization", "Bearer " + sender, "Content-Type", "application/json"}
			_, _, body := b.doJSON("POST", "/api/v1/shipments", localParcel("TRACK-1"), hs...)
			itemNo := regexp.MustCompile(`"item_no":"([A-Z0-9]+)"`).FindStringSubmatch(body)[1]
			sess, err := a.Counter.Open(ctx, counter.Clerk{User: clerk, Mode: account.Live}, "TST", "")
			if err == nil {
				_, err = a.Counter.Scan(ctx, liveClerk(clerk), sess.ID, counter.ScanInput{ItemNo: itemNo, WeightG: 2500})
			}
			if err == nil {
				_, err = a.Counter.Pay(ctx, liveClerk(clerk), sess.ID, "octopus", mustDue(t, a.Counter, clerk, sess.ID), "")
			}
			if err != nil {
				t.Fatal(err)
			}
			later := func(h time.Duration) string { return a.Now().Add(h * time.Hour).Format(time.RFC3339) }
			events := fmt.Sprintf(`{"events":[{"item_no":%q,"code":"EDD","time":%q,"country":"HK"},
				{"item_no":%q,"code":"EMI","time":%q,"country":"HK"}]}`, itemNo, later(1), itemNo, later(5))
			if code, _, out := b.doJSON("POST", "/api/v1/tracking/events", events, hs...); code != 403 {
				t.Errorf("a sender recording events: %d %s", code, out)
			}
			opsTestKey := newAPIKey(t, a.Accounts, admin, "ops-test", account.Test)
			if code, _, out := b.doJSON("POST", "/api/v1/tracking/events", events, "Authorization", "Bearer "+opsTestKey, "Content-Type", "application/json"); code != 404 {
				t.Errorf("an operations test key recording events of a live label: %d %s", code, out)
			}
			ho := []string{"Authorization", "Bearer " + opsKey, "Content-Type", "application/json"}
			bad := strings.Replace(events, `"EMI"`, `"XYZ"`, 1)
			if code, _, out := b.doJSON("POST", "/api/v1/tracking/events", bad, ho...); code != 400 || !strings.Contains(out, `"field":"events[1].code"`) {
				t.Errorf("a bad code: %d %s", code, out)
			}
			if code, _, out := b.doJSON("POST", "/api/v1/tracking/events", events, ho...); code != 200 || out != `{"added":2,"received":2}`+"\n" {
				t.Errorf("recording events: %d %q", code, out)
			}
			code, _, out := b.doJSON("GET", "/api/v1/tracking/"+strings.ToLower(itemNo), "", hs...)
			if code != 200 || !strings.Contains(out, `"milestone":"delivered"`) || !strings.Contains(out, `"posted_office":"TST"`) ||
				!regexp.MustCompile(`"code":"EMA".*"code":"EDD".*"code":"EMI"`).MatchString(out) || !strings.Contains(out, `"zh-Hant":"已成功派遞"`) {
				t.Errorf("the sender's tracking: %d %s", code, out)
			}
			if code, _, _ := b.doJSON("GET", "/api/v1/tracking/"+itemNo, "", "Authorization", "Bearer "+stranger); code != 404 {
				t.Errorf("another sender's item: %d; want 404", code)
			}
			if code, _, out := b.doJSON("GET", "/api/v1/shipments?status=delivered", "", hs...); code != 200 || !strings.Contains(out, itemNo) {
				t.Errorf("the label is not delivered in the list: %d %s", code, out)
			}
		})
	}
}

func mustDue(t *testing.T, c *counter.Service, staff *account.User, id string) money.Cents {
	t.Helper()
	s, err := c.Get(context.Background(), liveClerk(staff), id)
	if err != nil {
		t.Fatal(err)
	}
	return s.Due()
}
