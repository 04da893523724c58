package web

import (
	"context"

	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/shipment"
)

// dashView is a signed-in sender's start at a glance: what waits for them, what they bought this
// month by service and by destination (bars with their figures in a table, readable without
// script or sight of the bars), and their items most recently on their way.
type dashView struct {
	S             *shipment.Stats
	Month         string
	ByService     []barRow
	ByDestination []barRow
	Recent        []*shipment.Shipment
}

// barRow is one row of a chart: its name, figures and the bar's length (0 to 100).
type barRow struct {
	Name  string
	Items int
	Spent money.Cents
	Bar   int
}

// dashboard gathers a sender's dashboard.
func (p *Portal) dashboard(ctx context.Context, l i18n.Lang, o shipment.Owner) (*dashView, error) {
	st, err := p.Shipments.Stats(ctx, o)
	if err != nil {
		return nil, err
	}
	recent, _, err := p.Shipments.List(ctx, o, shipment.Filter{Statuses: []shipment.Status{shipment.Posted, shipment.InTransit, shipment.Delivered}, Limit: 5})
	if err != nil {
		return nil, err
	}
	v := &dashView{S: st, Month: st.Since.Format("2006-01"), Recent: recent}
	v.ByService = bars(st.ByService, func(code string) string {
		if s, ok := p.Catalog.Service(code); ok {
			return s.Names.In(l)
		}
		return code
	})
	v.ByDestination = bars(st.ByDestination, func(code string) string {
		if d, ok := p.Catalog.Destination(code); ok {
			return d.Names.In(l)
		}
		return code
	})
	return v, nil
}

// bars scales tallies to bars, the largest spend the full length.
func bars(list []shipment.Tally, name func(string) string) []barRow {
	var most money.Cents
	for _, t := range list {
		most = max(most, t.Spent)
	}
	out := make([]barRow, len(list))
	for i, t := range list {
		out[i] = barRow{Name: name(t.Key), Items: t.Items, Spent: t.Spent}
		if most > 0 {
			out[i].Bar = max(1, int(t.Spent*100/most))
		}
	}
	return out
}
