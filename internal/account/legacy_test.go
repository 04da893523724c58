package account_test

import (
	"strings"
	"testing"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/store"
	"github.com/ecship/ecship/internal/store/storetest"
)

func importLegacy(t *testing.T, s *store.Store) {
	t.Helper()
	csv := "system,login,membership_no,email,first_name,last_name,phone,lang,password_hash\n" +
		"lsos,chantaiman,100000017,tm@example.hk,Tai Man,Chan,91234567,zh-Hant," + account.LegacySHA256("s1", "stamps-since-1998") + "\n" +
		"omos,stamp.fan,200000025,fan@example.com,Siu Ming,Lee,92345678,en," + account.LegacySHA256("s2", "first-day-covers") + "\n" +
		"ecship,HKTRADER01,,ship@trader.example.hk,Ka Yan,Ho,23456789,en," + account.LegacySHA256("s3", "ecship-old-2019") + "\n" +
		"speedpost,speedyshop,,orders@speedy.example.hk,Wing,Cheung,34567890,zh-Hant," + account.LegacySHA256("s4", "speedpost-old-2020") + "\n" +
		"circular,circulars@print.example.hk,,circulars@print.example.hk,Hoi,Lam,45678901,en," + account.LegacySHA256("s5", "circular-old-2018") + "\n"
	accts, bad, err := account.ParseLegacyCSV(strings.NewReader(csv))
	if err != nil || len(bad) > 0 {
		t.Fatalf("parse: %v %v", bad, err)
	}
	if _, _, err := s.ImportLegacy(ctx, accts); err != nil {
		t.Fatal(err)
	}
}

func TestLegacyCSVErrorsNameRowAndColumn(t *testing.T) {
	csv := "system,login,membership_no,email,first_name,last_name,phone,lang,password_hash\n" +
		"lsos,ok1,123456789,a@example.hk,A,B,1,en,sha256$s$00\n" +
		"stamps,ok2,123456789,a@example.hk,A,B,1,en,sha256$s$00\n" +
		"omos,ok3,12345,a@example.hk,A,B,1,en,sha256$s$00\n" +
		"circular,not-an-email,,x,A,B,1,fr,plain\n" +
		"lsos,OK1,123456789,a@example.hk,A,B,1,en,sha256$s$00\n"
	accts, bad, err := account.ParseLegacyCSV(strings.NewReader(csv))
	if err != nil || accts != nil {
		t.Fatalf("accounts %v err %v; want row errors only", accts, err)
	}
	var got []string
	for _, e := range bad {
		got = append(got, e.Error()[:strings.Index(e.Error(), ":")])
	}
	want := "row 3, column system|row 4, column membership_no|row 5, column login|row 5, column email|row 5, column password_hash|row 5, column lang|row 6, column login"
	if strings.Join(got, "|") != want {
		t.Errorf("row errors:\n%s\nwant:\n%s", strings.Join(got, "|"), want)
	}
}

