package account_test

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/testenv"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/mail"
	"github.com/ecship/ecship/internal/store"
	"github.com/ecship/ecship/internal/store/storetest"
)

// clock is a settable time for tests.
type clock = testenv.Clock

type env struct {
	svc    *account.Service
	store  *store.Store
	clock  *clock
	mailer *mail.Mailer
}

var ctx = context.Background()

func newEnv(t *testing.T, s *store.Store) *env {
	t.Helper()
	c := testenv.NewClock(time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC))
	box := testenv.Secrets(t)
	log := slog.New(slog.DiscardHandler)
	m := &mail.Mailer{Outbox: s, Secrets: box, Log: log, Now: c.Now}
	return &env{store: s, clock: c, mailer: m, svc: &account.Service{Store: s, Secrets: box, Log: log, Now: c.Now, BaseURL: "http://ecship.test", Mail: m}}
}

var linkRe = regexp.MustCompile(`http://ecship\.test(/[a-z-]+)\?token=([a-z0-9]+)`)

// lastLink returns the path and token of the newest link emailed to an address.
func (e *env) lastLink(t *testing.T, to string) (string, string) {
	t.Helper()
	msgs, err := e.store.Outbox(ctx, to, 1)
	if err != nil || len(msgs) == 0 {
		t.Fatalf("no email to %s: %v", to, err)
	}
	if linkRe.MatchString(msgs[0].Body) {
		t.Fatalf("a link in clear in the outbox: %q", msgs[0].Body)
	}
	body, err := e.mailer.Reveal(msgs[0])
	if err != nil {
		t.Fatal(err)
	}
	m := linkRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link in %q", body)
	}
	return m[1], m[2]
}

// outbox is the newest mail (at most n) to an address, failing the test when it cannot be read.
func outbox(t testing.TB, s *store.Store, to string, n int) []mail.Stored {
	t.Helper()
	msgs, err := s.Outbox(ctx, to, n)
	if err != nil {
		t.Fatalf("outbox of %s: %v", to, err)
	}
	return msgs
}

// auditLog is the newest audit entries (at most n) about a user, or about everyone when userID is "".
func auditLog(t testing.TB, s *store.Store, userID string, n int) []account.AuditEntry {
	t.Helper()
	log, err := s.AuditLog(ctx, userID, n)
	if err != nil {
		t.Fatalf("audit log: %v", err)
	}
	return log
}

// userByID is the stored user id, failing the test when it cannot be read.
func userByID(t testing.TB, s *store.Store, id string) *account.User {
	t.Helper()
	u, err := s.UserByID(ctx, id)
	if err != nil {
		t.Fatalf("user %s: %v", id, err)
	}
	return u
}

// session signs u in (in place of the session old, if any) and returns the new session's secret.
func (e *env) session(t testing.TB, u *account.User, old string) string {
	t.Helper()
	secret, err := e.svc.StartSession(ctx, u, old, account.Client{})
	if err != nil {
		t.Fatalf("start a session for %s: %v", u.LoginName, err)
	}
	return secret
}

func register(t *testing.T, e *env, login, email string) *account.User {
	t.Helper()
	u, err := e.svc.Register(ctx, account.Registration{LoginName: login, Email: email, EmailConfirm: email, Password: "harbour-view-8",
		Profile: account.Profile{FirstName: "Tai Man", LastName: "Chan", Phone: "91234567", Lang: "zh-Hant"}}, account.Client{IP: "192.0.2.1"})
	if err != nil {
		t.Fatalf("register %s: %v", login, err)
	}
	return u
}

