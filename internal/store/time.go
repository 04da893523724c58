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
