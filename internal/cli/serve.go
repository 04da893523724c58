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

func serve(ctx context.Context, env *Env, args []string) int {
	cfg, ok, code := loadConfig(env, "serve", "[--addr HOST:PORT] [--db DSN] [--data DIR] [--demo]", args,
		func(c *config.Config, fs *flag.FlagSet) { c.ServeFlags(fs) })
	if !ok {
		return code
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
		fmt.Fprintf(env.Stderr, "ecship serve: %v\n", err)
		return ExitError
	}
	defer a.Close()
	if cfg.Demo {
		if err := a.Demo(ctx, env.Stdout); err != nil {
			fmt.Fprintf(env.Stderr, "ecship serve: demo data: %v\n", err)
			return ExitError
		}
	}
	err = a.Run(ctx, func(addr net.Addr) {
		log.Info("ecship listening", "url", "http://"+addr.String()+"/", "config", cfg, "startup_ms", time.Since(start).Milliseconds())
	})
	if err != nil {
		fmt.Fprintf(env.Stderr, "ecship serve: %v\n", err)
		return ExitError
	}
	log.Info("stopped")
	return ExitOK
}

func migrate(ctx context.Context, env *Env, args []string) int {
	cfg, ok, code := loadConfig(env, "migrate", "[--db DSN] [--data DIR]", args,
		func(c *config.Config, fs *flag.FlagSet) { c.DBFlags(fs) })
	if !ok {
		return code
	}
	a, err := app.New(ctx, cfg, newLogger(env.Stderr, cfg))
	if err != nil {
		fmt.Fprintf(env.Stderr, "ecship migrate: %v\n", err)
		return ExitError
	}
	a.Close()
	fmt.Fprintf(env.Stdout, "database %s is up to date\n", config.RedactDSN(cfg.DB))
	return ExitOK
}
