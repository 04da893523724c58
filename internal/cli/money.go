package cli

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/ecship/ecship/internal/config"
	"github.com/ecship/ecship/internal/payment"
)

// settle runs the card settlement now: `ecship settle [--at RFC3339]` captures the payments
// authorised before the 20:00 Hong Kong cut-off in force at --at (default now).
func settle(ctx context.Context, env *Env, args []string) error {
	const name = "settle"
	var at string
	cfg, err := loadConfig(env, name, "[--at RFC3339]", args, func(c *config.Config, fs *flag.FlagSet) {
		c.DBFlags(fs)
		fs.StringVar(&at, "at", "", "settle as at this time (RFC 3339, e.g. 2026-11-23T20:00:00+08:00); default now")
	})
	if err != nil {
		return err
	}
	when := time.Now()
	if at != "" {
		t, err := time.Parse(time.RFC3339, at)
		if err != nil {
			return badFlag(name, "--at", fmt.Sprintf("%q is not a time like 2026-11-23T20:00:00+08:00", at))
		}
		when = t
	}
	a, err := openApp(ctx, env, name, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	captured, voided, total, err := a.Payments.Settle(ctx, when)
	if err != nil {
		return failed(name, err)
	}
	fmt.Fprintf(env.Stdout, "settled up to %s: %d captured (HK$%s), %d voided\n",
		payment.Cutoff(when, hongKong()).Format(time.RFC3339), captured, total.Display(), voided)
	return nil
}

// ledgerCmd is `ecship ledger check`: every transaction balances, and the books match the gateway's.
func ledgerCmd(ctx context.Context, env *Env, args []string) error {
	const name = "ledger check"
	if len(args) == 0 || args[0] != "check" {
		return &usageError{msg: "usage: ecship ledger check"}
	}
	a, err := loadApp(ctx, env, name, "", args[1:], func(c *config.Config, fs *flag.FlagSet) { c.DBFlags(fs) })
	if err != nil {
		return err
	}
	defer a.Close()
	report, err := a.LedgerCheck(ctx)
	if err != nil {
		return failed(name, err)
	}
	for _, line := range report.Lines {
		fmt.Fprintln(env.Stdout, line)
	}
	if len(report.Problems) > 0 {
		for _, p := range report.Problems {
			fmt.Fprintln(env.Stdout, "PROBLEM:", p)
		}
		return errProblems
	}
	fmt.Fprintln(env.Stdout, "the books balance and match the gateway")
	return nil
}
