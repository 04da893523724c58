package account

import (
	"context"
	"strings"

	"github.com/ecship/ecship/internal/errs"
)

// UserFilter picks users for the admins' list.
type UserFilter struct {
	Query string // part of a login name, email or name
	Role  Role
	Limit int
}

// APIKeys lists u's API keys, revoked ones included (their secrets are never kept).
func (s *Service) APIKeys(ctx context.Context, u *User) ([]APIKey, error) {
	return s.Store.APIKeys(ctx, u.ID)
}

// Integrators lists u's SOAP integrator credentials.
func (s *Service) Integrators(ctx context.Context, u *User) ([]Integrator, error) {
	return s.Store.Integrators(ctx, u.ID)
}

// LinkedAccounts lists the legacy service accounts linked to u.
func (s *Service) LinkedAccounts(ctx context.Context, u *User) ([]LegacyAccount, error) {
	return s.Store.LinkedAccounts(ctx, u.ID)
}

// PendingUpgrade is the legacy account being upgraded to a Hongkong Post ID: not found once
// it has been upgraded.
func (s *Service) PendingUpgrade(ctx context.Context, system LegacySystem, login string) (LegacyAccount, error) {
	a, err := s.Store.LegacyAccount(ctx, system, login)
	if err == nil && a.UpgradedUserID != "" {
		err = errs.New(errs.NotFound, "error.not_found", nil)
	}
	return a, err
}

// Users finds users for an admin.
func (s *Service) Users(ctx context.Context, actor *User, f UserFilter) ([]*User, error) {
	if !Allows(actor, AdminOnly) {
		return nil, errs.New(errs.Forbidden, "error.forbidden", nil)
	}
	f.Query = strings.TrimSpace(f.Query)
	return s.Store.Users(ctx, f)
}

// FindUser is the user of a login name or email, for an admin acting on their behalf.
func (s *Service) FindUser(ctx context.Context, actor *User, login string) (*User, error) {
	if !Allows(actor, AdminOnly) {
		return nil, errs.New(errs.Forbidden, "error.forbidden", nil)
	}
	return s.Store.UserByLogin(ctx, strings.TrimSpace(login))
}

// AuditLog lists the newest security events for an admin, of one user when userID is not empty.
func (s *Service) AuditLog(ctx context.Context, actor *User, userID string, limit int) ([]AuditEntry, error) {
	if !Allows(actor, AdminOnly) {
		return nil, errs.New(errs.Forbidden, "error.forbidden", nil)
	}
	return s.Store.AuditLog(ctx, strings.TrimSpace(userID), limit)
}

// IntegratorSender is the sender an integrator credential acts for when a request names the
// sender's account: the credential's owner, named by login name, email or Hongkong Post ID (user
// id), or by an EC-Ship account linked to the owner (ACC-7). Any other name is not found: an
// integrator never reaches another sender's data.
func (s *Service) IntegratorSender(ctx context.Context, in Integrator, name string) (*User, error) {
	name = strings.TrimSpace(name)
	u, err := s.Store.UserByID(ctx, in.UserID)
	if err != nil {
		return nil, err
	}
	if strings.EqualFold(name, u.LoginName) || strings.EqualFold(name, u.Email) || name == u.ID {
		return u, nil
	}
	linked, err := s.Store.LinkedAccounts(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	for _, a := range linked {
		if a.System == ECShip && strings.EqualFold(name, a.Login) {
			return u, nil
		}
	}
	return nil, errs.New(errs.NotFound, "error.not_found", nil)
}
