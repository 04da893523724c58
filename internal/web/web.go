// Package web is the portal: server-rendered pages from embedded templates in English, Traditional and
// Simplified Chinese, with no script needed to use them.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/addressbook"
	"github.com/ecship/ecship/internal/batch"
	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/counter"
	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/mail"
	"github.com/ecship/ecship/internal/metrics"
	"github.com/ecship/ecship/internal/payment"
	"github.com/ecship/ecship/internal/report"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/tracking"
	"github.com/ecship/ecship/internal/webhooks"
)

//go:embed templates static
var files embed.FS

// Deps are what the portal's handlers use.
type Deps struct {
	Catalog        *catalog.Catalog
	Accounts       *account.Service
	Addresses      *addressbook.Book
	Shipments      *shipment.Service
	Batches        *batch.Service
	Payments       *payment.Service
	Refunds        *payment.Refunds
	Counter        *counter.Service
	Tracking       *tracking.Service
	Webhooks       *webhooks.Service
	Report         *report.Service // the operations report on /admin
	Metrics        *metrics.Metrics
	Log            *slog.Logger
	Now            func() time.Time
	SecureCookies  bool           // set the Secure flag (the site is served over HTTPS)
	TrustedProxies []netip.Prefix // for the client address behind a proxy
	MailDelivered  bool           // emails go out by SMTP: their links are their owners' alone
	Mail           *mail.Mailer   // reveals a kept email's link to an admin when no email goes out
	StateKey       []byte         // signs short-lived state cookies (the legacy upgrade)
}

// Portal serves the pages.
type Portal struct {
	*Deps
	routes      []Route
	pages       map[string]*template.Template
	datalists   map[i18n.Lang]template.HTML // every destination, for the type-ahead: the same on every page
	staticHash  string
	staticFiles http.Handler
}

// New parses the templates once.
func New(d *Deps) (*Portal, error) {
	p := &Portal{Deps: d, pages: map[string]*template.Template{}, datalists: map[i18n.Lang]template.HTML{}}
	for _, l := range i18n.Langs {
		var b bytes.Buffer
		for _, dest := range d.Catalog.Destinations(l) {
			b.WriteString(`<option value="`)
			template.HTMLEscape(&b, []byte(dest.Names.In(l)+" ("+dest.Code+")"))
			b.WriteString(`">`)
		}
		p.datalists[l] = template.HTML(b.String())
	}
	names, err := fs.Glob(files, "templates/page_*.html")
	if err != nil {
		return nil, err
	}
	fm := p.catalogFuncs()
	for _, name := range names {
		t, err := template.New("layout.html").Funcs(funcs).Funcs(fm).ParseFS(files, "templates/layout.html", name)
		if err != nil {
			return nil, err
		}
		p.pages[name[len("templates/page_"):len(name)-len(".html")]] = t
	}
	h := sha256.New()
	fs.WalkDir(files, "static", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := files.ReadFile(path)
			h.Write(b)
		}
		return nil
	})
	p.staticHash = hex.EncodeToString(h.Sum(nil))[:12]
	static, _ := fs.Sub(files, "static")
	p.staticFiles = http.StripPrefix("/static/", http.FileServerFS(static))
	return p, nil
}