// rule: ACC-7, ACC-10
func TestStampOnNetMemberUpgrades(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		importLegacy(t, s)
		c := account.Client{IP: "192.0.2.7"}
		// The 9-digit membership number is not a login name: it never signs in.
		if _, err := e.svc.LegacySignIn(ctx, account.LSOS, "100000017", "stamps-since-1998", c); errs.CodeOf(err) != errs.Unauthorized {
			t.Errorf("membership number as login: %v", err)
		}
		a, err := e.svc.LegacySignIn(ctx, account.LSOS, "ChanTaiMan", "stamps-since-1998", c)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.svc.SuggestLogin(ctx, a); got != "chantaiman" {
			t.Errorf("suggested login %q; want the old one, still valid and free", got)
		}
		// A new login name that is a membership number is refused too.
		f := account.UpgradeForm{LoginName: "100000017", Email: a.Email, EmailConfirm: a.Email,
			Profile: account.Profile{FirstName: a.FirstName, LastName: a.LastName, Phone: a.Phone, Lang: a.Lang}}
		if _, err := e.svc.Upgrade(ctx, a, f, c); fields(err) != "login_name" {
			t.Errorf("membership number as new login: %v", err)
		}
		f.LoginName = "chantaiman"
		u, err := e.svc.Upgrade(ctx, a, f, c)
		if err != nil {
			t.Fatal(err)
		}
		if !u.Verified() || u.Email != "tm@example.hk" || u.FirstName != "Tai Man" || string(u.Lang) != "zh-Hant" {
			t.Errorf("data not carried over: %+v", u)
		}
		// The old password stays the password (and is rehashed with argon2id on first use).
		if _, err := e.svc.SignIn(ctx, "chantaiman", "stamps-since-1998", c); err != nil {
			t.Errorf("old password: %v", err)
		}
		if got := userByID(t, s, u.ID); !strings.HasPrefix(got.PasswordHash, "$argon2id$") {
			t.Errorf("legacy hash not upgraded after sign-in: %s", got.PasswordHash[:10])
		}
		// A member upgrades once.
		if a, err = s.LegacyAccount(ctx, account.LSOS, "chantaiman"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Upgrade(ctx, a, f, c); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("second upgrade: %v", err)
		}
		// An OMOS member whose old login is not valid picks one; a changed email must be verified anew.
		b, err := e.svc.LegacySignIn(ctx, account.OMOS, "stamp.fan", "first-day-covers", c)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.svc.SuggestLogin(ctx, b); got != "" {
			t.Errorf("suggested %q for an invalid old login", got)
		}
		u2, err := e.svc.Upgrade(ctx, b, account.UpgradeForm{LoginName: "stampfan", Email: "new@example.com", EmailConfirm: "new@example.com",
			Profile: account.Profile{FirstName: "Siu Ming", LastName: "Lee", Phone: "92345678", Lang: "en"}}, c)
		if err != nil || u2.Verified() {
			t.Fatalf("upgrade with a new email: verified %v, %v", u2 != nil && u2.Verified(), err)
		}
		if mails := outbox(t, s, "new@example.com", 1); len(mails) != 1 {
			t.Errorf("no verification email to the new address")
		}
	})
}

// rule: ACC-8
func TestLinkServiceAccounts(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		importLegacy(t, s)
		u := register(t, e, "linker", "linker@example.hk")
		other := register(t, e, "otherone", "other@example.hk")
		c := account.Client{IP: "192.0.2.8"}
		for _, l := range []struct {
			sys         account.LegacySystem
			login, pass string
		}{{account.ECShip, "hktrader01", "ecship-old-2019"}, {account.Speedpost, "SpeedyShop", "speedpost-old-2020"}, {account.Circular, "circulars@print.example.hk", "circular-old-2018"}} {
			if _, err := e.svc.Link(ctx, u, l.sys, l.login, "wrong-password", c); errs.CodeOf(err) != errs.Unauthorized {
				t.Errorf("%s with a wrong password: %v", l.sys, err)
			}
			if _, err := e.svc.Link(ctx, u, l.sys, l.login, l.pass, c); err != nil {
				t.Errorf("link %s: %v", l.sys, err)
			}
		}
		linked, err := s.LinkedAccounts(ctx, u.ID)
		if err != nil || len(linked) != 3 {
			t.Fatalf("%d linked (%v); want 3", len(linked), err)
		}
		// Linked to someone: another ID cannot take it, nor unlink it.
		if _, err := e.svc.Link(ctx, other, account.ECShip, "HKTRADER01", "ecship-old-2019", c); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("linking another's account: %v", err)
		}
		if err := e.svc.Unlink(ctx, other, linked[0].ID, c); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("unlinking another's account: %v", err)
		}
		if err := e.svc.Unlink(ctx, u, linked[0].ID, c); err != nil {
			t.Fatal(err)
		}
		if l, err := s.LinkedAccounts(ctx, u.ID); err != nil || len(l) != 2 {
			t.Errorf("%d linked after unlinking one (%v)", len(l), err)
		}
		// Stamp OnNet accounts upgrade; they are not linked.
		if _, err := e.svc.Link(ctx, u, account.LSOS, "chantaiman", "stamps-since-1998", c); fields(err) != "system" {
			t.Errorf("linking an LSOS account: %v", err)
		}
	})
}

func TestLegacySignInIsThrottled(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		importLegacy(t, s)
		c := account.Client{IP: "192.0.2.9"}
		for range account.MaxFailuresPair {
			e.svc.LegacySignIn(ctx, account.LSOS, "chantaiman", "guess-guess", c)
		}
		if _, err := e.svc.LegacySignIn(ctx, account.LSOS, "chantaiman", "stamps-since-1998", c); errs.CodeOf(err) != errs.RateLimited {
			t.Errorf("throttled legacy sign-in: %v", err)
		}
	})
}
