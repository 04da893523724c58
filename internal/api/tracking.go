package api

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/i18n"
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
	it := items[0]
	if !d.callersItem(r, it) {
		WriteError(w, r, notFound()) // another sender's is not found
		return
	}
	writeJSON(w, http.StatusOK, trackingOf(it))
}

// callersItem reports whether an item is a label of the caller's in the key's mode.
func (d *Deps) callersItem(r *http.Request, it *tracking.Item) bool {
	o := d.owner(r)
	return it != nil && it.OwnerID == o.User.ID && it.Mode == o.Mode
}

// trackingListOut is one item of GET /api/v1/tracking: its tracking, or why there is none.
type trackingListOut struct {
	trackingOut
	Error *errorJSON `json:"error,omitempty"`
}

// listTracking answers several of the caller's items at once: ?item_no=A,B,... (up to 30, the
// Mail Tracking API's number), each in the order asked, an item that is not the caller's with a
// not_found error of its own.
func (d *Deps) listTracking(w http.ResponseWriter, r *http.Request) {
	var nos []string
	for _, v := range r.URL.Query()["item_no"] {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				nos = append(nos, s)
			}
		}
	}
	if len(nos) == 0 || len(nos) > tracking.MaxLookup {
		WriteError(w, r, errs.Field("item_no", "tracking.lookup.count", errs.Args{"max": tracking.MaxLookup}))
		return
	}
	var fe errs.Fields
	for i, raw := range nos {
		n, err := s10.Parse(raw)
		if err != nil {
			e := errs.As(err)
			fe.Add(fmt.Sprintf("item_no[%d]", i), e.Message.Key, e.Message.Args)
			continue
		}
		nos[i] = n.String()
	}
	if err := fe.Err(); err != nil {
		WriteError(w, r, err)
		return
	}
	items, err := d.Tracking.Lookup(r.Context(), nos)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := make([]trackingListOut, len(nos))
	for i, it := range items {
		if !d.callersItem(r, it) {
			out[i] = trackingListOut{trackingOut: trackingOut{ItemNo: nos[i], Events: []trackingEventOut{}},
				Error: &errorJSON{Code: string(errs.NotFound), Message: i18n.T(Lang(r), "error.not_found", nil)}}
			continue
		}
		out[i] = trackingListOut{trackingOut: trackingOf(it)}
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out, "next_cursor": ""})
}

// trackingOf is an item's tracking as the API answers it.
func trackingOf(it *tracking.Item) trackingOut {
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
	return out
}

// MaxEventsPerRequest bounds POST /api/v1/tracking/events.
const MaxEventsPerRequest = 1000

// postTrackingEvents records events: {"events":[{"item_no","code","time","country","office",
// "time_zone"}]}, all checked first and none stored if any is wrong; events already recorded are
// skipped. Operations' live keys record events of any item; a test key records events of its own
// test labels only, so an integrator can play a journey through in test mode. No other key records
// anything: a test key never moves a live label (TRK-10).
func (d *Deps) postTrackingEvents(w http.ResponseWriter, r *http.Request) {
	c := caller(r)
	ops := account.Allows(c.User, account.AdminOnly) && c.Key.Mode == account.Live
	if !ops && c.Key.Mode != account.Test {
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
	if len(fe) == 0 && !ops {
		nos := make([]string, len(events))
		for i, e := range events {
			nos[i] = e.ItemNo
		}
		items, err := d.Tracking.Lookup(r.Context(), nos)
		if err != nil {
			WriteError(w, r, err)
			return
		}
		var notYours errs.Fields
		for i, it := range items {
			if !d.callersItem(r, it) {
				notYours.Add(fmt.Sprintf("events[%d].item_no", i), "tracking.events.not_your_test_item", nil)
			}
		}
		if len(notYours) > 0 { // not found, as anything not the caller's
			WriteError(w, r, &errs.Error{Code: errs.NotFound, Message: errs.Message{Key: "tracking.events.not_your_test_item"}, Fields: notYours})
			return
		}
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
