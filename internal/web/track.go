package web

import (
	"context"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/s10"
	"github.com/ecship/ecship/internal/tracking"
)

// The public tracking page shows where items are and nothing about who sent them or to whom: the
// item number, its destination country, where and when it was posted, its milestone and events.

// journey is the usual way of an item; the other milestones (customs, an unsuccessful delivery,
// a return) are detours, shown apart from the steps.
var journey = map[string]bool{"posted": true, "left_hk": true, "arrived": true, "out_for_delivery": true, "delivered": true}

type trackPage struct {
	page
	Items   string // as typed
	Error   string // about the whole list: too many, none
	Results []*trackResult
	Max     int
}

// DescribedBy lists the ids of the messages about the typed list: the hint, its error and each
// bad number's error.
func (pg *trackPage) DescribedBy() string {
	ids := []string{"items-hint"}
	if pg.Error != "" {
		ids = append(ids, "items-error")
	}
	for _, r := range pg.Results {
		if r.Error != "" {
			ids = append(ids, r.ID+"-error")
		}
	}
	return strings.Join(ids, " ")
}

// Invalid reports whether anything typed is wrong.
func (pg *trackPage) Invalid() bool {
	if pg.Error != "" {
		return true
	}
	for _, r := range pg.Results {
		if r.Error != "" {
			return true
		}
	}
	return false
}

// trackResult is one typed number: a problem with it, no news of it, or its timeline.
type trackResult struct {
	ID       string // for the page's ids
	Typed    string
	Error    string // a badly formed number
	Unknown  bool
	Timeline *timelineView
}

// timelineView is an item's journey as the timeline template shows it, in one language.
type timelineView struct {
	lang          i18n.Lang
	ItemNo        string
	Milestone     string // code; "" when nothing happened yet
	MilestoneName string
	Detour        bool // customs, unsuccessful delivery, returned
	Steps         []stepView
	Destination   string        // the country's name; "" when unknown
	Posted        template.HTML // "Posted at <office> on <date>"
	Events        []eventView   // newest first
}

// T translates a key for the timeline.
func (v *timelineView) T(key string, args ...any) string {
	pg := page{Lang: v.lang}
	return pg.T(key, args...)
}

type stepView struct {
	Name    string
	Done    bool
	Current bool
	Detour  bool
}

type eventView struct {
	ISO     string // for the datetime attribute, with the place's offset
	When    string // the place's local date and time
	Zone    string // "(Tokyo time, UTC+9)"
	Place   string
	Message string
	Detour  bool
}

// splitItems reads a typed list: one number a line, or separated by spaces or commas (a Chinese
// keyboard's full-width comma too). The same number twice counts once.
func splitItems(s string) []string {
	fields := strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == ',' || r == '，' || r == ';' || r == '；' || r == '、'
	})
	seen := map[string]bool{}
	var out []string
	for _, f := range fields {
		k := strings.ToUpper(f)
		if !seen[k] {
			seen[k] = true
			out = append(out, f)
		}
	}
	return out
}

