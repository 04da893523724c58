package mail

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/secretbox"
)

// smtpServer is a minimal SMTP server on loopback: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; no
// TLS, no AUTH (so it offers neither STARTTLS nor AUTH). It keeps what it received.
type smtpServer struct {
	ln       net.Listener
	mu       sync.Mutex
	received []envelope
	commands []string
	wg       sync.WaitGroup
}

type envelope struct {
	From string
	To   []string
	Data string
}

func startSMTP(t *testing.T) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{ln: ln}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				s.serve(conn)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		s.wg.Wait()
	})
	return s
}

func (s *smtpServer) addr() string { return s.ln.Addr().String() }

func (s *smtpServer) serve(conn net.Conn) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(conn)
	reply := func(format string, args ...any) { fmt.Fprintf(conn, format+"\r\n", args...) }
	reply("220 localhost ESMTP test server")
	var env envelope
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		s.mu.Lock()
		s.commands = append(s.commands, line)
		s.mu.Unlock()
		verb := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
		arg := func(prefix string) string {
			v := line[min(len(prefix), len(line)):]
			if i := strings.IndexByte(v, '>'); strings.HasPrefix(v, "<") && i > 0 {
				return v[1:i]
			}
			return v
		}
		switch verb {
		case "EHLO":
			reply("250-localhost greets you")
			reply("250-8BITMIME")
			reply("250 SIZE 10240000")
		case "HELO":
			reply("250 localhost")
		case "MAIL":
			env = envelope{From: arg("MAIL FROM:")}
			reply("250 OK")
		case "RCPT":
			env.To = append(env.To, arg("RCPT TO:"))
			reply("250 OK")
		case "DATA":
			reply("354 end with <CRLF>.<CRLF>")
			var data strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				data.WriteString(strings.TrimPrefix(l, ".")) // dot-unstuffing
			}
			env.Data = data.String()
			s.mu.Lock()
			s.received = append(s.received, env)
			s.mu.Unlock()
			reply("250 OK queued")
		case "RSET":
			env = envelope{}
			reply("250 OK")
		case "NOOP":
			reply("250 OK")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 command not implemented")
		}
	}
}

func (s *smtpServer) messages() []envelope {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]envelope(nil), s.received...)
}

// fakeOutbox keeps the outbox rows in memory.
type fakeOutbox struct {
	mu   sync.Mutex
	rows []Stored
}

func (o *fakeOutbox) SaveMail(_ context.Context, m Message, sealed string, now time.Time) (string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	id := fmt.Sprintf("mail_%d", len(o.rows)+1)
	o.rows = append(o.rows, Stored{Message: m, Sealed: sealed, ID: id, CreatedAt: now})
	return id, nil
}

func (o *fakeOutbox) Outbox(_ context.Context, to string, limit int) ([]Stored, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var list []Stored
	for i := len(o.rows) - 1; i >= 0 && len(list) < limit; i-- {
		if to == "" || o.rows[i].To == to {
			list = append(list, o.rows[i])
		}
	}
	return list, nil
}

func (o *fakeOutbox) OutboxMail(_ context.Context, id string) (Stored, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, r := range o.rows {
		if r.ID == id {
			return r, nil
		}
	}
	return Stored{}, fmt.Errorf("no outbox row %s", id)
}

func (o *fakeOutbox) MailSent(_ context.Context, id string, now time.Time, errText string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := range o.rows {
		if o.rows[i].ID == id {
			o.rows[i].SentAt, o.rows[i].Error = &now, errText
			if errText == "" {
				o.rows[i].Sealed = ""
			}
			return nil
		}
	}
	return fmt.Errorf("no outbox row %s", id)
}

func newMailer(t *testing.T, addr string, out Outbox) *Mailer {
	t.Helper()
	u, from, err := ParseSMTPURL("smtp://" + addr + "?from=noreply@ecship.test")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	box, err := secretbox.New(make([]byte, 32)) // not testenv.Secrets: testenv imports account, which imports mail
	if err != nil {
		t.Fatal(err)
	}
	return &Mailer{Outbox: out, Secrets: box, SMTP: u, From: from, Log: slog.New(slog.DiscardHandler), Now: func() time.Time { return now }}
}

