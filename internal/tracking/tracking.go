// Package tracking is where an item has been: UPU EMSEVT-coded events at offices and countries,
// each in its own time zone.
package tracking

import (
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/catalog"
)

// UPU EMSEVT event codes.
const (
	Posted = "EMA" // posting/collection
)

// Sources of events.
const (
	FromCounter = "counter" // counter acceptance
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

// PostedAt is the event of an item accepted over an office's counter.
func PostedAt(itemNo string, office *catalog.Office, at time.Time) Event {
	return Event{ID: account.NewID("evt"), ItemNo: itemNo, Code: Posted, At: at, Country: "HK", Office: office.Code,
		TimeZone: HongKongZone, Source: FromCounter, CreatedAt: at}
}
