package app_test

import (
	"bufio"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/app"
	"github.com/ecship/ecship/internal/config"
)

// demoTables reads the tables Demo prints: the users' rows by email (role, login, password) and the
// legacy members' by "system login" (password).
func demoTables(t *testing.T, out string) (users map[string][3]string, legacy map[string]string) {
	t.Helper()
	users, legacy = map[string][3]string{}, map[string]string{}
	table := ""
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "demo: ") {
			table = line
			continue
		}
		f := strings.Fields(line)
		if len(f) < 3 || f[0] == "ROLE" || f[0] == "SYSTEM" {
			continue
		}
		switch {
		case strings.Contains(table, "Hongkong Post IDs"):
			users[f[1]] = [3]string{f[0], f[2], f[3]}
		case strings.Contains(table, "legacy members"):
			legacy[f[0]+" "+f[1]] = f[2]
		}
	}
	return users, legacy
}

func TestDemoIsIdempotentAndItsAccountsSignIn(t *testing.T) {
	cfg := config.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.DB = "sqlite:" + filepath.Join(cfg.DataDir, "ecship.db")
	if err := cfg.Finish(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a, err := app.New(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()

	var first, second strings.Builder
	if err := a.Demo(ctx, &first); err != nil {
		t.Fatalf("first Demo: %v", err)
	}
	if err := a.Demo(ctx, &second); err != nil {
		t.Fatalf("second Demo: %v\n%s", err, second.String())
	}
	out := first.String()
	t.Logf("demo output:\n%s", out)
	if !strings.HasPrefix(out, "demo: the postage comparison needs no account") {
		t.Errorf("the first line changed:\n%s", out)
	}
	users, legacy := demoTables(t, out)
	if len(users) != 3 || len(legacy) != 6 {
		t.Fatalf("%d users, %d legacy members printed:\n%s", len(users), len(legacy), out)
	}
	if u2, l2 := demoTables(t, second.String()); len(u2) != 3 || len(l2) != 6 {
		t.Errorf("the second run printed %d users, %d legacy members:\n%s", len(u2), len(l2), second.String())
	}

	c := account.Client{IP: "192.0.2.10"}
	for email, want := range map[string]account.Role{"admin@demo.ecship.hk": account.Admin, "counter@demo.ecship.hk": account.Counter, "sender@demo.ecship.hk": account.Sender} {
		row := users[email]
		u, err := a.Accounts.SignIn(ctx, email, row[2], c)
		if err != nil || u.Role != want || string(want) != row[0] || u.LoginName != row[1] {
			t.Errorf("%s signs in with %q: %+v, %v (printed %q)", email, row[2], u, err, row)
		}
	}
	for key, pw := range legacy {
		system, login, _ := strings.Cut(key, " ")
		sys, ok := account.ParseLegacySystem(system)
		if !ok {
			t.Errorf("printed system %q", system)
			continue
		}
		m, err := a.Accounts.LegacySignIn(ctx, sys, login, pw, c)
		if err != nil || m.Login != login {
			t.Errorf("legacy %s signs in with %q: %+v, %v", key, pw, m, err)
		}
	}
	if a.Accounts.SuggestLogin(ctx, mustLegacy(t, a, account.LSOS, "stamp.fan")) != "" {
		t.Error("stamp.fan is offered as a new login name")
	}
	if got := a.Accounts.SuggestLogin(ctx, mustLegacy(t, a, account.LSOS, "chantaiman")); got != "chantaiman" {
		t.Errorf("chantaiman is not offered its old login name: %q", got)
	}
}

func mustLegacy(t *testing.T, a *app.App, s account.LegacySystem, login string) account.LegacyAccount {
	t.Helper()
	m, err := a.Store.LegacyAccount(context.Background(), s, login)
	if err != nil {
		t.Fatalf("%s %s: %v", s, login, err)
	}
	return m
}

// testdata/legacy-members.csv and the demo's legacy members are the same people with the same
// passwords: the file's hashes verify against the passwords the demo prints.
func TestDemoLegacyMembersMatchTestdata(t *testing.T) {
	f, err := os.Open("../../testdata/legacy-members.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, bad, err := account.ParseLegacyCSV(f)
	if err != nil || len(bad) > 0 {
		t.Fatalf("testdata: %v %v", bad, err)
	}
	cfg := config.Defaults()
	cfg.DataDir = t.TempDir()
	if err := cfg.Finish(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a, err := app.New(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var out strings.Builder
	if err := a.Demo(ctx, &out); err != nil {
		t.Fatal(err)
	}
	_, legacy := demoTables(t, out.String())
	if len(rows) != len(legacy) {
		t.Errorf("testdata has %d members, the demo %d", len(rows), len(legacy))
	}
	for _, r := range rows {
		pw, ok := legacy[string(r.System)+" "+r.Login]
		if !ok {
			t.Errorf("%s %s is in testdata, not in the demo", r.System, r.Login)
			continue
		}
		if ok, _, err := account.VerifyPassword(ctx, r.PasswordHash, pw); !ok || err != nil {
			t.Errorf("%s %s: the testdata hash does not verify the demo password %q (%v)", r.System, r.Login, pw, err)
		}
		m := mustLegacy(t, a, r.System, r.Login)
		if m.MembershipNo != r.MembershipNo || m.Email != r.Email || m.FirstName != r.FirstName || m.LastName != r.LastName || m.Phone != r.Phone || m.Lang != r.Lang {
			t.Errorf("demo %+v\ntestdata %+v", m, r)
		}
	}
}
