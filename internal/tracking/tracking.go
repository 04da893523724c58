// Package tracking is where an item has been: UPU EMSEVT-coded events at offices and countries,
// each in its own time zone, with messages in English, Traditional and Simplified Chinese, and the
// milestone they add up to. Events come from counter acceptance, files, the API and the demo; the
// same event twice counts once, and events arriving out of order are put in time order.
package tracking

import (
	"sort"
	"sync"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/catalog"
)

// UPU EMSEVT event codes ecship itself produces.
const (
	Posted    = "EMA" // posting/collection
	Delivered = "EMI" // final delivery
)

// Sources of events.
const (
	FromCounter = "counter" // counter acceptance
	FromImport  = "import"  // ecship events import
	FromAPI     = "api"     // POST /api/v1/tracking/events
	FromDemo    = "demo"
)

// HongKongZone is the time zone of events at Hong Kong offices.
const HongKongZone = "Asia/Hong_Kong"

// Event is one thing that happened to an item somewhere.
type Event struct {
	ID        string
	ItemNo    string
	Code      string    // EMSEVT code
	At        time.Time // when, as an instant; shown in TimeZone
	Country   string    // ISO 3166-1 alpha-2 of the place
	Office    string    // the Hong Kong office's code, "" for places abroad
	TimeZone  string    // IANA zone of the place
	Source    string
	CreatedAt time.Time
}

// Local is the event's time where it happened.
func (e Event) Local() time.Time {
	if loc := Zone(e.TimeZone); loc != nil {
		return e.At.In(loc)
	}
	return e.At.UTC()
}

var zoneCache sync.Map // name -> *time.Location

// Zone is the time zone of that name, read once (time.LoadLocation reads the zone data each
// time); nil for no such zone.
func Zone(name string) *time.Location {
	if loc, ok := zoneCache.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil
	}
	zoneCache.Store(name, loc)
	return loc
}

// PostedAt is the event of an item accepted over an office's counter.
func PostedAt(itemNo string, office *catalog.Office, at time.Time) Event {
	return Event{ID: account.NewID("evt"), ItemNo: itemNo, Code: Posted, At: at, Country: "HK", Office: office.Code,
		TimeZone: HongKongZone, Source: FromCounter, CreatedAt: at}
}

// Item is what is known of an item number: its label, when ecship has it, and its events.
type Item struct {
	ItemNo       string
	OwnerID      string       // the sender; "" for items ecship has only events of
	Mode         account.Mode // the label's mode
	Destination  string       // ISO code; "" when unknown
	PostedAt     *time.Time
	PostedOffice string
	Events       []Event // in time order
}

// Known reports whether ecship knows the item at all.
func (it *Item) Known() bool { return it.OwnerID != "" || len(it.Events) > 0 }

// Sort puts events in time order; events at the same instant go in the order of the journey
// (their milestone's progress), so a delivery never shows before the attempt it followed.
func Sort(events []Event) {
	sort.SliceStable(events, func(i, j int) bool {
		a, b := events[i], events[j]
		if !a.At.Equal(b.At) {
			return a.At.Before(b.At)
		}
		return progress(a.Code) < progress(b.Code)
	})
}

// Milestone is where the item's journey stands: the milestone of its latest event, "" when it
// has none.
func (it *Item) Milestone() string {
	if len(it.Events) == 0 {
		return ""
	}
	return codes[it.Events[len(it.Events)-1].Code].milestone
}

// Posting is when and where the item was posted: the label's counter acceptance, or else its
// first posting event.
func (it *Item) Posting() (at *time.Time, office string) {
	if it.PostedAt != nil {
		return it.PostedAt, it.PostedOffice
	}
	for _, e := range it.Events {
		if e.Code == Posted {
			t := e.At
			return &t, e.Office
		}
	}
	return nil, ""
}

// TrackingMonths is how long after posting an item can be tracked (TRK-9).
const TrackingMonths = 6

// TrackingOver reports whether the item was posted (or first seen) more than TrackingMonths
// calendar months before now, in Hong Kong.
func (it *Item) TrackingOver(now time.Time) bool {
	limit := now.In(catalog.HongKong).AddDate(0, -TrackingMonths, 0)
	if at, _ := it.Posting(); at != nil {
		return at.Before(limit)
	}
	return len(it.Events) > 0 && it.Events[0].At.Before(limit)
}
