package webhooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/events"
	"github.com/ecship/ecship/internal/secretbox"
)

// Limits of a delivery: an endpoint that hangs, or answers a flood, slows nothing else down.
const (
	Timeout      = 10 * time.Second // the whole exchange
	MaxAnswer    = 64 << 10         // bytes of an answer read, the rest dropped
	DisableAfter = 5                // deliveries given up on in a row before an endpoint is disabled
	// PerEndpoint is how many deliveries to one slow endpoint (its last answer took SlowAfter or
	// more, or was not a 2xx) a process has under way at once: an endpoint that hangs holds that
	// many of the queue's workers, never all of them. A quick endpoint has no such limit.
	PerEndpoint = 4
	SlowAfter   = time.Second
)

// Service registers endpoints and sends deliveries.
type Service struct {
	Store Store
	Box   *secretbox.Box
	Log   *slog.Logger
	Now   func() time.Time
	live  *http.Client
	test  *http.Client

	mu   sync.Mutex
	busy map[string]int  // endpoint -> deliveries under way in this process
	slow map[string]bool // endpoints whose last answer was slow or a failure
}

// New is a Service whose live deliveries never connect to a loopback, private or link-local
// address (checked on the address connected to, after the name is looked up, so a name that
// points inside is refused too) and whose test deliveries may also go to this machine.
func New(st Store, box *secretbox.Box, log *slog.Logger, now func() time.Time) *Service {
	return &Service{Store: st, Box: box, Log: log, Now: now, live: client(false), test: client(true)}
}

func client(loopback bool) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, Control: func(network, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return err
		}
		ip := net.ParseIP(host)
		if ip == nil || Refused(ip) && !(loopback && ip.IsLoopback()) {
			return fmt.Errorf("webhooks: %s is not an address deliveries go to", host)
		}
		return nil
	}}
	return &http.Client{
		Timeout:       Timeout,
		Transport:     &http.Transport{DialContext: dialer.DialContext, Proxy: nil, MaxIdleConnsPerHost: 4, IdleConnTimeout: 90 * time.Second, TLSHandshakeTimeout: 5 * time.Second},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, // a redirect is an answer, not a place to go
	}
}

// Register keeps a sender's new endpoint and answers it with its signing secret, shown once.
func (s *Service) Register(ctx context.Context, owner string, mode account.Mode, rawURL, description string, types []events.Type) (*Endpoint, string, error) {
	var fe errs.Fields
	if err := CheckURL(mode, rawURL); err != nil {
		fe = append(fe, errs.As(err).Fields...)
	}
	for _, t := range types {
		if !events.Known(t) {
			fe.Add("events", "webhooks.event.unknown", errs.Args{"value": string(t)})
		}
	}
	if len([]rune(description)) > 200 {
		fe.Add("description", "shipment.too_long", errs.Args{"max": 200})
	}
	if err := fe.Err(); err != nil {
		return nil, "", err
	}
	slices.Sort(types)
	e := &Endpoint{ID: account.NewID("whe"), OwnerID: owner, Mode: mode, URL: rawURL, Description: description, Types: slices.Compact(types), CreatedAt: s.Now()}
	secret := NewSecret()
	if err := s.Store.CreateEndpoint(ctx, e, s.Box.Seal(secret)); err != nil {
		return nil, "", err
	}
	return e, secret, nil
}

// WaitError is a delivery that must wait before it is tried: an earlier event about its subject
// is still to be delivered to the same endpoint (After is that delivery), or the endpoint already
// has PerEndpoint deliveries under way (After is nil). Waiting is not an attempt.
type WaitError struct {
	After *Delivery
}

func (e *WaitError) Error() string {
	if e.After == nil {
		return "webhooks: the endpoint is busy"
	}
	return "webhooks: waits for delivery " + e.After.ID
}

// take counts a delivery under way to the endpoint, unless it is slow and has PerEndpoint
// under way already.
func (s *Service) take(endpoint string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.busy == nil {
		s.busy, s.slow = map[string]int{}, map[string]bool{}
	}
	if s.slow[endpoint] && s.busy[endpoint] >= PerEndpoint {
		return false
	}
	s.busy[endpoint]++
	return true
}

// release ends a delivery under way, and keeps whether the endpoint answered it slowly or not at all.
func (s *Service) release(endpoint string, slow bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.busy[endpoint]--; s.busy[endpoint] <= 0 {
		delete(s.busy, endpoint)
	}
	if slow {
		s.slow[endpoint] = true
	} else {
		delete(s.slow, endpoint)
	}
}

// ErrNotDelivered is a delivery attempt the endpoint did not take (no 2xx): try again later.
var ErrNotDelivered = errors.New("webhooks: not delivered")

// Send makes one attempt at a delivery and keeps its outcome. It answers ErrNotDelivered (wrapped
// with why) when the endpoint did not take it, for the queue to try again; final says this is the
// last attempt, after which the delivery is given up on. A delivery already done is not sent again.
func (s *Service) Send(ctx context.Context, id string, final bool) error {
	d, e, sealed, body, behind, err := s.Store.DeliveryToSend(ctx, id)
	if errs.CodeOf(err) == errs.NotFound {
		return nil // its endpoint was removed
	}
	if err != nil {
		return err
	}
	if d.State != "pending" {
		return nil
	}
	if e.DisabledAt != nil {
		d.LastStatus, d.LastError = 0, "endpoint disabled"
		return s.Store.RecordAttempt(ctx, d, false, true, DisableAfter, s.Now())
	}
	if behind != "" {
		earlier, err := s.Store.Delivery(ctx, behind)
		if errs.CodeOf(err) == errs.NotFound {
			return &WaitError{After: &Delivery{ID: behind}} // done with meanwhile: look again
		}
		if err != nil {
			return err
		}
		return &WaitError{After: earlier}
	}
	secret, err := s.Box.Open(sealed)
	if err != nil {
		return err
	}
	if !s.take(e.ID) {
		return &WaitError{}
	}
	status, why, took := s.post(ctx, e, secret, d, body)
	d.LastStatus, d.LastError, d.LastMS = status, why, int(took.Milliseconds())
	ok := status >= 200 && status < 300
	s.release(e.ID, !ok || took >= SlowAfter)
	if err := s.Store.RecordAttempt(ctx, d, ok, final && !ok, DisableAfter, s.Now()); err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%w to %s: %s", ErrNotDelivered, e.URL, why)
	}
	return nil
}

// post sends the body to the endpoint, signed, and answers the HTTP status (0 for none), why it
// was not taken ("" when taken) and how long it took.
func (s *Service) post(ctx context.Context, e *Endpoint, secret string, d *Delivery, body []byte) (int, string, time.Duration) {
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "POST", e.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err.Error(), 0
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "ecship-webhooks/1")
	req.Header.Set("Ecship-Event-Id", d.EventID)
	req.Header.Set("Ecship-Delivery-Id", d.ID)
	req.Header.Set(SignatureHeader, Sign(secret, s.Now(), body))
	c := s.live
	if e.Mode == account.Test {
		c = s.test
	}
	start := time.Now()
	res, err := c.Do(req)
	if err != nil {
		return 0, short(err.Error()), time.Since(start)
	}
	io.Copy(io.Discard, io.LimitReader(res.Body, MaxAnswer))
	res.Body.Close()
	took := time.Since(start)
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return res.StatusCode, fmt.Sprintf("answered %d", res.StatusCode), took
	}
	return res.StatusCode, "", took
}

func short(s string) string {
	if len(s) > 300 {
		return s[:300]
	}
	return s
}
