package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ecship/ecship/internal/api"
	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/config"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/store"
)

func quote(ctx context.Context, env *Env, args []string) error {
	const name = "quote"
	var to, weight, size, insure, service, format, date, lang string
	var asJSON bool
	cfg, err := loadConfig(env, name, "--to CC --weight 1.2kg [--size LxWxHmm] [--insure HKD] [--json]", args,
		func(c *config.Config, fs *flag.FlagSet) {
			c.DBFlags(fs)
			fs.StringVar(&to, "to", "", "destination: ISO code (JP), Hongkong Post code or name")
			fs.StringVar(&weight, "weight", "", "weight, e.g. 350g or 1.2kg (a bare number is grams)")
			fs.StringVar(&size, "size", "", "size LxWxH, e.g. 200x100x5mm or 20x10x0.5cm")
			fs.StringVar(&insure, "insure", "", "value to insure in HKD, e.g. 1000")
			fs.StringVar(&service, "service", "", "only this service code (e.g. ARM)")
			fs.StringVar(&format, "format", "", "only this format (small_letter, large_letter, packet, parcel, ...)")
			fs.StringVar(&date, "date", "", "posting date YYYY-MM-DD (default today): the rates in force then")
			fs.StringVar(&lang, "lang", "", "language: en, zh-Hant or zh-Hans (default from LANG)")
			fs.BoolVar(&asJSON, "json", false, "print JSON, as POST /api/v1/quotes answers")
		})
	if err != nil {
		return err
	}
	l, found := i18n.Parse(lang)
	if !found {
		l, _ = i18n.Parse(strings.SplitN(env.Getenv("LANG"), ".", 2)[0])
	}
	cat, err := catalog.Default()
	if err != nil {
		return failed(name, err)
	}
	if err := loadWeather(ctx, cfg, cat); err != nil {
		fmt.Fprintf(env.Stderr, "ecship quote: weather days not read (%v): delivery dates count Sundays and holidays only\n", err)
	}
	req := catalog.QuoteRequest{Destination: to, Service: service, Format: format, At: time.Now()}
	var fe errs.Fields
	if weight == "" {
		fe.Add("weight_g", "quote.weight.positive", nil)
	} else if g, err := catalog.ParseWeight(weight, "g"); err != nil {
		fe = append(fe, errs.As(err).Fields...)
	} else {
		req.WeightG = g
	}
	if size != "" {
		d, err := catalog.ParseDimensions(size)
		if err != nil {
			fe = append(fe, errs.As(err).Fields...)
		}
		req.Dimensions = &d
	}
	if insure != "" {
		c, err := money.Parse(insure)
		if err != nil {
			fe.Add("insurance_value", "quote.insurance.syntax", nil)
		}
		req.Insurance = c
	}
	if date != "" {
		t, err := time.ParseInLocation(time.DateOnly, date, catalog.HongKong)
		if err != nil {
			fe.Add("date", "quote.date.syntax", nil)
		}
		req.At = t.Add(9 * time.Hour)
	}
	if req.Dimensions != nil && req.Dimensions.Length == 0 {
		req.Dimensions = nil
	}
	if _, err := cat.Check(&req); err != nil {
		fe = append(fe, errs.As(err).Fields...)
	}
	if len(fe) > 0 {
		flagOf := map[string]string{"destination": "--to", "weight_g": "--weight", "insurance_value": "--insure", "service": "--service", "format": "--format", "date": "--date"}
		return fieldsError(name, l, fe, func(field string) string {
			if fl := flagOf[field]; fl != "" {
				return fl
			}
			return "--size" // dimensions_mm.length and the like
		})
	}
	opts, err := cat.Quote(req)
	if err != nil {
		return failed(name, err)
	}
	dest, _ := cat.Destination(req.Destination)
	if asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		enc.Encode(api.QuoteJSON(dest, req.WeightG, opts, l))
		return nil
	}
	printQuote(env, l, dest, req, opts)
	return nil
}

func printQuote(env *Env, l i18n.Lang, dest *catalog.Destination, req catalog.QuoteRequest, opts []catalog.Option) {
	fmt.Fprintf(env.Stdout, "%s\n\n", i18n.T(l, "home.results", map[string]any{"weight": req.WeightG, "destination": dest.Names}))
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", i18n.T(l, "home.col.service", nil), "", i18n.T(l, "home.col.price", nil), i18n.T(l, "home.col.delivery", nil), i18n.T(l, "home.col.insurance", nil))
	sample := false
	var unavailable []string
	for _, o := range opts {
		if !o.Available {
			unavailable = append(unavailable, fmt.Sprintf("  %s (%s): %s", o.Service.Names.In(l), o.Service.Code, i18n.T(l, o.Reason.Key, o.Reason.Args)))
			continue
		}
		mark := ""
		if o.PriceSample {
			mark, sample = " *", true
		}
		days := ""
		if d := o.Delivery; d != nil {
			days = i18n.T(l, "home.days", map[string]any{"min": d.MinDays, "max": d.MaxDays}) +
				" (" + i18n.Date(l, d.Earliest) + " – " + i18n.Date(l, d.Latest) + ")"
			if d.Sample {
				days += " *"
				sample = true
			}
		}
		ins := "-"
		if in := o.Insurance; in != nil {
			if in.Available {
				ins = "HK$" + in.Premium.Display()
			} else {
				ins = i18n.T(l, in.Reason.Key, in.Reason.Args)
			}
		}
		fmt.Fprintf(tw, "%s (%s)\t%s\tHK$%s%s\t%s\t%s\n", o.Service.Names.In(l), o.Service.Code, o.Format.Names.In(l), o.Total.Display(), mark, days, ins)
	}
	tw.Flush()
	if sample {
		fmt.Fprintf(env.Stdout, "\n* %s\n", i18n.T(l, "home.sample.note", nil))
	}
	if len(unavailable) > 0 {
		fmt.Fprintf(env.Stdout, "\n%s:\n%s\n", i18n.T(l, "home.unavailable", nil), strings.Join(unavailable, "\n"))
	}
}

// loadWeather gives the catalogue the recorded weather days when the database exists; a quote on a
// machine that never ran serve, or whose database is down, still works with holidays and Sundays only.
func loadWeather(ctx context.Context, cfg config.Config, cat *catalog.Catalog) error {
	if path, ok := strings.CutPrefix(cfg.DB, "sqlite:"); ok {
		if _, err := os.Stat(path); err != nil {
			return nil
		}
	}
	st, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	days, err := st.WeatherDays(ctx) // read only: a quote never migrates the database
	if err != nil {
		return err
	}
	cat.SetWeatherDays(days)
	return nil
}
