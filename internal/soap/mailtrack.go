package soap

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/xml"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/s10"
	"github.com/ecship/ecship/internal/server"
	"github.com/ecship/ecship/internal/tracking"
)

// MailTrackPath is where the Mail Tracking API is served (seed 001, section 1).
const MailTrackPath = "/HKP_MailTrack_API/services"

// MailTrackNamespace is the target namespace of the Mail Tracking WSDL and of its responses.
const MailTrackNamespace = "http://webservice.mailtrack.hkpost.com"

// MaxItems is how many item numbers one request may ask (TRK-1): a tracking look-up's.
const MaxItems = tracking.MaxLookup

// Integrators finds live integrator credentials with their passwords opened (account.Service).
type Integrators interface {
	Integrator(ctx context.Context, username string) (account.Integrator, error)
}

// Tracker looks items up (tracking.Service).
type Tracker interface {
	Lookup(ctx context.Context, itemNos []string) ([]*tracking.Item, error)
}

// UsageCounter checks and counts requests against the interval and daily limit, shared by every
// process on the database (store.Store).
type UsageCounter interface {
	CountMailTrackRequest(ctx context.Context, integratorID string, now time.Time, day string, minInterval time.Duration, dailyLimit int) (ok, tooSoon bool, err error)
}

// MailTrack is the Mail Tracking API: getItemDeliveryStatus over SOAP 1.1.
type MailTrack struct {
	Integrators    Integrators
	Tracking       Tracker
	Catalog        *catalog.Catalog
	Usage          UsageCounter
	MinInterval    time.Duration  // least time between one credential's requests; 0 = off (TRK-7)
	DailyLimit     int            // requests per credential per Hong Kong day; 0 = off (TRK-6)
	TrustedProxies []netip.Prefix // X-Forwarded-For is believed only from these (TRK-5)
	Secure         bool           // the public address is https (TLS ends in front of ecship): the WSDL's location says so
	// Guard checks the WS-Security tokens (its Nonces are required). Mail Tracking allows no reuse
	// of a token: every request signs anew.
	Guard Guard
	// CredentialTTL is how long a credential looked up is reused without asking the database again:
	// a revoked or changed credential still works for that long in processes that had it. 0 means
	// DefaultCredentialTTL; negative, no reuse.
	CredentialTTL time.Duration
	Log           *slog.Logger
	Now           func() time.Time

	once    sync.Once
	handler *http.ServeMux
	creds   ttlCache[string, account.Integrator]
	// Elements written once per code and choice of languages; country names in upper-case English
	// as the seed shows them ("HONG KONG").
	origin, dest, location, dropOff, milestone, message *fragments
}

// DefaultCredentialTTL is how long a looked-up credential is reused by default.
const DefaultCredentialTTL = 30 * time.Second

// RegisterMailTrack adds the Mail Tracking API's routes to mux: the WSDL on GET (with or without
// ?wsdl) and the SOAP endpoint on POST (with or without ?wsdl, as clients post to the WSDL's URL).
func RegisterMailTrack(mux *http.ServeMux, m *MailTrack) {
	m.init()
	m.register(mux)
}

func (m *MailTrack) register(mux *http.ServeMux) { route(mux, MailTrackPath, m.serve, m.serveWSDL) }

// route serves a SOAP endpoint at path: post takes the SOAP requests, get answers the WSDL (both
// with or without ?wsdl), and other methods are a 405.
func route(mux *http.ServeMux, path string, post, get http.HandlerFunc) {
	mux.HandleFunc("POST "+path, post)
	mux.HandleFunc("GET "+path, get)
	mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", "GET, HEAD, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	})
}