// track looks up to 30 items for anyone: GET /track?items=EE123456785HK,RR123456785HK.
func (p *Portal) track(w http.ResponseWriter, r *http.Request) {
	pg := &trackPage{page: p.page(w, r, "track.title"), Max: tracking.MaxLookup}
	q := r.URL.Query()
	pg.Items = q.Get("items")
	if !q.Has("items") {
		p.render(w, r, http.StatusOK, "track", pg)
		return
	}
	typed := splitItems(pg.Items)
	switch {
	case len(typed) == 0:
		pg.Error = pg.T("track.items.required")
	case len(typed) > tracking.MaxLookup:
		pg.Error = pg.T("track.items.too_many", "max", tracking.MaxLookup, "count", len(typed))
	}
	if pg.Error != "" {
		p.render(w, r, http.StatusBadRequest, "track", pg)
		return
	}
	var nos []string
	seen := map[string]bool{}
	for _, t := range typed {
		res := &trackResult{ID: fmt.Sprintf("item-%d", len(pg.Results)+1), Typed: t}
		n, err := s10.Parse(t)
		if err != nil {
			e := errs.As(err)
			res.Error = i18n.T(pg.Lang, e.Message.Key, e.Message.Args)
		} else if res.Typed = n.String(); seen[res.Typed] {
			continue // the same number written another way
		} else {
			seen[res.Typed] = true
			nos = append(nos, res.Typed)
		}
		pg.Results = append(pg.Results, res)
	}
	items := map[string]*tracking.Item{}
	if len(nos) > 0 {
		list, err := p.Tracking.Lookup(r.Context(), nos)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		for _, it := range list {
			items[it.ItemNo] = it
		}
	}
	for _, res := range pg.Results {
		if res.Error != "" {
			continue
		}
		it := items[res.Typed]
		// Test-mode labels are for integrators' tests: the public sees live items only. A label
		// not yet posted has no news either, nor one posted more than six months ago (TRK-9).
		if it == nil || !it.Known() || it.Mode == account.Test || (len(it.Events) == 0 && it.PostedAt == nil) || it.TrackingOver(p.Now()) {
			res.Unknown = true
			continue
		}
		at, office := it.Posting()
		res.Timeline = p.timeline(pg.Lang, it, at, office)
	}
	// A mistyped number is an answer about that item, as an unknown one is: the look-up itself
	// went well.
	p.render(w, r, http.StatusOK, "track", pg)
}

// labelTimeline is the tracking history of one of the sender's posted labels; nil before posting.
func (p *Portal) labelTimeline(ctx context.Context, l i18n.Lang, ownerID, itemNo string, postedAt *time.Time, office string) (*timelineView, error) {
	if itemNo == "" || postedAt == nil {
		return nil, nil
	}
	list, err := p.Tracking.Lookup(ctx, []string{itemNo})
	if err != nil {
		return nil, err
	}
	it := list[0]
	if it.OwnerID != ownerID { // the label's own record answers; anything else is not this sender's
		it = &tracking.Item{ItemNo: itemNo}
	}
	return p.timeline(l, it, postedAt, office), nil
}

// timeline turns an item's events into what the timeline template shows.
func (p *Portal) timeline(l i18n.Lang, it *tracking.Item, postedAt *time.Time, office string) *timelineView {
	v := &timelineView{lang: l, ItemNo: it.ItemNo, Milestone: it.Milestone()}
	if v.Milestone == "" && postedAt != nil {
		v.Milestone = "posted"
	}
	if v.Milestone != "" {
		v.MilestoneName = tracking.MilestoneNames(v.Milestone).In(l)
		v.Detour = !journey[v.Milestone]
	}
	if it.Destination != "" {
		v.Destination = p.placeName(l, it.Destination, "")
	}
	if postedAt != nil {
		v.Posted = p.postedLine(l, *postedAt, office)
	}
	// An item within Hong Kong never leaves it: its journey has no departure and no arrival.
	local := it.Destination == "HK"
	var steps []string
	for _, m := range tracking.Milestones {
		if journey[m] && !(local && (m == "left_hk" || m == "arrived")) {
			steps = append(steps, m)
		}
	}
	// On the way, the steps before the milestone are done. On a detour, the steps up to the
	// furthest any event reached are, and the detour comes after them.
	reached := -1
	for i, m := range steps {
		if m == v.Milestone {
			reached = i - 1
		}
	}
	if v.Detour {
		for _, e := range it.Events {
			for i, m := range steps {
				if m == tracking.MilestoneOf(e.Code) && i > reached {
					reached = i
				}
			}
		}
		if reached < 0 {
			v.Steps = append(v.Steps, stepView{Name: v.MilestoneName, Current: true, Detour: true})
		}
	}
	for i, m := range steps {
		v.Steps = append(v.Steps, stepView{Name: tracking.MilestoneNames(m).In(l), Done: i <= reached, Current: m == v.Milestone})
		if v.Detour && i == reached {
			v.Steps = append(v.Steps, stepView{Name: v.MilestoneName, Current: true, Detour: true})
		}
	}
	for i := len(it.Events) - 1; i >= 0; i-- {
		e := it.Events[i]
		local := e.Local()
		v.Events = append(v.Events, eventView{ISO: local.Format(time.RFC3339), When: dateTime(l, local), Zone: zoneText(l, e, p.placeName(l, e.Country, "")),
			Place: p.placeName(l, e.Country, e.Office), Message: tracking.Message(e.Code).In(l), Detour: !journey[tracking.MilestoneOf(e.Code)]})
	}
	return v
}

