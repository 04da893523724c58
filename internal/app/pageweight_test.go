package app_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
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
// Chinese. (The form for 20 labels at once is heavier, about 7 KB a label, and not yet held to it.)
func TestPageWeight(t *testing.T) {
	a, _ := start(t, storetest.DSNs(t)["sqlite"], nil)
	ctx := context.Background()
	if err := a.Demo(ctx, io.Discard); err != nil {
		t.Fatal(err)
	}
	css, err := os.ReadFile("../web/static/style.css")
	if err != nil {
		t.Fatal(err)
	}
	h := a.Handler()
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
		{"sender@demo.ecship.hk", []string{"/", "/labels", "/labels/new?to=US&service=AEX", "/labels/new?n=3&to=JP", "/labels/" + labels[0].ID, "/history", "/addresses", "/account", "/batches/new"}},
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
				req := httptest.NewRequest("GET", path+sep+"lang="+lang, nil)
				if cookie != nil {
					req.AddCookie(cookie)
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					t.Errorf("%s: %d", path, rec.Code)
					continue
				}
				if n := rec.Body.Len() + len(css); n > maxPageWeight {
					t.Errorf("%s (%s): %d bytes with its style sheet; at most %d", path, lang, n, maxPageWeight)
				} else {
					t.Logf("%s (%s): %.1f KB", path, lang, float64(n)/1024)
				}
			}
		}
	}
}
