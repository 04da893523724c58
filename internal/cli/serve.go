package cli

import (
	"context"
	"flag"
	"fmt"
	"net"
	"runtime/debug"
	"time"

	"github.com/ecship/ecship/internal/app"
	"github.com/ecship/ecship/internal/config"
)

func serve(ctx context.Context, env *Env, args []string) error {
	const name = "serve"
	cfg, err := loadConfig(env, name, "[--addr HOST:PORT] [--db DSN] [--data DIR] [--demo]", args,
		func(c *config.Config, fs *flag.FlagSet) { c.ServeFlags(fs) })
	if err != nil {
		return err
	}
	log := newLogger(env.Stderr, cfg)
	if env.Getenv("GOGC") == "" {
		// A server answers large documents (labels, tracking) all day: collecting garbage half as
		// often buys about a tenth more throughput for a few more megabytes. GOGC overrides it.
		debug.SetGCPercent(200)
	}
	start := time.Now()
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		return failed(name, err)
	}
	defer a.Close()
	if cfg.Demo {
		if err := a.Demo(ctx, env.Stdout); err != nil {
			return failed(name, fmt.Errorf("demo data: %w", err))
		}
	}
	err = a.Run(ctx, func(addr net.Addr) {
		log.Info("ecship listening", "url", "http://"+addr.String()+"/", "config", cfg, "startup_ms", time.Since(start).Milliseconds())
	})
	if err != nil {
		return failed(name, err)
	}
	log.Info("stopped")
	return nil
}

func migrate(ctx context.Context, env *Env, args []string) error {
	const name = "migrate"
	cfg, err := loadConfig(env, name, "[--db DSN] [--data DIR]", args,
		func(c *config.Config, fs *flag.FlagSet) { c.DBFlags(fs) })
	if err != nil {
		return err
	}
	a, err := openApp(ctx, env, name, cfg)
	if err != nil {
		return err
	}
	a.Close()
	fmt.Fprintf(env.Stdout, "database %s is up to date\n", config.RedactDSN(cfg.DB))
	return nil
}
