// Package app wires ecship together: configuration, database, catalogue, HTTP routes. It is what the
// command line runs and what end-to-end tests start.
package app

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/addressbook"
	"github.com/ecship/ecship/internal/api"
	"github.com/ecship/ecship/internal/batch"
	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/config"
	"github.com/ecship/ecship/internal/counter"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/idempotency"
	"github.com/ecship/ecship/internal/mail"
	"github.com/ecship/ecship/internal/metrics"
	"github.com/ecship/ecship/internal/payment"
	"github.com/ecship/ecship/internal/queue"
	"github.com/ecship/ecship/internal/report"
	"github.com/ecship/ecship/internal/secretbox"
	"github.com/ecship/ecship/internal/server"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/soap"
	"github.com/ecship/ecship/internal/store"
	"github.com/ecship/ecship/internal/tracking"
	"github.com/ecship/ecship/internal/web"
	"github.com/ecship/ecship/internal/webhooks"
)

// App is a running ecship.
type App struct {
	Config    config.Config
	Store     *store.Store
	Accounts  *account.Service
	Shipments *shipment.Service
	Addresses *addressbook.Book
	Report    *report.Service
	Batches   *batch.Service
	Payments  *payment.Service
	Refunds   *payment.Refunds
	Counter   *counter.Service
	Tracking  *tracking.Service
	Catalog   *catalog.Catalog
	Metrics   *metrics.Metrics
	Log       *slog.Logger
	Now       func() time.Time
	Mailer    *mail.Mailer // keeps every email in the outbox (links sealed) and sends it when SMTP is set
	Webhooks  *webhooks.Service
	Queue     *queue.Queue // the durable job queue (River); serve works it
	handler   http.Handler
	portal    *web.Portal
	stateKey  []byte // signs the portal's short-lived state cookies; derived from the secret key

	metricsAddr atomic.Value // the metrics listener's address, once up
}

// New opens the database, migrates it, loads the catalogue and builds the HTTP handler.
func New(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	cat, err := catalog.Default()
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	a := &App{Config: cfg, Store: st, Catalog: cat, Metrics: metrics.New(), Log: log, Now: time.Now}
	if err := a.accounts(); err != nil {
		st.Close()
		return nil, err
	}
	a.Shipments = &shipment.Service{Store: st, Catalog: cat, Now: func() time.Time { return a.Now() }}
	a.Payments = &payment.Service{Store: st, Deposits: st, Gateway: &payment.TestGateway{Book: st, Now: func() time.Time { return a.Now() }}, Log: log, Now: func() time.Time { return a.Now() }}
	a.Refunds = &payment.Refunds{Store: st, Payments: st, Deposits: st, Gateway: a.Payments.Gateway, Log: log, Now: func() time.Time { return a.Now() }}
	a.Counter = &counter.Service{Store: st, Catalog: cat, Now: func() time.Time { return a.Now() }}
	a.Report = &report.Service{Store: st, Now: func() time.Time { return a.Now() }}
	a.Tracking = &tracking.Service{Store: st, Catalog: cat, Now: func() time.Time { return a.Now() }}
	a.Addresses = &addressbook.Book{Store: st, Now: func() time.Time { return a.Now() }}
	a.Batches = &batch.Service{Store: st, Shipments: a.Shipments, Log: log, Now: func() time.Time { return a.Now() }, Sender: a.Addresses.DefaultSender}
	// Webhook deliveries and batch files go on the job queue, in every command; only serve works it.
	a.Queue, err = queue.New(st, queue.Config{Log: log, Webhooks: a.Webhooks, Payments: a.Payments, Refunds: a.Refunds, Batches: a.Batches, Retention: st,
		Now: func() time.Time { return a.Now() }})
	if err != nil {
		st.Close()
		return nil, err
	}
	if err := a.LoadWeatherDays(ctx); err != nil {
		st.Close()
		return nil, err
	}
	if err := a.routes(); err != nil {
		st.Close()
		return nil, err
	}
	return a, nil
}

