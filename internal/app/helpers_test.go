package app_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/app"
	"github.com/ecship/ecship/internal/mail"
	"github.com/ecship/ecship/internal/payment"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/testenv"
)

// The set-up the app tests share, each failing the test, saying what failed, instead of handing
// back an error the test would drop.

// newRequest is an HTTP request the test sends itself.
func newRequest(t testing.TB, method, target string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	return req
}

// readAll is what is left to read of r (a response body).
func readAll(t testing.TB, r io.Reader) []byte {
	t.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("reading the body: %v", err)
	}
	return b
}

// statusOf GETs target and answers the status, the body read and closed.
func statusOf(t testing.TB, target string) int {
	t.Helper()
	resp, err := http.Get(target)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	readAll(t, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// parseURL is s, a URL the test made (a server's base URL), parsed.
func parseURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return u
}

// userByLogin is the user signed up as login (or with that email).
func userByLogin(t testing.TB, a *app.App, login string) *account.User {
	t.Helper()
	u, err := a.Store.UserByLogin(context.Background(), login)
	if err != nil {
		t.Fatalf("user %s: %v", login, err)
	}
	return u
}

// newAPIKey makes an API key for u and answers its secret.
func newAPIKey(t testing.TB, svc *account.Service, u *account.User, name string, mode account.Mode) string {
	t.Helper()
	_, secret, err := svc.CreateAPIKey(context.Background(), u, name, mode, account.Client{})
	if err != nil {
		t.Fatalf("API key %s for %s: %v", name, u.LoginName, err)
	}
	return secret
}

// userKey makes a user with role and an API key for them, and answers its secret.
func userKey(t testing.TB, svc *account.Service, login string, role account.Role, name string, mode account.Mode) string {
	t.Helper()
	return newAPIKey(t, svc, testenv.User(t, svc, login, login+"@example.hk", role), name, mode)
}

// lastMail is the newest email to an address as stored, and its body opened.
func lastMail(t testing.TB, a *app.App, to string) (mail.Stored, string) {
	t.Helper()
	mails, err := a.Store.Outbox(context.Background(), to, 1)
	if err != nil || len(mails) == 0 {
		t.Fatalf("no email to %s: %v", to, err)
	}
	body, err := a.Mailer.Reveal(mails[0])
	if err != nil {
		t.Fatalf("opening the email to %s: %v", to, err)
	}
	return mails[0], body
}

// shipmentByID is the stored shipment id, whoever owns it.
func shipmentByID(t testing.TB, a *app.App, id string) *shipment.Shipment {
	t.Helper()
	s, err := a.Store.ShipmentByID(context.Background(), id)
	if err != nil {
		t.Fatalf("shipment %s: %v", id, err)
	}
	return s
}

// paymentByID is the stored payment id.
func paymentByID(t testing.TB, a *app.App, id string) *payment.Payment {
	t.Helper()
	p, err := a.Store.PaymentByID(context.Background(), id)
	if err != nil {
		t.Fatalf("payment %s: %v", id, err)
	}
	return p
}
