// Package metrics holds ecship's Prometheus collectors, one registry per running app so that tests can
// start several apps in one process.
package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the counters and histograms ecship exports on /metrics.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	quotes   *prometheus.CounterVec
}

// New registers ecship's collectors and the Go runtime's on a new registry.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ecship_http_requests_total", Help: "HTTP requests by route pattern, method and status code.",
		}, []string{"route", "method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "ecship_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route", "method"}),
		quotes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ecship_quotes_total", Help: "Postage comparisons by channel (api, web, cli) and outcome (ok, invalid).",
		}, []string{"channel", "outcome"}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.quotes,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// ObserveRequest records one finished HTTP request.
func (m *Metrics) ObserveRequest(route, method, code string, seconds float64) {
	m.requests.WithLabelValues(route, method, code).Inc()
	m.latency.WithLabelValues(route, method).Observe(seconds)
}

// CountQuote records one postage comparison.
func (m *Metrics) CountQuote(channel string, ok bool) {
	outcome := "ok"
	if !ok {
		outcome = "invalid"
	}
	m.quotes.WithLabelValues(channel, outcome).Inc()
}

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}
