package app_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/testenv"
)

// Issue 12, finding 2: no secret rests in the database in clear. After registering, verifying,
// resetting a forgotten password, signing in, making an API key and a SOAP credential, every row
// of every table is read back as text, and none holds a link token, a password, a session cookie
// or a key.
func TestNoSecretAtRestInClear(t *testing.T) {
	for name, dsn := range storetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			a, base := start(t, dsn, nil)
			ctx := context.Background()
			c := account.Client{IP: "192.0.2.7"}
			secrets := map[string]string{}
			const first, second = "harbour-view-8", "kowloon-bay-22"
			secrets["password"], secrets["new password"] = first, second
			u, err := a.Accounts.Register(ctx, account.Registration{LoginName: "secretive", Email: "secretive@example.hk", EmailConfirm: "secretive@example.hk",
				Password: first, Profile: account.Profile{FirstName: "Tai Man", LastName: "Chan", Phone: "91234567", Lang: "en"}}, c)
			if err != nil {
				t.Fatal(err)
			}
			token := func(kind string) string {
				mails, err := a.Store.Outbox(ctx, u.Email, 1)
				if err != nil || len(mails) == 0 {
					t.Fatalf("no %s email: %v", kind, err)
				}
				body, err := a.Mailer.Reveal(mails[0])
				if err != nil {
					t.Fatal(err)
				}
				m := regexp.MustCompile(`token=([A-Za-z0-9_-]+)`).FindStringSubmatch(body)
				if m == nil {
					t.Fatalf("no %s link in %q", kind, body)
				}
				return m[1]
			}
			secrets["verification token"] = token("verification")
			if _, err := a.Accounts.VerifyEmail(ctx, secrets["verification token"], c); err != nil {
				t.Fatal(err)
			}
			if err := a.Accounts.ForgotPassword(ctx, u.Email, c); err != nil {
				t.Fatal(err)
			}
			a.Mailer.Wait()
			secrets["reset token"] = token("reset")
			if _, err := a.Accounts.ResetPassword(ctx, secrets["reset token"], second, c); err != nil {
				t.Fatal(err)
			}
			// A second reset link, asked for and never used: it waits in the outbox, sealed.
			if err := a.Accounts.ForgotPassword(ctx, u.Email, c); err != nil {
				t.Fatal(err)
			}
			a.Mailer.Wait()
			secrets["unused reset token"] = token("reset")
			b := newClient(t, base)
			if code, _, _ := b.do("POST", "/login", url.Values{"login": {"secretive"}, "password": {second}}); code != 303 {
				t.Fatalf("sign in: %d", code)
			}
			for _, ck := range b.c.Jar.Cookies(parseURL(t, base)) {
				secrets["cookie "+ck.Name] = ck.Value
			}
			if _, secrets["API key"], err = a.Accounts.CreateAPIKey(ctx, u, "shop", account.Live, c); err != nil {
				t.Fatal(err)
			}
			in, err := a.Accounts.CreateIntegrator(ctx, u, account.Integrator{Username: "secretsoap", Password: "Soap-Pass-2026", Mode: account.Live,
				AllowIPs: mustAllow(t, "127.0.0.1")}, c)
			if err != nil {
				t.Fatal(err)
			}
			secrets["integrator password"] = in.Password

			dump := dumpTables(t, a.Config.DB)
			for what, secret := range secrets {
				if len(secret) < 8 {
					t.Fatalf("%s %q is too short to look for", what, secret)
				}
				if where := dump.find(secret); where != "" {
					t.Errorf("the %s is in the database in clear: %s", what, where)
				}
			}
			if len(dump) < 20 {
				t.Errorf("read %d tables; the schema has more", len(dump))
			}
		})
	}
}

func mustAllow(t *testing.T, s string) []netip.Prefix {
	t.Helper()
	p, ok := account.ParseAllowIPs(s)
	if !ok {
		t.Fatal(s)
	}
	return p
}

// tables is every table's rows as text, by table name.
type tables map[string]string

// find names the table holding s, or "".
func (d tables) find(s string) string {
	for name, text := range d {
		if strings.Contains(text, s) {
			return name
		}
	}
	return ""
}

// dumpTables reads every row of every table of the database as text.
func dumpTables(t *testing.T, dsn string) tables {
	t.Helper()
	driver, source, list := "sqlite", strings.TrimPrefix(dsn, "sqlite:"), `SELECT name FROM sqlite_master WHERE type = 'table'`
	if strings.HasPrefix(dsn, "postgres") {
		driver, source, list = "pgx", dsn, `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	db, err := sql.Open(driver, source)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	names, err := db.Query(list)
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for names.Next() {
		var n string
		if err := names.Scan(&n); err != nil {
			t.Fatal(err)
		}
		all = append(all, n)
	}
	if err := names.Err(); err != nil {
		t.Fatal(err)
	}
	names.Close()
	out := tables{}
	for _, n := range all {
		rows, err := db.Query(`SELECT * FROM ` + n)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		_, values := testenv.Rows(t, rows)
		var text strings.Builder
		for _, vals := range values {
			for _, v := range vals {
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				fmt.Fprintf(&text, "%v\t", v)
			}
			text.WriteString("\n")
		}
		out[n] = text.String()
	}
	return out
}
