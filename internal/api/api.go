// Package api is ecship's REST API under /api/v1: JSON in and out, errors in one shape, money as
// decimal strings, weights in grams and sizes in millimetres.
package api

import (
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/addressbook"
	"github.com/ecship/ecship/internal/batch"
	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/counter"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/idempotency"
	"github.com/ecship/ecship/internal/metrics"
	"github.com/ecship/ecship/internal/payment"
	"github.com/ecship/ecship/internal/server"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/tracking"
	"github.com/ecship/ecship/internal/webhooks"
)

// Deps are what the API's handlers use.
type Deps struct {
	Catalog   *catalog.Catalog
	Accounts  *account.Service
	Addresses *addressbook.Book
	Shipments *shipment.Service
	Batches   *batch.Service
	Payments  *payment.Service
	Refunds   *payment.Refunds
	Counter   *counter.Service
	Tracking  *tracking.Service
	Webhooks  *webhooks.Service
	Requests  *idempotency.Service // Idempotency-Key of the changes other than creating shipments
	Metrics   *metrics.Metrics
	Log       *slog.Logger
	Now       func() time.Time
	// BaseURL is the public address links in answers start with (ECSHIP_BASE_URL); nil leaves
	// them relative.
	BaseURL func() string
	// IPLimit limits requests without a valid key per client address; KeyLimit limits each key.
	// Either may be nil (off).
	IPLimit  *server.PerIP
	KeyLimit *server.PerKey
}

// Register adds the API's routes to mux.
func Register(mux *http.ServeMux, d *Deps) { register(mux, d) }

// Routes lists the API's routes as "METHOD /path", in the order they are registered.
func Routes() []string { return register(http.NewServeMux(), &Deps{}).routes }

func register(mux *http.ServeMux, d *Deps) *router {
	rt := &router{mux: mux, methods: map[string][]string{}}
	rt.handle("GET", "/api/v1/services", d.open(d.listServices))
	rt.handle("POST", "/api/v1/quotes", d.open(d.createQuote))
	rt.handle("GET", "/api/v1/account", d.withKey(d.getAccount))
	rt.handle("POST", "/api/v1/shipments", d.withKey(d.createShipments))
	rt.handle("GET", "/api/v1/shipments", d.withKey(d.listShipments))
	rt.handle("GET", "/api/v1/shipments/{id}", d.withKey(d.getShipment))
	rt.handle("PUT", "/api/v1/shipments/{id}", d.change(d.updateShipment))
	rt.handle("DELETE", "/api/v1/shipments/{id}", d.change(d.deleteShipment))
	rt.handle("POST", "/api/v1/shipments/{id}/cancel", d.change(d.cancelShipment))
	rt.handle("POST", "/api/v1/shipments/{id}/buy", d.change(d.buyShipment))
	rt.handle("GET", "/api/v1/shipments/{id}/label", d.withKey(d.shipmentLabel))
	rt.handle("POST", "/api/v1/shipments/{id}/print", d.change(d.printShipment))
	rt.handle("POST", "/api/v1/labels", d.change(d.printLabels))
	rt.handle("POST", "/api/v1/payments", d.change(d.createPayment))
	rt.handle("GET", "/api/v1/payments/{id}", d.withKey(d.getPayment))
	rt.handle("POST", "/api/v1/refunds", d.change(d.createRefund))
	rt.handle("GET", "/api/v1/refunds", d.withKey(d.listRefunds))
	rt.handle("POST", "/api/v1/refunds/{id}/approve", d.change(d.vetRefund(true)))
	rt.handle("POST", "/api/v1/refunds/{id}/reject", d.change(d.vetRefund(false)))
	rt.handle("POST", "/api/v1/batches", d.change(d.createBatch))
	rt.handle("GET", "/api/v1/batches/{id}", d.withKey(d.getBatch))
	rt.handle("GET", "/api/v1/deposits", d.withKey(d.listDeposits))
	rt.handle("GET", "/api/v1/deposits/{id}", d.withKey(d.getDeposit))
	rt.handle("POST", "/api/v1/batches/{id}/mapping", d.change(d.remapBatch))
	rt.handle("POST", "/api/v1/counter/sessions", d.change(d.openCounterSession))
	rt.handle("GET", "/api/v1/counter/sessions/{id}", d.withKey(d.counterSession))
	rt.handle("POST", "/api/v1/counter/sessions/{id}/items", d.change(d.scanCounterItem))
	rt.handle("DELETE", "/api/v1/counter/sessions/{id}/items/{itemNo}", d.change(d.removeCounterItem))
	rt.handle("POST", "/api/v1/counter/sessions/{id}/payments", d.change(d.counterPayment))
	rt.handle("POST", "/api/v1/counter/sessions/{id}/close", d.change(d.closeCounterSession))
	rt.handle("GET", "/api/v1/counter/sessions/{id}/receipt", d.withKey(d.counterReceipt))
	rt.handle("GET", "/api/v1/addresses", d.withKey(d.listAddresses))
	rt.handle("POST", "/api/v1/addresses", d.change(d.createAddress))
	rt.handle("POST", "/api/v1/addresses/check", d.withKey(d.checkAddress))
	rt.handle("GET", "/api/v1/addresses/{id}", d.withKey(d.getAddress))
	rt.handle("PUT", "/api/v1/addresses/{id}", d.change(d.updateAddress))
	rt.handle("DELETE", "/api/v1/addresses/{id}", d.change(d.deleteAddress))
	rt.handle("GET", "/api/v1/tracking", d.withKey(d.listTracking))
	rt.handle("GET", "/api/v1/tracking/{itemNo}", d.withKey(d.getTracking))
	rt.handle("POST", "/api/v1/tracking/events", d.change(d.postTrackingEvents))
	rt.handle("GET", "/api/v1/webhooks", d.withKey(d.listWebhooks))
	rt.handle("POST", "/api/v1/webhooks", d.change(d.createWebhook))
	rt.handle("DELETE", "/api/v1/webhooks/{id}", d.change(d.deleteWebhook))
	rt.handle("GET", "/api/v1/webhooks/{id}/deliveries", d.withKey(d.listDeliveries))
	rt.handle("POST", "/api/v1/webhooks/{id}/deliveries/{delivery}/resend", d.change(d.resendDelivery))
	rt.handle("GET", "/api/v1/templates/batch.csv", d.open(batchTemplate("csv")))
	rt.handle("GET", "/api/v1/templates/batch.xlsx", d.open(batchTemplate("xlsx")))
	rt.handle("GET", "/api/v1/openapi.json", d.open(serveOpenAPI("application/json")))
	rt.handle("GET", "/api/v1/openapi.yaml", d.open(serveOpenAPI("application/yaml")))
	rt.handle("GET", "/api/v1/docs", d.open(serveDocs))
	rt.finish(d.open)
	return rt
}

