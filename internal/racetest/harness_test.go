package racetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/ecship/ecship/internal/testenv"
)

// harness is the system under test: the ecship binary, two servers on one PostgreSQL schema, the
// API keys of the people who race on them, and a direct connection for the SQL checks.
type harness struct {
	bin     string
	dsn     string
	env     []string
	servers [2]*serverProc
	sender  [2]client    // the sender's live key, on server 0 and server 1
	clerk   [2]client    // counter staff
	admins  [2][2]client // admins[a][s]: admin a on server s
	adminID [2]string
	db      *sql.DB
	// settleTook is how long the last `ecship settle` ran: the cancellations racing the next one
	// are spread over about that long.
	settleTook atomic.Int64
}

// Accounts the harness makes with `ecship user add`.
const (
	password    = "harbour-view-8"
	senderEmail = "racer@example.hk"
	clerkEmail  = "clerk@example.hk"
)

var adminEmails = [2]string{"admin1@example.hk", "admin2@example.hk"}

// newHarness builds ecship, prepares the database and its accounts with the command line, and
// starts two servers on it; everything is stopped when the test ends.
func newHarness(t *testing.T, dsn string) *harness {
	t.Helper()
	h := &harness{dsn: dsn, bin: buildEcship(t)}
	h.env = processEnv(t.TempDir())
	ctx := context.Background()
	if _, err := h.ecship(ctx, "migrate", "--db", dsn); err != nil {
		t.Fatal(err)
	}
	if _, err := h.addUser(ctx, senderEmail, "sender"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.addUser(ctx, clerkEmail, "counter"); err != nil {
		t.Fatal(err)
	}
	for i, email := range adminEmails {
		id, err := h.addUser(ctx, email, "admin")
		if err != nil {
			t.Fatal(err)
		}
		h.adminID[i] = id
	}
	keys := map[string]string{}
	for _, email := range []string{senderEmail, clerkEmail, adminEmails[0], adminEmails[1]} {
		key, err := h.ecship(ctx, "apikey", "create", "--db", dsn, "--user", email, "--mode", "live", "--name", "race test")
		if err != nil {
			t.Fatal(err)
		}
		keys[email] = key
	}
	// A settlement with nothing to settle: how long the command takes to start and finish.
	start := time.Now()
	if _, err := h.settle(ctx); err != nil {
		t.Fatal(err)
	}
	h.settleTook.Store(int64(time.Since(start)))

	httpc := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 64, MaxIdleConns: 256}}
	for s := range h.servers {
		h.servers[s] = startServer(t, h, fmt.Sprintf("server %d", s))
		base := h.servers[s].base
		h.sender[s] = client{http: httpc, base: base, key: keys[senderEmail]}
		h.clerk[s] = client{http: httpc, base: base, key: keys[clerkEmail]}
		for a, email := range adminEmails {
			h.admins[a][s] = client{http: httpc, base: base, key: keys[email]}
		}
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	h.db = db
	return h
}

// buildEcship builds ./cmd/ecship of this module into a temporary directory.
func buildEcship(t *testing.T) string {
	t.Helper()
	goTool := goCommand()
	gomod, err := exec.Command(goTool, "env", "GOMOD").Output()
	if err != nil || strings.TrimSpace(string(gomod)) == "" || strings.TrimSpace(string(gomod)) == os.DevNull {
		t.Fatalf("go env GOMOD: %q %v", gomod, err)
	}
	bin := filepath.Join(t.TempDir(), "ecship")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	cmd := exec.Command(goTool, "build", "-o", bin, "./cmd/ecship")
	cmd.Dir = filepath.Dir(strings.TrimSpace(string(gomod)))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/ecship: %v\n%s", err, out)
	}
	return bin
}

// goCommand is the go tool running this test: on the PATH, as go test needs it to be.
func goCommand() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return "go"
}

// processEnv is the environment of every ecship process: this one's without ECSHIP_* settings, plus
// a shared data directory and secret key, no rate limits, no metrics listener (two servers on one
// machine would want the same port) and warnings-only logs.
func processEnv(dataDir string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ECSHIP_") {
			env = append(env, kv)
		}
	}
	key := make([]byte, 32)
	rand.Read(key)
	return append(env,
		"ECSHIP_DATA="+dataDir,
		"ECSHIP_SECRET_KEY="+base64.StdEncoding.EncodeToString(key),
		"ECSHIP_PUBLIC_RATE_LIMIT=0",
		"ECSHIP_API_RATE_LIMIT=0",
		"ECSHIP_METRICS_ADDR=off",
		"ECSHIP_LOG_LEVEL=warn",
	)
}

