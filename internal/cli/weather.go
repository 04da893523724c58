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

func weather(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "list") {
		return &usageError{msg: "usage: ecship weather add --date YYYY-MM-DD --signal T8|T9|T10|BLACK [--note TEXT]\n       ecship weather list"}
	}
	name := "weather " + args[0]
	var w catalog.WeatherDay
	cfg, err := loadConfig(env, name, "", args[1:], func(c *config.Config, fs *flag.FlagSet) {
		c.DBFlags(fs)
		if args[0] == "add" {
			fs.StringVar(&w.Date, "date", "", "the day, YYYY-MM-DD (Hong Kong)")
			fs.StringVar(&w.Signal, "signal", "", "T8, T9, T10 or BLACK")
			fs.StringVar(&w.Note, "note", "", "a note")
		}
	})
	if err != nil {
		return err
	}
	if args[0] == "add" {
		if _, err := time.Parse(time.DateOnly, w.Date); err != nil {
			return badFlag(name, "--date", fmt.Sprintf("%q is not a date like 2026-09-24", w.Date))
		}
		if !signals[w.Signal] {
			return badFlag(name, "--signal", fmt.Sprintf("%q is not T8, T9, T10 or BLACK", w.Signal))
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
		return failed("weather", err)
	}
	for _, d := range days {
		fmt.Fprintf(env.Stdout, "%s\t%s\t%s\n", d.Date, d.Signal, d.Note)
	}
	return nil
}
