package testenv

// What the service tests of several packages build before their first check: the default
// catalogue, a secret box, an account service and its users.
//
// This file imports only packages below the store (catalog, secretbox, account): label's and cli's
// own tests (package label, package cli) import testenv, and the store imports label, so testenv
// must never import the store, nor anything that imports label, cli or racetest.

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/secretbox"
)

// Password is the password the tests give the users they create.
const Password = "harbour-view-8"

// Catalog is the default catalogue (the seeds), failing the test when it does not load.
func Catalog(tb testing.TB) *catalog.Catalog {
	tb.Helper()
	c, err := catalog.Default()
	if err != nil {
		tb.Fatalf("default catalogue: %v", err)
	}
	return c
}

// Secrets is a secret box with an all-zero key, for the services that seal what they store.
func Secrets(tb testing.TB) *secretbox.Box {
	tb.Helper()
	box, err := secretbox.New(make([]byte, 32))
	if err != nil {
		tb.Fatalf("secret box: %v", err)
	}
	return box
}

// Accounts is an account service on st with a zero-key secret box, a silent log and the clock now;
// it sends no email unless the test sets Mail.
func Accounts(tb testing.TB, st account.Store, now func() time.Time) *account.Service {
	tb.Helper()
	return &account.Service{Store: st, Secrets: Secrets(tb), Log: slog.New(slog.DiscardHandler), Now: now}
}

// User creates a user with Password through acc, failing the test when that fails.
func User(tb testing.TB, acc *account.Service, login, email string, role account.Role) *account.User {
	tb.Helper()
	u, err := acc.CreateUser(context.Background(), login, email, Password, role)
	if err != nil {
		tb.Fatalf("create user %s: %v", login, err)
	}
	return u
}