// rule: ACC-1, ACC-6
func TestRegisterVerifyAndSignIn(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		u := register(t, e, "ChanTaiMan", "tm@example.hk")
		if u.Verified() || u.Role != account.Sender {
			t.Fatalf("new user verified %v role %s", u.Verified(), u.Role)
		}
		msgs := outbox(t, s, "tm@example.hk", 10)
		if len(msgs) != 1 || !strings.Contains(msgs[0].Subject, "核實") || !strings.Contains(msgs[0].Body, "ChanTaiMan") {
			t.Fatalf("verification email in Traditional Chinese: %+v", msgs)
		}
		path, token := e.lastLink(t, "tm@example.hk")
		if path != "/verify" {
			t.Fatalf("link path %s", path)
		}
		// Tampered and repeated links fail the same way.
		if _, err := e.svc.VerifyEmail(ctx, token+"x", account.Client{}); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("tampered link: %v", err)
		}
		v, err := e.svc.VerifyEmail(ctx, token, account.Client{})
		if err != nil || !v.Verified() {
			t.Fatalf("verify: %v %v", v, err)
		}
		if _, err := e.svc.VerifyEmail(ctx, token, account.Client{}); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("link used twice: %v", err)
		}
		// Sign in with the login name or the email, in any case.
		for _, login := range []string{"chantaiman", "CHANTAIMAN", "TM@Example.HK"} {
			if got, err := e.svc.SignIn(ctx, login, "harbour-view-8", account.Client{IP: "192.0.2.9"}); err != nil || got.ID != u.ID {
				t.Errorf("sign in as %s: %v", login, err)
			}
		}
		if _, err := e.svc.SignIn(ctx, "chantaiman", "wrong-password", account.Client{IP: "192.0.2.9"}); errs.CodeOf(err) != errs.Unauthorized {
			t.Errorf("wrong password: %v", err)
		}
		if _, err := e.svc.SignIn(ctx, "nobody", "harbour-view-8", account.Client{IP: "192.0.2.9"}); errs.CodeOf(err) != errs.Unauthorized || errs.As(err).Message.Key != "account.signin.failed" {
			t.Errorf("unknown user: %v (must read like a wrong password)", err)
		}
	})
}

func TestVerificationLinkExpires(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		register(t, e, "expiring", "ex@example.hk")
		_, token := e.lastLink(t, "ex@example.hk")
		e.clock.Add(73 * time.Hour)
		if _, err := e.svc.VerifyEmail(ctx, token, account.Client{}); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("expired link: %v", err)
		}
	})
}

// rule: ACC-2, ACC-3
func TestDuplicatesInAnyCaseCreateNothing(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		register(t, e, "ChanTaiMan", "tm@example.hk")
		_, err := e.svc.Register(ctx, account.Registration{LoginName: "chantaiman", Email: "other@example.hk", EmailConfirm: "other@example.hk", Password: "harbour-view-8",
			Profile: account.Profile{FirstName: "A", LastName: "B", Phone: "1"}}, account.Client{})
		if got := errs.As(err); len(got.Fields) != 1 || got.Fields[0].Field != "login_name" || got.Fields[0].Key != "account.login.taken" {
			t.Errorf("same login, other case: %v", err)
		}
		_, err = e.svc.Register(ctx, account.Registration{LoginName: "someoneelse", Email: "TM@EXAMPLE.HK", EmailConfirm: "TM@EXAMPLE.HK", Password: "harbour-view-8",
			Profile: account.Profile{FirstName: "A", LastName: "B", Phone: "1"}}, account.Client{})
		if got := errs.As(err); len(got.Fields) != 1 || got.Fields[0].Field != "email" {
			t.Errorf("same email, other case: %v", err)
		}
		users, err := s.Users(ctx, store.UserFilter{})
		if err != nil || len(users) != 1 {
			t.Errorf("%d users after refused registrations (%v); want 1", len(users), err)
		}
		if msgs := outbox(t, s, "other@example.hk", 10); len(msgs) != 0 {
			t.Errorf("a refused registration sent mail")
		}
	})
}

