package app_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/testenv"
)

// BenchmarkPortalPages renders the heaviest pages as a signed-in admin on SQLite, server side.
func BenchmarkPortalPages(b *testing.B) {
	a, _ := start(b, storetest.DSNs(b)["sqlite"], nil)
	ctx := context.Background()
	admin := testenv.User(b, a.Accounts, "benchadmin", "bench@example.hk", account.Admin)
	for i := range 50 { // a user list worth rendering
		testenv.User(b, a.Accounts, "user"+string(rune('a'+i%26))+string(rune('a'+i/26)), "u"+string(rune('a'+i%26))+string(rune('a'+i/26))+"@example.hk", account.Sender)
	}
	newAPIKey(b, a.Accounts, admin, "bench", account.Test)
	secret, err := a.Accounts.StartSession(ctx, admin, "", account.Client{})
	if err != nil {
		b.Fatal(err)
	}
	h := a.Handler()
	for _, path := range []string{"/", "/?to=US&weight=450&insure=1000", "/register", "/upgrade", "/account", "/admin", "/admin/audit", "/admin/outbox"} {
		signedIn := path != "/register" && path != "/upgrade"
		b.Run(path, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest("GET", path, nil)
				if signedIn {
					req.AddCookie(&http.Cookie{Name: "ecship_session", Value: secret})
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("%s: %d", path, rec.Code)
				}
			}
		})
	}
}
