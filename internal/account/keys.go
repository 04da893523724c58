package account

import (
	"context"
	"strings"

	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/i18n"
)

func translate(u *User, key string, args map[string]any) string { return i18n.T(u.Lang, key, args) }

// CreateAPIKey makes a named REST key for the user; the secret is shown once and never again.
func (s *Service) CreateAPIKey(ctx context.Context, u *User, name string, mode Mode, c Client) (APIKey, string, error) {
	name = strings.TrimSpace(name)
	var fe errs.Fields
	switch {
	case name == "":
		fe.Add("name", "account.key.name_required", nil)
	case len([]rune(name)) > KeyNameMax:
		fe.Add("name", "account.key.name_too_long", errs.Args{"max": KeyNameMax})
	}
	if mode != Test && mode != Live {
		fe.Add("mode", "account.mode.unknown", nil)
	}
	if err := fe.Err(); err != nil {
		return APIKey{}, "", err
	}
	k, secret := NewAPIKey(u.ID, name, mode, s.Now())
	if err := s.Store.CreateAPIKey(ctx, k); err != nil {
		return APIKey{}, "", err
	}
	s.audit(ctx, EventKeyCreated, u.ID, "", c, k.Prefix+" "+string(mode))
	return k, secret, nil
}

// RevokeAPIKey revokes one of the user's keys.
func (s *Service) RevokeAPIKey(ctx context.Context, u *User, id string, c Client) error {
	if err := s.Store.RevokeAPIKey(ctx, u.ID, id, s.Now()); err != nil {
		return err
	}
	s.audit(ctx, EventKeyRevoked, u.ID, "", c, id)
	return nil
}

// AuthenticateKey returns the key and user for a bearer secret, or an unauthorized error.
func (s *Service) AuthenticateKey(ctx context.Context, secret string) (APIKey, *User, error) {
	if !strings.HasPrefix(secret, "ek_") {
		return APIKey{}, nil, errs.New(errs.Unauthorized, "account.key.invalid", nil)
	}
	k, u, err := s.Store.KeyUser(ctx, HashSecret(secret), s.Now())
	if errs.CodeOf(err) == errs.NotFound {
		return k, nil, errs.New(errs.Unauthorized, "account.key.invalid", nil)
	}
	return k, u, err
}

// CreateIntegrator makes SOAP credentials for the user; an empty password gets a random one, returned
// (it is shown once).
func (s *Service) CreateIntegrator(ctx context.Context, u *User, in Integrator, c Client) (Integrator, error) {
	in.Username = strings.TrimSpace(in.Username)
	if in.Password == "" {
		in.Password = NewIntegratorPassword()
	}
	if in.Mode == "" {
		in.Mode = Test
	}
	if err := in.Validate(); err != nil {
		return in, err
	}
	in.ID, in.UserID, in.CreatedAt = NewID("int"), u.ID, s.Now()
	in.Sealed = s.Secrets.Seal(in.Password)
	if err := s.Store.CreateIntegrator(ctx, in); err != nil {
		return in, err
	}
	s.audit(ctx, EventIntegratorCreated, u.ID, "", c, in.Username+" "+string(in.Mode))
	return in, nil
}

// RevokeIntegrator revokes one of the user's SOAP credentials.
func (s *Service) RevokeIntegrator(ctx context.Context, u *User, id string, c Client) error {
	if err := s.Store.RevokeIntegrator(ctx, u.ID, id, s.Now()); err != nil {
		return err
	}
	s.audit(ctx, EventIntegratorRevoked, u.ID, "", c, id)
	return nil
}

// Integrator returns a live SOAP credential with its password opened (for checking digests).
func (s *Service) Integrator(ctx context.Context, username string) (Integrator, error) {
	in, err := s.Store.IntegratorByUsername(ctx, username)
	if err != nil {
		return in, err
	}
	in.Password, err = s.Secrets.Open(in.Sealed)
	return in, err
}
