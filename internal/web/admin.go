package web

import (
	"net/http"
	"regexp"
	"strings"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/mail"
	"github.com/ecship/ecship/internal/store"
)

type adminPage struct {
	page
	Query   string
	Role    string
	Users   []*account.User
	Roles   []account.Role
	Mail    []mail.Stored
	Audit   []account.AuditEntry
	Error   string
	Section string
}

// adminUsers finds users by login name, email or name, and lets an admin change their role.
func (p *Portal) adminUsers(w http.ResponseWriter, r *http.Request) {
	p.renderAdminUsers(w, r, http.StatusOK, "")
}

func (p *Portal) renderAdminUsers(w http.ResponseWriter, r *http.Request, status int, errText string) {
	pg := &adminPage{page: p.page(w, r, "admin.title"), Query: r.URL.Query().Get("q"), Role: r.URL.Query().Get("role"), Roles: account.Roles, Error: errText, Section: "users"}
	users, err := p.Store.Users(r.Context(), store.UserFilter{Query: pg.Query, Role: account.Role(pg.Role), Limit: 200})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg.Users = users
	p.render(w, r, status, "admin", pg)
}

func (p *Portal) adminSetRole(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	err := p.Accounts.SetRole(r.Context(), currentUser(r), r.PathValue("id"), account.Role(r.PostForm.Get("role")), p.client(r))
	if err != nil {
		status, msg := failMessage(Lang(w, r), err)
		p.renderAdminUsers(w, r, status, msg)
		return
	}
	http.Redirect(w, r, "/admin?notice=role_changed&q="+r.PostForm.Get("q"), http.StatusSeeOther)
}

// linkToken finds the secret of an emailed link.
var linkToken = regexp.MustCompile(`([?&]token=)[^\s&]+`)

// maskTokens hides the secrets of the links in an email body.
func maskTokens(body string) string { return linkToken.ReplaceAllString(body, "${1}…") }

// adminOutbox shows the emails ecship sent or kept (without SMTP, this is where they are read).
func (p *Portal) adminOutbox(w http.ResponseWriter, r *http.Request) {
	pg := &adminPage{page: p.page(w, r, "admin.outbox.title"), Query: r.URL.Query().Get("to"), Section: "outbox"}
	msgs, err := p.Store.Outbox(r.Context(), strings.TrimSpace(pg.Query), 100)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if p.MailDelivered {
		// The mail went to its owner: an admin reading a reset link could take the account.
		for i := range msgs {
			msgs[i].Body = maskTokens(msgs[i].Body)
		}
	}
	pg.Mail = msgs
	p.render(w, r, http.StatusOK, "admin", pg)
}

// adminAudit shows the security events, newest first.
func (p *Portal) adminAudit(w http.ResponseWriter, r *http.Request) {
	pg := &adminPage{page: p.page(w, r, "admin.audit.title"), Query: r.URL.Query().Get("user"), Section: "audit"}
	log, err := p.Store.AuditLog(r.Context(), strings.TrimSpace(pg.Query), 300)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg.Audit = log
	p.render(w, r, http.StatusOK, "admin", pg)
}
