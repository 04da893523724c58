package account_test

import (
	"testing"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/store"
	"github.com/ecship/ecship/internal/store/storetest"
)

// The admins' lists (users, the security log, finding a holder for a deposit account) answer
// admins only, whatever the transport asking.
func TestAdminListsAnswerAdminsOnly(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		sender := register(t, e, "ChanTaiMan", "tm@example.hk")
		admin := register(t, e, "OpsAdmin", "ops@example.hk")
		if err := s.SetRole(ctx, admin.ID, account.Admin, e.clock.Now()); err != nil {
			t.Fatal(err)
		}
		admin.Role = account.Admin

		if _, err := e.svc.Users(ctx, sender, account.UserFilter{}); errs.CodeOf(err) != errs.Forbidden {
			t.Errorf("a sender listed users: %v", err)
		}
		if _, err := e.svc.AuditLog(ctx, sender, "", 10); errs.CodeOf(err) != errs.Forbidden {
			t.Errorf("a sender read the security log: %v", err)
		}
		if _, err := e.svc.FindUser(ctx, sender, "OpsAdmin"); errs.CodeOf(err) != errs.Forbidden {
			t.Errorf("a sender looked a user up: %v", err)
		}

		users, err := e.svc.Users(ctx, admin, account.UserFilter{Query: "  chantai "})
		if err != nil || len(users) != 1 || users[0].ID != sender.ID {
			t.Errorf("admin's search for chantai: %v, %v", users, err)
		}
		found, err := e.svc.FindUser(ctx, admin, " tm@example.hk ")
		if err != nil || found.ID != sender.ID {
			t.Errorf("admin's look-up by email: %v, %v", found, err)
		}
		if _, err := e.svc.AuditLog(ctx, admin, sender.ID, 10); err != nil {
			t.Errorf("admin's security log: %v", err)
		}
	})
}