// placeName is the Hong Kong office's name, or else the country's, in the page's language.
func (p *Portal) placeName(l i18n.Lang, country, office string) string {
	if office != "" {
		if o, ok := p.Catalog.Office(office); ok {
			return o.Names.In(l)
		}
		return office
	}
	if d, ok := p.Catalog.Destination(country); ok {
		return d.Names.In(l)
	}
	return country
}

// postedLine is "Posted at <office> on <date>", the date in a time element.
func (p *Portal) postedLine(l i18n.Lang, at time.Time, office string) template.HTML {
	hk := at.In(catalog.HongKong)
	name := p.placeName(l, "HK", office)
	key := "track.posted_at"
	if office == "" {
		key = "track.posted_on"
	}
	// Translate around markers, escape the message, then put the escaped parts in.
	s := html.EscapeString(i18n.T(l, key, map[string]any{"office": "\x00o\x00", "date": "\x00d\x00"}))
	s = strings.Replace(s, "\x00o\x00", html.EscapeString(name), 1)
	s = strings.Replace(s, "\x00d\x00", `<time datetime="`+hk.Format(time.RFC3339)+`">`+html.EscapeString(dateOnly(l, hk))+`</time>`, 1)
	return template.HTML(s)
}

// dateOnly writes a date with its year: "25 Nov 2026"; in Chinese the portal's "11月25日（三）"
// with the year before it.
func dateOnly(l i18n.Lang, t time.Time) string {
	if l == i18n.English {
		return t.Format("2 Jan 2006")
	}
	return fmt.Sprintf("%d年%s", t.Year(), i18n.Date(l, t))
}

// dateTime is dateOnly with the time of day.
func dateTime(l i18n.Lang, t time.Time) string {
	return dateOnly(l, t) + " " + t.Format("15:04")
}

// zoneText says whose clock an event's time is on: "(Tokyo time, UTC+9)" in English, after the
// zone's city; "（日本時間，UTC+9）" in Chinese, after the country, as the zones' cities have no
// Chinese names here.
func zoneText(l i18n.Lang, e tracking.Event, country string) string {
	_, off := e.Local().Zone()
	offset := utcOffset(off)
	place := country
	if l == i18n.English {
		place = zoneCity(e.TimeZone)
	}
	if place == "" {
		return i18n.T(l, "track.zone.utc", map[string]any{"offset": offset})
	}
	return i18n.T(l, "track.zone", map[string]any{"place": place, "offset": offset})
}

// zoneCity is the city an IANA zone is named after: "Asia/Tokyo" is Tokyo; "" for UTC and the
// Etc zones.
func zoneCity(zone string) string {
	if !strings.Contains(zone, "/") || strings.HasPrefix(zone, "Etc/") {
		return ""
	}
	return strings.ReplaceAll(zone[strings.LastIndexByte(zone, '/')+1:], "_", " ")
}

// utcOffset writes an offset in seconds as "+9", "+5:30", "-3" or "" for UTC itself.
func utcOffset(sec int) string {
	if sec == 0 {
		return ""
	}
	sign := "+"
	if sec < 0 {
		sign, sec = "-", -sec
	}
	h, m := sec/3600, sec%3600/60
	if m != 0 {
		return fmt.Sprintf("%s%d:%02d", sign, h, m)
	}
	return fmt.Sprintf("%s%d", sign, h)
}
