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