// accounts builds the Hongkong Post ID service: mail through SMTP or the outbox, integrator passwords
// sealed with the server's key.
func (a *App) accounts() error {
	key, made, err := secretbox.Key(a.Config.SecretKey, a.Config.DataDir)
	if err != nil {
		return err
	}
	if made {
		a.Log.Info("made a new secret key for integrator passwords", "file", a.Config.DataDir+"/secret.key")
	}
	if a.Config.SecretKey == "" && a.Store.Dialect() == store.Postgres {
		a.Log.Warn("ECSHIP_SECRET_KEY is not set: every process on this PostgreSQL must share the same key file")
	}
	box, err := secretbox.New(key)
	if err != nil {
		return err
	}
	now := func() time.Time { return a.Now() }
	mailer := &mail.Mailer{Outbox: a.Store, Secrets: box, Log: a.Log, Now: now}
	if a.Config.SMTPURL != "" {
		mailer.SMTP, mailer.From, err = mail.ParseSMTPURL(a.Config.SMTPURL)
		if err != nil {
			return fmt.Errorf("ECSHIP_SMTP_URL: %w", err)
		}
	}
	a.Mailer = mailer
	a.Accounts = &account.Service{Store: a.Store, Mail: mailer, Secrets: box, Log: a.Log, Now: now, BaseURL: a.Config.BaseURL}
	state := sha256.Sum256(append([]byte("ecship portal state\x00"), key...))
	a.stateKey = state[:]
	a.Webhooks = webhooks.New(a.Store, box, a.Log, now)
	return nil
}

// LoadWeatherDays gives the catalogue's calendar the weather days recorded in the database.
func (a *App) LoadWeatherDays(ctx context.Context) error {
	days, err := a.Store.WeatherDays(ctx)
	if err != nil {
		return err
	}
	a.Catalog.SetWeatherDays(days)
	return nil
}

func (a *App) routes() error {
	now := func() time.Time { return a.Now() }
	mux := http.NewServeMux()
	server.Health(mux, a.Store.Ready)
	deny := func(w http.ResponseWriter, r *http.Request, wait time.Duration) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			api.TooManyRequests(w, r, wait)
			return
		}
		web.TooManyRequests(w, r, wait)
	}
	perIP := server.NewPerIP(a.Config.PublicRateLimit, a.Config.TrustedProxies, deny)
	api.Register(mux, &api.Deps{Catalog: a.Catalog, Accounts: a.Accounts, Addresses: a.Addresses, Shipments: a.Shipments, Batches: a.Batches, Payments: a.Payments, Refunds: a.Refunds, Counter: a.Counter, Tracking: a.Tracking, Webhooks: a.Webhooks, Metrics: a.Metrics, Log: a.Log, Now: now,
		Requests: &idempotency.Service{Store: a.Store, Now: now}, BaseURL: func() string { return a.Accounts.BaseURL },
		IPLimit: perIP, KeyLimit: server.NewPerKey(a.Config.APIRateLimit)})
	soap.RegisterMailTrack(mux, &soap.MailTrack{Integrators: a.Accounts, Tracking: a.Tracking, Catalog: a.Catalog, Usage: a.Store, MinInterval: a.Config.MailTrackMinInterval, DailyLimit: a.Config.MailTrackDailyLimit,
		TrustedProxies: a.Config.TrustedProxies, Secure: strings.HasPrefix(a.Config.BaseURL, "https://"), Log: a.Log, Now: now,
		Guard: soap.Guard{Window: a.Config.WSSECreatedWindow, Nonces: a.Store, Log: a.Accounts}})
	(&soap.ECShip{Integrators: a.Accounts, Senders: a.Accounts, Catalog: a.Catalog, Shipments: a.Shipments, Payments: a.Payments, Tracking: a.Tracking,
		Guard:          soap.Guard{Window: a.Config.WSSECreatedWindow, Nonces: a.Store, Log: a.Accounts},
		TrustedProxies: a.Config.TrustedProxies, Secure: strings.HasPrefix(a.Config.BaseURL, "https://"), Log: a.Log, Now: now}).Register(mux)
	portal, err := web.New(&web.Deps{Catalog: a.Catalog, Accounts: a.Accounts, Addresses: a.Addresses, Report: a.Report, Shipments: a.Shipments, Batches: a.Batches, Payments: a.Payments, Refunds: a.Refunds, Counter: a.Counter, Tracking: a.Tracking, Webhooks: a.Webhooks, Metrics: a.Metrics, Log: a.Log, Now: now,
		SecureCookies: strings.HasPrefix(a.Config.BaseURL, "https://"), TrustedProxies: a.Config.TrustedProxies, StateKey: a.stateKey,
		MailDelivered: a.Mailer != nil && a.Mailer.SMTP != nil, Mail: a.Mailer})
	if err != nil {
		return fmt.Errorf("portal: %w", err)
	}
	portal.Register(mux)
	a.portal = portal
	limited := perIP.Wrap(mux)
	// Forms posted from other sites are refused (Sec-Fetch-Site / Origin), so no page needs a token.
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			api.WriteError(w, r, errs.New(errs.Forbidden, "error.cross_origin", nil))
			return
		}
		http.Error(w, i18n.T(web.Lang(r), "error.cross_origin", nil), http.StatusForbidden)
	}))
	var h http.Handler = csrf.Handler(limited)
	if strings.HasPrefix(a.Config.BaseURL, "https://") {
		h = server.HSTS(h)
	}
	a.handler = server.Observe(server.Compress(h), a.Log, a.Metrics)
	return nil
}

