package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/errs"
)

const legacyColumns = `id, system, login, membership_no, email, first_name, last_name, phone, lang, password_hash, upgraded_user_id, linked_user_id, linked_at`

func scanLegacy(row scanner) (account.LegacyAccount, error) {
	var a account.LegacyAccount
	var system string
	var upgraded, linked sql.NullString
	var linkedAt nullTS
	err := row.Scan(&a.ID, &system, &a.Login, &a.MembershipNo, &a.Email, &a.FirstName, &a.LastName, &a.Phone, &a.Lang, &a.PasswordHash, &upgraded, &linked, &linkedAt)
	a.System, a.UpgradedUserID, a.LinkedUserID, a.LinkedAt = account.LegacySystem(system), upgraded.String, linked.String, linkedAt.ptr()
	return a, err
}

// ImportLegacy stores legacy accounts in one transaction: all or none. An account already imported
// (same system and login, in any case) is updated unless it was upgraded or linked; the counts say
// how many were added and updated.
func (s *Store) ImportLegacy(ctx context.Context, accounts []account.LegacyAccount) (added, updated int, err error) {
	err = s.Transact(ctx, func(tx *sql.Tx) error {
		added, updated = 0, 0
		for _, a := range accounts {
			res, err := tx.ExecContext(ctx, `UPDATE legacy_accounts SET membership_no = $3, email = $4, first_name = $5, last_name = $6,
				phone = $7, lang = $8, password_hash = $9, login = $10
				WHERE system = $1 AND login_key = $2 AND upgraded_user_id IS NULL AND linked_user_id IS NULL`,
				string(a.System), account.Key(a.Login), a.MembershipNo, a.Email, a.FirstName, a.LastName, a.Phone, a.Lang, a.PasswordHash, a.Login)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n > 0 {
				updated++
				continue
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO legacy_accounts (id, system, login, login_key, membership_no, email, first_name, last_name, phone, lang, password_hash)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (system, login_key) DO NOTHING`,
				account.NewID("leg"), string(a.System), a.Login, account.Key(a.Login), a.MembershipNo, a.Email, a.FirstName, a.LastName, a.Phone, a.Lang, a.PasswordHash)
			if err != nil {
				return err
			}
			added++
		}
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("store: import legacy accounts: %w", err)
	}
	return added, updated, nil
}

// LegacyAccount finds a legacy account by system and login (in any case).
func (s *Store) LegacyAccount(ctx context.Context, system account.LegacySystem, login string) (account.LegacyAccount, error) {
	a, err := scanLegacy(s.db.QueryRowContext(ctx, `SELECT `+legacyColumns+` FROM legacy_accounts WHERE system = $1 AND login_key = $2`, string(system), account.Key(login)))
	return a, notFound(err)
}

// LinkedAccounts lists the legacy accounts linked to a user.
func (s *Store) LinkedAccounts(ctx context.Context, userID string) ([]account.LegacyAccount, error) {
	return queryAll(ctx, s.db, "linked accounts", scanLegacy, `SELECT `+legacyColumns+` FROM legacy_accounts WHERE linked_user_id = $1 ORDER BY system, login_key`, userID)
}

// UpgradeLegacy creates the Hongkong Post ID of a Stamp OnNet member and marks the legacy account
// upgraded, in one transaction: a member upgrades once.
func (s *Store) UpgradeLegacy(ctx context.Context, legacyID string, u *account.User) error {
	return s.Transact(ctx, func(tx *sql.Tx) error {
		if err := insertUser(ctx, tx, u); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE legacy_accounts SET upgraded_user_id = $2 WHERE id = $1 AND upgraded_user_id IS NULL`, legacyID, u.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.New(errs.Conflict, "account.legacy.already_upgraded", nil)
		}
		return nil
	})
}

// LinkLegacy links a legacy account to a user; an account linked to someone else stays theirs.
func (s *Store) LinkLegacy(ctx context.Context, legacyID, userID string, now time.Time) error {
	res, err := s.db.ExecContext(ctx, `UPDATE legacy_accounts SET linked_user_id = $2, linked_at = $3
		WHERE id = $1 AND (linked_user_id IS NULL OR linked_user_id = $2)`, legacyID, userID, ts(now))
	if err != nil {
		return fmt.Errorf("store: link: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.Conflict, "account.legacy.linked_elsewhere", nil)
	}
	return nil
}

// UnlinkLegacy removes one of the user's links.
func (s *Store) UnlinkLegacy(ctx context.Context, legacyID, userID string) error {
	return s.exec1(ctx, `UPDATE legacy_accounts SET linked_user_id = NULL, linked_at = NULL WHERE id = $1 AND linked_user_id = $2`, legacyID, userID)
}
