package app_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/store/storetest"
)

// The address book over the API: kept once, checked first (a bad ZIP refused by field, doubts as
// warnings), paged, changed and removed; a test key has a book of its own. The check alone
// answers problems, a suggestion and a Hong Kong district in the caller's language.
func TestAddressesAPI(t *testing.T) {
	for name, dsn := range storetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			a, base := start(t, dsn, nil)
			live := apiKey(t, a.Accounts, "bookapi", account.Live)
			test := newAPIKey(t, a.Accounts, userByLogin(t, a, "bookapi"), "test key", account.Test)

			code, _, body := call(t, base, live, "POST", "/api/v1/addresses/check", `{"address":{"name":"陳大文","address_lines":["8 Nathan Road"],"city":"Mongkok","country":"HK","phone":"91234567"},"sender":true}`,
				"Accept-Language", "zh-HK")
			for _, want := range []string{`"valid":true`, `"city":"Mong Kok"`, `"code":"YTM"`, `"name":"油尖旺"`, `"code":"KLN"`, `"severity":"warning"`} {
				if code != 200 || !strings.Contains(string(body), want) {
					t.Errorf("check: %d, no %s in %s", code, want, body)
				}
			}

			recipient := `{"kind":"recipient","address":{"name":"Jane Doe","address_lines":["350 Fifth Avenue"],"city":"New York","state":"NY","postal_code":"10118","country":"US"}}`
			code, _, body = call(t, base, live, "POST", "/api/v1/addresses", recipient)
			id := regexp.MustCompile(`"id":"(adr_[a-z0-9]+)"`).FindStringSubmatch(string(body))
			if code != 201 || id == nil {
				t.Fatalf("create: %d %s", code, body)
			}
			if code, _, again := call(t, base, live, "POST", "/api/v1/addresses", recipient); code != 200 || !strings.Contains(string(again), id[1]) {
				t.Errorf("the same address again: %d %s", code, again)
			}
			bad := strings.Replace(recipient, `"10118"`, `"1011"`, 1)
			if code, _, got := call(t, base, live, "POST", "/api/v1/addresses", bad); code != 400 || !strings.Contains(string(got), `"field":"address.postal_code"`) {
				t.Errorf("a bad ZIP: %d %s", code, got)
			}
			doubtful := `{"kind":"recipient","address":{"name":"Taro","address_lines":["1-1 Marunouchi"],"city":"Tokyo","country":"JP"}}`
			if code, _, got := call(t, base, live, "POST", "/api/v1/addresses", doubtful); code != 201 || !strings.Contains(string(got), `"field":"address.postal_code","severity":"warning"`) {
				t.Errorf("no Japanese postcode: %d %s", code, got)
			}
			code, _, body = call(t, base, live, "GET", "/api/v1/addresses?kind=recipient&limit=1", "")
			cursor := regexp.MustCompile(`"next_cursor":"([^"]+)"`).FindStringSubmatch(string(body))
			if code != 200 || strings.Count(string(body), `"id":"adr_`) != 1 || cursor == nil {
				t.Fatalf("first page: %d %s", code, body)
			}
			if code, _, body = call(t, base, live, "GET", "/api/v1/addresses?kind=recipient&limit=1&cursor="+cursor[1], ""); code != 200 ||
				strings.Count(string(body), `"id":"adr_`) != 1 || !strings.Contains(string(body), `"next_cursor":""`) {
				t.Errorf("second page: %d %s", code, body)
			}
			if code, _, body := call(t, base, live, "GET", "/api/v1/addresses?kind=friend", ""); code != 400 || !strings.Contains(string(body), `"field":"kind"`) {
				t.Errorf("a bad kind: %d %s", code, body)
			}
			// The test key's book is its own.
			if code, _, body := call(t, base, test, "GET", "/api/v1/addresses", ""); code != 200 || strings.Contains(string(body), "adr_") {
				t.Errorf("test key's book: %d %s", code, body)
			}
			moved := strings.Replace(recipient, "350 Fifth Avenue", "20 W 34th Street", 1)
			if code, _, body := call(t, base, test, "PUT", "/api/v1/addresses/"+id[1], moved); code != 404 {
				t.Errorf("test key changes a live address: %d %s", code, body)
			}
			if code, _, body := call(t, base, live, "PUT", "/api/v1/addresses/"+id[1], moved); code != 200 || !strings.Contains(string(body), "20 W 34th Street") {
				t.Errorf("update: %d %s", code, body)
			}
			if code, _, body := call(t, base, live, "GET", "/api/v1/addresses/"+id[1], ""); code != 200 || !strings.Contains(string(body), "20 W 34th Street") {
				t.Errorf("get: %d %s", code, body)
			}
			if code, _, _ := call(t, base, test, "DELETE", "/api/v1/addresses/"+id[1], ""); code != 404 {
				t.Errorf("test key deletes a live address: %d", code)
			}
			if code, _, _ := call(t, base, live, "DELETE", "/api/v1/addresses/"+id[1], ""); code != 204 {
				t.Errorf("delete: %d", code)
			}
			if code, _, _ := call(t, base, live, "GET", "/api/v1/addresses/"+id[1], ""); code != 404 {
				t.Errorf("after delete: %d", code)
			}
		})
	}
}
