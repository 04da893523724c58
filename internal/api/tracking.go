package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/s10"
	"github.com/ecship/ecship/internal/tracking"
)

type trackingEventOut struct {
	Code     string        `json:"code"`
	Time     string        `json:"time"` // local to the place, with its offset
	Country  string        `json:"country"`
	Office   string        `json:"office,omitempty"`
	TimeZone string        `json:"time_zone"`
	Message  catalog.Names `json:"message"`
}

type trackingOut struct {
	ItemNo         string             `json:"item_no"`
	Milestone      string             `json:"milestone"`
	MilestoneNames *catalog.Names     `json:"milestone_names,omitempty"`
	Destination    string             `json:"destination,omitempty"`
	PostedAt       string             `json:"posted_at,omitempty"`
	PostedOffice   string             `json:"posted_office,omitempty"`
	Events         []trackingEventOut `json:"events"`
}

// getTracking answers the full history of one of the caller's items.
func (d *Deps) getTracking(w http.ResponseWriter, r *http.Request) {
	n, err := s10.Parse(r.PathValue("itemNo"))
	if err != nil {
		e := errs.As(err)
		WriteError(w, r, errs.Field("itemNo", e.Message.Key, e.Message.Args))
		return
	}
	items, err := d.Tracking.Lookup(r.Context(), []string{n.String()})
	if err != nil {
		WriteError(w, r, err)
		return
	}
	it, o := items[0], d.owner(r)
	if it.OwnerID != o.User.ID || it.Mode != o.Mode {
		WriteError(w, r, errs.New(errs.NotFound, "error.not_found", nil)) // another sender's is not found
		return
	}
	out := trackingOut{ItemNo: it.ItemNo, Milestone: it.Milestone(), Destination: it.Destination, Events: []trackingEventOut{}}
	if out.Milestone != "" {
		names := tracking.MilestoneNames(out.Milestone)
		out.MilestoneNames = &names
	}
	if at, office := it.Posting(); at != nil {
		out.PostedAt, out.PostedOffice = at.In(catalog.HongKong).Format(time.RFC3339), office
	}
	for _, e := range it.Events {
		out.Events = append(out.Events, trackingEventOut{Code: e.Code, Time: e.Local().Format(time.RFC3339), Country: e.Country, Office: e.Office,
			TimeZone: e.TimeZone, Message: tracking.Message(e.Code)})
	}
	writeJSON(w, http.StatusOK, out)
}

// MaxEventsPerRequest bounds POST /api/v1/tracking/events.
const MaxEventsPerRequest = 1000

// postTrackingEvents records events from operations: {"events":[{"item_no","code","time","country",
// "office","time_zone"}]}, all checked first and none stored if any is wrong; events already
// recorded are skipped.
func (d *Deps) postTrackingEvents(w http.ResponseWriter, r *http.Request) {
	// Operations' live keys only: events are about real items, and a test key must not move
	// a live label (TRK-10).
	if c := caller(r); !account.Allows(c.User, account.AdminOnly) || c.Key.Mode != account.Live {
		WriteError(w, r, errs.New(errs.Forbidden, "tracking.events.live_ops_only", nil))
		return
	}
	var in struct {
		Events []tracking.Input `json:"events"`
	}
	if err := decode(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	if len(in.Events) == 0 || len(in.Events) > MaxEventsPerRequest {
		WriteError(w, r, errs.Field("events", "tracking.events.count", errs.Args{"max": MaxEventsPerRequest}))
		return
	}
	var fe errs.Fields
	events := make([]tracking.Event, 0, len(in.Events))
	for i, x := range in.Events {
		e, bad := d.Tracking.Check(x, tracking.FromAPI)
		for _, f := range bad {
			fe.Add(fmt.Sprintf("events[%d].%s", i, f.Field), f.Key, f.Args)
		}
		events = append(events, e)
	}
	if len(fe) > 0 {
		WriteError(w, r, fe.Err())
		return
	}
	added, err := d.Tracking.Record(r.Context(), events)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"received": len(events), "added": added})
}
