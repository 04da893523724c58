package config

import (
	"flag"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) Getenv { return func(k string) string { return m[k] } }

func TestFlagsOverrideEnvOverrideDefaults(t *testing.T) {
	c, err := FromEnv(env(map[string]string{"ECSHIP_ADDR": "0.0.0.0:9000", "ECSHIP_DATA": "/srv/ecship", "ECSHIP_PUBLIC_RATE_LIMIT": "0", "ECSHIP_MAILTRACK_MIN_INTERVAL": "0"}))
	if err != nil {
		t.Fatal(err)
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.ServeFlags(fs)
	if err := fs.Parse([]string{"--addr", "127.0.0.1:7000"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Finish(); err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:7000" || c.DB != "sqlite:/srv/ecship/ecship.db" || c.PublicRateLimit != 0 || c.MailTrackMinInterval != 0 {
		t.Errorf("config %+v", c)
	}
	d := Defaults()
	if d.MailTrackMinInterval != 100*time.Millisecond || d.MailTrackDailyLimit != 100000 || d.Addr != "127.0.0.1:8080" {
		t.Errorf("defaults %+v", d)
	}
}

func TestBadSettingsAreNamed(t *testing.T) {
	_, err := FromEnv(env(map[string]string{"ECSHIP_PUBLIC_RATE_LIMIT": "fast", "ECSHIP_MAILTRACK_MIN_INTERVAL": "soon", "ECSHIP_TRUSTED_PROXIES": "10.0.0.0/8,nope"}))
	for _, name := range []string{"ECSHIP_PUBLIC_RATE_LIMIT", "ECSHIP_MAILTRACK_MIN_INTERVAL", "ECSHIP_TRUSTED_PROXIES"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("error %v does not name %s", err, name)
		}
	}
	c := Defaults()
	c.Addr, c.DB = "localhost", "mysql://x"
	err = c.Finish()
	for _, name := range []string{"addr", "db"} {
		if err == nil || !strings.Contains(err.Error(), name+":") {
			t.Errorf("error %v does not name %s", err, name)
		}
	}
}

func TestSecretsRedacted(t *testing.T) {
	c := Defaults()
	c.DB = "postgres://ecship:s3cret@db.internal:5432/ecship?sslmode=require"
	if s := c.String(); strings.Contains(s, "s3cret") || !strings.Contains(s, "ecship:xxxxx@db.internal") {
		t.Errorf("String() = %s", s)
	}
	c.SMTPURL, c.SecretKey = "smtp://mailer:mailpass@smtp.example.hk:587", "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI="
	if s := c.String(); strings.Contains(s, "mailpass") || strings.Contains(s, c.SecretKey) {
		t.Errorf("String() shows SMTP password or secret key: %s", s)
	}
	if s := RedactDSN("postgres://db/x?password=hunter2"); strings.Contains(s, "hunter2") {
		t.Errorf("query password shown: %s", s)
	}
}
