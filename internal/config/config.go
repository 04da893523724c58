// Package config reads ecship's settings from command-line flags and ECSHIP_* environment variables
// (flags win), checks them, and prints them with secrets hidden.
package config

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/netip"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is everything ecship serve needs to start.
type Config struct {
	Addr    string // HOST:PORT to listen on
	DB      string // sqlite:PATH or postgres://...
	DataDir string // where the SQLite file and other local data live
	Demo    bool   // add demo data at start

	PublicRateLimit      float64        // anonymous requests per second per client IP; 0 = off
	APIRateLimit         float64        // requests per second per API key (burst: five seconds' worth); 0 = off
	MetricsAddr          string         // HOST:PORT of the Prometheus listener; "" or "off" = no metrics served
	WSSECreatedWindow    time.Duration  // how far a WS-Security token's Created may be from now, either way
	TrustedProxies       []netip.Prefix // X-Forwarded-For is believed only from these
	MailTrackMinInterval time.Duration  // least time between one account's Mail Tracking requests
	MailTrackDailyLimit  int            // Mail Tracking requests per account per day

	LogLevel  slog.Level
	LogFormat string // text or json

	BaseURL   string // public address for links in emails; default http://ADDR
	SMTPURL   string // smtp://user:pass@host:587?from=...; empty: emails stay in the outbox
	SecretKey string // base64 of 32 bytes sealing integrator passwords; default: DATA/secret.key
}

// Getenv looks up an environment variable (os.Getenv, or a map in tests).
type Getenv func(string) string

// Defaults are the settings when nothing is given.
func Defaults() Config {
	return Config{
		Addr:                 "127.0.0.1:8080",
		DataDir:              "ecship-data",
		PublicRateLimit:      20,
		APIRateLimit:         100,
		MetricsAddr:          "127.0.0.1:9090",
		WSSECreatedWindow:    8*time.Hour + 5*time.Minute,
		MailTrackMinInterval: 100 * time.Millisecond,
		MailTrackDailyLimit:  100_000,
		LogLevel:             slog.LevelInfo,
		LogFormat:            "text",
	}
}

// FromEnv starts from Defaults and applies ECSHIP_* variables.
func FromEnv(getenv Getenv) (Config, error) {
	c := Defaults()
	var errs []error
	str := func(name string, dst *string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	str("ECSHIP_ADDR", &c.Addr)
	str("ECSHIP_DB", &c.DB)
	str("ECSHIP_DATA", &c.DataDir)
	str("ECSHIP_LOG_FORMAT", &c.LogFormat)
	str("ECSHIP_BASE_URL", &c.BaseURL)
	str("ECSHIP_SMTP_URL", &c.SMTPURL)
	str("ECSHIP_SECRET_KEY", &c.SecretKey)
	if v := getenv("ECSHIP_DEMO"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("ECSHIP_DEMO: %q is not true or false", v))
		}
		c.Demo = b
	}
	perSecond := func(name string, dst *float64) {
		if v := getenv(name); v != "" {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 || math.IsNaN(f) || math.IsInf(f, 0) {
				errs = append(errs, fmt.Errorf("%s: %q is not a number of requests per second (0 turns it off)", name, v))
			}
			*dst = f
		}
	}
	perSecond("ECSHIP_PUBLIC_RATE_LIMIT", &c.PublicRateLimit)
	perSecond("ECSHIP_API_RATE_LIMIT", &c.APIRateLimit)
	str("ECSHIP_METRICS_ADDR", &c.MetricsAddr)
	if v := getenv("ECSHIP_WSSE_CREATED_WINDOW"); v != "" {
		d, err := parseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("ECSHIP_WSSE_CREATED_WINDOW: %q is not a duration like 8h5m", v))
		}
		c.WSSECreatedWindow = d
	}
	if v := getenv("ECSHIP_MAILTRACK_MIN_INTERVAL"); v != "" {
		d, err := parseDuration(v)
		if err != nil || d < 0 {
			errs = append(errs, fmt.Errorf("ECSHIP_MAILTRACK_MIN_INTERVAL: %q is not a duration like 100ms (0 turns it off)", v))
		}
		c.MailTrackMinInterval = d
	}
	if v := getenv("ECSHIP_MAILTRACK_DAILY_LIMIT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			errs = append(errs, fmt.Errorf("ECSHIP_MAILTRACK_DAILY_LIMIT: %q is not a whole number", v))
		}
		c.MailTrackDailyLimit = n
	}
	if v := getenv("ECSHIP_TRUSTED_PROXIES"); v != "" {
		for _, s := range strings.Split(v, ",") {
			p, err := parsePrefix(strings.TrimSpace(s))
			if err != nil {
				errs = append(errs, fmt.Errorf("ECSHIP_TRUSTED_PROXIES: %q is not an IP address or CIDR", s))
				continue
			}
			c.TrustedProxies = append(c.TrustedProxies, p)
		}
	}
	if v := getenv("ECSHIP_LOG_LEVEL"); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			errs = append(errs, fmt.Errorf("ECSHIP_LOG_LEVEL: %q is not debug, info, warn or error", v))
		}
	}
	return c, errors.Join(errs...)
}