// PortalRoutes lists the portal's routes and the access each needs (for the role-by-route test).
func (a *App) PortalRoutes() []web.Route { return a.portal.Routes() }

// Handler is the whole HTTP surface (for tests with httptest).
func (a *App) Handler() http.Handler { return a.handler }

// Run serves until ctx is cancelled; ready is told the address listened on. Weather days recorded
// meanwhile (by ecship weather add, or by another process on the same database) are read every minute.
func (a *App) Run(ctx context.Context, ready func(net.Addr)) error {
	go a.refreshWeather(ctx, time.Minute)
	if a.Config.MetricsAddr != "" {
		go a.serveMetrics(ctx)
	}
	// The job queue works deliveries, batch files and the periodic work (settlement, the
	// reconciliation of payments a stopped process left pending, retention), each once among
	// the processes on the database.
	if err := a.Queue.Start(context.WithoutCancel(ctx)); err != nil { // stopped below, gracefully
		return fmt.Errorf("job queue: %w", err)
	}
	defer func() {
		stop, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
		defer cancel()
		a.Queue.Stop(stop) // the deliveries under way finish; the rest wait in the database
	}()
	return server.Run(ctx, a.Config.Addr, a.handler, a.Log, func(addr net.Addr) {
		// Listening on port 0 picks a port: links in emails must name the one picked.
		if strings.HasSuffix(a.Accounts.BaseURL, ":0") {
			a.Accounts.BaseURL = "http://" + addr.String()
		}
		if ready != nil {
			ready(addr)
		}
	})
}

// serveMetrics serves /metrics on its own listener (--metrics-addr, loopback by default), apart from
// the public one: what the process counts is for the operator's Prometheus, not for the internet.
// A metrics address already taken is logged, and the service goes on without metrics.
func (a *App) serveMetrics(ctx context.Context) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", a.Metrics.Handler())
	err := server.Run(ctx, a.Config.MetricsAddr, mux, a.Log, func(addr net.Addr) {
		a.metricsAddr.Store(addr.String())
		a.Log.Info("metrics listening", "at", "http://"+addr.String()+"/metrics")
	})
	if err != nil {
		a.Log.Error("metrics listener", "addr", a.Config.MetricsAddr, "err", err)
	}
}

// MetricsURL is where /metrics is served once the listener is up ("" before, or when off).
func (a *App) MetricsURL() string {
	if addr, _ := a.metricsAddr.Load().(string); addr != "" {
		return "http://" + addr + "/metrics"
	}
	return ""
}

func (a *App) refreshWeather(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := a.LoadWeatherDays(ctx); err != nil && ctx.Err() == nil {
				a.Log.Warn("reading weather days", "err", err)
			}
		}
	}
}

// Close waits for emails still being delivered, then releases the database.
func (a *App) Close() error {
	if a.Mailer != nil {
		a.Mailer.Wait()
	}
	return a.Store.Close()
}

// LedgerCheck proves the books (payment.CheckLedger): what `ecship ledger check` prints.
func (a *App) LedgerCheck(ctx context.Context) (payment.LedgerReport, error) {
	return payment.CheckLedger(ctx, a.Store)
}
