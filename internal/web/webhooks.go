package web

import (
	"net/http"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/events"
	"github.com/ecship/ecship/internal/webhooks"
)

// webhooksPage lists a sender's webhook endpoints, live and test, with the form that adds one.
type webhooksPage struct {
	page
	Endpoints []*webhooks.Endpoint
	Form      form
	NewSecret string // the secret of the endpoint just added: shown this once
	Types     []events.Type
	Modes     []account.Mode
}

// Wanted says whether the form asks for event type t.
func (pg *webhooksPage) Wanted(t events.Type) bool { return pg.Form.Values["event:"+string(t)] != "" }

func (p *Portal) webhooksList(w http.ResponseWriter, r *http.Request) {
	p.renderWebhooks(w, r, http.StatusOK, nil)
}

func (p *Portal) renderWebhooks(w http.ResponseWriter, r *http.Request, status int, edit func(*webhooksPage)) {
	u := currentUser(r)
	pg := &webhooksPage{page: p.page(w, r, "webhooks.title"), Form: form{Values: map[string]string{"mode": string(account.Live)}, Errors: map[string]string{}},
		Types: events.Types, Modes: []account.Mode{account.Live, account.Test}}
	for _, m := range pg.Modes {
		list, err := p.Webhooks.Store.Endpoints(r.Context(), u.ID, m)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		pg.Endpoints = append(pg.Endpoints, list...)
	}
	if edit != nil {
		edit(pg)
	}
	p.render(w, r, status, "webhooks", pg)
}

// webhookCreate adds an endpoint; the answer shows its secret once (no redirect: the secret must
// not sit in a URL or the history).
func (p *Portal) webhookCreate(w http.ResponseWriter, r *http.Request) {
	f := readForm(r, "url", "description", "mode")
	var types []events.Type
	for _, t := range events.Types {
		if r.PostForm.Get("event:"+string(t)) != "" {
			types = append(types, t)
			f.Values["event:"+string(t)] = "1"
		}
	}
	mode, ok := account.ParseMode(f.V("mode"))
	if !ok {
		mode = account.Live
	}
	_, secret, err := p.Webhooks.Register(r.Context(), currentUser(r).ID, mode, f.V("url"), f.V("description"), types)
	if err != nil {
		p.renderWebhooks(w, r, errs.CodeOf(err).HTTPStatus(), func(pg *webhooksPage) { pg.Form = f; pg.Form.fail(pg.Lang, err) })
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	p.renderWebhooks(w, r, http.StatusCreated, func(pg *webhooksPage) { pg.NewSecret = secret })
}

func (p *Portal) webhookDelete(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	e, err := p.Webhooks.Store.Endpoint(r.Context(), u.ID, r.PathValue("id"))
	if err == nil {
		err = p.Webhooks.Store.DeleteEndpoint(r.Context(), u.ID, e.Mode, e.ID)
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/webhooks?notice=webhook_deleted", http.StatusSeeOther)
}

// webhookPage is one endpoint's delivery log.
type webhookPage struct {
	page
	Endpoint   *webhooks.Endpoint
	Deliveries []*webhooks.Delivery
}

func (p *Portal) webhookView(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	e, err := p.Webhooks.Store.Endpoint(r.Context(), u.ID, r.PathValue("id"))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	list, err := p.Webhooks.Store.Deliveries(r.Context(), u.ID, e.Mode, e.ID, 100)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "webhook", &webhookPage{page: p.page(w, r, "webhooks.log"), Endpoint: e, Deliveries: list})
}

// webhookResend sends a delivered or given-up delivery again.
func (p *Portal) webhookResend(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := p.Webhooks.Store.ResendDelivery(r.Context(), currentUser(r).ID, id, r.PathValue("delivery")); err != nil {
		p.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/webhooks/"+id+"?notice=webhook_resent", http.StatusSeeOther)
}
