package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/i18n"
)

const userColumns = `id, login_name, email, email_verified_at, first_name, last_name, phone, lang, role, password_hash, created_at`

func scanUser(row scanner) (*account.User, error) {
	var u account.User
	var verified nullTS
	var created ts
	var lang, role string
	if err := row.Scan(&u.ID, &u.LoginName, &u.Email, &verified, &u.FirstName, &u.LastName, &u.Phone, &lang, &role, &u.PasswordHash, &created); err != nil {
		return nil, err
	}
	u.EmailVerifiedAt, u.CreatedAt = verified.ptr(), time.Time(created)
	u.Lang, u.Role = i18n.Lang(lang), account.Role(role)
	return &u, nil
}

// CreateUser stores a new user. A login name or email already taken (in any case) is an invalid-input
// error on that field, and nothing is written.
func (s *Store) CreateUser(ctx context.Context, u *account.User) error {
	return s.Transact(ctx, func(tx *sql.Tx) error { return insertUser(ctx, tx, u) })
}

func insertUser(ctx context.Context, q querier, u *account.User) error {
	now := ts(u.CreatedAt)
	_, err := q.ExecContext(ctx, `INSERT INTO users (id, login_name, login_key, email, email_key, email_verified_at,
		first_name, last_name, phone, lang, role, password_hash, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)`,
		u.ID, u.LoginName, account.Key(u.LoginName), u.Email, account.Key(u.Email), tsOrNil(u.EmailVerifiedAt),
		u.FirstName, u.LastName, u.Phone, string(u.Lang), string(u.Role), u.PasswordHash, now)
	if detail, ok := uniqueViolation(err); ok {
		var fe errs.Fields
		if mentions(detail, "login_key") {
			fe.Add("login_name", "account.login.taken", nil)
		}
		if mentions(detail, "email_key") {
			fe.Add("email", "account.email.taken", nil)
		}
		if len(fe) == 0 {
			return fmt.Errorf("store: create user: %w", err)
		}
		return fe.Err()
	}
	if err != nil {
		return fmt.Errorf("store: create user: %w", err)
	}
	return nil
}

// UserByID returns a user.
func (s *Store) UserByID(ctx context.Context, id string) (*account.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	return u, notFound(err)
}

// UserByLogin finds a user by login name or email, in any case.
func (s *Store) UserByLogin(ctx context.Context, loginOrEmail string) (*account.User, error) {
	k := account.Key(loginOrEmail)
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE login_key = $1 OR email_key = $1`, k))
	return u, notFound(err)
}

// LoginTaken reports whether a login name is in use (in any case).
func (s *Store) LoginTaken(ctx context.Context, login string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE login_key = $1`, account.Key(login)).Scan(&n)
	return n > 0, err
}

// UpdateProfile changes a user's names, phone and language.
func (s *Store) UpdateProfile(ctx context.Context, id string, p account.Profile, now time.Time) error {
	return s.exec1(ctx, `UPDATE users SET first_name = $2, last_name = $3, phone = $4, lang = $5, updated_at = $6 WHERE id = $1`,
		id, p.FirstName, p.LastName, p.Phone, string(p.Language()), ts(now))
}

// SetPasswordHash replaces a user's password hash.
func (s *Store) SetPasswordHash(ctx context.Context, id, hash string, now time.Time) error {
	return s.exec1(ctx, `UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1`, id, hash, ts(now))
}

// SetRole changes a user's role.
func (s *Store) SetRole(ctx context.Context, id string, r account.Role, now time.Time) error {
	return s.exec1(ctx, `UPDATE users SET role = $2, updated_at = $3 WHERE id = $1`, id, string(r), ts(now))
}

// exec1 runs a statement that must change exactly one row; none is not found.
func (s *Store) exec1(ctx context.Context, query string, args ...any) error {
	res, err := s.db.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "error.not_found", nil)
	}
	return nil
}

// UserFilter narrows the admin's user list.
type UserFilter = account.UserFilter

// Users lists users for admins, newest first.
func (s *Store) Users(ctx context.Context, f UserFilter) ([]*account.User, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	where := []string{"1=1"}
	args := []any{}
	if q := strings.TrimSpace(f.Query); q != "" {
		args = append(args, "%"+strings.ToLower(likeEscape(q))+"%")
		n := len(args)
		where = append(where, fmt.Sprintf(`(login_key LIKE $%d ESCAPE '\' OR email_key LIKE $%d ESCAPE '\' OR LOWER(first_name || ' ' || last_name) LIKE $%d ESCAPE '\')`, n, n, n))
	}
	if f.Role != "" {
		args = append(args, string(f.Role))
		where = append(where, fmt.Sprintf("role = $%d", len(args)))
	}
	args = append(args, f.Limit)
	return queryAll(ctx, s.db, "users", scanUser, `SELECT `+userColumns+` FROM users WHERE `+strings.Join(where, " AND ")+
		fmt.Sprintf(` ORDER BY created_at DESC, id LIMIT $%d`, len(args)), args...)
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
