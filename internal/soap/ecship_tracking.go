package soap

import (
	"context"
	"strconv"
	"strings"

	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/tracking"
)

// ttStatuses are getMTTInfo's codes by milestone, as clients of the real service read them: 0
// posted, 2 and 13 in transit, 3 departed, 4 customs, 5 delivered, 1 and 6 to 10 exceptions.
var ttStatuses = map[string]string{
	"posted": "0", "left_hk": "3", "arrived": "2", "out_for_delivery": "13", "customs": "4",
	"delivered": "5", "unsuccessful": "6", "returned": "7",
}

// trackedItem looks up one of the sender's items in the credential's mode; another sender's, an
// unknown one and one with no event yet are not found.
func (e *ECShip) trackedItem(ctx context.Context, c *ecCall) (*tracking.Item, ecReply, bool) {
	raw := c.get("itemNo")
	if raw == "" {
		return nil, fieldErr("itemNo", "soap.ecship.required", nil), false
	}
	no, ok := itemNumber(raw)
	if !ok {
		return nil, fieldErr("itemNo", "soap.ecship.item_no", errs.Args{"value": raw}), false
	}
	found, err := e.Tracking.Lookup(ctx, []string{no})
	if err != nil {
		return nil, replyErr(err, orderField), false
	}
	if len(found) == 0 || found[0] == nil || found[0].OwnerID != c.owner.User.ID || found[0].Mode != c.owner.Mode {
		return nil, ecReply{status: ecNotFound}, false
	}
	if len(found[0].Events) == 0 {
		return nil, ecReply{status: ecNotFound, msg: "No tracking information yet: the item has not been posted"}, false
	}
	return found[0], ecReply{}, true
}

// getMTTInfo answers an item's latest state as a code and when it was reached.
func (e *ECShip) getMTTInfo(ctx context.Context, c *ecCall) ecReply {
	it, rep, ok := e.trackedItem(ctx, c)
	if !ok {
		return rep
	}
	rep = okReply("Success")
	last := it.Events[len(it.Events)-1]
	rep.values["ttStatus"] = ttStatuses[it.Milestone()]
	rep.values["trackingDate"] = last.Local().Format("2006-01-02 15:04")
	return rep
}

// getTTInfo answers an item's events, oldest first, in English (E), Traditional (C) or
// Simplified Chinese (S): each numbered, with its local time and what happened where.
func (e *ECShip) getTTInfo(ctx context.Context, c *ecCall) ecReply {
	lang := strings.ToUpper(c.get("language"))
	switch lang {
	case "":
		lang = "E"
	case "E", "C", "S":
	default:
		return fieldErr("language", "soap.ecship.language", errs.Args{"value": lang})
	}
	it, rep, ok := e.trackedItem(ctx, c)
	if !ok {
		return rep
	}
	rep = okReply("Success")
	rep.values["itemNo"] = it.ItemNo
	in := func(n catalog.Names) string {
		switch lang {
		case "C":
			return n.ZhHant
		case "S":
			return n.ZhHans
		}
		return n.En
	}
	for i, ev := range it.Events {
		place := ev.Country
		if d, ok := e.Catalog.Destination(ev.Country); ok {
			place = in(d.Names)
		}
		if ev.Office != "" {
			if o, ok := e.Catalog.Office(ev.Office); ok {
				place = in(o.Names) + ", " + place
			}
		}
		rep.tracking = append(rep.tracking, trackingRow{no: strconv.Itoa(i + 1), date: ev.Local().Format("2006-01-02 15:04"),
			detail: in(tracking.Message(ev.Code)) + " (" + place + ")"})
	}
	return rep
}
