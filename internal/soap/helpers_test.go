package soap_test

import (
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/testenv"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/s10"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/soap"
	"github.com/ecship/ecship/internal/store"
	"github.com/ecship/ecship/internal/tracking"
)

var ctx = context.Background()

type clock = testenv.Clock

// monday is the tests' "now": Monday 23 November 2026, 10:00 in Hong Kong.
var monday = time.Date(2026, 11, 23, 10, 0, 0, 0, catalog.HongKong)

// env is a database with senders, their posted items and integrator credentials, and the Mail
// Tracking API over it.
type env struct {
	st    *store.Store
	cat   *catalog.Catalog
	c     *clock
	acc   *account.Service
	trk   *tracking.Service
	m     *soap.MailTrack
	shop  *account.User
	rival *account.User

	live, test account.Integrator // the shop's credentials; Password in clear
	plain      account.Integrator // a live credential of the shop allowed to send its password in clear

	delivered  string // the shop's live EMS item to Japan: six events, delivered
	posted     string // the shop's live item to the UK, just posted
	old        string // the shop's live item posted seven months ago (1003)
	testItem   string // the shop's test-mode item
	rivalItem  string // another sender's item (1004)
	eventsOnly string // an item ecship has only events of (1004)
	unknown    string // a well-formed number nobody has (1001)
	unposted   string // the shop's paid label, not posted yet
}

var serial = 0

func nextNo(prefix string) string {
	serial++
	return s10.Format(prefix, serial, "HK")
}

// newEnv builds the data around now (the clock's start).
func newEnv(t testing.TB, st *store.Store, now time.Time) *env {
	t.Helper()
	cat := testenv.Catalog(t)
	serial = 0
	c := testenv.NewClock(now)
	e := &env{st: st, cat: cat, c: c}
	e.acc = testenv.Accounts(t, st, c.Now)
	e.trk = &tracking.Service{Store: st, Catalog: cat, Now: c.Now}
	e.shop = e.user(t, "shop")
	e.rival = e.user(t, "rival")
	e.live = e.integrator(t, e.shop, "shopapi", account.Live, "127.0.0.1/32, 192.0.2.0/24, ::1")
	e.test = e.integrator(t, e.shop, "shoptest", account.Test, "127.0.0.1, 192.0.2.1, ::1")
	e.integrator(t, e.rival, "rivalapi", account.Live, "127.0.0.1, 192.0.2.1")
	e.plain = e.integratorWith(t, e.shop, account.Integrator{Username: "shopplain", Password: "Secret-shopplain", Mode: account.Live, AllowPlainText: true}, "127.0.0.1, 192.0.2.1, ::1")

	e.delivered = e.ship(t, e.shop, account.Live, "EE", "JP", now.Add(-72*time.Hour), "GPO")
	e.events(t, e.delivered,
		tracking.Input{Code: "EMB", Time: local(t, now.Add(-70*time.Hour), "Asia/Hong_Kong"), Country: "HK"},
		tracking.Input{Code: "EMC", Time: local(t, now.Add(-60*time.Hour), "Asia/Hong_Kong"), Country: "HK"},
		tracking.Input{Code: "EMD", Time: local(t, now.Add(-50*time.Hour), "Asia/Tokyo"), Country: "JP"},
		tracking.Input{Code: "EDG", Time: local(t, now.Add(-26*time.Hour), "Asia/Tokyo"), Country: "JP"},
		tracking.Input{Code: "EMI", Time: local(t, now.Add(-24*time.Hour+5*time.Minute), "Asia/Tokyo"), Country: "JP"},
	)
	e.posted = e.ship(t, e.shop, account.Live, "RA", "GB", now.Add(-2*time.Hour), "TST")
	e.old = e.ship(t, e.shop, account.Live, "EE", "JP", now.AddDate(0, -7, 0), "GPO")
	e.testItem = e.ship(t, e.shop, account.Test, "EE", "US", now.Add(-5*time.Hour), "GPO")
	e.rivalItem = e.ship(t, e.rival, account.Live, "EE", "JP", now.Add(-5*time.Hour), "GPO")
	e.eventsOnly = nextNo("EE")
	e.events(t, e.eventsOnly, tracking.Input{Code: "EMD", Time: local(t, now.Add(-3*time.Hour), "Asia/Tokyo"), Country: "JP"})
	e.unknown = nextNo("EE")
	e.unposted = e.label(t, e.shop, account.Live, "EE", "JP", shipment.Paid, now.Add(-time.Hour), nil, "")

	e.m = &soap.MailTrack{Integrators: e.acc, Tracking: e.trk, Catalog: cat, Usage: st, Log: slog.New(slog.DiscardHandler), Now: c.Now,
		Guard: soap.Guard{Nonces: st, Log: e.acc}}
	return e
}

// local is the time at as the clocks in zone show it, to the minute.
func local(tb testing.TB, at time.Time, zone string) string {
	tb.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		tb.Fatalf("time zone %s: %v", zone, err)
	}
	return at.In(loc).Format("2006-01-02 15:04")
}

