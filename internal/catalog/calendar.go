package catalog

import "time"

// HongKong is the time zone ecship reasons in.
var HongKong = mustZone("Asia/Hong_Kong")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// Hong Kong has had no daylight saving since 1979: a fixed zone is exact for every date we use.
		return time.FixedZone("HKT", 8*3600)
	}
	return loc
}

// WeatherDay is a day on which Black Rainstorm Warning or Typhoon Signal No. 8 or above was hoisted;
// it is not a working day for delivery standards (rule SVC-7).
type WeatherDay struct {
	Date   string // "2006-01-02", Hong Kong
	Signal string // "T8", "T9", "T10", "BLACK"
	Note   string
}

// Calendar tells Hong Kong working days: not Sundays, not general holidays, not weather days.
// It is immutable; the catalogue swaps in a new one when weather days change.
type Calendar struct {
	holidays map[string]Names
	weather  map[string]WeatherDay
	// closed caches every day of [first, first+len) for fast look-ups on the quote path.
	first  int
	closed []bool
}

const calendarFirst, calendarLast = 2020, 2040

func newCalendar(holidays map[string]Names, weather []WeatherDay) *Calendar {
	c := &Calendar{holidays: holidays, weather: make(map[string]WeatherDay, len(weather))}
	for _, w := range weather {
		c.weather[w.Date] = w
	}
	start := time.Date(calendarFirst, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(calendarLast+1, 1, 1, 0, 0, 0, 0, time.UTC)
	c.first = dayNumber(start)
	c.closed = make([]bool, dayNumber(end)-c.first)
	for d := start; d.Before(end); d = d.AddDate(0, 0, 1) {
		c.closed[dayNumber(d)-c.first] = c.closedSlow(d)
	}
	return c
}

// dayNumber counts civil days since 1970-01-01 for a date whose Y-M-D are what matter.
func dayNumber(t time.Time) int {
	return int(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func (c *Calendar) closedSlow(d time.Time) bool {
	if d.Weekday() == time.Sunday {
		return true
	}
	key := d.Format(time.DateOnly)
	if _, ok := c.holidays[key]; ok {
		return true
	}
	_, ok := c.weather[key]
	return ok
}

// Working reports whether a date (its year, month and day) is a working day.
func (c *Calendar) Working(d time.Time) bool {
	if i := dayNumber(d) - c.first; i >= 0 && i < len(c.closed) {
		return !c.closed[i]
	}
	return !c.closedSlow(d)
}

// Holiday returns the general holiday on a date, if any.
func (c *Calendar) Holiday(d time.Time) (Names, bool) {
	n, ok := c.holidays[d.Format(time.DateOnly)]
	return n, ok
}

// Weather returns the weather day on a date, if any.
func (c *Calendar) Weather(d time.Time) (WeatherDay, bool) {
	w, ok := c.weather[d.Format(time.DateOnly)]
	return w, ok
}

// PostingDay is the first working day on or after the date of t in Hong Kong: an item handed in on a
// Sunday or holiday counts as posted on the next working day.
func (c *Calendar) PostingDay(t time.Time) time.Time {
	t = t.In(HongKong)
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, HongKong)
	for !c.Working(d) {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// AddWorkingDays returns the date n working days after d.
func (c *Calendar) AddWorkingDays(d time.Time, n int) time.Time {
	start := dayNumber(d)
	day := start
	for n > 0 {
		day++
		if i := day - c.first; i >= 0 && i < len(c.closed) {
			if !c.closed[i] {
				n--
			}
		} else if c.Working(d.AddDate(0, 0, day-start)) {
			n--
		}
	}
	return d.AddDate(0, 0, day-start)
}
