package tracking

import (
	"context"
	"strings"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/s10"
)

// Store is what tracking needs from the database (implemented by internal/store).
type Store interface {
	// TrackedItems returns what is known of each item number asked (unknown ones too, empty),
	// events in time order.
	TrackedItems(ctx context.Context, itemNos []string) (map[string]*Item, error)
	// AddEvents stores events, each once: it answers how many were new and, by item, the code
	// of its latest event (in time order, as Sort puts them).
	AddEvents(ctx context.Context, events []Event) (int, map[string]string, error)
	// FollowMilestone moves a posted label along as its events say, never back: in transit,
	// then delivered or returned.
	FollowMilestone(ctx context.Context, itemNo, status string, now time.Time) error
}

// Service records and looks up events.
type Service struct {
	Store   Store
	Catalog *catalog.Catalog
	Now     func() time.Time
}

// Input is an event as a file or the API gives it: the time is local to the place ("2026-11-23
// 14:05" or "2026-11-23T14:05:00") in its time zone, or an RFC 3339 time with its offset.
type Input struct {
	ItemNo   string `json:"item_no"`
	Code     string `json:"code"`
	Time     string `json:"time"`
	Country  string `json:"country"`
	Office   string `json:"office"`
	TimeZone string `json:"time_zone"`
}

// MaxAhead is how far in the future an event may be dated (clocks differ a little; a wrong year
// does not pass).
const MaxAhead = 24 * time.Hour

var localLayouts = []string{"2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02T15:04:05"}

// Check turns an input into an event or says, field by field, what is wrong with it.
func (s *Service) Check(in Input, source string) (Event, errs.Fields) {
	var fe errs.Fields
	e := Event{ID: account.NewID("evt"), Code: strings.ToUpper(strings.TrimSpace(in.Code)), Country: strings.ToUpper(strings.TrimSpace(in.Country)),
		Office: strings.ToUpper(strings.TrimSpace(in.Office)), TimeZone: strings.TrimSpace(in.TimeZone), Source: source, CreatedAt: s.Now()}
	if n, err := s10.Parse(in.ItemNo); err != nil {
		fe.Add("item_no", errs.As(err).Message.Key, errs.As(err).Message.Args)
	} else {
		e.ItemNo = n.String()
	}
	if !KnownCode(e.Code) {
		fe.Add("code", "tracking.code.unknown", errs.Args{"value": e.Code})
	}
	if e.Office != "" {
		if _, ok := s.Catalog.Office(e.Office); !ok {
			fe.Add("office", "counter.office.unknown", errs.Args{"value": e.Office})
		} else if e.Country == "" {
			e.Country = "HK"
		}
	}
	if d, ok := s.Catalog.Destination(e.Country); !ok || len(e.Country) != 2 {
		fe.Add("country", "tracking.country.unknown", errs.Args{"value": e.Country})
	} else {
		e.Country = d.Code
		if e.Office != "" && d.Code != "HK" {
			fe.Add("office", "tracking.office.not_hk", nil)
		}
	}
	given := e.TimeZone != ""
	if !given {
		e.TimeZone = ZoneOf(e.Country)
	}
	loc := Zone(e.TimeZone)
	if e.TimeZone == "" || e.TimeZone == "Local" || loc == nil {
		fe.Add("time_zone", "tracking.zone.unknown", errs.Args{"value": e.TimeZone})
		loc = time.UTC
	}
	v := strings.TrimSpace(in.Time)
	at, withOffset, ok := parseTime(v, loc)
	now := s.Now()
	switch {
	case !ok:
		fe.Add("time", "tracking.time.format", nil)
	case !given && !withOffset && SeveralZones(e.Country):
		// A local time in the United States, Canada, Australia... could be hours off.
		fe.Add("time_zone", "tracking.zone.required", errs.Args{"country": e.Country})
	case at.After(now.Add(MaxAhead)):
		fe.Add("time", "tracking.time.future", nil)
	case at.Before(now.Add(-MaxAge)):
		fe.Add("time", "tracking.time.too_old", nil)
	default:
		e.At = at
	}
	return e, fe
}

// MaxAge is how old an event may be: tracking covers months, not years (a mistyped year does not
// pass).
const MaxAge = 366 * 24 * time.Hour

// parseTime reads a time with its offset (RFC 3339) or local to loc; withOffset says which.
func parseTime(v string, loc *time.Location) (t time.Time, withOffset, ok bool) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, true, true
	}
	for _, l := range localLayouts {
		if t, err := time.ParseInLocation(l, v, loc); err == nil {
			return t, false, true
		}
	}
	return time.Time{}, false, false
}

// Record stores checked events (each once) and moves the labels they are about along. It answers
// how many events were new.
func (s *Service) Record(ctx context.Context, events []Event) (int, error) {
	added, latest, err := s.Store.AddEvents(ctx, events)
	if err != nil {
		return 0, err
	}
	for itemNo, code := range latest {
		// Items without a posted label are left alone by FollowMilestone.
		if st := labelStatus(MilestoneOf(code)); st != "" {
			if err := s.Store.FollowMilestone(ctx, itemNo, st, s.Now()); err != nil {
				return added, err
			}
		}
	}
	return added, nil
}

// labelStatus is the label state a milestone puts a posted label in ("" leaves it).
func labelStatus(milestone string) string {
	switch milestone {
	case "", "posted":
		return ""
	case "delivered":
		return "delivered"
	case "returned":
		return "returned"
	}
	return "in_transit"
}

// MaxLookup is how many items one look-up takes (TRK-1: 30 a request).
const MaxLookup = 30

// Lookup answers what is known of each item number, in the order asked. Item numbers are taken as
// they are: the caller checks their format.
func (s *Service) Lookup(ctx context.Context, itemNos []string) ([]*Item, error) {
	found, err := s.Store.TrackedItems(ctx, itemNos)
	if err != nil {
		return nil, err
	}
	out := make([]*Item, len(itemNos))
	for i, no := range itemNos {
		if it := found[no]; it != nil {
			out[i] = it
		} else {
			out[i] = &Item{ItemNo: no}
		}
	}
	return out, nil
}