// rule: ACC-9
// Sign-in throttling slows guessers without locking the owner out (issue 12, finding 4): an address
// guessing one account is refused for it while the owner signs in from elsewhere; guesses spread
// over many addresses put the account on one attempt a minute (the owner with the right password
// still gets in after waiting) and email the owner once; an address guessing many accounts is refused.
func TestSignInThrottledPerAccountAndPerIP(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		register(t, e, "target", "target@example.hk")
		wrong := func(ip string) error {
			_, err := e.svc.SignIn(ctx, "target", "nope-nope", account.Client{IP: ip})
			return err
		}
		right := func(ip string) error {
			_, err := e.svc.SignIn(ctx, "TARGET", "harbour-view-8", account.Client{IP: ip})
			return err
		}
		for i := range account.MaxFailuresPair {
			if err := wrong("198.51.100.1"); errs.CodeOf(err) != errs.Unauthorized {
				t.Fatalf("failure %d: %v", i+1, err)
			}
		}
		// That address is refused for the account, even with the right password; the owner elsewhere is not.
		if err := right("198.51.100.1"); errs.CodeOf(err) != errs.RateLimited {
			t.Errorf("the guessing address: %v", err)
		}
		if err := right("203.0.113.50"); err != nil {
			t.Errorf("the owner from another address: %v", err)
		}
		// The review's case: 40 wrong guesses from one address, then the owner from theirs.
		refused := 0
		for range 40 {
			if errs.CodeOf(wrong("198.51.100.2")) == errs.RateLimited {
				refused++
			}
		}
		if refused != 40-account.MaxFailuresPair {
			t.Errorf("%d of 40 guesses from one address refused; want %d", refused, 40-account.MaxFailuresPair)
		}
		if err := right("203.0.113.51"); err != nil {
			t.Errorf("the owner after a burst from another address: %v", err)
		}
		// A guess spread over many addresses: past the account's limit, one attempt a minute.
		for i := range account.MaxFailuresAccount {
			if err := wrong(fmt.Sprintf("192.0.2.%d", 10+i)); errs.CodeOf(err) != errs.Unauthorized {
				t.Fatalf("distributed guess %d: %v", i+1, err)
			}
		}
		if err := wrong("192.0.2.99"); errs.CodeOf(err) != errs.RateLimited {
			t.Errorf("a further guess within the minute: %v", err)
		}
		if err := right("203.0.113.52"); errs.CodeOf(err) != errs.RateLimited {
			t.Errorf("the owner within the minute: %v; want refused until the pause is over", err)
		}
		e.clock.Add(account.AccountDelay + time.Second)
		if err := right("203.0.113.52"); err != nil {
			t.Errorf("the owner after the pause: %v", err)
		}
		// A guesser taking each minute's one attempt cannot keep out the owner at a browser they
		// signed in from before (the portal's device cookie).
		for i := range account.MaxFailuresAccount {
			wrong(fmt.Sprintf("192.0.2.%d", 120+i))
		}
		target, err := s.UserByLogin(ctx, "target")
		if err != nil {
			t.Fatal(err)
		}
		for minute := range 3 {
			e.clock.Add(account.AccountDelay + time.Second)
			if err := wrong(fmt.Sprintf("192.0.2.%d", 200+minute)); errs.CodeOf(err) != errs.Unauthorized {
				t.Fatalf("the guesser's attempt of minute %d: %v", minute, err)
			}
			if err := right("203.0.113.53"); errs.CodeOf(err) != errs.RateLimited {
				t.Errorf("the owner at a new browser, minute %d: %v; want the pace", minute, err)
			}
		}
		if _, err := e.svc.SignIn(ctx, "target", "harbour-view-8", account.Client{IP: "203.0.113.53", KnownDevice: target.ID}); err != nil {
			t.Errorf("the owner at a known browser while the account is paced: %v", err)
		}
		e.svc.Mail.(*mail.Mailer).Wait()
		alerts := 0
		msgs := outbox(t, s, "target@example.hk", 20)
		for _, m := range msgs {
			if strings.Contains(m.Subject, "有人嘗試登入") { // the owner reads Traditional Chinese
				alerts++
			}
		}
		if alerts != 2 { // once for each wave of guesses (the owner's sign-in between them cleared the count)
			t.Errorf("%d alerts to the owner; want 2", alerts)
		}
		// One address trying many accounts is throttled too.
		attacker := account.Client{IP: "203.0.113.66"}
		for i := range account.MaxFailuresIP {
			e.svc.SignIn(ctx, "guess"+string(rune('a'+i%26))+strings.Repeat("x", i), "nope-nope", attacker)
		}
		if _, err := e.svc.SignIn(ctx, "target", "harbour-view-8", attacker); errs.CodeOf(err) != errs.RateLimited {
			t.Errorf("throttled address: %v", err)
		}
		log := auditLog(t, s, "", 1000)
		var failed, throttled int
		for _, a := range log {
			switch a.Event {
			case account.EventSignInFailed:
				failed++
			case account.EventSignInThrottled:
				throttled++
			}
		}
		if failed < account.MaxFailuresAccount+account.MaxFailuresIP || throttled < 3 {
			t.Errorf("audit log: %d failed, %d throttled", failed, throttled)
		}
	})
}

