package api

import (
	"net/http"

	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/i18n"
)

type namesJSON struct {
	En     string `json:"en"`
	ZhHant string `json:"zh-Hant"`
	ZhHans string `json:"zh-Hans"`
}

func names(n catalog.Names) namesJSON { return namesJSON{En: n.En, ZhHant: n.ZhHant, ZhHans: n.ZhHans} }

type serviceJSON struct {
	Code         string         `json:"code"`
	Aliases      []string       `json:"aliases,omitempty"`
	Name         string         `json:"name"`
	Names        namesJSON      `json:"names"`
	Group        catalog.Group  `json:"group"`
	Quotable     bool           `json:"quotable"`
	Air          bool           `json:"air,omitempty"`
	Destinations any            `json:"destinations,omitempty"` // "all" or a list of ISO codes
	Formats      []formatJSON   `json:"formats,omitempty"`
	Insurance    *insuranceRule `json:"insurance,omitempty"`
	Delivery     *deliveryStd   `json:"delivery_standard,omitempty"`
	Latest       *latestPosting `json:"latest_posting,omitempty"`
}

type formatJSON struct {
	Code             string `json:"code"`
	Name             string `json:"name"`
	MaxWeightG       int    `json:"max_weight_g"`
	MaxSidesMM       []int  `json:"max_sides_mm,omitempty"`
	MinSidesMM       []int  `json:"min_sides_mm,omitempty"`
	MaxLengthMM      int    `json:"max_length_mm,omitempty"`
	MaxSumMM         int    `json:"max_length_width_height_mm,omitempty"`
	MaxLengthGirthMM int    `json:"max_length_girth_mm,omitempty"`
	Sample           bool   `json:"sample,omitempty"`
}

type insuranceRule struct {
	Kind     string   `json:"kind"`
	Premium  *Money   `json:"premium,omitempty"`
	MaxCover *Money   `json:"max_cover"`
	NotTo    []string `json:"not_to,omitempty"`
	Sample   bool     `json:"sample,omitempty"`
}

type deliveryStd struct {
	WorkingDays map[catalog.Zone][2]int `json:"working_days"`
	Sample      bool                    `json:"sample,omitempty"`
}

type latestPosting struct {
	MinItems int    `json:"min_items,omitempty"`
	Time     string `json:"time,omitempty"`
	Varies   bool   `json:"varies_by_destination,omitempty"`
}

func sides(mm [3]int) []int {
	if mm == [3]int{} {
		return nil
	}
	return mm[:]
}

func latest(lp *catalog.LatestPosting) *latestPosting {
	if lp == nil {
		return nil
	}
	return &latestPosting{MinItems: lp.MinItems, Time: lp.Time, Varies: lp.Varies}
}

func serviceOf(s *catalog.Service, l i18n.Lang) serviceJSON {
	out := serviceJSON{Code: s.Code, Aliases: s.Aliases, Name: s.Names.In(l), Names: names(s.Names), Group: s.Group,
		Quotable: s.Quotable(), Air: s.Air, Latest: latest(s.Latest)}
	if !s.Quotable() {
		return out
	}
	if codes := s.DestinationCodes(); codes != nil {
		out.Destinations = codes
	} else {
		out.Destinations = string(s.Group) // "local" (Hong Kong only) or "nonlocal" (every destination abroad)
	}
	for _, f := range s.Formats {
		out.Formats = append(out.Formats, formatJSON{Code: f.Code, Name: f.Names.In(l), MaxWeightG: f.Limits.MaxWeightG,
			MaxSidesMM: sides(f.Limits.MaxMM), MinSidesMM: sides(f.Limits.MinMM), MaxLengthMM: f.Limits.MaxLengthMM,
			MaxSumMM: f.Limits.MaxSumMM, MaxLengthGirthMM: f.Limits.MaxLengthGirthMM, Sample: f.Sample})
	}
	if in := s.Insurance; in != nil {
		r := &insuranceRule{Kind: in.Kind, MaxCover: HKD(in.MaxCover), Sample: in.Sample}
		if in.Kind == "flat" {
			r.Premium = HKD(in.Premium)
		}
		for c := range in.NotTo {
			r.NotTo = append(r.NotTo, c)
		}
		sortStrings(r.NotTo)
		out.Insurance = r
	}
	out.Delivery = &deliveryStd{WorkingDays: s.Delivery.Days, Sample: s.Delivery.Sample}
	return out
}

func (d *Deps) listServices(w http.ResponseWriter, r *http.Request) {
	l := Lang(r)
	list := make([]serviceJSON, 0, len(d.Catalog.Services()))
	for _, s := range d.Catalog.Services() {
		list = append(list, serviceOf(s, l))
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Set("Vary", "Accept-Language")
	writeJSON(w, http.StatusOK, map[string]any{"data": list})
}
