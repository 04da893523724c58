package web

import (
	"net/http"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/i18n"
)

// formPage is a page with one form.
type formPage struct {
	page
	Form  form
	Next  string
	Token string
	Mode  string // which of the forgot forms
}

func (p *Portal) formPage(w http.ResponseWriter, r *http.Request, title string, f form) *formPage {
	if f.Values == nil {
		f = form{Values: map[string]string{}, Errors: map[string]string{}}
	}
	return &formPage{page: p.page(w, r, title), Form: f}
}

var registerFields = []string{"login_name", "email", "email_confirm", "password", "first_name", "last_name", "phone", "lang"}

func (p *Portal) registerForm(w http.ResponseWriter, r *http.Request) {
	pg := p.formPage(w, r, "register.title", form{})
	pg.Form.Values["lang"] = string(pg.Lang)
	p.render(w, r, http.StatusOK, "register", pg)
}

// register creates a Hongkong Post ID (rule ACC-1..6); every field's problem shows next to it, and
// nothing is created until all are right.
func (p *Portal) register(w http.ResponseWriter, r *http.Request) {
	f := readForm(r, registerFields...)
	reg := account.Registration{LoginName: f.V("login_name"), Email: f.V("email"), EmailConfirm: f.V("email_confirm"), Password: f.V("password"),
		Profile: account.Profile{FirstName: f.V("first_name"), LastName: f.V("last_name"), Phone: f.V("phone"), Lang: f.V("lang")}}
	u, err := p.Accounts.Register(r.Context(), reg, p.client(r))
	if err != nil {
		pg := p.formPage(w, r, "register.title", f)
		pg.Form.Values["password"] = ""
		p.render(w, r, pg.Form.fail(pg.Lang, err), "register", pg)
		return
	}
	// Signed in at once, so the new sender can look around; paying and shipping wait for the email.
	if !p.signIn(w, r, u) {
		return
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: string(u.Lang), Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: p.SecureCookies})
	http.Redirect(w, r, "/account?notice=registered", http.StatusSeeOther)
}

// verify spends the emailed link.
func (p *Portal) verify(w http.ResponseWriter, r *http.Request) {
	_, err := p.Accounts.VerifyEmail(r.Context(), r.URL.Query().Get("token"), p.client(r))
	pg := &messagePage{page: p.page(w, r, "verify.title")}
	status := http.StatusOK
	if err != nil {
		e := errs.As(err)
		if e.Code != errs.Invalid {
			p.fail(w, r, err)
			return
		}
		pg.Message, pg.Bad, status = i18n.T(pg.Lang, e.Message.Key, nil), true, http.StatusBadRequest
	} else {
		pg.Message = i18n.T(pg.Lang, "verify.done", nil)
	}
	pg.Link, pg.LinkText = "/account", i18n.T(pg.Lang, "nav.account", nil)
	if pg.User == nil {
		pg.Link, pg.LinkText = "/login", i18n.T(pg.Lang, "nav.login", nil)
	}
	p.render(w, r, status, "message", pg)
}

func (p *Portal) resendVerification(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	if !u.Verified() {
		if err := p.Accounts.SendVerification(r.Context(), u); err != nil {
			p.fail(w, r, err)
			return
		}
	}
	http.Redirect(w, r, "/account?notice=verification_sent", http.StatusSeeOther)
}

func (p *Portal) loginForm(w http.ResponseWriter, r *http.Request) {
	pg := p.formPage(w, r, "login.title", form{})
	pg.Next = r.URL.Query().Get("next")
	p.render(w, r, http.StatusOK, "login", pg)
}