// An IPv6 address counts by its /64: addresses of one subscriber's block share their limits.
func TestSignInThrottlesIPv6ByItsBlock(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		register(t, e, "target", "target@example.hk")
		for i := range account.MaxFailuresPair {
			e.svc.SignIn(ctx, "target", "nope-nope", account.Client{IP: fmt.Sprintf("2001:db8:0:7::%x", i+1)})
		}
		if _, err := e.svc.SignIn(ctx, "target", "harbour-view-8", account.Client{IP: "2001:db8:0:7::ffff"}); errs.CodeOf(err) != errs.RateLimited {
			t.Errorf("another address of the same /64: %v; want refused", err)
		}
		if _, err := e.svc.SignIn(ctx, "target", "harbour-view-8", account.Client{IP: "2001:db8:0:8::1"}); err != nil {
			t.Errorf("the owner from another block: %v", err)
		}
	})
}

// Guesses sent at once cannot all slip under the limit, and the login name and the email of
// one account share one count.
func TestSignInThrottleHoldsUnderParallelGuesses(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		register(t, e, "target", "target@example.hk")
		const n = 16
		results := make(chan error, n)
		for i := range n {
			login := "target"
			if i%2 == 1 {
				login = "target@example.hk"
			}
			go func() {
				_, err := e.svc.SignIn(ctx, login, "nope-nope", account.Client{IP: fmt.Sprintf("198.51.100.%d", i+1)})
				results <- err
			}()
		}
		var checked int
		for range n {
			switch err := <-results; errs.CodeOf(err) {
			case errs.Unauthorized:
				checked++
			case errs.RateLimited:
			default:
				t.Errorf("parallel guess: %v", err)
			}
		}
		if checked != account.MaxFailuresAccount {
			t.Errorf("%d of %d parallel guesses from as many addresses were checked; want exactly %d", checked, n, account.MaxFailuresAccount)
		}
	})
}