func (e *env) user(t testing.TB, login string) *account.User {
	t.Helper()
	return testenv.User(t, e.acc, login, login+"@example.hk", account.Sender)
}

func (e *env) integrator(t testing.TB, u *account.User, name string, mode account.Mode, ips string) account.Integrator {
	t.Helper()
	return e.integratorWith(t, u, account.Integrator{Username: name, Password: "Secret-" + name, Mode: mode}, ips)
}

func (e *env) integratorWith(t testing.TB, u *account.User, in account.Integrator, ips string) account.Integrator {
	t.Helper()
	allow, ok := account.ParseAllowIPs(ips)
	if !ok {
		t.Fatalf("allow list %q", ips)
	}
	in.AllowIPs = allow
	in, err := e.acc.CreateIntegrator(ctx, u, in, account.Client{})
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// secure is the API as served behind https (TLS ending in front of ecship), over the same data.
func (e *env) secure() *soap.MailTrack {
	return &soap.MailTrack{Integrators: e.acc, Tracking: e.trk, Catalog: e.cat, Usage: e.st, Log: slog.New(slog.DiscardHandler), Now: e.c.Now,
		Secure: true, Guard: soap.Guard{Nonces: e.st, Log: e.acc}}
}

// label stores a label of owner in a state, numbered, posted at an office when posted is set.
func (e *env) label(t testing.TB, owner *account.User, mode account.Mode, prefix, dest string, status shipment.Status, at time.Time, posted *time.Time, office string) string {
	t.Helper()
	sh := &shipment.Shipment{ID: account.NewID("shp"), OwnerID: owner.ID, Mode: mode, Status: status, Service: "EMS", ItemNo: nextNo(prefix), WeightG: 500,
		Sender:    shipment.Address{Name: "Chan Tai Man", Lines: []string{"8 Nathan Road"}, Country: "HK"},
		Recipient: shipment.Address{Name: "Yamada Taro", Lines: []string{"1-1 Marunouchi"}, Country: dest},
		CreatedAt: at, UpdatedAt: at, PostedAt: posted, PostedOffice: office}
	if err := e.st.CreateShipments(ctx, []*shipment.Shipment{sh}, func(string) string { return prefix }, at); err != nil {
		t.Fatal(err)
	}
	return sh.ItemNo
}

// ship stores a label posted at an office at a time, with its posting event.
func (e *env) ship(t testing.TB, owner *account.User, mode account.Mode, prefix, dest string, at time.Time, office string) string {
	t.Helper()
	no := e.label(t, owner, mode, prefix, dest, shipment.Posted, at.Add(-time.Hour), &at, office)
	o, ok := e.cat.Office(office)
	if !ok {
		t.Fatalf("no office %s in the catalogue", office)
	}
	if _, err := e.trk.Record(ctx, []tracking.Event{tracking.PostedAt(no, o, at)}); err != nil {
		t.Fatal(err)
	}
	return no
}

func (e *env) events(t testing.TB, itemNo string, in ...tracking.Input) {
	t.Helper()
	var evs []tracking.Event
	for _, i := range in {
		i.ItemNo = itemNo
		ev, fe := e.trk.Check(i, tracking.FromImport)
		if len(fe) > 0 {
			t.Fatal(fe.Err())
		}
		evs = append(evs, ev)
	}
	if _, err := e.trk.Record(ctx, evs); err != nil {
		t.Fatal(err)
	}
}

// call is one getItemDeliveryStatus request.
type call struct {
	cred      account.Integrator
	user      string // integratorUsername; default cred.Username
	tokenUser string // the UsernameToken's Username; default cred.Username
	password  string // default cred.Password
	text      bool   // PasswordText instead of PasswordDigest
	noToken   bool
	nonce     []byte
	created   string // default: now in UTC, RFC 3339
	lang      string // default A
	items     []string
	noLang    bool
}

// xml renders the call as a SOAP envelope the way PHP's SoapClient with a WS-Security header would.
func (c call) xml(now time.Time) string {
	user, tokenUser, password, lang := c.user, c.tokenUser, c.password, c.lang
	if user == "" {
		user = c.cred.Username
	}
	if tokenUser == "" {
		tokenUser = c.cred.Username
	}
	if password == "" {
		password = c.cred.Password
	}
	if lang == "" {
		lang = "A"
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:mt="http://webservice.mailtrack.hkpost.com">`)
	if !c.noToken {
		b.WriteString(`<soapenv:Header><wsse:Security soapenv:mustUnderstand="1" xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"><wsse:UsernameToken>`)
		fmt.Fprintf(&b, `<wsse:Username>%s</wsse:Username>`, esc(tokenUser))
		if c.text {
			fmt.Fprintf(&b, `<wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">%s</wsse:Password>`, esc(password))
		} else {
			nonce, created := c.nonce, c.created
			if nonce == nil {
				nonce = make([]byte, 16)
				rand.Read(nonce)
			}
			if created == "" {
				created = now.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(&b, `<wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">%s</wsse:Password>`, digest(nonce, created, password))
			fmt.Fprintf(&b, `<wsse:Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-soap-message-security-1.0#Base64Binary">%s</wsse:Nonce><wsu:Created>%s</wsu:Created>`,
				base64.StdEncoding.EncodeToString(nonce), esc(created))
		}
		b.WriteString(`</wsse:UsernameToken></wsse:Security></soapenv:Header>`)
	}
	fmt.Fprintf(&b, `<soapenv:Body><mt:getItemDeliveryStatus><mt:integratorUsername>%s</mt:integratorUsername>`, esc(user))
	if !c.noLang {
		fmt.Fprintf(&b, `<mt:lang>%s</mt:lang>`, esc(lang))
	}
	for _, it := range c.items {
		fmt.Fprintf(&b, `<mt:itemNo>%s</mt:itemNo>`, esc(it))
	}
	b.WriteString(`</mt:getItemDeliveryStatus></soapenv:Body></soapenv:Envelope>`)
	return b.String()
}

func digest(nonce []byte, created, password string) string {
	h := sha1.New()
	h.Write(nonce)
	h.Write([]byte(created))
	h.Write([]byte(password))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// Response is a getItemDeliveryStatusResponse as a client reads it.
type Response struct {
	Status    int      `xml:"status"`
	ErrMsg    string   `xml:"errMsg"`
	ItemCount int      `xml:"itemCount"`
	Results   []Result `xml:"deliveryResult"`
}

// Result is one deliveryResult.
type Result struct {
	ItemNo          string  `xml:"itemNo"`
	Status          int     `xml:"status"`
	ErrMsg          string  `xml:"errMsg"`
	PostingDateTime string  `xml:"postingDateTime"`
	DropOffE        string  `xml:"dropOffPoint_e"`
	DropOffC        string  `xml:"dropOffPoint_c"`
	DropOffS        string  `xml:"dropOffPoint_s"`
	OrgCode         string  `xml:"orgCnty_code"`
	OrgE            string  `xml:"orgCnty_e"`
	OrgC            string  `xml:"orgCnty_c"`
	OrgS            string  `xml:"orgCnty_s"`
	DestCode        string  `xml:"destCnty_code"`
	DestE           string  `xml:"destCnty_e"`
	DestC           string  `xml:"destCnty_c"`
	DestS           string  `xml:"destCnty_s"`
	MilestoneE      string  `xml:"milestone_e"`
	MilestoneC      string  `xml:"milestone_c"`
	MilestoneS      string  `xml:"milestone_s"`
	Events          []Event `xml:"eventDetail"`
}

// Event is one eventDetail.
type Event struct {
	DateTime     string `xml:"eventDateTime"`
	LocationCode string `xml:"eventLocation_code"`
	LocationE    string `xml:"eventLocation_e"`
	LocationC    string `xml:"eventLocation_c"`
	LocationS    string `xml:"eventLocation_s"`
	MsgE         string `xml:"eventMsg_e"`
	MsgC         string `xml:"eventMsg_c"`
	MsgS         string `xml:"eventMsg_s"`
}

// post sends a raw body from an address and returns the raw answer.
func post(t testing.TB, h http.Handler, body, remote string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, soap.MailTrackPath, strings.NewReader(body))
	r.Header.Set("Content-Type", "text/xml; charset=utf-8")
	r.Header.Set("SOAPAction", `""`)
	if remote != "" {
		r.RemoteAddr = remote
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// decode reads a response, failing the test when it is not a well-formed getItemDeliveryStatusResponse.
func decode(t testing.TB, w *httptest.ResponseRecorder) Response {
	t.Helper()
	if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/xml") {
		t.Fatalf("HTTP %d %s: %s", w.Code, w.Header().Get("Content-Type"), w.Body.String())
	}
	var env struct {
		Body struct {
			Resp *Response `xml:"getItemDeliveryStatusResponse"`
		} `xml:"Body"`
	}
	if err := xml.Unmarshal(w.Body.Bytes(), &env); err != nil || env.Body.Resp == nil {
		t.Fatalf("not a getItemDeliveryStatusResponse (%v): %s", err, w.Body.String())
	}
	if got := len(env.Body.Resp.Results); got != env.Body.Resp.ItemCount {
		t.Fatalf("itemCount %d but %d deliveryResult elements", env.Body.Resp.ItemCount, got)
	}
	return *env.Body.Resp
}

// do sends a call from 192.0.2.1 (an allowed address) and decodes the answer.
func (e *env) do(t testing.TB, h http.Handler, c call) Response {
	t.Helper()
	return decode(t, post(t, h, c.xml(e.c.Now()), ""))
}

func statuses(r Response) []int {
	out := make([]int, len(r.Results))
	for i, x := range r.Results {
		out[i] = x.Status
	}
	return out
}

func mustPrefix(t testing.TB, s string) netip.Prefix {
	t.Helper()
	p, err := netip.ParsePrefix(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
