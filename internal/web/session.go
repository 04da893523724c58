package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/server"
)

const sessionCookie = "ecship_session"

type userKey struct{}

// withUser finds the signed-in user of a request from its session cookie and keeps it in the
// request's context for the handler.
func (p *Portal) withUser(w http.ResponseWriter, r *http.Request) *http.Request {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" || p.Accounts == nil {
		return r
	}
	u, err := p.Accounts.SessionUser(r.Context(), c.Value)
	switch {
	case err == nil:
		return r.WithContext(context.WithValue(r.Context(), userKey{}, u))
	case errs.CodeOf(err) == errs.NotFound:
		p.clearSession(w, r) // expired or ended elsewhere: forget it
	default:
		p.Log.Error("session lookup", "err", err)
	}
	return r
}

// currentUser is the signed-in user, or nil.
func currentUser(r *http.Request) *account.User {
	u, _ := r.Context().Value(userKey{}).(*account.User)
	return u
}

// signIn starts a session for u (rotating any old one) and sets its cookie; false when it failed,
// answered already.
func (p *Portal) signIn(w http.ResponseWriter, r *http.Request, u *account.User) bool {
	secret, err := p.Accounts.StartSession(r.Context(), u, sessionSecret(r), p.client(r))
	if err != nil {
		p.fail(w, r, err)
		return false
	}
	p.setSession(w, secret)
	p.rememberDevice(w, u)
	return true
}

// deviceCookie says which user signed in from this browser before (signed, a year): sign-in
// throttling spares that user, here, the pace it puts an account under attack on.
const (
	deviceCookie = "ecship_device"
	deviceTTL    = 365 * 24 * time.Hour
)

func (p *Portal) rememberDevice(w http.ResponseWriter, u *account.User) {
	http.SetCookie(w, &http.Cookie{Name: deviceCookie, Value: p.sign("device:"+u.ID, p.Now().Add(deviceTTL)), Path: "/", HttpOnly: true,
		Secure: p.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: int(deviceTTL.Seconds())})
}

// knownDevice is the user this browser signed in as before, or "".
func (p *Portal) knownDevice(r *http.Request) string {
	c, err := r.Cookie(deviceCookie)
	if err != nil {
		return ""
	}
	v, ok := p.unsign(c.Value, p.Now())
	if !ok {
		return ""
	}
	id, _ := strings.CutPrefix(v, "device:")
	return id
}

func (p *Portal) setSession(w http.ResponseWriter, secret string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: secret, Path: "/", HttpOnly: true, Secure: p.SecureCookies,
		SameSite: http.SameSiteLaxMode, MaxAge: int(account.SessionMax.Seconds())})
}

func (p *Portal) clearSession(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: p.SecureCookies,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

func sessionSecret(r *http.Request) string {
	if c, err := r.Cookie(sessionCookie); err == nil {
		return c.Value
	}
	return ""
}

// client describes the caller for throttling and the audit log.
func (p *Portal) client(r *http.Request) account.Client {
	return account.Client{IP: server.ClientIP(r, p.TrustedProxies).String(), UserAgent: r.UserAgent(), KnownDevice: p.knownDevice(r)}
}

// Route is a portal route and the access it needs: the list the role-by-route test walks.
type Route struct {
	Method, Path string
	Access       account.Access
}

// Routes lists every portal route with its access.
func (p *Portal) Routes() []Route { return p.routes }

// handle registers a route behind its access check: the one place the portal decides who may.
func (p *Portal) handle(mux *http.ServeMux, method, path string, access account.Access, h http.HandlerFunc) {
	p.routes = append(p.routes, Route{Method: method, Path: path, Access: access})
	pattern := path
	if method != "" {
		pattern = method + " " + path
	}
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		r = p.withUser(w, r)
		u := currentUser(r)
		switch {
		case account.Allows(u, access):
			h(w, r)
		case access == account.Anonymous:
			http.Redirect(w, r, homeOf(u), http.StatusSeeOther)
		case u == nil:
			next := r.URL.Path
			if r.Method == http.MethodGet && r.URL.RawQuery != "" {
				next += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
		case access == account.Verified:
			http.Redirect(w, r, "/account?notice=verify_first", http.StatusSeeOther)
		default:
			pg := p.page(w, r, "forbidden.title")
			p.render(w, r, http.StatusForbidden, "forbidden", &pg)
		}
	})
}

// homeOf is where a signed-in user starts: a sender at their labels, counter staff at the
// counter, an admin at the admin pages.
func homeOf(u *account.User) string {
	switch u.Role {
	case account.Counter:
		return "/counter"
	case account.Admin:
		return "/admin"
	}
	return "/labels"
}

// safeNext keeps a post-sign-in destination on this site: next when it is a path here, never
// another host; else home.
func safeNext(next, home string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsAny(next, "\\") || strings.IndexFunc(next, unicode.IsControl) >= 0 {
		return home
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return home
	}
	return next
}
