package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/ecship/ecship/internal/batch"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/idempotency"
)

// maxKeyedBody is the largest body a keyed change reads to fingerprint it: a batch file's limit.
const maxKeyedBody = batch.DefaultMaxBytes + 1<<20

// change is a keyed route that changes something: a request with an Idempotency-Key header counts
// once (see once).
func (d *Deps) change(h http.HandlerFunc) http.HandlerFunc { return d.withKey(d.once(h)) }

// once runs a change under its Idempotency-Key header: the first request with a key runs and its
// answer is kept for a day; the same key with the same method, path and body again gets that answer
// back with Idempotent-Replayed: true, without running; with anything else it is a 409
// idempotency_mismatch. A retry arriving while the first request still runs waits for its answer.
// Answers of server failures (5xx) and rate turn-aways (429) are not kept: a retry runs anew.
// Without the header a request runs as it is.
func (d *Deps) once(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key, err := idempotencyKey(r)
		if err != nil {
			WriteError(w, r, err)
			return
		}
		if key == "" || d.Requests == nil {
			h(w, r)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxKeyedBody))
		if err != nil {
			WriteError(w, r, decodeError(err))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		c := caller(r)
		k := idempotency.Key{OwnerID: c.User.ID, Mode: c.Key.Mode, Key: key}
		claim, kept, err := d.Requests.Begin(r.Context(), k, fingerprint(r, body))
		if err != nil {
			WriteError(w, r, err)
			return
		}
		if kept != nil {
			replay(w, kept)
			return
		}
		// The answer is kept (or the key let go) even if the caller hangs up or the handler panics.
		ctx := context.WithoutCancel(r.Context())
		rec := &recorder{ResponseWriter: w, final: true}
		finished := false
		defer func() {
			if !finished {
				d.logErr(r, "release idempotency key", claim.Release(ctx))
			}
		}()
		h(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		if idempotency.Kept(rec.status) && rec.final {
			err := claim.Finish(ctx, rec.answer())
			d.logErr(r, "keep idempotent answer", err)
			// A claim taken over is another request's now; any other failure lets the key go, so
			// a retry runs anew rather than waiting on a key left pending.
			finished = err == nil || errs.CodeOf(err) == errs.Conflict
		}
	}
}

// notFinal marks the answer being written as one a retry must not be given again: it says how
// things stand for now (a payment still waiting for the gateway), and a retry should look anew.
func notFinal(w http.ResponseWriter) {
	for {
		if rc, ok := w.(*recorder); ok {
			rc.final = false
			return
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return
		}
		w = u.Unwrap()
	}
}

// keptHeaders are the headers, beside Content-Type, Location and Content-Disposition, that a
// replay sends again.
var keptHeaders = []string{"Label-Pages", "Vary"}

// fingerprint is a hash of what a request asks: its method, path, query, media type, the media
// types it accepts and its body. A
// multipart body's boundary is left out, since a client draws a new one for each try.
func fingerprint(r *http.Request, body []byte) string {
	h := sha256.New()
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if b := params["boundary"]; b != "" {
		body = bytes.ReplaceAll(body, []byte(b), []byte("boundary"))
	}
	// Accept too: with no ?format=, it chooses what a label comes as.
	for _, s := range []string{r.Method, r.URL.Path, r.URL.RawQuery, mt, r.Header.Get("Accept")} {
		h.Write([]byte(strconv.Itoa(len(s)) + ":" + s))
	}
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// replay sends a kept answer again.
func replay(w http.ResponseWriter, a *idempotency.Answer) {
	hd := w.Header()
	for name, v := range map[string]string{"Content-Type": a.ContentType, "Location": a.Location, "Content-Disposition": a.Disposition} {
		if v != "" {
			hd.Set(name, v)
		}
	}
	for name, v := range a.Headers {
		hd.Set(name, v)
	}
	hd.Set("Idempotent-Replayed", "true")
	hd.Set("Content-Length", strconv.Itoa(len(a.Body)))
	w.WriteHeader(a.Status)
	w.Write(a.Body)
}

// recorder passes an answer on to the client and keeps a copy of it.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
	final  bool // the answer may be kept for retries (see notFinal)
}

func (rc *recorder) WriteHeader(code int) {
	if rc.status == 0 {
		rc.status = code
	}
	rc.ResponseWriter.WriteHeader(code)
}

func (rc *recorder) Write(b []byte) (int, error) {
	if rc.status == 0 {
		rc.status = http.StatusOK
	}
	rc.body.Write(b)
	return rc.ResponseWriter.Write(b)
}

func (rc *recorder) Unwrap() http.ResponseWriter { return rc.ResponseWriter }

func (rc *recorder) answer() idempotency.Answer {
	hd := rc.Header()
	a := idempotency.Answer{Status: rc.status, ContentType: hd.Get("Content-Type"), Location: hd.Get("Location"),
		Disposition: hd.Get("Content-Disposition"), Headers: map[string]string{}, Body: rc.body.Bytes()}
	for _, name := range keptHeaders {
		if v := hd.Get(name); v != "" {
			a.Headers[name] = v
		}
	}
	return a
}

// logErr logs what went wrong keeping a key; the request itself was answered.
func (d *Deps) logErr(r *http.Request, what string, err error) {
	if err != nil && errs.CodeOf(err) != errs.Conflict && d.Log != nil {
		d.Log.Error(what, "path", r.URL.Path, "err", err)
	}
}
