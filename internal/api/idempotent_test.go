package api

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/idempotency"
	"github.com/ecship/ecship/internal/store/storetest"
)

// A keyed change whose handler fails on the server's side (5xx), is turned away for its rate (429),
// panics or answers how things stand for now (notFinal) keeps nothing: the retry runs anew. A kept
// answer is replayed byte for byte, with its headers.
func TestOnceKeepsOnlyAnswers(t *testing.T) {
	s := storetest.Open(t, storetest.DSNs(t)["sqlite"])
	u := &account.User{ID: account.NewID("usr"), LoginName: "oncekeeper", Email: "oncekeeper@example.com", Role: account.Sender, Lang: i18n.English,
		PasswordHash: "x", CreatedAt: monday}
	if err := s.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	d := &Deps{Requests: &idempotency.Service{Store: s, Now: func() time.Time { return monday }}}
	var runs int
	answers := []func(w http.ResponseWriter){
		func(w http.ResponseWriter) { w.WriteHeader(503) },
		func(w http.ResponseWriter) { w.WriteHeader(429) },
		func(http.ResponseWriter) { panic("broken") },
		func(w http.ResponseWriter) {
			notFinal(w) // pending: how things stand for now
			writeJSON(w, 201, map[string]string{"status": "pending"})
		},
		func(w http.ResponseWriter) {
			w.Header().Set("Location", "/api/v1/things/1")
			w.Header().Set("Label-Pages", "3")
			writeJSON(w, 201, map[string]string{"id": "thing-1"})
		},
	}
	h := d.once(func(w http.ResponseWriter, r *http.Request) {
		runs++
		answers[min(runs, len(answers))-1](w)
	})
	send := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/api/v1/things", strings.NewReader(`{"a":1}`))
		req.Header.Set("Idempotency-Key", "k-1")
		req = req.WithContext(context.WithValue(req.Context(), callerKey{}, Caller{Key: account.APIKey{Mode: account.Live}, User: u}))
		rec := httptest.NewRecorder()
		func() {
			defer func() { recover() }()
			h(rec, req)
		}()
		return rec
	}
	for i, want := range []int{503, 429, 200, 201, 201} { // the panic leaves the recorder's 200
		if rec := send(); rec.Code != want || rec.Header().Get("Idempotent-Replayed") != "" {
			t.Errorf("try %d: %d replayed %q; want %d run anew", i+1, rec.Code, rec.Header().Get("Idempotent-Replayed"), want)
		}
	}
	rec := send()
	if runs != 5 || rec.Code != 201 || rec.Header().Get("Idempotent-Replayed") != "true" || rec.Header().Get("Location") != "/api/v1/things/1" ||
		rec.Header().Get("Label-Pages") != "3" ||
		rec.Body.String() != "{\"id\":\"thing-1\"}\n" || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Errorf("replay after %d runs: %d %v %q", runs, rec.Code, rec.Header(), rec.Body.String())
	}
}

// BenchmarkOnce is what an Idempotency-Key costs a change: the claim and the kept answer (two
// writes) around a handler that does nothing, each request with a new key; and a replay (one
// read). On SQLite, and on PostgreSQL when ECSHIP_TEST_POSTGRES is set.
func BenchmarkOnce(b *testing.B) {
	for name, dsn := range storetest.DSNs(b) {
		s := storetest.Open(b, dsn)
		u := &account.User{ID: account.NewID("usr"), LoginName: "bench" + account.NewID("x")[2:], Role: account.Sender, Lang: i18n.English,
			PasswordHash: "x", CreatedAt: monday}
		u.Email = u.LoginName + "@example.com"
		if err := s.CreateUser(context.Background(), u); err != nil {
			b.Fatal(err)
		}
		d := &Deps{Requests: &idempotency.Service{Store: s, Now: time.Now}}
		h := d.once(func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 201, map[string]string{"id": "x"}) })
		send := func(key string) int {
			req := httptest.NewRequest("POST", "/api/v1/things", strings.NewReader(`{"a":1}`))
			req.Header.Set("Idempotency-Key", key)
			req = req.WithContext(context.WithValue(req.Context(), callerKey{}, Caller{Key: account.APIKey{Mode: account.Live}, User: u}))
			rec := httptest.NewRecorder()
			h(rec, req)
			return rec.Code
		}
		b.Run(name+"/new-key", func(b *testing.B) {
			i := 0
			for b.Loop() {
				i++
				if send(fmt.Sprintf("%s-%d", name, i)) != 201 {
					b.Fatal("not created")
				}
			}
		})
		b.Run(name+"/replay", func(b *testing.B) {
			for b.Loop() {
				if send(name+"-1") != 201 {
					b.Fatal("not replayed")
				}
			}
		})
	}
}
