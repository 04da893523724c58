package server

import (
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// PerIP limits anonymous requests per client address with a token bucket each (burst: two seconds'
// worth). Buckets idle for a while are dropped so the map cannot grow without bound. The limit is per
// process; behind a load balancer each process allows its own share.
type PerIP struct {
	limit   rate.Limit
	burst   int
	trusted []netip.Prefix
	deny    func(w http.ResponseWriter, r *http.Request, retryAfter time.Duration)

	mu      sync.Mutex
	buckets map[netip.Addr]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// NewPerIP returns a limiter of perSecond requests per IP, or nil when perSecond is 0 (off). deny
// writes the refusal (429) in the caller's format.
func NewPerIP(perSecond float64, trusted []netip.Prefix, deny func(http.ResponseWriter, *http.Request, time.Duration)) *PerIP {
	if perSecond <= 0 {
		return nil
	}
	return &PerIP{limit: rate.Limit(perSecond), burst: max(1, int(2*perSecond)), trusted: trusted, deny: deny,
		buckets: map[netip.Addr]*bucket{}, swept: time.Now()}
}

// exempt says which requests are not limited here: health checks, metrics and static files. A
// request merely carrying an Authorization header is limited like any other: only a verified key
// could earn other limits, and no header is verified before this point.
func exempt(r *http.Request) bool {
	p := r.URL.Path
	// The SOAP APIs have limits of their own per integrator account, and answer only the IP
	// addresses each account allows (TRK-5..7).
	return p == "/healthz" || p == "/readyz" || p == "/metrics" || strings.HasPrefix(p, "/static/") || strings.HasPrefix(p, "/HKP_MailTrack_API/")
}

// Allow reports whether a request from ip may go ahead now, and if not, when to retry.
func (l *PerIP) Allow(ip netip.Addr, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute {
		for a, b := range l.buckets {
			if now.Sub(b.seen) > time.Minute {
				delete(l.buckets, a)
			}
		}
		l.swept = now
	}
	b, ok := l.buckets[ip]
	if !ok {
		b = &bucket{lim: rate.NewLimiter(l.limit, l.burst)}
		l.buckets[ip] = b
	}
	b.seen = now
	res := b.lim.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return false, d
	}
	return true, 0
}

// Wrap limits h. A nil *PerIP (limit off) returns h unchanged.
func (l *PerIP) Wrap(h http.Handler) http.Handler {
	if l == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !exempt(r) {
			if ok, wait := l.Allow(bucketKey(ClientIP(r, l.trusted)), time.Now()); !ok {
				secs := int(wait/time.Second) + 1
				w.Header().Set("Retry-After", strconv.Itoa(secs))
				l.deny(w, r, wait)
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}

// bucketKey groups IPv6 clients by their /64, the block one subscriber gets: rotating addresses inside
// it must not earn fresh buckets.
func bucketKey(a netip.Addr) netip.Addr {
	if a.Is6() && !a.Is4In6() {
		p, _ := a.Prefix(64)
		return p.Addr()
	}
	return a
}
