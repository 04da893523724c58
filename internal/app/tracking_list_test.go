package app_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/store/storetest"
)

// rule: TRK-1, TRK-10
// A test key plays a journey through on its own test label (events), and GET /api/v1/tracking
// answers several items at once, each not the caller's with its own not_found.
func TestTrackingSeveralItemsAndTestJourneys(t *testing.T) {
	for name, dsn := range storetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			a, base := start(t, dsn, nil)
			testKey := apiKey(t, a.Accounts, "journeyshop", account.Test)
			otherKey := apiKey(t, a.Accounts, "othershop", account.Test)
			b := newClient(t, base)
			auth := func(k string) []string {
				return []string{"Authorization", "Bearer " + k, "Content-Type", "application/json"}
			}
			itemNo := regexp.MustCompile(`"item_no":"([A-Z0-9]+)"`)
			label := func(k, zip string) string {
				code, _, out := b.doJSON("POST", "/api/v1/shipments", fmt.Sprintf(exampleShipment, zip), auth(k)...)
				m := itemNo.FindStringSubmatch(out)
				if code != 201 || m == nil {
					t.Fatalf("create: %d %s", code, out)
				}
				return m[1]
			}
			mine, theirs := label(testKey, "10118"), label(otherKey, "10119")
			at := a.Now().Add(time.Hour).Format(time.RFC3339)
			events := fmt.Sprintf(`{"events":[{"item_no":%q,"code":"EMA","time":%q,"office":"GPO"},{"item_no":%q,"code":"EMC","time":%q,"country":"HK"}]}`,
				mine, at, mine, a.Now().Add(3*time.Hour).Format(time.RFC3339))
			if code, _, out := b.doJSON("POST", "/api/v1/tracking/events", events, auth(testKey)...); code != 200 || !strings.Contains(out, `"added":2`) {
				t.Fatalf("a test key's journey on its own test label: %d %s", code, out)
			}
			if code, _, out := b.doJSON("POST", "/api/v1/tracking/events", strings.ReplaceAll(events, mine, theirs), auth(testKey)...); code != 404 {
				t.Errorf("a test key's events on another sender's label: %d %s", code, out)
			}

			code, _, out := b.doJSON("GET", "/api/v1/tracking?item_no="+mine+","+strings.ToLower(theirs)+"&item_no=EE123456785HK", "", auth(testKey)...)
			var list struct {
				Data []struct {
					ItemNo    string `json:"item_no"`
					Milestone string
					Events    []struct{ Code string }
					Error     *struct{ Code string }
				}
			}
			if err := json.Unmarshal([]byte(out), &list); code != 200 || err != nil || len(list.Data) != 3 {
				t.Fatalf("bulk look-up: %d %v %s", code, err, out)
			}
			if d := list.Data[0]; d.ItemNo != mine || len(d.Events) != 2 || d.Milestone != "left_hk" || d.Error != nil {
				t.Errorf("my item: %+v", d)
			}
			for _, d := range list.Data[1:] {
				if d.Error == nil || d.Error.Code != "not_found" || len(d.Events) != 0 {
					t.Errorf("an item not mine: %+v", d)
				}
			}
			many := strings.TrimSuffix(strings.Repeat(mine+",", 31), ",")
			if code, _, out := b.doJSON("GET", "/api/v1/tracking?item_no="+many, "", auth(testKey)...); code != 400 {
				t.Errorf("31 items: %d %s", code, out)
			}
			if code, _, out := b.doJSON("GET", "/api/v1/tracking?item_no=nonsense", "", auth(testKey)...); code != 400 || !strings.Contains(out, "item_no[0]") {
				t.Errorf("a bad item number: %d %s", code, out)
			}
		})
	}
}