func parseDuration(s string) (time.Duration, error) {
	if s == "0" {
		return 0, nil
	}
	return time.ParseDuration(s)
}

func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		return netip.ParsePrefix(s)
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// ServeFlags adds the flags of `ecship serve` to fs, writing into c.
func (c *Config) ServeFlags(fs *flag.FlagSet) {
	c.DBFlags(fs)
	fs.StringVar(&c.Addr, "addr", c.Addr, "`HOST:PORT` to listen on (env ECSHIP_ADDR)")
	fs.BoolVar(&c.Demo, "demo", c.Demo, "add demo data at start (env ECSHIP_DEMO)")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", c.MetricsAddr, "`HOST:PORT` of the Prometheus /metrics listener, apart from the public one; off for none (env ECSHIP_METRICS_ADDR)")
}

// DBFlags adds the database flags shared by every command that opens the database.
func (c *Config) DBFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.DB, "db", c.DB, "database `DSN`: sqlite:PATH or postgres://... (env ECSHIP_DB; default SQLite under --data)")
	fs.StringVar(&c.DataDir, "data", c.DataDir, "data `DIR` (env ECSHIP_DATA)")
}

// Finish fills in derived settings and checks everything.
func (c *Config) Finish() error {
	var errs []error
	if c.DB == "" {
		c.DB = "sqlite:" + filepath.Join(c.DataDir, "ecship.db")
	}
	if !strings.HasPrefix(c.DB, "sqlite:") && !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://") {
		errs = append(errs, errors.New("db: must be sqlite:PATH or postgres://USER@HOST/DB"))
	} else if c.DB == "sqlite:" {
		errs = append(errs, errors.New("db: sqlite: needs a file path"))
	}
	if host, port, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("addr: %q is not HOST:PORT", c.Addr))
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		errs = append(errs, fmt.Errorf("addr: port %q is not 0 to 65535", port))
	} else {
		_ = host
	}
	if c.MetricsAddr == "off" {
		c.MetricsAddr = ""
	}
	if c.MetricsAddr != "" {
		if _, port, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			errs = append(errs, fmt.Errorf("metrics-addr: %q is not HOST:PORT (or off)", c.MetricsAddr))
		} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
			errs = append(errs, fmt.Errorf("metrics-addr: port %q is not 0 to 65535", port))
		}
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("ECSHIP_BASE_URL: %q is not an http(s) URL", c.BaseURL))
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.SMTPURL != "" {
		if u, err := url.Parse(c.SMTPURL); err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
			errs = append(errs, errors.New("ECSHIP_SMTP_URL: must look like smtp://user:pass@host:587?from=noreply@example.hk"))
		}
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("log format %q is not text or json", c.LogFormat))
	}
	return errors.Join(errs...)
}

// RedactDSN hides the password of a database DSN.
func RedactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	if _, has := u.User.Password(); u.User != nil && has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// String prints the settings for the start-up log, secrets hidden.
func (c Config) String() string {
	smtp, key := "off (outbox only)", "file in data dir"
	if c.SMTPURL != "" {
		smtp = RedactDSN(c.SMTPURL)
	}
	if c.SecretKey != "" {
		key = "set (hidden)"
	}
	metrics := c.MetricsAddr
	if metrics == "" {
		metrics = "off"
	}
	return fmt.Sprintf("addr=%s metrics_addr=%s base_url=%s db=%s data=%s demo=%v public_rate_limit=%g/s api_rate_limit=%g/s wsse_created_window=%s mailtrack_min_interval=%s mailtrack_daily_limit=%d smtp=%s secret_key=%s log=%s/%s",
		c.Addr, metrics, c.BaseURL, RedactDSN(c.DB), c.DataDir, c.Demo, c.PublicRateLimit, c.APIRateLimit, c.WSSECreatedWindow, c.MailTrackMinInterval, c.MailTrackDailyLimit, smtp, key, c.LogLevel, c.LogFormat)
}

// LogValue makes slog print the redacted form too.
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }
