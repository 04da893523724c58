package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/errs"
)

type callerKey struct{}

// Caller is who a keyed request comes from: the key (its mode decides test or live data) and its user.
type Caller struct {
	Key  account.APIKey
	User *account.User
}

// caller returns the authenticated caller of a request behind withKey.
func caller(r *http.Request) Caller {
	c, _ := r.Context().Value(callerKey{}).(Caller)
	return c
}

// withKey lets a request through only with a valid bearer key: Authorization: Bearer ek_live_....
// open is a route without a key: a request that carries one anyway passed the per-address limit in
// front (see server.PerIP), so it meets that limit here.
func (d *Deps) open(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") && !d.IPLimit.Check(w, r) {
			return
		}
		h(w, r)
	}
}

func (d *Deps) withKey(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || d.Accounts == nil {
			if !d.IPLimit.Check(w, r) {
				return
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="ecship"`)
			WriteError(w, r, errs.New(errs.Unauthorized, "account.key.invalid", nil))
			return
		}
		k, u, err := d.Accounts.AuthenticateKey(r.Context(), strings.TrimSpace(secret))
		if err != nil {
			// A key that is not one counts against its address's anonymous limit.
			if !d.IPLimit.Check(w, r) {
				return
			}
			if errs.CodeOf(err) == errs.Unauthorized {
				w.Header().Set("WWW-Authenticate", `Bearer realm="ecship", error="invalid_token"`)
			}
			WriteError(w, r, err)
			return
		}
		// A valid key has its own allowance: integrators behind one address do not share one.
		if q := d.KeyLimit.Take(w, k.ID); !q.OK {
			TooManyRequests(w, r, q.Wait)
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), callerKey{}, Caller{Key: k, User: u})))
	}
}

type accountJSON struct {
	ID        string `json:"id"`
	LoginName string `json:"login_name"`
	Email     string `json:"email"`
	Verified  bool   `json:"email_verified"`
	Role      string `json:"role"`
	Lang      string `json:"lang"`
	KeyMode   string `json:"key_mode"`
	KeyName   string `json:"key_name"`
}

// getAccount tells a key's owner who the key belongs to: the first call an integrator makes.
func (d *Deps) getAccount(w http.ResponseWriter, r *http.Request) {
	c := caller(r)
	writeJSON(w, http.StatusOK, accountJSON{ID: c.User.ID, LoginName: c.User.LoginName, Email: c.User.Email, Verified: c.User.Verified(),
		Role: string(c.User.Role), Lang: string(c.User.Lang), KeyMode: string(c.Key.Mode), KeyName: c.Key.Name})
}