// Register adds the portal's routes to mux, each with the access it needs.
func (p *Portal) Register(mux *http.ServeMux) {
	A := account.Anonymous
	p.handle(mux, "GET", "/{$}", account.Public, p.home)
	p.handle(mux, "GET", "/track", account.Public, p.track)
	p.handle(mux, "GET", "/register", A, p.registerForm)
	p.handle(mux, "POST", "/register", A, p.register)
	p.handle(mux, "GET", "/verify", account.Public, p.verify)
	p.handle(mux, "POST", "/verify/resend", account.SignedIn, p.resendVerification)
	p.handle(mux, "GET", "/login", A, p.loginForm)
	p.handle(mux, "POST", "/login", A, p.login)
	p.handle(mux, "POST", "/logout", account.SignedIn, p.logout)
	p.handle(mux, "GET", "/forgot-password", account.Public, p.forgotForm("password"))
	p.handle(mux, "POST", "/forgot-password", account.Public, p.forgot("password"))
	p.handle(mux, "GET", "/forgot-login", account.Public, p.forgotForm("login"))
	p.handle(mux, "POST", "/forgot-login", account.Public, p.forgot("login"))
	p.handle(mux, "GET", "/reset-password", account.Public, p.resetForm)
	p.handle(mux, "POST", "/reset-password", account.Public, p.reset)
	p.handle(mux, "GET", "/account", account.SignedIn, p.accountPage)
	p.handle(mux, "POST", "/account/profile", account.SignedIn, p.saveProfile)
	p.handle(mux, "POST", "/account/password", account.SignedIn, p.changePassword)
	p.handle(mux, "POST", "/account/keys", account.SignedIn, p.createKey)
	p.handle(mux, "POST", "/account/keys/{id}/revoke", account.SignedIn, p.revokeKey)
	p.handle(mux, "POST", "/account/integrators", account.SignedIn, p.createIntegrator)
	p.handle(mux, "POST", "/account/integrators/{id}/revoke", account.SignedIn, p.revokeIntegrator)
	p.handle(mux, "POST", "/account/links", account.SignedIn, p.link)
	p.handle(mux, "POST", "/account/links/{id}/unlink", account.SignedIn, p.unlink)
	p.handle(mux, "GET", "/upgrade", A, p.upgradeStart)
	p.handle(mux, "POST", "/upgrade", A, p.upgradeSignIn)
	p.handle(mux, "GET", "/upgrade/details", A, p.upgradeDetails)
	p.handle(mux, "POST", "/upgrade/details", A, p.upgradeFinish)
	V := account.Verified
	p.handle(mux, "GET", "/labels", account.SignedIn, p.labelsList)
	p.handle(mux, "GET", "/labels/new", V, p.labelNew)
	p.handle(mux, "GET", "/labels/price", V, p.labelPrice)
	p.handle(mux, "POST", "/labels", V, p.labelCreate)
	p.handle(mux, "POST", "/labels/print", V, p.labelsPrint)
	p.handle(mux, "GET", "/labels/{id}", account.SignedIn, p.labelView)
	p.handle(mux, "GET", "/labels/{id}/label.pdf", V, p.labelPDF)
	p.handle(mux, "POST", "/labels/{id}/print", V, p.labelPrint)
	p.handle(mux, "GET", "/labels/{id}/edit", V, p.labelEdit)
	p.handle(mux, "POST", "/labels/{id}/edit", V, p.labelUpdate)
	p.handle(mux, "POST", "/labels/{id}/copy", V, p.labelCopy)
	p.handle(mux, "GET", "/labels/{id}/delete", account.SignedIn, p.labelConfirm("delete"))
	p.handle(mux, "POST", "/labels/{id}/delete", account.SignedIn, p.labelDelete)
	p.handle(mux, "GET", "/labels/{id}/cancel", account.SignedIn, p.labelConfirm("cancel"))
	p.handle(mux, "POST", "/labels/{id}/cancel", account.SignedIn, p.labelCancel)
	p.handle(mux, "GET", "/batches/new", V, p.batchNew)
	p.handle(mux, "POST", "/batches", V, p.batchUpload)
	p.handle(mux, "GET", "/batches/{id}", account.SignedIn, p.batchView)
	p.handle(mux, "POST", "/batches/{id}/mapping", V, p.batchMapping)
	p.handle(mux, "GET", "/batches/template.csv", account.Public, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="ecship-batch-template.csv"`)
		batch.TemplateCSV(w)
	})
	p.handle(mux, "GET", "/batches/template.xlsx", account.Public, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="ecship-batch-template.xlsx"`)
		batch.TemplateXLSX(w)
	})
	p.handle(mux, "POST", "/pay", V, p.payForm)
	p.handle(mux, "POST", "/payments", V, p.pay)
	p.handle(mux, "GET", "/payments/{id}", account.SignedIn, p.paymentView)
	p.handle(mux, "GET", "/refunds", account.SignedIn, p.myRefunds)
	p.handle(mux, "GET", "/deposits", account.SignedIn, p.deposits)
	p.handle(mux, "GET", "/deposits/{id}", account.SignedIn, p.depositStatement)
	p.handle(mux, "GET", "/admin/deposits", account.AdminOnly, p.adminDeposits)
	p.handle(mux, "POST", "/admin/deposits", account.AdminOnly, p.openDeposit)
	p.handle(mux, "POST", "/admin/deposits/{id}/topup", account.AdminOnly, p.topUpDeposit)
	p.handle(mux, "GET", "/admin/refunds", account.AdminOnly, p.adminRefunds)
	p.handle(mux, "POST", "/admin/refunds/{id}", account.AdminOnly, p.vetRefund)
	p.handle(mux, "GET", "/history", account.SignedIn, p.history)
	p.handle(mux, "GET", "/history.csv", account.SignedIn, p.historyCSV)
	p.handle(mux, "GET", "/webhooks", V, p.webhooksList)
	p.handle(mux, "POST", "/webhooks", V, p.webhookCreate)
	p.handle(mux, "GET", "/webhooks/{id}", V, p.webhookView)
	p.handle(mux, "POST", "/webhooks/{id}/delete", V, p.webhookDelete)
	p.handle(mux, "POST", "/webhooks/{id}/deliveries/{delivery}/resend", V, p.webhookResend)
	p.handle(mux, "GET", "/addresses", account.SignedIn, p.addresses)
	p.handle(mux, "POST", "/addresses/{id}/delete", account.SignedIn, p.deleteAddress)
	C := account.CounterStaff
	p.handle(mux, "GET", "/counter", C, p.counterHome)
	p.handle(mux, "POST", "/counter/sessions", C, p.counterOpen)
	p.handle(mux, "GET", "/counter/sessions/{id}", C, p.counterSession)
	p.handle(mux, "POST", "/counter/sessions/{id}/items", C, p.counterScan)
	p.handle(mux, "POST", "/counter/sessions/{id}/items/{itemNo}/remove", C, p.counterRemove)
	p.handle(mux, "POST", "/counter/sessions/{id}/payments", C, p.counterPay)
	p.handle(mux, "POST", "/counter/sessions/{id}/close", C, p.counterClose)
	p.handle(mux, "GET", "/counter/sessions/{id}/receipt.pdf", C, p.counterReceipt)
	p.handle(mux, "GET", "/admin", account.AdminOnly, p.adminUsers)
	p.handle(mux, "POST", "/admin/users/{id}/role", account.AdminOnly, p.adminSetRole)
	p.handle(mux, "GET", "/admin/outbox", account.AdminOnly, p.adminOutbox)
	p.handle(mux, "POST", "/admin/outbox/{id}/reveal", account.AdminOnly, p.revealMail)
	p.handle(mux, "GET", "/admin/audit", account.AdminOnly, p.adminAudit)
	mux.HandleFunc("GET /static/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		p.staticFiles.ServeHTTP(w, r)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		r = p.withUser(w, r)
		pg := p.page(w, r, "notfound.title")
		p.render(w, r, http.StatusNotFound, "notfound", &pg)
	})
}

