package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/i18n"
)

type accountPage struct {
	page
	Profile     form
	Password    form
	Key         form
	Integrator  form
	Link        form
	Keys        []account.APIKey
	Integrators []account.Integrator
	Linked      []account.LegacyAccount
	NewKey      string // a key just made: shown this once
	NewSecret   string // an integrator password just made: shown this once
	NewUsername string
	Linkable    []account.LegacySystem
	Modes       []account.Mode
}

// accountPage shows the signed-in user's profile, language, password, linked accounts, API keys and
// SOAP credentials, with the forms that change them.
func (p *Portal) accountPage(w http.ResponseWriter, r *http.Request) {
	p.renderAccount(w, r, http.StatusOK, nil)
}

func (p *Portal) renderAccount(w http.ResponseWriter, r *http.Request, status int, edit func(*accountPage)) {
	u := currentUser(r)
	pg := &accountPage{page: p.page(w, r, "account.title"), Linkable: []account.LegacySystem{account.ECShip, account.Speedpost, account.Circular},
		Modes: []account.Mode{account.Test, account.Live}}
	empty := func() form { return form{Values: map[string]string{}, Errors: map[string]string{}} }
	pg.Profile, pg.Password, pg.Key, pg.Integrator, pg.Link = empty(), empty(), empty(), empty(), empty()
	pg.Profile.Values = map[string]string{"first_name": u.FirstName, "last_name": u.LastName, "phone": u.Phone, "lang": string(u.Lang)}
	pg.Integrator.Values["allow_ips"] = p.client(r).IP
	ctx := r.Context()
	var err error
	if pg.Keys, err = p.Accounts.APIKeys(ctx, u); err == nil {
		if pg.Integrators, err = p.Accounts.Integrators(ctx, u); err == nil {
			pg.Linked, err = p.Accounts.LinkedAccounts(ctx, u)
		}
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if edit != nil {
		edit(pg)
	}
	p.render(w, r, status, "account", pg)
}

func (p *Portal) saveProfile(w http.ResponseWriter, r *http.Request) {
	f := readForm(r, "first_name", "last_name", "phone", "lang")
	u := currentUser(r)
	prof := account.Profile{FirstName: f.V("first_name"), LastName: f.V("last_name"), Phone: f.V("phone"), Lang: f.V("lang")}
	if err := p.Accounts.UpdateProfile(r.Context(), u, prof, p.client(r)); err != nil {
		p.renderAccount(w, r, http.StatusBadRequest, func(pg *accountPage) { pg.Profile = f; pg.Profile.fail(pg.Lang, err) })
		return
	}
	// The chosen language is the site's language from now on (rule ACC-6).
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: string(prof.Language()), Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: p.SecureCookies})
	http.Redirect(w, r, "/account?notice=profile_saved&lang="+string(prof.Language()), http.StatusSeeOther)
}

func (p *Portal) changePassword(w http.ResponseWriter, r *http.Request) {
	f := readForm(r, "current_password", "password")
	if err := p.Accounts.ChangePassword(r.Context(), currentUser(r), f.V("current_password"), f.V("password"), sessionSecret(r), p.client(r)); err != nil {
		p.renderAccount(w, r, errs.CodeOf(err).HTTPStatus(), func(pg *accountPage) { pg.Password.fail(pg.Lang, err) })
		return
	}
	http.Redirect(w, r, "/account?notice=password_changed", http.StatusSeeOther)
}

func (p *Portal) createKey(w http.ResponseWriter, r *http.Request) {
	f := readForm(r, "name", "mode")
	mode, ok := account.ParseMode(f.V("mode"))
	if !ok {
		mode = account.Mode(f.V("mode")) // refused by the checks, naming the field
	}
	_, secret, err := p.Accounts.CreateAPIKey(r.Context(), currentUser(r), f.V("name"), mode, p.client(r))
	if err != nil {
		p.renderAccount(w, r, errs.CodeOf(err).HTTPStatus(), func(pg *accountPage) { pg.Key = f; pg.Key.fail(pg.Lang, err) })
		return
	}
	// Shown once, on this answer only (no redirect: the key must not sit in a URL or history).
	w.Header().Set("Cache-Control", "no-store")
	p.renderAccount(w, r, http.StatusCreated, func(pg *accountPage) { pg.NewKey = secret })
}

func (p *Portal) revokeKey(w http.ResponseWriter, r *http.Request) {
	if err := p.Accounts.RevokeAPIKey(r.Context(), currentUser(r), r.PathValue("id"), p.client(r)); err != nil {
		p.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?notice=key_revoked#keys", http.StatusSeeOther)
}

func (p *Portal) createIntegrator(w http.ResponseWriter, r *http.Request) {
	f := readForm(r, "username", "allow_ips", "mode", "allow_plain_text", "token_strict")
	mode, ok := account.ParseMode(f.V("mode"))
	if !ok {
		mode = account.Mode(f.V("mode")) // refused by the checks, naming the field
	}
	ips, ok := account.ParseAllowIPs(f.V("allow_ips"))
	if !ok {
		p.renderAccount(w, r, http.StatusBadRequest, func(pg *accountPage) {
			pg.Integrator = f
			pg.Integrator.Errors["allow_ips"] = i18n.T(pg.Lang, "account.integrator.allow_ips_syntax", nil)
		})
		return
	}
	in, err := p.Accounts.CreateIntegrator(r.Context(), currentUser(r), account.Integrator{Username: f.V("username"), AllowIPs: ips, Mode: mode,
		AllowPlainText: f.V("allow_plain_text") != "", TokenReuse: tokenReuse(f.V("token_strict"))}, p.client(r))
	if err != nil {
		p.renderAccount(w, r, errs.CodeOf(err).HTTPStatus(), func(pg *accountPage) { pg.Integrator = f; pg.Integrator.fail(pg.Lang, err) })
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	p.renderAccount(w, r, http.StatusCreated, func(pg *accountPage) { pg.NewSecret, pg.NewUsername = in.Password, in.Username })
}

func (p *Portal) revokeIntegrator(w http.ResponseWriter, r *http.Request) {
	if err := p.Accounts.RevokeIntegrator(r.Context(), currentUser(r), r.PathValue("id"), p.client(r)); err != nil {
		p.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?notice=integrator_revoked#integrators", http.StatusSeeOther)
}

// link authenticates an EC-Ship, My Speedpost or Circular Service account and links it (rule ACC-8).
func (p *Portal) link(w http.ResponseWriter, r *http.Request) {
	f := readForm(r, "system", "login", "password")
	sys, _ := account.ParseLegacySystem(f.V("system"))
	if _, err := p.Accounts.Link(r.Context(), currentUser(r), sys, strings.TrimSpace(f.V("login")), f.V("password"), p.client(r)); err != nil {
		p.renderAccount(w, r, errs.CodeOf(err).HTTPStatus(), func(pg *accountPage) { pg.Link = f; pg.Link.Values["password"] = ""; pg.Link.fail(pg.Lang, err) })
		return
	}
	http.Redirect(w, r, "/account?notice=linked#links", http.StatusSeeOther)
}

func (p *Portal) unlink(w http.ResponseWriter, r *http.Request) {
	if err := p.Accounts.Unlink(r.Context(), currentUser(r), r.PathValue("id"), p.client(r)); err != nil {
		p.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?notice=unlinked#links", http.StatusSeeOther)
}

// tokenReuse is a new credential's token reuse window: the default, or none when strict.
func tokenReuse(strict string) time.Duration {
	if strict != "" {
		return 0
	}
	return account.DefaultTokenReuse
}