// endpoint is the address a client reached an endpoint at, for the WSDL's soap:address.
func endpoint(r *http.Request, secure bool, path string) string {
	scheme := "http"
	if r.TLS != nil || secure {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

func (m *MailTrack) init() {
	m.once.Do(func() {
		if m.Log == nil {
			m.Log = slog.New(slog.DiscardHandler)
		}
		if m.Now == nil {
			m.Now = time.Now
		}
		if m.CredentialTTL == 0 {
			m.CredentialTTL = DefaultCredentialTTL
		}
		m.initFragments()
		m.handler = http.NewServeMux()
		m.register(m.handler)
	})
}

// ServeHTTP serves the API alone (for tests and embedding).
func (m *MailTrack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.init()
	m.handler.ServeHTTP(w, r)
}

//go:embed mailtrack.wsdl
var mailTrackWSDL []byte

// serveWSDL answers the WSDL, its endpoint address being the one the client reached.
func (m *MailTrack) serveWSDL(w http.ResponseWriter, r *http.Request) {
	var loc bytes.Buffer
	xml.EscapeText(&loc, []byte(endpoint(r, m.Secure, MailTrackPath)))
	body := bytes.Replace(mailTrackWSDL, []byte("{{LOCATION}}"), loc.Bytes(), 1)
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.Write(body)
}

// request is getItemDeliveryStatus as read.
type request struct {
	username string
	lang     string
	items    []string // as sent; at most MaxItems+1 kept
	count    int      // how many were sent
}

func readRequest(env *envelope) request {
	var req request
	for _, l := range env.Leaves {
		switch l.name {
		case "integratorUsername":
			req.username = l.value
		case "lang":
			req.lang = l.value
		case "itemNo", "item":
			req.count++
			if len(req.items) <= MaxItems {
				req.items = append(req.items, l.value)
			}
		}
	}
	return req
}

// serve answers one getItemDeliveryStatus request. Every answer is a getItemDeliveryStatusResponse
// with HTTP 200, whatever its status: that is how clients of the real service read them.
func (m *MailTrack) serve(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	buf, err := readBody(w, r)
	defer putBody(buf)
	if err != nil {
		m.refuse(w, r, BadFormat, err.Error())
		return
	}
	env, err := readEnvelope(buf.Bytes())
	if err != nil {
		m.refuse(w, r, BadFormat, err.Error())
		return
	}
	if env.Op != "getItemDeliveryStatus" {
		m.refuse(w, r, BadFormat, "operation "+env.Op)
		return
	}
	req := readRequest(env)
	username := strings.TrimSpace(req.username)
	if username == "" || len(username) > account.IntegratorNameMax {
		m.refuse(w, r, BadInput, "integratorUsername missing or too long")
		return
	}
	now := m.Now()
	in, st := m.authenticate(ctx, r, &env.Token, username, now)
	if st != OK {
		m.writeResponse(w, st, 0, nil)
		return
	}
	day := now.In(catalog.HongKong).Format(time.DateOnly)
	ok, tooSoon, err := m.Usage.CountMailTrackRequest(ctx, in.ID, now, day, m.MinInterval, m.DailyLimit)
	switch {
	case err != nil:
		m.fail(w, r, err)
		return
	case !ok && tooSoon:
		m.writeResponse(w, TooFrequent, 0, nil)
		return
	case !ok:
		m.writeResponse(w, OverDailyLimit, 0, nil)
		return
	}
	lang, good := parseLang(req.lang)
	if !good {
		m.writeResponse(w, BadLang, 0, nil)
		return
	}
	if !anyItem(req.items) {
		m.writeResponse(w, NoItems, 0, nil)
		return
	}
	if req.count > MaxItems {
		m.writeResponse(w, TooManyItems, 0, nil)
		return
	}
	results, err := m.lookup(ctx, &in, req.items, now)
	if err != nil {
		m.fail(w, r, err)
		return
	}
	m.writeResponse(w, OK, lang, results)
}

// refuse answers a request that cannot be read; the reason goes to the debug log only.
func (m *MailTrack) refuse(w http.ResponseWriter, r *http.Request, st Status, reason string) {
	m.Log.Debug("mail tracking request refused", "status", int(st), "reason", reason, "ip", r.RemoteAddr)
	m.writeResponse(w, st, 0, nil)
}

// fail answers a failure of the database or another dependency: 9999, the error in the log only.
func (m *MailTrack) fail(w http.ResponseWriter, r *http.Request, err error) {
	st := statusOf(err)
	if r.Context().Err() != nil {
		// The caller hung up: nothing failed here.
		m.Log.Debug("mail tracking request abandoned", "err", err)
	} else {
		m.Log.Error("mail tracking", "status", int(st), "err", err, "path", r.URL.Path)
	}
	m.writeResponse(w, st, 0, nil)
}

// authenticate finds the credential named and checks, in this order, that the caller's address is
// one it allows (TRK-5) and that the UsernameToken proves its password (TRK-4). Every failure is
// the same 9992 with the same message, so the answer tells an outsider nothing about which part was
// wrong; the reason goes to the log for the operator.
func (m *MailTrack) authenticate(ctx context.Context, r *http.Request, tok *usernameToken, username string, now time.Time) (account.Integrator, Status) {
	deny := func(reason string) (account.Integrator, Status) {
		m.Log.Info("mail tracking credential refused", "username", username, "reason", reason, "ip", r.RemoteAddr)
		return account.Integrator{}, BadCredential
	}
	if !tok.present {
		return deny("no WS-Security UsernameToken")
	}
	if strings.TrimSpace(tok.Username) != username {
		return deny("UsernameToken names another user")
	}
	in, err := m.credential(ctx, username, now)
	if errs.CodeOf(err) == errs.NotFound {
		return deny("no live credential of that username")
	}
	if err != nil {
		if r.Context().Err() == nil {
			m.Log.Error("mail tracking credential", "err", err)
		}
		return in, statusOf(err)
	}
	if ip := server.ClientIP(r, m.TrustedProxies); !in.Allowed(ip) {
		return deny("address " + ip.String() + " not allowed")
	}
	if len(in.Password) > account.MailTrackPasswordMax {
		return deny("a key longer than the Mail Tracking API's " + strconv.Itoa(account.MailTrackPasswordMax) + " characters")
	}
	why, err := m.Guard.Check(ctx, tok, in, r.TLS != nil || m.Secure, server.ClientIP(r, m.TrustedProxies).String(), now)
	if err != nil {
		if r.Context().Err() == nil {
			m.Log.Error("mail tracking nonce", "err", err)
		}
		return in, statusOf(err)
	}
	if why != "" {
		return deny(string(why))
	}
	return in, OK
}

// parseLang reads lang: A, E, C or S, in either case.
func parseLang(s string) (langs, bool) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "A":
		return langEn | langHant | langHans, true
	case "E":
		return langEn, true
	case "C":
		return langHant, true
	case "S":
		return langHans, true
	}
	return 0, false
}