// ecship runs a command of the binary and answers its standard output, trimmed.
func (h *harness) ecship(ctx context.Context, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, h.bin, args...)
	cmd.Env = h.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("ecship %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(redactArgs(args, h.dsn), " "), err, stdout.Bytes(), stderr.Bytes())
	}
	return strings.TrimSpace(stdout.String()), nil
}

// redactArgs names the DSN rather than printing it in every error.
func redactArgs(args []string, dsn string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == dsn {
			a = "DSN"
		}
		out[i] = a
	}
	return out
}

// addUser adds a verified user with `ecship user add` and answers its id.
func (h *harness) addUser(ctx context.Context, email, role string) (string, error) {
	return h.ecship(ctx, "user", "add", "--db", h.dsn, "--email", email, "--password", password, "--role", role)
}

// settle runs `ecship settle` as at tomorrow 21:00 in Hong Kong: every payment made so far was
// authorised before the cut-off in force then (tomorrow 20:00).
func (h *harness) settle(ctx context.Context) (string, error) {
	return h.ecship(ctx, "settle", "--db", h.dsn, "--at", settleAt(time.Now()))
}

// hongKong is UTC+8 all year (no daylight saving).
var hongKong = time.FixedZone("HKT", 8*60*60)

// settleAt is the day after now at 21:00 Hong Kong time, in RFC 3339.
func settleAt(now time.Time) string {
	l := now.In(hongKong)
	return time.Date(l.Year(), l.Month(), l.Day()+1, 21, 0, 0, 0, hongKong).Format(time.RFC3339)
}

// settleEstimate is about how long the next `ecship settle` will run.
func (h *harness) settleEstimate() time.Duration {
	return max(time.Duration(h.settleTook.Load()), 200*time.Millisecond)
}

// serverProc is a running `ecship serve`.
type serverProc struct {
	base string
	log  *testenv.SyncBuffer
}

// startServer starts `ecship serve` on a free port, waits until /readyz answers 200, and stops it
// (interrupt, then kill) when the test ends; its log is printed if the test failed.
func startServer(t *testing.T, h *harness, name string) *serverProc {
	t.Helper()
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ { // a free port may be taken between picking and listening
		addr := freeAddr(t)
		logs := &testenv.SyncBuffer{}
		cmd := exec.Command(h.bin, "serve", "--addr", addr, "--db", h.dsn)
		cmd.Env = h.env
		cmd.Stdout, cmd.Stderr = logs, logs
		if err := cmd.Start(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		p := &serverProc{base: "http://" + addr, log: logs}
		if lastErr = waitReady(p.base, exited, 30*time.Second); lastErr != nil {
			stopProcess(cmd, exited)
			lastErr = fmt.Errorf("%s: %v\n%s", name, lastErr, logs.String())
			continue
		}
		t.Cleanup(func() {
			if !t.Failed() {
				return
			}
			if out := tail(logs, 16<<10); out != "" {
				t.Logf("%s (%s) log, last part:\n%s", name, p.base, out)
			} else {
				t.Logf("%s (%s) logged no warnings or errors", name, p.base)
			}
		})
		t.Cleanup(func() { stopProcess(cmd, exited) })
		return p
	}
	t.Fatal(lastErr)
	return nil
}

// freeAddr picks a port nobody listens on by listening on port 0 and closing.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitReady polls GET /readyz until it answers 200, the process exits or the time is up.
func waitReady(base string, exited <-chan struct{}, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	c := &http.Client{Timeout: 2 * time.Second}
	for {
		resp, err := c.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("GET /readyz: HTTP %d", resp.StatusCode)
		}
		select {
		case <-exited:
			return errors.New("the server exited before it was ready")
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not ready after %s: %v", limit, err)
		}
	}
}

// stopProcess interrupts a process (ecship finishes the requests under way) and kills it if it is
// still there after 10 s.
func stopProcess(cmd *exec.Cmd, exited <-chan struct{}) {
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		cmd.Process.Kill()
	}
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-exited
	}
}

// tail is the last n bytes written to b.
func tail(b *testenv.SyncBuffer, n int) string {
	s := b.String()
	if len(s) > n {
		s = "…" + s[len(s)-n:]
	}
	return s
}