// login signs in with a login name or email; a wrong one says so without saying which, and too many
// failures answer 429 (throttled per account and per address).
func (p *Portal) login(w http.ResponseWriter, r *http.Request) {
	f := readForm(r, "login", "password", "next")
	u, err := p.Accounts.SignIn(r.Context(), f.V("login"), f.V("password"), p.client(r))
	if err != nil {
		pg := p.formPage(w, r, "login.title", f)
		pg.Next = f.V("next")
		pg.Form.Values["password"] = ""
		p.render(w, r, pg.Form.fail(pg.Lang, err), "login", pg)
		return
	}
	if !p.signIn(w, r, u) {
		return
	}
	http.Redirect(w, r, safeNext(f.V("next"), homeOf(u)), http.StatusSeeOther)
}

func (p *Portal) logout(w http.ResponseWriter, r *http.Request) {
	p.Accounts.SignOut(r.Context(), currentUser(r), sessionSecret(r), p.client(r))
	p.clearSession(w, r)
	http.Redirect(w, r, "/?notice=signed_out", http.StatusSeeOther)
}

func (p *Portal) forgotForm(mode string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		pg := p.formPage(w, r, "forgot."+mode+".title", form{})
		pg.Mode = mode
		p.render(w, r, http.StatusOK, "forgot", pg)
	}
}

// forgot answers the same whether or not the address has an account.
func (p *Portal) forgot(mode string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f := readForm(r, "email")
		var fe errs.Fields
		account.CheckEmail(&fe, "email", f.V("email"))
		if err := fe.Err(); err != nil {
			pg := p.formPage(w, r, "forgot."+mode+".title", f)
			pg.Mode = mode
			p.render(w, r, pg.Form.fail(pg.Lang, err), "forgot", pg)
			return
		}
		var err error
		if mode == "password" {
			err = p.Accounts.ForgotPassword(r.Context(), f.V("email"), p.client(r))
		} else {
			err = p.Accounts.ForgotLogin(r.Context(), f.V("email"), p.client(r))
		}
		if err != nil {
			p.Log.Error("forgot "+mode, "err", err) // the visitor is told the same either way
		}
		pg := &messagePage{page: p.page(w, r, "forgot."+mode+".title")}
		pg.Message = i18n.T(pg.Lang, "forgot.sent", map[string]any{"email": f.V("email")})
		pg.Link, pg.LinkText = "/login", i18n.T(pg.Lang, "nav.login", nil)
		p.render(w, r, http.StatusOK, "message", pg)
	}
}

func (p *Portal) resetForm(w http.ResponseWriter, r *http.Request) {
	pg := p.formPage(w, r, "reset.title", form{})
	pg.Token = r.URL.Query().Get("token")
	p.render(w, r, http.StatusOK, "reset", pg)
}

func (p *Portal) reset(w http.ResponseWriter, r *http.Request) {
	f := readForm(r, "token", "password")
	if _, err := p.Accounts.ResetPassword(r.Context(), f.V("token"), f.V("password"), p.client(r)); err != nil {
		pg := p.formPage(w, r, "reset.title", f)
		pg.Token = f.V("token")
		p.render(w, r, pg.Form.fail(pg.Lang, err), "reset", pg)
		return
	}
	p.clearSession(w, r)
	http.Redirect(w, r, "/login?notice=password_reset", http.StatusSeeOther)
}

// messagePage is a page that says one thing and offers one link.
type messagePage struct {
	page
	Message, Link, LinkText string
	Bad                     bool
}

// fail answers an unexpected error: logged, and a plain page in the visitor's language.
func (p *Portal) fail(w http.ResponseWriter, r *http.Request, err error) {
	e := errs.As(err)
	status := e.Code.HTTPStatus()
	if status >= http.StatusInternalServerError && e.Code != errs.Unavailable {
		p.Log.Error("portal", "path", r.URL.Path, "err", err)
	}
	pg := &messagePage{page: p.page(w, r, "error.title"), Bad: true}
	pg.Message = i18n.T(pg.Lang, e.Message.Key, e.Message.Args)
	pg.Link, pg.LinkText = "/", i18n.T(pg.Lang, "nav.compare", nil)
	p.render(w, r, status, "message", pg)
}
