package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/testenv"
)

// writeFile writes a file a command reads, failing the test when it cannot.
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func run(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, &Env{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }})
	return code, out.String(), errb.String()
}

func TestQuoteCommand(t *testing.T) {
	env := map[string]string{"ECSHIP_DATA": t.TempDir()}
	code, out, errOut := run(t, env, "quote", "--to", "JP", "--weight", "20g", "--size", "200x100x5mm")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "Air Registered Mail (ARM)") || !strings.Contains(out, "HK$20.90") || !strings.Contains(out, "Small letter") {
		t.Errorf("output:\n%s", out)
	}
	code, out, _ = run(t, env, "quote", "--to", "JP", "--weight", "1.2kg", "--json")
	var q struct {
		WeightG int `json:"weight_g"`
		Data    []struct {
			Service struct{ Code string }   `json:"service"`
			Total   struct{ Amount string } `json:"total"`
		} `json:"data"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &q) != nil || q.WeightG != 1200 || len(q.Data) != 6 {
		t.Errorf("--json: exit %d, %+v\n%s", code, q, out)
	}
	code, out, _ = run(t, env, "quote", "--to", "MO", "--weight", "100", "--lang", "zh-Hant")
	if code != 0 || !strings.Contains(out, "沒有空郵寄往澳門") {
		t.Errorf("zh-Hant quote:\n%s", out)
	}
}

func TestQuoteBadInputExits2NamingTheFlag(t *testing.T) {
	env := map[string]string{"ECSHIP_DATA": t.TempDir()}
	cases := map[string][]string{
		"--to":     {"quote", "--to", "Narnia", "--weight", "20"},
		"--weight": {"quote", "--to", "JP", "--weight", "a lot"},
		"--size":   {"quote", "--to", "JP", "--weight", "20", "--size", "big"},
		"--insure": {"quote", "--to", "JP", "--weight", "20", "--insure", "-5"},
	}
	for flag, args := range cases {
		code, out, errOut := run(t, env, args...)
		if code != ExitUsage || out != "" || !strings.Contains(errOut, "ecship quote: "+flag+":") {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 naming %s", args, code, errOut, flag)
		}
	}
	if code, _, errOut := run(t, env, "quote", "--weight", "0"); code != ExitUsage || !strings.Contains(errOut, "--to") || !strings.Contains(errOut, "--weight") {
		t.Errorf("two mistakes: %d %q", code, errOut)
	}
	if code, _, _ := run(t, env, "nonsense"); code != ExitUsage {
		t.Errorf("unknown command: exit %d", code)
	}
	if code, _, _ := run(t, env, "serve", "--addr", "nowhere"); code != ExitUsage {
		t.Errorf("bad --addr: exit %d", code)
	}
}

func TestMigrateAndWeather(t *testing.T) {
	for name, dsn := range storetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			env := map[string]string{"ECSHIP_DB": dsn, "ECSHIP_DATA": t.TempDir()}
			if code, out, errOut := run(t, env, "migrate"); code != 0 || !strings.Contains(out, "up to date") {
				t.Fatalf("migrate: %d %s %s", code, out, errOut)
			}
			if code, _, errOut := run(t, env, "weather", "add", "--date", "2026-11-24", "--signal", "T8", "--note", "Typhoon"); code != 0 {
				t.Fatalf("weather add: %d %s", code, errOut)
			}
			if code, _, errOut := run(t, env, "weather", "add", "--date", "24/11", "--signal", "T8"); code != ExitUsage || !strings.Contains(errOut, "--date") {
				t.Errorf("bad date: %d %s", code, errOut)
			}
			code, out, _ := run(t, env, "weather", "list")
			if code != 0 || out != "2026-11-24\tT8\tTyphoon\n" {
				t.Errorf("weather list: %d %q", code, out)
			}
			// The quote command counts the weather day: Speedpost to the Mainland posted Monday 23rd.
			_, out, _ = run(t, env, "quote", "--to", "CN", "--weight", "300", "--service", "EMS", "--date", "2026-11-23", "--json")
			if !strings.Contains(out, `"earliest": "2026-11-25"`) {
				t.Errorf("quote ignores the weather day:\n%s", out)
			}
		})
	}
}

// serve starts, answers, and stops cleanly on cancel; start-up time is reported.
func TestServeStartsAndStops(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	var stderr testenv.SyncBuffer
	env := &Env{Stdout: io.Discard, Stderr: &stderr, Getenv: func(k string) string {
		return map[string]string{"ECSHIP_DATA": filepath.Join(dir, "data")}[k]
	}}
	done := make(chan int, 1)
	began := time.Now()
	go func() { done <- Main(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--demo"}, env) }()
	urlRe := regexp.MustCompile(`url=(http://127\.0\.0\.1:\d+/)`)
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if m := urlRe.FindStringSubmatch(stderr.String()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatalf("serve did not start:\n%s", stderr.String())
	}
	t.Logf("serve listening after %v", time.Since(began))
	resp, err := http.Get(base + "healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	resp.Body.Close()
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d:\n%s", code, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
	if !strings.Contains(stderr.String(), "shutting down") {
		t.Errorf("no shutdown log:\n%s", stderr.String())
	}
}
