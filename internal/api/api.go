// Package api is ecship's REST API under /api/v1: JSON in and out, errors in one shape, money as
// decimal strings, weights in grams and sizes in millimetres.
package api

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/metrics"
)

// Deps are what the API's handlers use.
type Deps struct {
	Catalog *catalog.Catalog
	Metrics *metrics.Metrics
	Log     *slog.Logger
	Now     func() time.Time
}

// Register adds the API's routes to mux.
func Register(mux *http.ServeMux, d *Deps) {
	mux.HandleFunc("GET /api/v1/services", d.listServices)
	mux.HandleFunc("POST /api/v1/quotes", d.createQuote)
	mux.HandleFunc("GET /api/v1/openapi.json", serveOpenAPI("application/json"))
	mux.HandleFunc("GET /api/v1/openapi.yaml", serveOpenAPI("application/yaml"))
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		WriteError(w, r, notFound())
	})
}

// Lang is the language of an API caller: ?lang=, else Accept-Language, else English.
func Lang(r *http.Request) i18n.Lang {
	if l, ok := i18n.Parse(r.URL.Query().Get("lang")); ok {
		return l
	}
	return i18n.FromAcceptLanguage(r.Header.Get("Accept-Language"))
}
