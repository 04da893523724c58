package store

import (
	"context"
	"fmt"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/mail"
)

// SaveMail records an email in the outbox (its secret sealed apart) and returns its id.
func (s *Store) SaveMail(ctx context.Context, m mail.Message, sealed string, now time.Time) (string, error) {
	id := account.NewID("mail")
	_, err := s.db.ExecContext(ctx, `INSERT INTO email_outbox (id, to_addr, subject, body, secret_sealed, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		id, m.To, m.Subject, m.Body, sealed, ts(now))
	if err != nil {
		return "", fmt.Errorf("store: save mail: %w", err)
	}
	return id, nil
}

// MailSent records the outcome of delivering an outbox email (errText empty when it went). A
// delivered email keeps no secret.
func (s *Store) MailSent(ctx context.Context, id string, now time.Time, errText string) error {
	var err error
	if errText == "" {
		_, err = s.db.ExecContext(ctx, `UPDATE email_outbox SET sent_at = $2, error = '', secret_sealed = '' WHERE id = $1`, id, ts(now))
	} else {
		_, err = s.db.ExecContext(ctx, `UPDATE email_outbox SET error = $2 WHERE id = $1`, id, errText)
	}
	return err
}

// Outbox lists the newest emails, optionally only those to one address.
func (s *Store) Outbox(ctx context.Context, to string, limit int) ([]mail.Stored, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, to_addr, subject, body, secret_sealed, created_at, sent_at, error FROM email_outbox
		WHERE $1 = '' OR LOWER(to_addr) = LOWER($1) ORDER BY created_at DESC, id DESC LIMIT $2`, to, limit)
	if err != nil {
		return nil, fmt.Errorf("store: outbox: %w", err)
	}
	defer rows.Close()
	var out []mail.Stored
	for rows.Next() {
		var m mail.Stored
		var created ts
		var sent nullTS
		if err := rows.Scan(&m.ID, &m.To, &m.Subject, &m.Body, &m.Sealed, &created, &sent, &m.Error); err != nil {
			return nil, err
		}
		m.CreatedAt, m.SentAt = time.Time(created), sent.ptr()
		out = append(out, m)
	}
	return out, rows.Err()
}

// OutboxMail returns one email of the outbox.
func (s *Store) OutboxMail(ctx context.Context, id string) (mail.Stored, error) {
	var m mail.Stored
	var created ts
	var sent nullTS
	err := s.db.QueryRowContext(ctx, `SELECT id, to_addr, subject, body, secret_sealed, created_at, sent_at, error FROM email_outbox WHERE id = $1`, id).
		Scan(&m.ID, &m.To, &m.Subject, &m.Body, &m.Sealed, &created, &sent, &m.Error)
	m.CreatedAt, m.SentAt = time.Time(created), sent.ptr()
	return m, notFound(err)
}