// router registers routes and answers the methods a path does not take with 405 and Allow, and
// unknown paths with a JSON 404.
type router struct {
	mux     *http.ServeMux
	methods map[string][]string // path pattern -> methods
	order   []string
	routes  []string // "METHOD /path", as registered
}

func (rt *router) handle(method, path string, h http.HandlerFunc) {
	rt.mux.HandleFunc(method+" "+path, h)
	rt.routes = append(rt.routes, method+" "+path)
	if _, seen := rt.methods[path]; !seen {
		rt.order = append(rt.order, path)
	}
	rt.methods[path] = append(rt.methods[path], method)
}

func (rt *router) finish(open func(http.HandlerFunc) http.HandlerFunc) {
	for _, path := range rt.order {
		allow := strings.Join(append(rt.methods[path], "OPTIONS"), ", ")
		other := open(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			if r.Method == http.MethodOptions {
				w.WriteHeader(http.StatusNoContent)
				return
			}
			WriteError(w, r, errs.New(errs.BadMethod, "error.method_not_allowed", nil))
		})
		// Each other method by name, not one method-less pattern: "GET /tracking/events" must not
		// clash with "GET /tracking/{itemNo}".
		for _, m := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"} {
			taken := slices.Contains(rt.methods[path], m) || m == "HEAD" && slices.Contains(rt.methods[path], "GET")
			if !taken {
				rt.mux.HandleFunc(m+" "+path, other)
			}
		}
	}
	rt.mux.HandleFunc("/api/", open(func(w http.ResponseWriter, r *http.Request) {
		WriteError(w, r, notFound())
	}))
}

func (d *Deps) baseURL() string {
	if d.BaseURL == nil {
		return ""
	}
	return d.BaseURL()
}

// Lang is the language of an API caller: ?lang=, else Accept-Language, else English.
func Lang(r *http.Request) i18n.Lang {
	if l, ok := i18n.Parse(r.URL.Query().Get("lang")); ok {
		return l
	}
	return i18n.FromAcceptLanguage(r.Header.Get("Accept-Language"))
}
