// Package webhooks tells senders' servers what happens, as it happens: a sender registers an
// endpoint (a URL and the event types it wants); every event of theirs written by the store gets
// a delivery per endpoint, in the same transaction, queued on the job queue. A delivery is a JSON
// POST signed with HMAC-SHA256 over the timestamp and the body (Ecship-Signature: t=...,v1=...),
// retried with growing pauses for three days until the endpoint answers 2xx.
package webhooks

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/events"
)

// Endpoint is where a sender's events of the chosen types are sent, in one mode.
type Endpoint struct {
	ID          string
	OwnerID     string
	Mode        account.Mode
	URL         string
	Description string
	Types       []events.Type // empty: every type
	Failures    int           // deliveries given up on in a row
	DisabledAt  *time.Time
	CreatedAt   time.Time
}

// Delivery is one event on its way to one endpoint.
type Delivery struct {
	ID          string
	EndpointID  string
	EventID     string
	State       string // pending, delivered, failed
	Attempts    int
	LastStatus  int    // the endpoint's last HTTP status (0: no answer)
	LastError   string // why the last attempt failed, in a few words
	LastMS      int
	LastAt      *time.Time
	DeliveredAt *time.Time
	CreatedAt   time.Time
}

// SignatureHeader carries a delivery's signature.
const SignatureHeader = "Ecship-Signature"

// Sign is the Ecship-Signature of body sent at t with the endpoint's secret: "t=<unix seconds>,
// v1=<hex HMAC-SHA256 of "<unix seconds>.<body>">".
func Sign(secret string, t time.Time, body []byte) string {
	unix := strconv.FormatInt(t.Unix(), 10)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(unix))
	m.Write([]byte("."))
	m.Write(body)
	return "t=" + unix + ",v1=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a signature as a receiver should: a v1 HMAC that matches, made within tolerance
// of now (so a captured delivery cannot be replayed later).
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var unix string
	var sigs []string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			unix = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	sec, err := strconv.ParseInt(unix, 10, 64)
	if err != nil || len(sigs) == 0 {
		return fmt.Errorf("webhooks: malformed signature %q", header)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("webhooks: signature made %v from now", d.Round(time.Second))
	}
	want := Sign(secret, time.Unix(sec, 0), body)
	for _, s := range sigs {
		if hmac.Equal([]byte("t="+unix+",v1="+s), []byte(want)) {
			return nil
		}
	}
	return fmt.Errorf("webhooks: signature does not match")
}

// NewSecret is an endpoint's signing secret, shown to the sender once.
func NewSecret() string {
	b := make([]byte, 24)
	rand.Read(b)
	return "whsec_" + hex.EncodeToString(b)
}

// CheckURL refuses an endpoint URL that ecship should not send to: live endpoints must be https
// and must not name a loopback, private or link-local address (the names are checked again when
// each delivery connects); test endpoints may also be http on this machine (127.0.0.1, ::1,
// localhost), for a sender's own tests.
func CheckURL(mode account.Mode, raw string) error {
	u, err := url.Parse(raw)
	bad := func(key string) error { return errs.Field("url", key, errs.Args{"value": raw}) }
	if err != nil || u.Host == "" || u.User != nil || (u.Scheme != "https" && u.Scheme != "http") || len(raw) > 2048 {
		return bad("webhooks.url.invalid")
	}
	host := u.Hostname()
	local := host == "localhost" || isLoopback(host)
	switch {
	case mode == account.Test && local:
		return nil
	case u.Scheme != "https":
		return bad("webhooks.url.https")
	case local || refusedHost(host):
		return bad("webhooks.url.private")
	}
	return nil
}

func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// refusedHost says whether host is an address a live delivery must never reach.
func refusedHost(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && Refused(ip)
}

// Refused says whether a live delivery must not connect to ip: loopback, private, link-local,
// unspecified or multicast addresses reach this server's neighbours, not a sender's server.
func Refused(ip net.IP) bool {
	return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsUnspecified() || ip.IsMulticast() || ip.IsInterfaceLocalMulticast()
}

// Store is what webhooks keep in the database.
type Store interface {
	CreateEndpoint(ctx context.Context, e *Endpoint, sealedSecret string) error
	Endpoints(ctx context.Context, owner string, mode account.Mode) ([]*Endpoint, error)
	Endpoint(ctx context.Context, owner, id string) (*Endpoint, error)
	// ResendDelivery queues a delivery done with (delivered or given up on) once more.
	ResendDelivery(ctx context.Context, owner, endpointID, id string) error
	DeleteEndpoint(ctx context.Context, owner string, mode account.Mode, id string) error
	Deliveries(ctx context.Context, owner string, mode account.Mode, endpointID string, limit int) ([]*Delivery, error)
	// DeliveryToSend is a pending delivery with what sending it needs: its endpoint, the
	// endpoint's sealed secret and the event's body; and behind, the earliest delivery to the
	// same endpoint still pending of an earlier event about the same subject ("" if none).
	DeliveryToSend(ctx context.Context, id string) (d *Delivery, e *Endpoint, sealedSecret string, body []byte, behind string, err error)
	Delivery(ctx context.Context, id string) (*Delivery, error)
	// RecordAttempt keeps an attempt's outcome; final marks the delivery delivered (a 2xx) or
	// failed (given up), and a failure counts against its endpoint, disabled after disableAfter.
	RecordAttempt(ctx context.Context, d *Delivery, delivered, final bool, disableAfter int, now time.Time) error
}
