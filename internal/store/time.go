package store

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// tsLayout is how times go into the database: UTC, fixed width, with an explicit offset, so SQLite
// compares them correctly as text and PostgreSQL reads them into TIMESTAMPTZ unchanged.
const tsLayout = "2006-01-02 15:04:05.000000+00:00"

// ts is a time as stored: use ts(t) for parameters and *ts for scanning.
type ts time.Time

// Value formats the time in UTC at microsecond precision.
func (t ts) Value() (driver.Value, error) {
	return time.Time(t).UTC().Format(tsLayout), nil
}

// Scan reads a time from either database.
func (t *ts) Scan(v any) error {
	switch x := v.(type) {
	case time.Time:
		*t = ts(x.UTC())
		return nil
	case string:
		return t.parse(x)
	case []byte:
		return t.parse(string(x))
	}
	return fmt.Errorf("store: cannot read %T as a time", v)
}

func (t *ts) parse(s string) error {
	for _, layout := range []string{tsLayout, time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05"} {
		if p, err := time.Parse(layout, s); err == nil {
			*t = ts(p.UTC())
			return nil
		}
	}
	return fmt.Errorf("store: cannot read %q as a time", s)
}

// nullTS is a time that may be NULL.
type nullTS struct {
	Time  time.Time
	Valid bool
}

// Scan reads a time or NULL.
func (n *nullTS) Scan(v any) error {
	if v == nil {
		*n = nullTS{}
		return nil
	}
	var t ts
	if err := t.Scan(v); err != nil {
		return err
	}
	*n = nullTS{Time: time.Time(t), Valid: true}
	return nil
}

// ptr returns the time, or nil for NULL.
func (n nullTS) ptr() *time.Time {
	if !n.Valid {
		return nil
	}
	t := n.Time
	return &t
}

// tsOrNil is the parameter form of an optional time.
func tsOrNil(t *time.Time) any {
	if t == nil {
		return nil
	}
	return ts(*t)
}

// parseTS reads a time in tsLayout ("2006-01-02 15:04:05.000000+00:00", always UTC) by hand: a
// tracking look-up reads hundreds; anything else goes through the general parser.
func parseTS(s string) (time.Time, error) {
	if len(s) == len(tsLayout) && s[4] == '-' && s[7] == '-' && s[10] == ' ' && s[13] == ':' && s[16] == ':' && s[19] == '.' && s[26:] == "+00:00" {
		n := func(from, to int) (int, bool) {
			v := 0
			for i := from; i < to; i++ {
				c := s[i]
				if c < '0' || c > '9' {
					return 0, false
				}
				v = v*10 + int(c-'0')
			}
			return v, true
		}
		y, ok1 := n(0, 4)
		mo, ok2 := n(5, 7)
		d, ok3 := n(8, 10)
		h, ok4 := n(11, 13)
		mi, ok5 := n(14, 16)
		se, ok6 := n(17, 19)
		us, ok7 := n(20, 26)
		if ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60 && se < 60 {
			return time.Date(y, time.Month(mo), d, h, mi, se, us*1000, time.UTC), nil
		}
	}
	var t ts
	err := t.parse(s)
	return time.Time(t), err
}
