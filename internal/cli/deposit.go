package cli

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/config"
	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/shipment"
)

const depositUsage = `usage: ecship deposit open --user EMAIL --name NAME [--mode live|test]
       ecship deposit topup --account ID --amount HKD --reference REF
       ecship deposit statement --account ID`

// depositCmd is operations' side of permit mailing deposit accounts: open one for a sender, top
// it up with money received (once per reference), print its statement.
func depositCmd(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "open":
			return depositOpen(ctx, env, args[1:])
		case "topup":
			return depositTopUp(ctx, env, args[1:])
		case "statement":
			return depositStatement(ctx, env, args[1:])
		}
	}
	return usageOrHelp(env, args, depositUsage)
}

func depositOpen(ctx context.Context, env *Env, args []string) error {
	const name = "deposit open"
	var who, accountName, modeText string
	cfg, err := loadConfig(env, name, "--user EMAIL --name NAME [--mode live|test]", args, func(c *config.Config, fs *flag.FlagSet) {
		c.DBFlags(fs)
		fs.StringVar(&who, "user", "", "the holder's email `address`")
		fs.StringVar(&accountName, "name", "", "the account's `name`, e.g. the permit number")
		fs.StringVar(&modeText, "mode", string(account.Live), "`mode`: live, or test for test-mode payments")
	})
	if err != nil {
		return err
	}
	a, u, mode, err := appForUserIn(ctx, env, name, cfg, modeText, who)
	if err != nil {
		return err
	}
	defer a.Close()
	d, err := a.Payments.OpenDeposit(ctx, u, mode, accountName)
	if err != nil {
		return report(name, err, map[string]string{"name": "--name"})
	}
	fmt.Fprintln(env.Stdout, d.ID)
	return nil
}

func depositTopUp(ctx context.Context, env *Env, args []string) error {
	const name = "deposit topup"
	var id, amountText, ref string
	cfg, err := loadConfig(env, name, "--account ID --amount HKD --reference REF", args, func(c *config.Config, fs *flag.FlagSet) {
		c.DBFlags(fs)
		fs.StringVar(&id, "account", "", "the deposit account `id`")
		fs.StringVar(&amountText, "amount", "", "the `amount` received, in HK$ (e.g. 5000.00)")
		fs.StringVar(&ref, "reference", "", "the `reference` of the money received: the same reference counts once")
	})
	if err != nil {
		return err
	}
	amount, err := money.Parse(amountText)
	if err != nil {
		return badFlag(name, "--amount", fmt.Sprintf("%q is not an amount like 5000.00", amountText))
	}
	a, err := openApp(ctx, env, name, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	m, err := a.Payments.TopUp(ctx, id, amount, ref)
	if err != nil {
		return report(name, err, map[string]string{"amount": "--amount", "reference": "--reference"})
	}
	fmt.Fprintf(env.Stdout, "%s: HK$%s received (%s); balance HK$%s\n", m.AccountID, m.Amount.Display(), m.Ref, m.Balance.Display())
	return nil
}

func depositStatement(ctx context.Context, env *Env, args []string) error {
	const name = "deposit statement"
	var id string
	a, err := loadApp(ctx, env, name, "--account ID", args, func(c *config.Config, fs *flag.FlagSet) {
		c.DBFlags(fs)
		fs.StringVar(&id, "account", "", "the deposit account `id`")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	d, err := a.Store.Deposit(ctx, id)
	if err != nil {
		return report(name, err, nil)
	}
	holder, err := a.Store.UserByID(ctx, d.OwnerID)
	if err != nil {
		return report(name, err, nil)
	}
	d, moves, err := a.Payments.Statement(ctx, shipment.Owner{User: holder, Mode: d.Mode}, d.ID)
	if err != nil {
		return report(name, err, nil)
	}
	fmt.Fprintf(env.Stdout, "%s  %s  %s  balance HK$%s\n", d.ID, d.Name, holder.Email, d.Balance.Display())
	for _, m := range moves {
		fmt.Fprintf(env.Stdout, "%s  %-8s %12s %12s  %s\n", m.At.In(hongKong()).Format(time.DateTime), m.Kind, m.Amount.Display(), m.Balance.Display(), m.Ref)
	}
	return nil
}
