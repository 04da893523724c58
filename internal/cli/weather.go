package cli

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/config"
	"github.com/ecship/ecship/internal/store"
)

var signals = map[string]bool{"T8": true, "T9": true, "T10": true, "BLACK": true}

func weather(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 || (args[0] != "add" && args[0] != "list") {
		fmt.Fprintln(env.Stderr, "usage: ecship weather add --date YYYY-MM-DD --signal T8|T9|T10|BLACK [--note TEXT]\n       ecship weather list")
		return ExitUsage
	}
	var w catalog.WeatherDay
	cfg, ok, code := loadConfig(env, "weather "+args[0], "", args[1:], func(c *config.Config, fs *flag.FlagSet) {
		c.DBFlags(fs)
		if args[0] == "add" {
			fs.StringVar(&w.Date, "date", "", "the day, YYYY-MM-DD (Hong Kong)")
			fs.StringVar(&w.Signal, "signal", "", "T8, T9, T10 or BLACK")
			fs.StringVar(&w.Note, "note", "", "a note")
		}
	})
	if !ok {
		return code
	}
	if args[0] == "add" {
		if _, err := time.Parse(time.DateOnly, w.Date); err != nil {
			fmt.Fprintf(env.Stderr, "ecship weather add: --date: %q is not a date like 2026-09-24\n", w.Date)
			return ExitUsage
		}
		if !signals[w.Signal] {
			fmt.Fprintf(env.Stderr, "ecship weather add: --signal: %q is not T8, T9, T10 or BLACK\n", w.Signal)
			return ExitUsage
		}
	}
	st, err := store.Open(ctx, cfg.DB)
	if err == nil {
		defer st.Close()
		err = st.Migrate(ctx)
	}
	if err == nil && args[0] == "add" {
		err = st.AddWeatherDay(ctx, w)
	}
	var days []catalog.WeatherDay
	if err == nil {
		days, err = st.WeatherDays(ctx)
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "ecship weather: %v\n", err)
		return ExitError
	}
	for _, d := range days {
		fmt.Fprintf(env.Stdout, "%s\t%s\t%s\n", d.Date, d.Signal, d.Note)
	}
	return ExitOK
}
