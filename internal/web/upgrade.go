package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/errs"
)

const upgradeCookie = "ecship_upgrade"

// The signed-in legacy member is remembered between the two steps for this long.
const upgradeTTL = 15 * time.Minute

// sign makes "value.expiry.mac" for a short-lived state cookie.
func (p *Portal) sign(value string, expires time.Time) string {
	payload := value + "." + strconv.FormatInt(expires.Unix(), 10)
	m := hmac.New(sha256.New, p.StateKey)
	m.Write([]byte("ecship-state\x00" + payload))
	return payload + "." + hex.EncodeToString(m.Sum(nil))
}

// unsign checks a state cookie and returns its value while it is fresh.
func (p *Portal) unsign(s string, now time.Time) (string, bool) {
	i := strings.LastIndexByte(s, '.')
	if i < 0 {
		return "", false
	}
	payload, mac := s[:i], s[i+1:]
	m := hmac.New(sha256.New, p.StateKey)
	m.Write([]byte("ecship-state\x00" + payload))
	want := hex.EncodeToString(m.Sum(nil))
	if !hmac.Equal([]byte(mac), []byte(want)) {
		return "", false
	}
	j := strings.LastIndexByte(payload, '.')
	exp, err := strconv.ParseInt(payload[j+1:], 10, 64)
	if j < 0 || err != nil || now.Unix() > exp {
		return "", false
	}
	return payload[:j], true
}

type upgradePage struct {
	formPage
	Systems []account.LegacySystem
	Legacy  account.LegacyAccount
	Step    int
}

// upgradeStart asks a Stamp OnNet member which service they were with and for their old login.
func (p *Portal) upgradeStart(w http.ResponseWriter, r *http.Request) {
	pg := &upgradePage{formPage: *p.formPage(w, r, "upgrade.title", form{}), Systems: []account.LegacySystem{account.LSOS, account.OMOS}, Step: 1}
	pg.Form.Values["system"] = string(account.LSOS)
	p.render(w, r, http.StatusOK, "upgrade", pg)
}

// upgradeSignIn authenticates the old login name and password (throttled like sign-in).
func (p *Portal) upgradeSignIn(w http.ResponseWriter, r *http.Request) {
	f := readForm(r, "system", "login", "password")
	sys, ok := account.ParseLegacySystem(f.V("system"))
	var err error
	var a account.LegacyAccount
	if !ok || !sys.Upgradable() {
		err = errs.Field("system", "account.legacy.not_upgradable", nil)
	} else {
		a, err = p.Accounts.LegacySignIn(r.Context(), sys, strings.TrimSpace(f.V("login")), f.V("password"), p.client(r))
		if err == nil && a.UpgradedUserID != "" {
			err = errs.New(errs.Conflict, "account.legacy.already_upgraded", nil)
		}
	}
	if err != nil {
		pg := &upgradePage{formPage: *p.formPage(w, r, "upgrade.title", f), Systems: []account.LegacySystem{account.LSOS, account.OMOS}, Step: 1}
		pg.Form.Values["password"] = ""
		p.render(w, r, pg.Form.fail(pg.Lang, err), "upgrade", pg)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: upgradeCookie, Value: p.sign(string(a.System)+":"+a.Login, p.Now().Add(upgradeTTL)), Path: "/upgrade",
		HttpOnly: true, Secure: p.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: int(upgradeTTL.Seconds())})
	http.Redirect(w, r, "/upgrade/details", http.StatusSeeOther)
}

// upgradingMember is the legacy account whose password was checked in step 1.
func (p *Portal) upgradingMember(r *http.Request) (account.LegacyAccount, bool) {
	c, err := r.Cookie(upgradeCookie)
	if err != nil {
		return account.LegacyAccount{}, false
	}
	v, ok := p.unsign(c.Value, p.Now())
	sys, login, found := strings.Cut(v, ":")
	if !ok || !found {
		return account.LegacyAccount{}, false
	}
	a, err := p.Accounts.PendingUpgrade(r.Context(), account.LegacySystem(sys), login)
	if err != nil {
		return account.LegacyAccount{}, false
	}
	return a, true
}

// upgradeDetails shows the supplementary fields with the old values filled in, and the login name
// kept when it is still valid and free.
func (p *Portal) upgradeDetails(w http.ResponseWriter, r *http.Request) {
	a, ok := p.upgradingMember(r)
	if !ok {
		http.Redirect(w, r, "/upgrade?notice=upgrade_again", http.StatusSeeOther)
		return
	}
	pg := &upgradePage{formPage: *p.formPage(w, r, "upgrade.title", form{}), Legacy: a, Step: 2}
	pg.Form.Values = map[string]string{"login_name": p.Accounts.SuggestLogin(r.Context(), a), "email": a.Email, "email_confirm": a.Email,
		"first_name": a.FirstName, "last_name": a.LastName, "phone": a.Phone, "lang": a.Lang}
	if pg.Form.Values["lang"] == "" {
		pg.Form.Values["lang"] = string(pg.Lang)
	}
	p.render(w, r, http.StatusOK, "upgrade", pg)
}

// upgradeFinish creates the Hongkong Post ID with the old password and signs the member in once.
func (p *Portal) upgradeFinish(w http.ResponseWriter, r *http.Request) {
	a, ok := p.upgradingMember(r)
	if !ok {
		http.Redirect(w, r, "/upgrade?notice=upgrade_again", http.StatusSeeOther)
		return
	}
	f := readForm(r, "login_name", "email", "email_confirm", "first_name", "last_name", "phone", "lang")
	u, err := p.Accounts.Upgrade(r.Context(), a, account.UpgradeForm{LoginName: f.V("login_name"), Email: f.V("email"), EmailConfirm: f.V("email_confirm"),
		Profile: account.Profile{FirstName: f.V("first_name"), LastName: f.V("last_name"), Phone: f.V("phone"), Lang: f.V("lang")}}, p.client(r))
	if err != nil {
		pg := &upgradePage{formPage: *p.formPage(w, r, "upgrade.title", f), Legacy: a, Step: 2}
		p.render(w, r, pg.Form.fail(pg.Lang, err), "upgrade", pg)
		return
	}
	if !p.signIn(w, r, u) {
		return
	}
	http.SetCookie(w, &http.Cookie{Name: upgradeCookie, Path: "/upgrade", MaxAge: -1, HttpOnly: true, Secure: p.SecureCookies})
	http.Redirect(w, r, "/account?notice=upgraded&lang="+string(u.Lang), http.StatusSeeOther)
}
