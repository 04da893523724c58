// Package mail sends ecship's emails: every message is kept in the database outbox, and sent by SMTP
// when ECSHIP_SMTP_URL is configured (otherwise admins read the outbox in the portal).
package mail

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/smtp"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Message is an email to one address, in plain text.
type Message struct {
	To      string
	Subject string
	Body    string
	// Secret is the part of Body that must not rest in the outbox in clear (a verification or reset
	// link): the outbox keeps Hidden in its place and the secret sealed, until the email is delivered.
	Secret string
}

// Hidden stands in an outbox body for the secret taken out of it.
const Hidden = "…"

// Stored is an outbox email. Its Body has Hidden where its secret was; Sealed is the secret sealed,
// "" when there was none or once the email was delivered.
type Stored struct {
	Message
	Sealed    string
	ID        string
	CreatedAt time.Time
	SentAt    *time.Time
	Error     string
}

// Outbox keeps every email.
type Outbox interface {
	// SaveMail keeps a message whose secret was taken out of its body, with the secret sealed.
	SaveMail(ctx context.Context, m Message, sealed string, now time.Time) (string, error)
	// MailSent records the outcome of a delivery; a delivered email's sealed secret is erased.
	MailSent(ctx context.Context, id string, now time.Time, errText string) error
	// Outbox lists the newest emails, to one address when to is not empty.
	Outbox(ctx context.Context, to string, limit int) ([]Stored, error)
	OutboxMail(ctx context.Context, id string) (Stored, error)
}

// Sealer seals secrets for storage with the server's secret key (secretbox).
type Sealer interface {
	Seal(plain string) string
	Open(sealed string) (string, error)
}

// Mailer records and delivers emails.
type Mailer struct {
	Outbox  Outbox
	Secrets Sealer   // seals the secrets of messages kept in the outbox
	SMTP    *url.URL // nil: outbox only
	From    string
	Log     *slog.Logger
	Now     func() time.Time

	pending sync.WaitGroup // deliveries started by SendLater
}

// ParseSMTPURL reads smtp://user:pass@host:587?from=noreply@example.hk (smtps:// for implicit TLS).
func ParseSMTPURL(s string) (*url.URL, string, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return nil, "", fmt.Errorf("not a URL like smtp://user:pass@host:587?from=noreply@example.hk")
	}
	from := u.Query().Get("from")
	if from == "" {
		from = "ecship@" + u.Hostname()
	}
	return u, from, nil
}

// Send keeps the message in the outbox, then delivers it by SMTP when configured. A delivery failure
// is recorded on the outbox row and logged, and returned.
func (m *Mailer) Send(ctx context.Context, msg Message) error {
	id, err := m.keep(ctx, msg)
	if err != nil {
		return err
	}
	if m.SMTP == nil {
		m.Log.Info("email kept in the outbox (no ECSHIP_SMTP_URL): admins read it at /admin/outbox", "to", msg.To, "subject", msg.Subject)
		return nil
	}
	return m.finish(ctx, id, msg)
}

// finish delivers a message kept in the outbox and records how that went.
func (m *Mailer) finish(ctx context.Context, id string, msg Message) error {
	err := m.deliver(msg)
	errText := ""
	if err != nil {
		errText = err.Error()
		m.Log.Error("email not sent", "to", msg.To, "err", err)
	}
	if e := m.Outbox.MailSent(ctx, id, m.Now(), errText); e != nil && err == nil {
		err = e
	}
	return err
}

// SendLater keeps the message in the outbox and delivers it in the background. A request that
// mails only when an account exists (a forgotten password) answers as fast either way, so its
// timing does not tell whether the address has an account.
func (m *Mailer) SendLater(ctx context.Context, msg Message) error {
	if m.SMTP == nil {
		return m.Send(ctx, msg)
	}
	id, err := m.keep(ctx, msg)
	if err != nil {
		return err
	}
	m.pending.Add(1)
	go func() {
		defer m.pending.Done()
		m.finish(context.WithoutCancel(ctx), id, msg)
	}()
	return nil
}

// keep stores the message in the outbox, its secret taken out of the body and sealed.
func (m *Mailer) keep(ctx context.Context, msg Message) (string, error) {
	sealed := ""
	if msg.Secret != "" {
		if m.Secrets == nil {
			return "", fmt.Errorf("mail: a message with a secret and no key to seal it")
		}
		msg.Body, sealed = strings.ReplaceAll(msg.Body, msg.Secret, Hidden), m.Secrets.Seal(msg.Secret)
	}
	msg.Secret = ""
	return m.Outbox.SaveMail(ctx, msg, sealed, m.Now())
}

// Reveal is a kept email's body with its secret back in place (for an admin reading the outbox when
// ecship delivers no email, and for tests); a delivered email's secret is gone.
func (m *Mailer) Reveal(s Stored) (string, error) {
	if s.Sealed == "" {
		return s.Body, nil
	}
	secret, err := m.Secrets.Open(s.Sealed)
	if err != nil {
		return "", err
	}
	return strings.ReplaceAll(s.Body, Hidden, secret), nil
}

// Kept lists the newest emails kept in the outbox, to one address when to is not empty; their
// secrets stay hidden.
func (m *Mailer) Kept(ctx context.Context, to string, limit int) ([]Stored, error) {
	return m.Outbox.Outbox(ctx, strings.TrimSpace(to), limit)
}

// RevealKept is a kept email with its secret put back in its body.
func (m *Mailer) RevealKept(ctx context.Context, id string) (Stored, string, error) {
	s, err := m.Outbox.OutboxMail(ctx, id)
	if err != nil {
		return s, "", err
	}
	body, err := m.Reveal(s)
	return s, body, err
}

// Wait waits for the deliveries SendLater started.
func (m *Mailer) Wait() { m.pending.Wait() }

func (m *Mailer) deliver(msg Message) error {
	host := m.SMTP.Hostname()
	port := m.SMTP.Port()
	if port == "" {
		port = "587"
		if m.SMTP.Scheme == "smtps" {
			port = "465"
		}
	}
	addr := net.JoinHostPort(host, port)
	var conn net.Conn
	var err error
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	if m.SMTP.Scheme == "smtps" {
		conn, err = tls.DialWithDialer(dialer, "tcp", addr, &tls.Config{ServerName: host})
	} else {
		conn, err = dialer.Dial("tcp", addr)
	}
	if err != nil {
		return err
	}
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok && m.SMTP.Scheme == "smtp" {
		if err := c.StartTLS(&tls.Config{ServerName: host}); err != nil {
			return err
		}
	}
	if user := m.SMTP.User; user != nil {
		pass, _ := user.Password()
		if err := c.Auth(smtp.PlainAuth("", user.Username(), pass, host)); err != nil {
			return err
		}
	}
	if err := c.Mail(m.From); err != nil {
		return err
	}
	if err := c.Rcpt(msg.To); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(compose(m.From, msg, time.Now())); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// compose writes the message with UTF-8 headers and body (Chinese subjects are encoded words).
func compose(from string, msg Message, now time.Time) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\n", from, msg.To, mime.QEncoding.Encode("utf-8", msg.Subject), now.Format(time.RFC1123Z))
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(strings.ReplaceAll(strings.ReplaceAll(msg.Body, "\r\n", "\n"), "\n", "\r\n"))
	b.WriteString("\r\n")
	return []byte(b.String())
}