// rule: ACC-9
func TestForgotPasswordAndLogin(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		u := register(t, e, "forgetful", "fg@example.hk")
		sess := e.session(t, u, "")
		// Unknown addresses get the same answer and no mail.
		if err := e.svc.ForgotPassword(ctx, "nobody@example.hk", account.Client{}); err != nil {
			t.Errorf("unknown address: %v", err)
		}
		e.clock.Add(time.Second)
		if err := e.svc.ForgotPassword(ctx, "FG@example.hk", account.Client{}); err != nil {
			t.Fatal(err)
		}
		_, older := e.lastLink(t, "fg@example.hk")
		e.clock.Add(time.Second)
		if err := e.svc.ForgotPassword(ctx, "fg@example.hk", account.Client{}); err != nil {
			t.Fatal(err)
		}
		path, token := e.lastLink(t, "fg@example.hk")
		if path != "/reset-password" || token == older {
			t.Fatalf("path %s", path)
		}
		if _, err := e.svc.ResetPassword(ctx, token, "short", account.Client{}); errs.CodeOf(err) != errs.Invalid || errs.As(err).Fields[0].Field != "password" {
			t.Errorf("weak new password: %v", err)
		}
		if _, err := e.svc.ResetPassword(ctx, token, "new-harbour-9", account.Client{}); err != nil {
			t.Fatalf("reset: %v", err)
		}
		if _, err := e.svc.ResetPassword(ctx, token, "again-harbour-9", account.Client{}); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("reset link used twice: %v", err)
		}
		if _, err := e.svc.ResetPassword(ctx, older, "again-harbour-9", account.Client{}); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("an older reset link still worked after the reset: %v", err)
		}
		if _, err := e.svc.SessionUser(ctx, sess); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("session survived a password reset: %v", err)
		}
		if _, err := e.svc.SignIn(ctx, "forgetful", "new-harbour-9", account.Client{}); err != nil {
			t.Errorf("sign in with the new password: %v", err)
		}
		// A reset link expires after an hour.
		e.clock.Add(time.Second)
		if err := e.svc.ForgotPassword(ctx, "fg@example.hk", account.Client{}); err != nil {
			t.Fatal(err)
		}
		_, token = e.lastLink(t, "fg@example.hk")
		e.clock.Add(61 * time.Minute)
		if _, err := e.svc.ResetPassword(ctx, token, "late-harbour-9", account.Client{}); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("expired reset link: %v", err)
		}
		// Forgot login name.
		e.clock.Add(time.Second)
		if err := e.svc.ForgotLogin(ctx, "nobody@example.hk", account.Client{}); err != nil {
			t.Errorf("forgot login, unknown address: %v", err)
		}
		if err := e.svc.ForgotLogin(ctx, "fg@example.hk", account.Client{}); err != nil {
			t.Fatal(err)
		}
		msgs := outbox(t, s, "fg@example.hk", 1)
		if !strings.Contains(msgs[0].Body, "forgetful") {
			t.Errorf("login name email: %q", msgs[0].Body)
		}
		if all := outbox(t, s, "nobody@example.hk", 10); len(all) != 0 {
			t.Errorf("mail sent to an address without an account")
		}
	})
}

func TestSessionsRotateAndEnd(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		u := register(t, e, "sessions", "ss@example.hk")
		first := e.session(t, u, "")
		second := e.session(t, u, first) // signing in again rotates
		if _, err := e.svc.SessionUser(ctx, first); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("old session still valid after rotation")
		}
		if got, err := e.svc.SessionUser(ctx, second); err != nil || got.ID != u.ID {
			t.Fatalf("session: %v %v", got, err)
		}
		e.clock.Add(account.SessionIdle + time.Minute)
		if _, err := e.svc.SessionUser(ctx, second); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("idle session still valid")
		}
		third := e.session(t, u, "")
		if err := e.svc.SignOut(ctx, u, third, account.Client{}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.SessionUser(ctx, third); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("session valid after sign-out")
		}
	})
}

func TestChangePasswordAndRoles(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		u := register(t, e, "changer", "ch@example.hk")
		keep := e.session(t, u, "")
		other := e.session(t, u, "")
		err := e.svc.ChangePassword(ctx, u, "wrong-one", "another-pass-1", keep, account.Client{})
		if got := errs.As(err); len(got.Fields) != 1 || got.Fields[0].Field != "current_password" {
			t.Errorf("wrong current password: %v", err)
		}
		if err := e.svc.ChangePassword(ctx, u, "harbour-view-8", "another-pass-1", keep, account.Client{}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.SessionUser(ctx, keep); err != nil {
			t.Errorf("the current session ended: %v", err)
		}
		if _, err := e.svc.SessionUser(ctx, other); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("another session survived a password change")
		}
		admin, err := e.svc.CreateUser(ctx, "boss", "boss@example.hk", "boss-password-1", account.Admin)
		if err != nil || !admin.Verified() {
			t.Fatalf("create admin: %v", err)
		}
		if err := e.svc.SetRole(ctx, u, admin.ID, account.Sender, account.Client{}); errs.CodeOf(err) != errs.Forbidden {
			t.Errorf("a sender changed a role: %v", err)
		}
		if err := e.svc.SetRole(ctx, admin, admin.ID, account.Sender, account.Client{}); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("an admin demoted themself: %v", err)
		}
		if err := e.svc.SetRole(ctx, admin, u.ID, account.Counter, account.Client{}); err != nil {
			t.Fatal(err)
		}
		if got := userByID(t, s, u.ID); got.Role != account.Counter {
			t.Errorf("role %s", got.Role)
		}
		log := auditLog(t, s, u.ID, 100)
		found := false
		for _, a := range log {
			if a.Event == account.EventRoleChanged && a.ActorID == admin.ID && a.Detail == "sender -> counter" {
				found = true
			}
		}
		if !found {
			t.Errorf("role change not audited: %+v", log)
		}
	})
}

