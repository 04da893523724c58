// Package server is ecship's HTTP plumbing: request logging, metrics, panic recovery, per-IP limits for
// anonymous callers, health checks, and a server that shuts down gracefully.
package server

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/ecship/ecship/internal/metrics"
)

// statusWriter remembers the status code and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the real writer (flushing progress, deadlines).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func requestID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Observe wraps h with what every request gets: a request id, recovery from panics (a 500, never a
// dropped connection), one log line, and metrics by route pattern.
func Observe(h http.Handler, log *slog.Logger, m *metrics.Metrics) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if id == "" || len(id) > 64 {
			id = requestID()
		}
		w.Header().Set("X-Request-Id", id)
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				log.Error("panic", "request_id", id, "method", r.Method, "path", r.URL.Path, "panic", p)
				if sw.status == 0 {
					http.Error(sw, "internal error", http.StatusInternalServerError)
				}
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			elapsed := time.Since(start)
			m.ObserveRequest(route, methodLabel(r.Method), strconv.Itoa(status), elapsed.Seconds())
			level := slog.LevelInfo
			switch {
			case status >= 500:
				level = slog.LevelError
			case route == "GET /healthz" || route == "GET /readyz" || route == "GET /metrics" || route == "GET /static/":
				level = slog.LevelDebug
			}
			log.LogAttrs(r.Context(), level, "request",
				slog.Group("req", slog.String("id", id), slog.String("method", r.Method), slog.String("path", r.URL.Path),
					slog.String("route", route), slog.String("ip", r.RemoteAddr)),
				slog.Int("status", status), slog.Int("bytes", sw.bytes),
				slog.Float64("ms", float64(elapsed.Microseconds())/1000))
		}()
		h.ServeHTTP(sw, r)
	})
}

// methodLabel keeps the metrics' method label to the standard methods: any other name a client sends
// is "OTHER", so clients cannot grow the number of series.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return m
	}
	return "OTHER"
}

// HSTS tells browsers to reach the site over https only, for a year (for a base URL that is https).
func HSTS(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Strict-Transport-Security", "max-age=31536000")
		h.ServeHTTP(w, r)
	})
}
