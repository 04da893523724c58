package cli

import (
	"strings"
	"testing"

	"github.com/ecship/ecship/internal/store/storetest"
)

func TestSettleAndLedgerCheckCommands(t *testing.T) {
	env := map[string]string{"ECSHIP_DB": storetest.DSNs(t)["sqlite"], "ECSHIP_DATA": t.TempDir()}
	code, out, errOut := run(t, env, "settle", "--at", "2026-11-23T20:00:00+08:00")
	if code != 0 || !strings.Contains(out, "settled up to 2026-11-23T20:00:00+08:00: 0 captured") {
		t.Errorf("settle: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := run(t, env, "settle", "--at", "tonight"); code != ExitUsage || !strings.Contains(errOut, "--at") {
		t.Errorf("bad --at: %d %q", code, errOut)
	}
	code, out, _ = run(t, env, "ledger", "check")
	if code != 0 || !strings.Contains(out, "the books balance and match the gateway") {
		t.Errorf("ledger check: %d %q", code, out)
	}
}

// rule: PAY-1
func TestDepositCommands(t *testing.T) {
	env := map[string]string{"ECSHIP_DB": storetest.DSNs(t)["sqlite"], "ECSHIP_DATA": t.TempDir()}
	if code, _, errOut := run(t, env, "user", "add", "--email", "permit@example.hk", "--password", "harbour-view-8"); code != 0 {
		t.Fatalf("user add: %d %s", code, errOut)
	}
	code, out, errOut := run(t, env, "deposit", "open", "--user", "permit@example.hk", "--name", "Permit 4321")
	id := strings.TrimSpace(out)
	if code != 0 || !strings.HasPrefix(id, "dep_") {
		t.Fatalf("deposit open: %d %q %q", code, out, errOut)
	}
	for range 2 {
		code, out, errOut = run(t, env, "deposit", "topup", "--account", id, "--amount", "5000.00", "--reference", "HSBC-77")
		if code != 0 || !strings.Contains(out, "balance HK$5,000.00") {
			t.Errorf("topup (same reference twice counts once): %d %q %q", code, out, errOut)
		}
	}
	if code, _, errOut := run(t, env, "deposit", "topup", "--account", id, "--amount", "lots", "--reference", "X"); code != ExitUsage || !strings.Contains(errOut, "--amount") {
		t.Errorf("bad amount: %d %q", code, errOut)
	}
	if code, _, errOut := run(t, env, "deposit", "topup", "--account", id, "--amount", "10.00"); code != ExitUsage || !strings.Contains(errOut, "--reference") {
		t.Errorf("no reference: %d %q", code, errOut)
	}
	code, out, _ = run(t, env, "deposit", "statement", "--account", id)
	if code != 0 || !strings.Contains(out, "Permit 4321") || strings.Count(out, "top_up") != 1 {
		t.Errorf("statement: %d %q", code, out)
	}
	if code, _, _ := run(t, env, "ledger", "check"); code != 0 {
		t.Errorf("ledger check after a top-up: %d", code)
	}
}