func anyItem(items []string) bool {
	for _, it := range items {
		if strings.TrimSpace(it) != "" {
			return true
		}
	}
	return false
}

// result is the answer for one item number asked.
type result struct {
	itemNo  string
	status  Status
	country string // the issuing country of the number: where it was posted
	item    *tracking.Item
}

// lookup answers each item number asked, in order: its format (1002), whether ecship knows it (1001),
// whether it is the caller's in the credential's mode (1004: TRK-8, TRK-10; items known only by
// their events have no owner and are nobody's), and whether its tracking period is over (1003).
func (m *MailTrack) lookup(ctx context.Context, in *account.Integrator, items []string, now time.Time) ([]result, error) {
	results := make([]result, len(items))
	unique := make([]string, 0, len(items))
	for i, raw := range items {
		no, ok := itemNumber(raw)
		if !ok {
			results[i] = result{itemNo: strings.TrimSpace(raw), status: ItemFormat}
			continue
		}
		results[i] = result{itemNo: no, country: no[11:]}
		seen := false
		for _, u := range unique {
			if u == no {
				seen = true
				break
			}
		}
		if !seen {
			unique = append(unique, no)
		}
	}
	if len(unique) == 0 {
		return results, nil
	}
	found, err := m.Tracking.Lookup(ctx, unique)
	if err != nil {
		return nil, err
	}
	for i := range results {
		res := &results[i]
		if res.status != OK {
			continue
		}
		var it *tracking.Item
		for j, no := range unique {
			if no == res.itemNo && j < len(found) {
				it = found[j]
				break
			}
		}
		switch {
		case it == nil || !it.Known():
			res.status = ItemUnknown
		case it.OwnerID == "" || it.OwnerID != in.UserID || it.Mode != in.Mode:
			res.status = ItemNotAllowed
		case it.TrackingOver(now):
			res.status = ItemExpired
		default:
			res.item = it
		}
	}
	return results, nil
}

// itemNumber reads an item number as people and programs send it (s10.Parse: spaces and lower
// case allowed, check digit and country checked) and answers it in canonical form.
func itemNumber(raw string) (string, bool) {
	n, err := s10.Parse(raw)
	if err != nil {
		return "", false
	}
	return n.String(), true
}

// credential finds a live credential by username, reusing one looked up within CredentialTTL.
func (m *MailTrack) credential(ctx context.Context, username string, now time.Time) (account.Integrator, error) {
	return cachedCredential(ctx, &m.creds, m.Integrators, m.CredentialTTL, username, now)
}

// cachedCredential finds a credential by username, reusing one looked up within ttl (none when ttl
// is negative).
func cachedCredential(ctx context.Context, c *ttlCache[string, account.Integrator], src Integrators, ttl time.Duration, username string, now time.Time) (account.Integrator, error) {
	if ttl > 0 {
		if in, ok := c.get(username, now); ok {
			return in, nil
		}
	}
	in, err := src.Integrator(ctx, username)
	if err == nil && ttl > 0 {
		c.put(username, in, now, now.Add(ttl))
	}
	return in, err
}
