package app_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/store/storetest"
)

// maxPageWeight is the most a portal page and its style sheet may weigh together: a page stays
// quick to load on a phone.
const maxPageWeight = 60 << 10

// Every portal page, with the demo's data, weighs under 60 KB with its style sheet, in English and
// Chinese, both as sent to a browser (compressed) and as it unpacks. The one exception to the
// second is the form for 20 labels at once (about 125 KB unpacked: 20 blocks of 30 inputs), which
// is held to the first.
func TestPageWeight(t *testing.T) {
	a, _ := start(t, storetest.DSNs(t)["sqlite"], nil)
	ctx := context.Background()
	if err := a.Demo(ctx, io.Discard); err != nil {
		t.Fatal(err)
	}
	h := a.Handler()
	get := func(path string, cookie *http.Cookie, gzip bool) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", path, nil)
		if cookie != nil {
			req.AddCookie(cookie)
		}
		if gzip {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Fatalf("%s: %d", path, rec.Code)
		}
		if got := rec.Header().Get("Content-Encoding"); (got == "gzip") != gzip {
			t.Fatalf("%s: Content-Encoding %q with Accept-Encoding gzip %v", path, got, gzip)
		}
		return rec
	}
	css, cssSent := get("/static/style.css", nil, false).Body.Len(), get("/static/style.css", nil, true).Body.Len()
	t.Logf("style sheet: %.1f KB, %.1f KB sent", float64(css)/1024, float64(cssSent)/1024)
	sender := userByLogin(t, a, "sender@demo.ecship.hk")
	labels, _, err := a.Shipments.List(ctx, shipment.Owner{User: sender, Mode: account.Live}, shipment.Filter{Limit: 1})
	if err != nil || len(labels) == 0 {
		t.Fatal(err)
	}
	for _, c := range []struct {
		login string
		pages []string
	}{
		{"", []string{"/", "/?to=US&weight=450&insure=1000", "/track", "/login", "/register"}},
		{"sender@demo.ecship.hk", []string{"/", "/labels", "/labels/new?to=US&service=AEX", "/labels/new?n=3&to=JP", "/labels/new?n=20&to=JP", "/labels/" + labels[0].ID, "/history", "/addresses", "/account", "/batches/new"}},
		{"admin@demo.ecship.hk", []string{"/admin", "/admin/audit", "/admin/outbox", "/counter"}},
	} {
		var cookie *http.Cookie
		if c.login != "" {
			secret, err := a.Accounts.StartSession(ctx, userByLogin(t, a, c.login), "", account.Client{})
			if err != nil {
				t.Fatal(err)
			}
			cookie = &http.Cookie{Name: "ecship_session", Value: secret}
		}
		for _, path := range c.pages {
			for _, lang := range []string{"en", "zh-Hant"} {
				sep := "?"
				if strings.Contains(path, "?") {
					sep = "&"
				}
				page := path + sep + "lang=" + lang
				n, sent := get(page, cookie, false).Body.Len()+css, get(page, cookie, true).Body.Len()+cssSent
				if sent > maxPageWeight || (n > maxPageWeight && !strings.Contains(path, "n=20")) {
					t.Errorf("%s (%s): %d bytes with its style sheet (%d sent); at most %d", path, lang, n, sent, maxPageWeight)
				} else {
					t.Logf("%s (%s): %.1f KB, %.1f KB sent", path, lang, float64(n)/1024, float64(sent)/1024)
				}
			}
		}
	}
}