func TestAPIKeysAndIntegrators(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		u := register(t, e, "integrator", "in@example.hk")
		k, secret, err := e.svc.CreateAPIKey(ctx, u, "Shop backend", account.Live, account.Client{})
		if err != nil || !strings.HasPrefix(secret, "ek_live_") || strings.Contains(k.Hash, secret) {
			t.Fatalf("key %+v %q %v", k, secret, err)
		}
		if _, got, err := e.svc.AuthenticateKey(ctx, secret); err != nil || got.ID != u.ID {
			t.Errorf("authenticate: %v", err)
		}
		keys, err := s.APIKeys(ctx, u.ID)
		if err != nil || len(keys) != 1 || keys[0].LastUsedAt == nil {
			t.Errorf("last used time not recorded: %+v %v", keys, err)
		}
		other := register(t, e, "someoneelse", "se@example.hk")
		if err := e.svc.RevokeAPIKey(ctx, other, k.ID, account.Client{}); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("another user revoked the key: %v", err)
		}
		if err := e.svc.RevokeAPIKey(ctx, u, k.ID, account.Client{}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.svc.AuthenticateKey(ctx, secret); errs.CodeOf(err) != errs.Unauthorized {
			t.Errorf("revoked key still works: %v", err)
		}
		ips, ok := account.ParseAllowIPs("203.0.113.0/24, 198.51.100.7")
		if !ok {
			t.Fatal("the allowed addresses do not parse")
		}
		in, err := e.svc.CreateIntegrator(ctx, u, account.Integrator{Username: "shop_api", AllowIPs: ips, Mode: account.Live}, account.Client{})
		if err != nil || len(in.Password) != 20 {
			t.Fatalf("integrator %+v %v", in, err)
		}
		got, err := e.svc.Integrator(ctx, "shop_api")
		if err != nil || got.Password != in.Password || got.UserID != u.ID || len(got.AllowIPs) != 2 {
			t.Errorf("integrator read back: %+v %v", got, err)
		}
		if _, err := e.svc.CreateIntegrator(ctx, other, account.Integrator{Username: "shop_api", AllowIPs: ips}, account.Client{}); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("duplicate username: %v", err)
		}
		_, err = e.svc.CreateIntegrator(ctx, u, account.Integrator{Username: strings.Repeat("x", 21), Password: "short", AllowIPs: nil}, account.Client{})
		if f := fields(err); f != "username password allow_ips" {
			t.Errorf("bad integrator fields: %q", f)
		}
	})
}

func fields(err error) string {
	var out []string
	for _, f := range errs.As(err).Fields {
		out = append(out, f.Field)
	}
	return strings.Join(out, " ")
}

func BenchmarkPasswordVerify(b *testing.B) {
	hash, err := account.HashPassword(ctx, "harbour-view-8")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if ok, _, err := account.VerifyPassword(ctx, hash, "harbour-view-8"); err != nil || !ok { // whether to rehash: not asked here
			b.Fatalf("no match: %v", err)
		}
	}
}
