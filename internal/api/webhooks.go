package api

import (
	"net/http"
	"time"

	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/events"
	"github.com/ecship/ecship/internal/webhooks"
)

type (
	webhookIn struct {
		URL         string   `json:"url"`
		Events      []string `json:"events"`
		Description string   `json:"description"`
	}
	webhookOut struct {
		ID          string     `json:"id"`
		URL         string     `json:"url"`
		Events      []string   `json:"events"`
		Description string     `json:"description"`
		Mode        string     `json:"mode"`
		Enabled     bool       `json:"enabled"`
		Failures    int        `json:"failures"`
		DisabledAt  *time.Time `json:"disabled_at,omitempty"`
		CreatedAt   time.Time  `json:"created_at"`
		// Secret is shown once, when the endpoint is made.
		Secret string `json:"secret,omitempty"`
	}
	deliveryOut struct {
		ID          string     `json:"id"`
		EventID     string     `json:"event_id"`
		State       string     `json:"state"`
		Attempts    int        `json:"attempts"`
		LastStatus  int        `json:"last_status"`
		LastError   string     `json:"last_error,omitempty"`
		LastMS      int        `json:"last_ms"`
		LastAt      *time.Time `json:"last_at,omitempty"`
		DeliveredAt *time.Time `json:"delivered_at,omitempty"`
		CreatedAt   time.Time  `json:"created_at"`
	}
)

func webhookJSON(e *webhooks.Endpoint) webhookOut {
	out := webhookOut{ID: e.ID, URL: e.URL, Events: []string{}, Description: e.Description, Mode: string(e.Mode), Enabled: e.DisabledAt == nil,
		Failures: e.Failures, DisabledAt: e.DisabledAt, CreatedAt: e.CreatedAt}
	for _, t := range e.Types {
		out.Events = append(out.Events, string(t))
	}
	return out
}

// createWebhook registers an endpoint for the key's mode: {"url": "...", "events": [...]} (no
// events: every type). The answer carries the signing secret, this once.
func (d *Deps) createWebhook(w http.ResponseWriter, r *http.Request) {
	var in webhookIn
	if err := decode(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	types := make([]events.Type, len(in.Events))
	for i, t := range in.Events {
		types[i] = events.Type(t)
	}
	o := d.owner(r)
	e, secret, err := d.Webhooks.Register(r.Context(), o.User.ID, o.Mode, in.URL, in.Description, types)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := webhookJSON(e)
	out.Secret = secret
	writeJSON(w, http.StatusCreated, out)
}

// listWebhooks answers the key's mode's endpoints, oldest first.
func (d *Deps) listWebhooks(w http.ResponseWriter, r *http.Request) {
	o := d.owner(r)
	list, err := d.Webhooks.Store.Endpoints(r.Context(), o.User.ID, o.Mode)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := make([]webhookOut, len(list))
	for i, e := range list {
		out[i] = webhookJSON(e)
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}

// deleteWebhook removes an endpoint; deliveries under way to it stop.
func (d *Deps) deleteWebhook(w http.ResponseWriter, r *http.Request) {
	o := d.owner(r)
	if err := d.Webhooks.Store.DeleteEndpoint(r.Context(), o.User.ID, o.Mode, r.PathValue("id")); err != nil {
		WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// listDeliveries is an endpoint's delivery log, newest first: ?limit= (at most 100).
func (d *Deps) listDeliveries(w http.ResponseWriter, r *http.Request) {
	limit, err := listLimit(r, 50, 100)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	o := d.owner(r)
	e, err := d.endpoint(r)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	list, err := d.Webhooks.Store.Deliveries(r.Context(), o.User.ID, o.Mode, e.ID, limit)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := make([]deliveryOut, len(list))
	for i, x := range list {
		out[i] = deliveryOut{ID: x.ID, EventID: x.EventID, State: x.State, Attempts: x.Attempts, LastStatus: x.LastStatus, LastError: x.LastError,
			LastMS: x.LastMS, LastAt: x.LastAt, DeliveredAt: x.DeliveredAt, CreatedAt: x.CreatedAt}
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}

// resendDelivery sends a delivery done with (delivered, or given up on) again; one still being
// tried is a 409.
func (d *Deps) resendDelivery(w http.ResponseWriter, r *http.Request) {
	e, err := d.endpoint(r)
	if err == nil {
		err = d.Webhooks.Store.ResendDelivery(r.Context(), d.owner(r).User.ID, e.ID, r.PathValue("delivery"))
	}
	if err != nil {
		WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// endpoint is the caller's endpoint named in the path, in the key's mode: another mode's is not
// there for this key (404).
func (d *Deps) endpoint(r *http.Request) (*webhooks.Endpoint, error) {
	o := d.owner(r)
	e, err := d.Webhooks.Store.Endpoint(r.Context(), o.User.ID, r.PathValue("id"))
	if err == nil && e.Mode != o.Mode {
		err = errs.New(errs.NotFound, "error.not_found", nil)
	}
	return e, err
}
