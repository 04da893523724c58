package soap

import (
	"bytes"
	"context"
	"encoding/base64"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/payment"
	"github.com/ecship/ecship/internal/server"
	"github.com/ecship/ecship/internal/shipment"
)

// Where the EC-Ship API is served: live credentials at ECShipLivePath/{service}, test credentials
// at ECShipTrialPath/{service} (API-3: integrators try the trial environment first).
const (
	ECShipLivePath  = "/API/services"
	ECShipTrialPath = "/API-trial/services"
)

// Senders finds the sender an integrator acts for (account.Service).
type Senders interface {
	IntegratorSender(ctx context.Context, in account.Integrator, name string) (*account.User, error)
}

// Canceller cancels a label through the state machine (payment.Service).
type Canceller interface {
	Cancel(ctx context.Context, o shipment.Owner, id string, refundOnly bool) (*payment.Cancelled, error)
}

// ECShip is the EC-Ship integrator API: Calculator, Posting, Tracking and SoazPosting over SOAP
// 1.1, wire-compatible with the clients written for Hongkong Post's service.
type ECShip struct {
	Integrators    Integrators
	Senders        Senders
	Catalog        *catalog.Catalog
	Shipments      *shipment.Service
	Payments       Canceller
	Tracking       Tracker
	Guard          Guard          // Reuse is each credential's own token reuse window
	TrustedProxies []netip.Prefix // X-Forwarded-For is believed only from these
	Secure         bool           // the public address is https
	// CredentialTTL is how long a credential, and the sender a request names, are reused once
	// looked up: a revoked credential or an unlinked account still works for that long in processes
	// that had it. 0 means DefaultCredentialTTL; negative, no reuse.
	CredentialTTL time.Duration
	Log           *slog.Logger
	Now           func() time.Time

	creds   ttlCache[string, account.Integrator]
	senders ttlCache[[2]string, *account.User] // by credential id and the name sent
}

// Register adds the four services' routes, live and trial, to mux: the WSDL on GET and the SOAP
// endpoint on POST, each with or without ?wsdl.
func (e *ECShip) Register(mux *http.ServeMux) {
	if e.Log == nil {
		e.Log = slog.New(slog.DiscardHandler)
	}
	if e.Now == nil {
		e.Now = time.Now
	}
	if e.CredentialTTL == 0 {
		e.CredentialTTL = DefaultCredentialTTL
	}
	if e.Guard.Reuse == nil {
		e.Guard.Reuse = func(in account.Integrator) time.Duration { return in.TokenReuse }
	}
	for _, base := range []string{ECShipLivePath, ECShipTrialPath} {
		mode := account.Live
		if base == ECShipTrialPath {
			mode = account.Test
		}
		for _, svc := range ecServices {
			path := base + "/" + svc
			route(mux, path, func(w http.ResponseWriter, r *http.Request) { e.serve(w, r, svc, mode) },
				func(w http.ResponseWriter, r *http.Request) { e.serveWSDL(w, r, svc, path) })
		}
	}
}

