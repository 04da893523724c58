package web

import (
	"net/http"

	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/report"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/mail"
	"github.com/ecship/ecship/internal/server"
)

type adminPage struct {
	page
	Query string
	Role  string
	Users []*account.User
	Roles []account.Role
	Mail  []mail.Stored
	// Delivered: emails go out by SMTP, so their secrets are their owners' alone. Otherwise an admin
	// may reveal a kept email's link (Revealed, by email id) to pass it on.
	Delivered bool
	Revealed  map[string]string
	Audit     []account.AuditEntry
	Error     string
	Section   string
	Ops       *opsView // the operations report, above the users
}

// opsView is the operations report as the admin page shows it: bars in tables with their figures.
type opsView struct {
	R        *report.Operations
	Accepted []dayBar
	Settled  []dayBar
}

// dayBar is one row of a day chart.
type dayBar struct {
	Day, Office string
	Count       int
	Amount      money.Cents
	Bar         int // 0 to 100
}

func newOpsView(r *report.Operations) *opsView {
	v := &opsView{R: r}
	most := 0
	for _, c := range r.Accepted {
		most = max(most, c.Items)
	}
	for _, c := range r.Accepted {
		v.Accepted = append(v.Accepted, dayBar{Day: c.Day, Office: c.Office, Count: c.Items, Bar: max(1, c.Items*100/max(most, 1))})
	}
	var top money.Cents
	for _, x := range r.Settled {
		top = max(top, x.Amount)
	}
	for _, x := range r.Settled {
		b := dayBar{Day: x.Day, Count: x.Payments, Amount: x.Amount}
		if top > 0 {
			b.Bar = max(1, int(x.Amount*100/top))
		}
		v.Settled = append(v.Settled, b)
	}
	return v
}

// adminUsers finds users by login name, email or name, and lets an admin change their role.
func (p *Portal) adminUsers(w http.ResponseWriter, r *http.Request) {
	p.renderAdminUsers(w, r, http.StatusOK, "")
}

func (p *Portal) renderAdminUsers(w http.ResponseWriter, r *http.Request, status int, errText string) {
	pg := &adminPage{page: p.page(w, r, "admin.title"), Query: r.URL.Query().Get("q"), Role: r.URL.Query().Get("role"), Roles: account.Roles, Error: errText, Section: "users"}
	users, err := p.Accounts.Users(r.Context(), currentUser(r), account.UserFilter{Query: pg.Query, Role: account.Role(pg.Role), Limit: 200})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg.Users = users
	if p.Report != nil {
		ops, err := p.Report.Operations(r.Context(), currentUser(r))
		if err != nil {
			p.fail(w, r, err)
			return
		}
		pg.Ops = newOpsView(ops)
	}
	p.render(w, r, status, "admin", pg)
}

func (p *Portal) adminSetRole(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	err := p.Accounts.SetRole(r.Context(), currentUser(r), r.PathValue("id"), account.Role(r.PostForm.Get("role")), p.client(r))
	if err != nil {
		status, msg := refusal(Lang(r), err)
		p.renderAdminUsers(w, r, status, msg)
		return
	}
	http.Redirect(w, r, "/admin?notice=role_changed&q="+r.PostForm.Get("q"), http.StatusSeeOther)
}

// adminOutbox shows the emails ecship sent or kept, their links' secrets hidden (they are sealed in
// the database).
func (p *Portal) adminOutbox(w http.ResponseWriter, r *http.Request) {
	p.renderOutbox(w, r, "", "")
}

func (p *Portal) renderOutbox(w http.ResponseWriter, r *http.Request, revealID, revealed string) {
	pg := &adminPage{page: p.page(w, r, "admin.outbox.title"), Query: r.URL.Query().Get("to"), Section: "outbox", Delivered: p.MailDelivered}
	if p.Mail != nil { // without a mailer no email is kept
		msgs, err := p.Mail.Kept(r.Context(), pg.Query, 100)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		pg.Mail = msgs
	}
	if revealID != "" {
		pg.Revealed = map[string]string{revealID: revealed}
	}
	p.render(w, r, http.StatusOK, "admin", pg)
}

// revealMail shows one kept email with its link, when ecship delivers no email itself (without
// ECSHIP_SMTP_URL an admin passes links on by hand). It is a POST, and written to the security log.
func (p *Portal) revealMail(w http.ResponseWriter, r *http.Request) {
	if p.MailDelivered || p.Mail == nil {
		p.fail(w, r, errs.New(errs.Forbidden, "error.forbidden", nil))
		return
	}
	m, body, err := p.Mail.RevealKept(r.Context(), r.PathValue("id"))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	u := currentUser(r)
	p.Accounts.SecurityEvent(r.Context(), account.EventOutboxRevealed, u.ID, server.ClientIP(r, p.TrustedProxies).String(), m.ID+" to "+m.To)
	p.renderOutbox(w, r, m.ID, body)
}

// adminAudit shows the security events, newest first.
func (p *Portal) adminAudit(w http.ResponseWriter, r *http.Request) {
	pg := &adminPage{page: p.page(w, r, "admin.audit.title"), Query: r.URL.Query().Get("user"), Section: "audit"}
	log, err := p.Accounts.AuditLog(r.Context(), currentUser(r), pg.Query, 300)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg.Audit = log
	p.render(w, r, http.StatusOK, "admin", pg)
}
