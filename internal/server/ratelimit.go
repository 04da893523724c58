package server

import (
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Buckets is a token bucket per key (a client address, an API key). Buckets idle for a minute are
// dropped, so the map cannot grow without bound. The buckets live in the process: behind a load
// balancer each process allows its own share. Keeping them in the database would cost a round trip
// on every request, more than most of the requests they protect.
type Buckets[K comparable] struct {
	limit rate.Limit
	burst int

	mu      sync.Mutex
	buckets map[K]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// NewBuckets allows perSecond requests per key, burst at once.
func NewBuckets[K comparable](perSecond float64, burst int) *Buckets[K] {
	return &Buckets[K]{limit: rate.Limit(perSecond), burst: max(1, burst), buckets: map[K]*bucket{}, swept: time.Now()}
}

// Quota is where a key stands after a request: whether it may go ahead, and the RateLimit-*
// figures (RFC draft "RateLimit header fields for HTTP").
type Quota struct {
	OK        bool
	Limit     int           // requests allowed at once (the bucket's size)
	Remaining int           // left now
	Reset     time.Duration // until the bucket is full again
	Wait      time.Duration // when not OK: until one request is allowed
}

// Take spends one request of key's bucket at now, if it has one.
func (b *Buckets[K]) Take(key K, now time.Time) Quota {
	b.mu.Lock()
	defer b.mu.Unlock()
	if now.Sub(b.swept) > time.Minute {
		for k, x := range b.buckets {
			if now.Sub(x.seen) > time.Minute {
				delete(b.buckets, k)
			}
		}
		b.swept = now
	}
	x, ok := b.buckets[key]
	if !ok {
		x = &bucket{lim: rate.NewLimiter(b.limit, b.burst)}
		b.buckets[key] = x
	}
	x.seen = now
	q := Quota{OK: true, Limit: b.burst}
	res := x.lim.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		q.OK, q.Wait = false, d
	}
	tokens := max(0, x.lim.TokensAt(now))
	q.Remaining = int(math.Floor(tokens))
	q.Reset = time.Duration((float64(b.burst) - tokens) / float64(b.limit) * float64(time.Second))
	return q
}

// SetHeaders writes the quota's RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset headers,
// and Retry-After when the request was refused.
func (q Quota) SetHeaders(h http.Header) {
	h.Set("RateLimit-Limit", strconv.Itoa(q.Limit))
	h.Set("RateLimit-Remaining", strconv.Itoa(q.Remaining))
	h.Set("RateLimit-Reset", strconv.Itoa(seconds(q.Reset)))
	if !q.OK {
		h.Set("Retry-After", strconv.Itoa(max(1, seconds(q.Wait))))
	}
}

// seconds rounds d up to whole seconds.
func seconds(d time.Duration) int { return int((d + time.Second - 1) / time.Second) }

// PerIP limits anonymous requests per client address (burst: two seconds' worth). Requests that
// carry an API key are limited per key instead, once the key is checked (see PerKey): integrators
// behind one address do not share the anonymous limit.
type PerIP struct {
	buckets *Buckets[netip.Addr]
	trusted []netip.Prefix
	deny    func(w http.ResponseWriter, r *http.Request, retryAfter time.Duration)
}

// NewPerIP returns a limiter of perSecond requests per IP, or nil when perSecond is 0 (off). deny
// writes the refusal (429) in the caller's format.
func NewPerIP(perSecond float64, trusted []netip.Prefix, deny func(http.ResponseWriter, *http.Request, time.Duration)) *PerIP {
	if perSecond <= 0 {
		return nil
	}
	return &PerIP{buckets: NewBuckets[netip.Addr](perSecond, int(2*perSecond)), trusted: trusted, deny: deny}
}

// exempt says which requests are not limited per address: health checks, metrics, static files, the
// SOAP APIs (which have limits of their own per integrator account, and answer only the addresses
// each account allows: TRK-5..7), and REST calls with an API key (limited per key).
func exempt(r *http.Request) bool {
	p := r.URL.Path
	if strings.HasPrefix(p, "/api/") && strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
		return true
	}
	return p == "/healthz" || p == "/readyz" || p == "/metrics" || strings.HasPrefix(p, "/static/") || strings.HasPrefix(p, "/HKP_MailTrack_API/")
}

// Allow reports whether a request from ip may go ahead now, and if not, when to retry.
func (l *PerIP) Allow(ip netip.Addr, now time.Time) (bool, time.Duration) {
	q := l.buckets.Take(bucketKey(ip), now)
	return q.OK, q.Wait
}

// Check applies the address's limit to r (for requests exempt from Wrap that turn out to need it, such
// as a call with a key that is not valid). It writes the refusal and answers false when over.
func (l *PerIP) Check(w http.ResponseWriter, r *http.Request) bool {
	if l == nil {
		return true
	}
	if ok, wait := l.Allow(ClientIP(r, l.trusted), time.Now()); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(max(1, seconds(wait))))
		l.deny(w, r, wait)
		return false
	}
	return true
}

// Wrap limits h. A nil *PerIP (limit off) returns h unchanged.
func (l *PerIP) Wrap(h http.Handler) http.Handler {
	if l == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !exempt(r) && !l.Check(w, r) {
			return
		}
		h.ServeHTTP(w, r)
	})
}

// PerKey limits requests per API key: perSecond each, with a burst of five seconds' worth. Every
// answer to a keyed request carries its RateLimit-* headers.
type PerKey struct {
	buckets *Buckets[string]
}

// NewPerKey returns a limiter of perSecond requests per key, or nil when perSecond is 0 (off).
func NewPerKey(perSecond float64) *PerKey {
	if perSecond <= 0 {
		return nil
	}
	return &PerKey{buckets: NewBuckets[string](perSecond, int(5*perSecond))}
}

// Take spends one request of a key's allowance and sets the headers on w.
func (l *PerKey) Take(w http.ResponseWriter, keyID string) Quota {
	if l == nil {
		return Quota{OK: true}
	}
	q := l.buckets.Take(keyID, time.Now())
	q.SetHeaders(w.Header())
	return q
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
