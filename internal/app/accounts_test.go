package app_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/app"
	"github.com/ecship/ecship/internal/store"
	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/testenv"
)

// browserish is an HTTP client with cookies that does not follow redirects, so tests see them.
type browserish struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newClient(t *testing.T, base string) *browserish {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browserish{t: t, base: base, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browserish) do(method, path string, form url.Values, hdr ...string) (int, string, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := newRequest(b.t, method, b.base+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	data := readAll(b.t, resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(data)
}

func registration(login, email string) url.Values {
	return url.Values{"login_name": {login}, "password": {"harbour-view-8"}, "email": {email}, "email_confirm": {email},
		"first_name": {"大文"}, "last_name": {"陳"}, "phone": {"91234567"}, "lang": {"zh-Hant"}}
}

var verifyLink = regexp.MustCompile(`http://[^/\s]+(/verify\?token=[a-z0-9]+)`)

// rule: ACC-1, ACC-6, ACC-9
func TestPortalRegisterVerifySignInSignOut(t *testing.T) {
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	b := newClient(t, base)

	// Every rule broken: each message beside its field, nothing created.
	bad := url.Values{"login_name": {"123456789"}, "password": {"short"}, "email": {"tm@example.hk"}, "email_confirm": {"tm@example.com"},
		"first_name": {strings.Repeat("x", 31)}, "last_name": {""}, "phone": {"+852 9123"}, "lang": {"en"}}
	code, _, page := b.do("POST", "/register", bad)
	if code != 400 {
		t.Fatalf("bad registration: %d", code)
	}
	for _, want := range []string{`id="login_name-error">A 9-digit membership number is not a login name`, `id="password-error">Use at least 8`,
		`id="email_confirm-error">Email mis-match`, `id="first_name-error">At most 30`, `id="last_name-error">Enter this name`, `id="phone-error">Digits only`} {
		if !strings.Contains(page, want) {
			t.Errorf("registration page lacks %q", want)
		}
	}
	if users, err := a.Store.Users(context.Background(), storeFilter()); err != nil || len(users) != 0 {
		t.Fatalf("a refused registration created %d users (%v)", len(users), err)
	}

	code, loc, _ := b.do("POST", "/register", registration("ChanTaiMan", "tm@example.hk"))
	if code != 303 || !strings.HasPrefix(loc, "/account") {
		t.Fatalf("register: %d %s", code, loc)
	}
	_, _, page = b.do("GET", "/account", nil)
	if !strings.Contains(page, `<html lang="zh-Hant">`) || !strings.Contains(page, "請開啟連結核實地址") {
		t.Errorf("account page not in the chosen language or without the unverified banner")
	}
	stored, body := lastMail(t, a, "tm@example.hk")
	m := verifyLink.FindStringSubmatch(body)
	if m == nil || verifyLink.MatchString(stored.Body) {
		t.Fatalf("no verification link in %q, or one in clear in the outbox: %q", body, stored.Body)
	}
	if code, _, page = b.do("GET", m[1], nil); code != 200 || !strings.Contains(page, "電郵地址已核實") {
		t.Errorf("verify: %d", code)
	}
	if code, _, page = b.do("GET", m[1], nil); code != 400 || !strings.Contains(page, "此連結無效") {
		t.Errorf("verify twice: %d", code)
	}
	if code, _, _ = b.do("POST", "/logout", url.Values{}); code != 303 {
		t.Fatalf("logout: %d", code)
	}
	if code, loc, _ = b.do("GET", "/account", nil); code != 303 || loc != "/login?next=%2Faccount" {
		t.Errorf("account after logout: %d %s", code, loc)
	}
	code, _, page = b.do("POST", "/login?lang=en", url.Values{"login": {"chantaiman"}, "password": {"wrong-one-1"}, "next": {"/account"}})
	if code != 401 || !strings.Contains(page, "password is wrong") {
		t.Errorf("wrong password: %d", code)
	}
	code, loc, _ = b.do("POST", "/login", url.Values{"login": {"TM@EXAMPLE.HK"}, "password": {"harbour-view-8"}, "next": {"//evil.example/"}})
	if code != 303 || loc != "/labels" {
		t.Errorf("sign in with an off-site next: %d %s; want the sender's labels", code, loc)
	}
	// Language change on the profile.
	code, _, _ = b.do("POST", "/account/profile", url.Values{"first_name": {"Tai Man"}, "last_name": {"Chan"}, "phone": {"91234567"}, "lang": {"zh-Hans"}})
	if code != 303 {
		t.Fatalf("profile: %d", code)
	}
	if _, _, page = b.do("GET", "/account", nil); !strings.Contains(page, `<html lang="zh-Hans">`) {
		t.Errorf("language change not applied")
	}
}

func storeFilter() store.UserFilter { return store.UserFilter{} }

// rule: ACC-9
func TestPortalThrottlesAndNeverRevealsAccounts(t *testing.T) {
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	testenv.User(t, a.Accounts, "victim", "victim@example.hk", account.Sender)
	b := newClient(t, base)
	for range account.MaxFailuresPair {
		b.do("POST", "/login", url.Values{"login": {"victim"}, "password": {"guess-guess"}})
	}
	code, _, page := b.do("POST", "/login?lang=zh-Hant", url.Values{"login": {"victim"}, "password": {"harbour-view-8"}})
	if code != 429 || !strings.Contains(page, "登入失敗次數過多") {
		t.Errorf("throttled sign-in: %d", code)
	}
	_, _, known := b.do("POST", "/forgot-password?lang=en", url.Values{"email": {"victim@example.hk"}})
	_, _, unknown := b.do("POST", "/forgot-password?lang=en", url.Values{"email": {"nobody@example.hk"}})
	if strings.ReplaceAll(known, "victim@example.hk", "X") != strings.ReplaceAll(unknown, "nobody@example.hk", "X") {
		t.Error("forgot-password answers differ for a known and an unknown address")
	}
}

func TestCrossOriginFormsRefused(t *testing.T) {
	_, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	b := newClient(t, base)
	code, _, _ := b.do("POST", "/login", url.Values{"login": {"x"}, "password": {"y"}}, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")
	if code != 403 {
		t.Errorf("cross-site form post: %d; want 403", code)
	}
	code, _, _ = b.do("POST", "/login", url.Values{"login": {"x"}, "password": {"yyyyyyyy"}}, "Sec-Fetch-Site", "same-origin")
	if code != 401 {
		t.Errorf("same-origin form post: %d; want 401 (wrong password)", code)
	}
}

type role struct {
	name string
	u    *account.User
	b    *browserish
}

// The role-by-route matrix: every portal route, asked by anonymous, two senders, counter staff and an
// admin. Who may pass each route's gate is decided by its access level in one place; this walks them all.
//
// rule: ACC-11
func TestRoleByRouteMatrix(t *testing.T) {
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	ctx := context.Background()
	mk := func(name string, r account.Role) role {
		rl := role{name: name, b: newClient(t, base)}
		if r != "" {
			u, err := a.Accounts.CreateUser(ctx, name, name+"@example.hk", "harbour-view-8", r)
			if err != nil {
				t.Fatal(err)
			}
			rl.u = u
			if code, _, _ := rl.b.do("POST", "/login", url.Values{"login": {name}, "password": {"harbour-view-8"}}); code != 303 {
				t.Fatalf("sign in %s: %d", name, code)
			}
		}
		return rl
	}
	roles := []role{mk("anonymous", ""), mk("sendera", account.Sender), mk("senderb", account.Sender), mk("counter", account.Counter), mk("admin", account.Admin)}
	routes := a.PortalRoutes()
	if len(routes) < 25 {
		t.Fatalf("only %d routes registered", len(routes))
	}
	// Where each role starts when signed in.
	home := map[account.Role]string{account.Sender: "/labels", account.Counter: "/counter", account.Admin: "/admin"}
	// Signing out ends the walk's sessions: walk it last.
	sort.SliceStable(routes, func(i, j int) bool { return routes[j].Path == "/logout" && routes[i].Path != "/logout" })
	for _, rt := range routes {
		path := strings.ReplaceAll(strings.ReplaceAll(rt.Path, "{$}", ""), "{id}", "nope")
		for _, rl := range roles {
			var form url.Values
			if rt.Method == "POST" {
				form = url.Values{}
			}
			code, loc, _ := rl.b.do(rt.Method, path, form)
			allowed := account.Allows(rl.u, rt.Access)
			gateSaysLogin := code == 303 && strings.HasPrefix(loc, "/login?next=")
			switch {
			case allowed && (gateSaysLogin || code == 403):
				t.Errorf("%s %s as %s: %d %s; the route should let them in", rt.Method, path, rl.name, code, loc)
			case !allowed && rl.u == nil && !gateSaysLogin:
				t.Errorf("%s %s anonymous: %d %s; want a redirect to sign in", rt.Method, path, code, loc)
			case !allowed && rl.u != nil && rt.Access == account.Anonymous && (code != 303 || loc != home[rl.u.Role]):
				t.Errorf("%s %s as %s: %d %s; want their start page %s", rt.Method, path, rl.name, code, loc, home[rl.u.Role])
			case !allowed && rl.u != nil && rt.Access != account.Anonymous && code != 403:
				t.Errorf("%s %s as %s: %d; want 403", rt.Method, path, rl.name, code)
			case code >= 500:
				t.Errorf("%s %s as %s: %d", rt.Method, path, rl.name, code)
			}
		}
	}
	// Ownership: a sender never sees or touches another sender's keys.
	senderA, senderB := roles[1], roles[2]
	for _, rl := range []role{senderA, senderB} { // the walk ended with signing out
		rl.b.do("POST", "/login", url.Values{"login": {rl.name}, "password": {"harbour-view-8"}})
	}
	code, _, page := senderA.b.do("POST", "/account/keys", url.Values{"name": {"A's shop"}, "mode": {"live"}})
	if code != 201 {
		t.Fatalf("create key: %d", code)
	}
	secret := regexp.MustCompile(`id="new-key">(ek_live_[a-z0-9]+)<`).FindStringSubmatch(page)
	if secret == nil {
		t.Fatal("key not shown once")
	}
	if _, _, page := senderA.b.do("GET", "/account", nil); strings.Contains(page, secret[1]) {
		t.Error("the key is shown again")
	}
	if _, _, page := senderB.b.do("GET", "/account", nil); strings.Contains(page, "A&#39;s shop") || strings.Contains(page, secret[1][:12]) {
		t.Error("sender B sees sender A's key")
	}
	keys, err := a.Store.APIKeys(ctx, senderA.u.ID)
	if err != nil || len(keys) == 0 {
		t.Fatalf("sender A's keys: %v %v", keys, err)
	}
	if code, _, _ := senderB.b.do("POST", "/account/keys/"+keys[0].ID+"/revoke", url.Values{}); code != 404 {
		t.Errorf("sender B revoking A's key: %d; want 404", code)
	}
	// The key works on the API for A, and only as A.
	code, _, body := senderA.b.do("GET", "/api/v1/account", nil, "Authorization", "Bearer "+secret[1])
	if code != 200 || !strings.Contains(body, `"login_name":"sendera"`) || !strings.Contains(body, `"key_mode":"live"`) {
		t.Errorf("API with the key: %d %s", code, body)
	}
	if code, _, _ := senderA.b.do("GET", "/api/v1/account", nil, "Authorization", "Bearer ek_live_made_up"); code != 401 {
		t.Errorf("API with a made-up key: %d", code)
	}
}

// Two serve processes on one PostgreSQL share sessions and sign-in throttling.
func TestTwoServersShareSessionsOnPostgres(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	if dsn == "" {
		t.Skip("ECSHIP_TEST_POSTGRES not set")
	}
	a1, base1 := start(t, dsn, nil)
	_, base2 := start(t, dsn, nil)
	testenv.User(t, a1.Accounts, "shared", "shared@example.hk", account.Sender)
	b := newClient(t, base1)
	if code, _, _ := b.do("POST", "/login", url.Values{"login": {"shared"}, "password": {"harbour-view-8"}}); code != 303 {
		t.Fatalf("sign in on the first: %d", code)
	}
	// The same cookie on the second server.
	b.c.Jar.SetCookies(parseURL(t, base2), b.c.Jar.Cookies(parseURL(t, base1)))
	b.base = base2
	if code, _, page := b.do("GET", "/account", nil); code != 200 || !strings.Contains(page, "shared@example.hk") {
		t.Errorf("session not valid on the second server: %d", code)
	}
	// Failures on one count on the other.
	other := newClient(t, base1)
	for range account.MaxFailuresPair {
		other.do("POST", "/login", url.Values{"login": {"shared"}, "password": {"guess-guess"}})
	}
	other.base = base2
	if code, _, _ := other.do("POST", "/login", url.Values{"login": {"shared"}, "password": {"harbour-view-8"}}); code != 429 {
		t.Errorf("throttle not shared: %d", code)
	}
	var _ *app.App = a1
}

func clientFor() account.Client { return account.Client{IP: "127.0.0.1"} }

// doJSON sends a raw body (JSON) with headers.
func (b *browserish) doJSON(method, path, body string, hdr ...string) (int, string, string) {
	b.t.Helper()
	req := newRequest(b.t, method, b.base+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json") // as a client sending JSON says; hdr may say otherwise
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	data := readAll(b.t, resp.Body)
	testenv.CheckOpenAPI(b.t, "../api/openapi.json", req, resp.StatusCode, resp.Header, data)
	return resp.StatusCode, resp.Header.Get("Location"), string(data)
}

// SOAP credentials made on the account page: digests only unless the sender asks for clear
// passwords too (issue 12: PasswordText is off by default, and over https only).
func TestPortalIntegratorCredentials(t *testing.T) {
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	b := signedIn(t, base, a.Accounts, "soapshop")
	for _, c := range []struct {
		username string
		plain    bool
	}{{"soapdigest", false}, {"soapplain", true}} {
		form := url.Values{"username": {c.username}, "allow_ips": {"192.0.2.0/24"}, "mode": {"live"}}
		if c.plain {
			form.Set("allow_plain_text", "1")
		}
		code, _, page := b.do("POST", "/account/integrators?lang=en", form)
		if code != 201 || !strings.Contains(page, `id="new-integrator-password"`) {
			t.Fatalf("create %s: %d", c.username, code)
		}
		in, err := a.Accounts.Integrator(context.Background(), c.username)
		if err != nil || in.AllowPlainText != c.plain {
			t.Errorf("%s: allows plain text %v, want %v (%v)", c.username, in.AllowPlainText, c.plain, err)
		}
	}
	_, _, page := b.do("GET", "/account?lang=en", nil)
	if !strings.Contains(page, "digest or password in clear (https only)") || !strings.Contains(page, "<td>digest</td>") {
		t.Error("the account page does not say how each credential signs")
	}
}

// The portal remembers a browser its owner signed in from (a signed device cookie): while guesses
// from many addresses pace the account, the owner still signs in there; a new browser waits.
func TestPortalKnownBrowserSignsInDuringAnAttack(t *testing.T) {
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	b := signedIn(t, base, a.Accounts, "besieged")
	if code, _, _ := b.do("POST", "/logout", url.Values{}); code != 303 {
		t.Fatalf("logout: %d", code)
	}
	for i := range account.MaxFailuresAccount {
		a.Accounts.SignIn(context.Background(), "besieged", "wrong-guess-1", account.Client{IP: fmt.Sprintf("198.51.100.%d", i+1)})
	}
	form := url.Values{"login": {"besieged"}, "password": {"harbour-view-8"}}
	if code, _, _ := newClient(t, base).do("POST", "/login", form); code != 429 {
		t.Errorf("a new browser during the attack: %d; want 429", code)
	}
	if code, _, _ := b.do("POST", "/login", form); code != 303 {
		t.Errorf("the owner's browser during the attack: %d; want signed in", code)
	}
}