// page is what every page's template gets.
type page struct {
	Lang      i18n.Lang
	TitleKey  string
	Switch    []langLink
	StaticVer string
	Path      string
	User      *account.User
	Notice    string // a message after a redirect ("Profile saved."), from ?notice=
	// NoticeWarn shows Notice as something to act on (amber), not as done (green).
	NoticeWarn bool
}

// warnNotices are the ?notice= messages that ask the person to do something.
var warnNotices = map[string]bool{"late_posting": true, "draft_saved": true, "choose_labels": true, "choose_labels_to_pay": true}

type langLink struct {
	Lang    i18n.Lang
	URL     string
	Current bool
}

// T translates a key for the page; args come in name, value pairs.
func (pg *page) T(key string, args ...any) string {
	var m map[string]any
	if len(args) > 1 {
		m = make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			if k, ok := args[i].(string); ok {
				m[k] = args[i+1]
			}
		}
	}
	return i18n.T(pg.Lang, key, m)
}

const langCookie = "lang"

// Lang picks the page's language, changing nothing: ?lang= (kept by rememberLang), the cookie, the signed-in
// user's language, Accept-Language.
func Lang(r *http.Request) i18n.Lang {
	if l, ok := i18n.Parse(r.URL.Query().Get("lang")); ok {
		return l
	}
	if c, err := r.Cookie(langCookie); err == nil {
		if l, ok := i18n.Parse(c.Value); ok {
			return l
		}
	}
	if u := currentUser(r); u != nil && u.Lang != "" {
		return u.Lang
	}
	return i18n.FromAcceptLanguage(r.Header.Get("Accept-Language"))
}

// rememberLang keeps a language chosen with ?lang= in a cookie, so the next pages are in it too.
func rememberLang(w http.ResponseWriter, r *http.Request) {
	if l, ok := i18n.Parse(r.URL.Query().Get("lang")); ok {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: string(l), Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	}
}

func (p *Portal) page(w http.ResponseWriter, r *http.Request, titleKey string) page {
	rememberLang(w, r)
	l := Lang(r)
	pg := page{Lang: l, TitleKey: titleKey, StaticVer: p.staticHash, Path: r.URL.Path, User: currentUser(r)}
	if n := r.URL.Query().Get("notice"); n != "" && i18n.Has(i18n.English, "notice."+n) {
		pg.Notice, pg.NoticeWarn = i18n.T(l, "notice."+n, nil), warnNotices[n]
	}
	for _, other := range i18n.Langs {
		q := r.URL.Query()
		q.Del("notice")
		q.Del("token")
		q.Set("lang", string(other))
		u := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
		pg.Switch = append(pg.Switch, langLink{Lang: other, URL: u.String(), Current: other == l})
	}
	return pg
}

// render writes a page through a buffer, so a template error becomes a clean 500, not half a page.
func (p *Portal) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	t, ok := p.pages[name]
	if !ok {
		p.Log.Error("no such page template", "page", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		p.Log.Error("render page", "page", name, "err", err)
		http.Error(w, i18n.T(Lang(r), "error.internal", nil), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Vary", "Accept-Language, Cookie")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// TooManyRequests is the portal's answer when a visitor is over the anonymous rate limit.
func TooManyRequests(w http.ResponseWriter, r *http.Request, _ time.Duration) {
	l := Lang(r)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusTooManyRequests)
	w.Write([]byte(i18n.T(l, "error.rate_limited", nil) + "\n"))
}