func TestSendDeliversBySMTP(t *testing.T) {
	srv := startSMTP(t)
	out := &fakeOutbox{}
	m := newMailer(t, srv.addr(), out)
	msg := Message{
		To:      "chan.taiman@example.hk",
		Subject: "請確認你的電郵地址：香港郵政帳戶 ecship 網上寄件服務（這是一個很長的標題，必須分成幾個編碼字）",
		Body:    "陳大文你好：\n\n請按以下連結確認你的電郵地址：\nhttps://ecship.example.hk/verify?token=abc\n.\n..a line that starts with a dot\n",
	}
	if err := m.Send(context.Background(), msg); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := srv.messages()
	if len(got) != 1 {
		t.Fatalf("server received %d messages", len(got))
	}
	env := got[0]
	if env.From != "noreply@ecship.test" || len(env.To) != 1 || env.To[0] != msg.To {
		t.Errorf("envelope from %q to %q", env.From, env.To)
	}
	parsed, err := netmail.ReadMessage(strings.NewReader(env.Data))
	if err != nil {
		t.Fatalf("the message does not parse: %v\n%s", err, env.Data)
	}
	h := parsed.Header
	if h.Get("From") != "noreply@ecship.test" || h.Get("To") != msg.To {
		t.Errorf("From %q, To %q", h.Get("From"), h.Get("To"))
	}
	raw := h.Get("Subject")
	for _, r := range raw {
		if r > 127 {
			t.Errorf("the Subject header is not 7-bit: %q", raw)
			break
		}
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(raw)
	if err != nil || subject != msg.Subject {
		t.Errorf("Subject %q decodes to %q, %v; want %q", raw, subject, err, msg.Subject)
	}
	if ct := h.Get("Content-Type"); !strings.Contains(ct, "charset=utf-8") {
		t.Errorf("Content-Type %q", ct)
	}
	if _, err := h.Date(); err != nil {
		t.Errorf("Date: %v", err)
	}
	body, err := io.ReadAll(parsed.Body)
	if err != nil {
		t.Fatalf("reading the body: %v", err)
	}
	if want := strings.ReplaceAll(msg.Body, "\n", "\r\n") + "\r\n"; string(body) != want {
		t.Errorf("body\n%q\nwant\n%q", body, want)
	}
	if len(out.rows) != 1 || out.rows[0].SentAt == nil || out.rows[0].Error != "" || out.rows[0].Subject != msg.Subject {
		t.Errorf("outbox: %+v", out.rows)
	}
	srv.mu.Lock()
	commands := append([]string(nil), srv.commands...)
	srv.mu.Unlock()
	for _, c := range commands {
		if strings.HasPrefix(strings.ToUpper(c), "STARTTLS") || strings.HasPrefix(strings.ToUpper(c), "AUTH") {
			t.Errorf("the mailer sent %q to a server that does not offer it", c)
		}
	}
}

func TestSendRecordsFailureWhenServerDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	out := &fakeOutbox{}
	m := newMailer(t, addr, out)
	err = m.Send(context.Background(), Message{To: "a@example.hk", Subject: "測試", Body: "hello"})
	if err == nil {
		t.Fatal("Send to a closed port succeeded")
	}
	if len(out.rows) != 1 {
		t.Fatalf("outbox has %d rows, want the message kept", len(out.rows))
	}
	row := out.rows[0]
	if row.SentAt == nil || row.Error == "" || row.Error != err.Error() {
		t.Errorf("outbox row %+v; Send returned %v", row, err)
	}
}

func TestSendWithoutSMTPKeepsTheOutboxOnly(t *testing.T) {
	out := &fakeOutbox{}
	m := &Mailer{Outbox: out, Log: slog.New(slog.DiscardHandler), Now: time.Now}
	if err := m.Send(context.Background(), Message{To: "a@example.hk", Subject: "s", Body: "b"}); err != nil {
		t.Fatal(err)
	}
	if len(out.rows) != 1 || out.rows[0].SentAt != nil {
		t.Errorf("outbox: %+v", out.rows)
	}
}

// SendLater answers at once with the message kept, and delivers it in the background.
func TestSendLaterDeliversInTheBackground(t *testing.T) {
	srv := startSMTP(t)
	out := &fakeOutbox{}
	m := newMailer(t, srv.addr(), out)
	ctx, cancel := context.WithCancel(context.Background())
	if err := m.SendLater(ctx, Message{To: "a@example.hk", Subject: "Reset", Body: "link"}); err != nil {
		t.Fatal(err)
	}
	cancel() // the request is over; the delivery goes on
	m.Wait()
	if got := srv.messages(); len(got) != 1 || got[0].To[0] != "a@example.hk" {
		t.Fatalf("server received %+v", got)
	}
	out.mu.Lock()
	defer out.mu.Unlock()
	if len(out.rows) != 1 || out.rows[0].SentAt == nil || out.rows[0].Error != "" {
		t.Errorf("outbox %+v", out.rows)
	}
}

// A message's secret (its link) never rests in the outbox in clear: kept sealed until delivered,
// then gone; the email itself carries it whole.
func TestSecretsAreSealedInTheOutbox(t *testing.T) {
	srv := startSMTP(t)
	out := &fakeOutbox{}
	m := newMailer(t, srv.addr(), out)
	link := "https://ecship.example.hk/reset-password?token=s3cr3tt0k3n"
	msg := Message{To: "chan@example.hk", Subject: "Reset", Body: "Open " + link + " within 30 minutes.\n", Secret: link}
	kept := m.SMTP
	m.SMTP = nil // outbox only, as without ECSHIP_SMTP_URL
	if err := m.Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	row := out.rows[0]
	if strings.Contains(row.Body, "s3cr3t") || strings.Contains(row.Sealed, "s3cr3t") || row.Sealed == "" || !strings.Contains(row.Body, "Open "+Hidden+" within") {
		t.Fatalf("kept: %+v", row)
	}
	if body, err := m.Reveal(row); err != nil || body != msg.Body {
		t.Errorf("revealed: %q %v", body, err)
	}
	m.SMTP = kept
	if err := m.Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	if row := out.rows[1]; row.Sealed != "" || strings.Contains(row.Body, "s3cr3t") {
		t.Errorf("a delivered email kept its secret: %+v", row)
	}
	if got := srv.messages(); len(got) != 1 || !strings.Contains(got[0].Data, "s3cr3tt0k3n") {
		t.Errorf("the email itself lacks its link: %+v", got)
	}
}