func (e *ECShip) serveWSDL(w http.ResponseWriter, r *http.Request, service, path string) {
	body := wsdlAt(service, endpoint(r, e.Secure, path))
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

// ecCall is one request, read and authenticated.
type ecCall struct {
	op     *ecOp
	in     account.Integrator
	owner  shipment.Owner
	leaves []leaf // the request's fields, in order; group 0 are its own (see get)
	now    time.Time
}

// get is a field of the request, trimmed.
func (c *ecCall) get(name string) string {
	for _, l := range c.leaves {
		if l.group == 0 && l.name == name {
			return strings.TrimSpace(l.value)
		}
	}
	return ""
}

// ecReply is an operation's answer: a status and the Return's own fields.
type ecReply struct {
	status   ecStatus
	msg      string              // errMessage; the status's own text when empty
	values   map[string]string   // text of the Return's fields, by name
	lists    map[string][]string // ArrayOfString fields
	tracking []trackingRow       // trackingInfos
}

type trackingRow struct{ no, date, detail string }

func okReply(msg string) ecReply { return ecReply{status: ecOK, msg: msg, values: map[string]string{}} }

// serve answers one SOAP request to a service: a readable request gets the operation's Response
// with a status, whatever went wrong; an unreadable one a SOAP Fault (HTTP 400, never 500).
func (e *ECShip) serve(w http.ResponseWriter, r *http.Request, service string, mode account.Mode) {
	ctx := r.Context()
	buf, err := readBody(w, r)
	defer putBody(buf)
	if err != nil {
		e.fault(w, "soapenv:Client", err.Error())
		return
	}
	env, err := readEnvelope(buf.Bytes())
	if err != nil {
		e.fault(w, "soapenv:Client", err.Error())
		return
	}
	if env.NotUnderstood != "" {
		e.fault(w, "soapenv:MustUnderstand", "header "+env.NotUnderstood+" is not understood")
		return
	}
	op := findOp(service, env.Op)
	if op == nil {
		e.fault(w, "soapenv:Client", "no operation "+env.Op+" in service "+service)
		return
	}
	for _, l := range env.Leaves {
		if l.group == 0 && l.parent != op.req && l.parent != op.name {
			e.fault(w, "soapenv:Client", "operation "+op.name+" takes its fields in "+op.req+", not in "+l.parent)
			return
		}
	}
	c := &ecCall{op: op, leaves: env.Leaves, now: e.Now()}
	if st, why := e.authenticate(ctx, r, env, c, mode); st != ecOK {
		e.writeReply(w, op, ecReply{status: st, msg: why})
		return
	}
	reply := e.dispatch(ctx, c)
	if reply.status == ecUnavailable && ctx.Err() == nil {
		e.Log.Error("ec-ship api", "op", op.name, "err", reply.msg)
		reply.msg = ""
	}
	e.writeReply(w, op, reply)
}

// authenticate checks, in this order: integratorUsername is given and is the token's Username, the
// credential exists in the endpoint's mode (live or trial), the caller's address is allowed, the
// token proves the key, and the sender's account named in the request is one the integrator acts
// for. A wrong credential or address gets 9992 whatever the reason, which goes to the log.
func (e *ECShip) authenticate(ctx context.Context, r *http.Request, env *envelope, c *ecCall, mode account.Mode) (ecStatus, string) {
	username := c.get("integratorUsername")
	if username == "" {
		return ecInvalid, "integratorUsername is required"
	}
	ip := server.ClientIP(r, e.TrustedProxies)
	deny := func(reason string) (ecStatus, string) {
		e.Log.Info("ec-ship credential refused", "username", username, "reason", reason, "ip", ip.String())
		return ecCredential, ""
	}
	if !env.Token.present {
		return deny("no WS-Security UsernameToken")
	}
	if strings.TrimSpace(env.Token.Username) != username {
		return deny("UsernameToken names another user")
	}
	in, err := cachedCredential(ctx, &e.creds, e.Integrators, e.CredentialTTL, username, c.now)
	switch {
	case errs.CodeOf(err) == errs.NotFound:
		return deny("no credential of that username")
	case err != nil:
		return ecUnavailable, err.Error()
	case in.Mode != mode && c.op.name != "getTotalPostage":
		// Quotes touch no one's data: shop plugins call the trial Calculator for live shops too.
		return deny("a " + string(in.Mode) + " credential on the " + string(mode) + " endpoint")
	case !in.Allowed(ip):
		return deny("address " + ip.String() + " not allowed")
	}
	why, err := e.Guard.Check(ctx, &env.Token, in, r.TLS != nil || e.Secure, ip.String(), c.now)
	if err != nil {
		return ecUnavailable, err.Error()
	}
	if why != "" {
		return deny(string(why))
	}
	c.in = in
	name := c.senderName()
	if name == "" {
		return ecInvalid, c.senderField() + " is required"
	}
	u, err := e.sender(ctx, in, name, c.now)
	if err != nil {
		if errs.CodeOf(err) == errs.NotFound || errs.CodeOf(err) == errs.Forbidden {
			return ecInvalid, c.senderField() + " " + name + " is not an account this integrator acts for"
		}
		return ecUnavailable, err.Error()
	}
	c.owner = shipment.Owner{User: u, Mode: in.Mode}
	return ecOK, ""
}

// sender is the sender an integrator acts for, reusing one found within CredentialTTL.
func (e *ECShip) sender(ctx context.Context, in account.Integrator, name string, now time.Time) (*account.User, error) {
	key := [2]string{in.ID, strings.ToLower(name)}
	if e.CredentialTTL > 0 {
		if u, ok := e.senders.get(key, now); ok {
			return u, nil
		}
	}
	u, err := e.Senders.IntegratorSender(ctx, in, name)
	if err == nil && e.CredentialTTL > 0 {
		e.senders.put(key, u, now, now.Add(e.CredentialTTL))
	}
	return u, err
}

// senderName is the sender's account the request names: ecshipUsername, hkpId or hkpid, or
// soazUsername (clients send one, sometimes with the others empty).
func (c *ecCall) senderName() string {
	for _, f := range []string{"ecshipUsername", "hkpId", "hkpid", "soazUsername"} {
		if v := c.get(f); v != "" {
			return v
		}
	}
	return ""
}

// senderField names the field a request should have named the sender in.
func (c *ecCall) senderField() string {
	if c.op.soaz {
		return "soazUsername"
	}
	return "ecshipUsername"
}

// dispatch runs the operation.
func (e *ECShip) dispatch(ctx context.Context, c *ecCall) ecReply {
	switch c.op.name {
	case "getTotalPostage":
		return e.getTotalPostage(c)
	case "createOrder":
		return e.createOrder(ctx, c, false)
	case "createTemporaryOrder":
		return e.createOrder(ctx, c, true)
	case "cancelOrder":
		return e.cancelOrder(ctx, c, false)
	case "cancelTemporaryOrder":
		return e.cancelOrder(ctx, c, true)
	case "getOrderInfo":
		return e.getOrderInfo(ctx, c, false)
	case "getTemporaryOrderInfo":
		return e.getOrderInfo(ctx, c, true)
	case "getAddressPack":
		return e.getAddressPack(ctx, c)
	case "getCOP":
		return e.getCOP(ctx, c)
	case "getItemNo":
		return e.getItemNo(ctx, c)
	case "createSoazOrder":
		return e.createSoazOrder(ctx, c)
	case "getSoazAddressPack":
		return e.getSoazAddressPack(ctx, c)
	case "getMcnInfo":
		return ecReply{status: ecNotSupported,
			msg: "MCN look-up is not supported: this server holds no merchant customer numbers"}
	case "getMTTInfo":
		return e.getMTTInfo(ctx, c)
	case "getTTInfo":
		return e.getTTInfo(ctx, c)
	}
	return ecReply{status: ecNotSupported}
}

const (
	ecRespHead = `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>`
	ecRespTail = `</soapenv:Body></soapenv:Envelope>` + "\n"
)

// writeReply writes {op}Response/{op}Return with every field of the Return, empty ones too:
// status and errMessage first (the base object's), then the operation's own, in the WSDL's order.
// Empty numbers and PDFs are xsi:nil, as their types allow no empty text.
func (e *ECShip) writeReply(w http.ResponseWriter, op *ecOp, rep ecReply) {
	b := respPool.Get().(*bytes.Buffer)
	b.Reset()
	b.WriteString(ecRespHead)
	b.WriteString(`<ns:` + op.name + `Response xmlns:ns="` + ECShipWebNamespace + `"><ns:` + op.name + `Return xmlns:o="` + ECShipObjNamespace + `">`)
	msg := rep.msg
	if msg == "" {
		msg = rep.status.Message()
	}
	elem(b, "o:errMessage", msg)
	elem(b, "o:status", strconv.Itoa(int(rep.status)))
	elem(b, "o:statusAndErrMessage", strconv.Itoa(int(rep.status))+": "+msg)
	for _, f := range op.out {
		name := "o:" + f.name
		switch f.typ {
		case tStrings:
			b.WriteString("<" + name + ">")
			for _, v := range rep.lists[f.name] {
				elem(b, "o:item", v)
			}
			b.WriteString("</" + name + ">")
		case tTracking:
			b.WriteString("<" + name + ">")
			for _, t := range rep.tracking {
				b.WriteString("<o:item>")
				elem(b, "o:no", t.no)
				elem(b, "o:date", t.date)
				elem(b, "o:detail", t.detail)
				b.WriteString("</o:item>")
			}
			b.WriteString("</" + name + ">")
		case tDecimal, tInt, tBase64:
			if v := rep.values[f.name]; v != "" {
				elem(b, name, v)
			} else {
				b.WriteString("<" + name + ` xsi:nil="true"/>`)
			}
		default:
			elem(b, name, rep.values[f.name])
		}
	}
	b.WriteString(`</ns:` + op.name + `Return></ns:` + op.name + `Response>`)
	b.WriteString(ecRespTail)
	writeXML(w, http.StatusOK, b)
}

// fault answers a request that cannot be read as a call of an operation: a SOAP 1.1 Fault, with
// HTTP 400 (the request is at fault; nothing here failed).
func (e *ECShip) fault(w http.ResponseWriter, code, reason string) {
	b := respPool.Get().(*bytes.Buffer)
	b.Reset()
	b.WriteString(ecRespHead)
	b.WriteString("<soapenv:Fault>")
	elem(b, "faultcode", code)
	elem(b, "faultstring", reason)
	b.WriteString("</soapenv:Fault>")
	b.WriteString(ecRespTail)
	writeXML(w, http.StatusBadRequest, b)
}

func writeXML(w http.ResponseWriter, status int, b *bytes.Buffer) {
	h := w.Header()
	h.Set("Content-Type", "text/xml; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(status)
	w.Write(b.Bytes())
	if b.Cap() <= 1<<20 {
		respPool.Put(b)
	}
}

// pdfValue is a PDF as an xsd:base64Binary.
func pdfValue(pdf []byte) string { return base64.StdEncoding.EncodeToString(pdf) }
