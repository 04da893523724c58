package shipment

import (
	"sort"
	"time"

	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/errs"
)

// Prepare checks a new or edited shipment. With no problems it is ready: priced, and valid for 90 days
// from now (LBL-5). With problems and draft set it is saved as incomplete, the problems kept, to be
// deleted 90 days after it was first saved (LBL-6); without draft the problems are the error.
func Prepare(cat *catalog.Catalog, s *Shipment, now time.Time, draft bool) error {
	s.Normalize()
	fe := Check(cat, s, now)
	if s.CreatedAt.IsZero() {
		s.CreatedAt = now
	}
	s.UpdatedAt = now
	if len(fe) > 0 {
		if !draft && !(s.ChooseLater && onlyServiceMissing(fe)) {
			return fe.Err()
		}
		s.Status, s.Problems = Incomplete, problems(fe)
		if s.DeleteAfter == nil {
			t := s.CreatedAt.Add(IncompleteKept)
			s.DeleteAfter = &t
		}
		return nil
	}
	s.Status, s.Problems, s.DeleteAfter = Ready, nil, nil
	if s.ExpiresAt == nil { // the first time it is ready; afterwards the date stays (LBL-5)
		exp := now.Add(LabelValidity)
		s.ExpiresAt = &exp
	}
	return nil
}

// onlyServiceMissing says whether the one problem is that no service was named.
func onlyServiceMissing(fe errs.Fields) bool {
	return len(fe) == 1 && fe[0].Field == "service" && fe[0].Key == "shipment.service.required"
}

func problems(fe errs.Fields) []Problem {
	out := make([]Problem, len(fe))
	for i, f := range fe {
		out[i] = Problem{Field: f.Field, Key: f.Key, Args: plainArgs(f.Args)}
	}
	return out
}

// plainArgs keeps message arguments that survive being stored as JSON (names become English text).
func plainArgs(a errs.Args) map[string]any {
	if len(a) == 0 {
		return nil
	}
	out := make(map[string]any, len(a))
	for k, v := range a {
		switch x := v.(type) {
		case catalog.Names:
			out[k] = x.En
		default:
			out[k] = v
		}
	}
	return out
}

// CheckBatch applies LBL-4 to shipments prepared together: at most 20 for one country or region.
func CheckBatch(list []*Shipment) error {
	count := map[string]int{}
	for _, s := range list {
		count[s.Recipient.Country]++
	}
	for c, n := range count {
		if n > MaxPerCountry {
			return errs.New(errs.Invalid, "shipment.batch.per_country", errs.Args{"max": MaxPerCountry, "country": c, "count": n})
		}
	}
	return nil
}

// CheckCancellable refuses a label its sender may not cancel: an expired one, or one not ready or
// paid (posted, cancelled already).
func CheckCancellable(s *Shipment, now time.Time) error {
	switch {
	case s.ExpiredAt(now):
		return errs.New(errs.Conflict, "shipment.expired", nil)
	case !Cancel.Allows(s.Status):
		return errs.New(errs.Conflict, "shipment.not_cancellable", errs.Args{"status": string(s.Status)})
	}
	return nil
}

// CheckPayable refuses a label that may not be paid: only ready labels within their validity (LBL-5).
func CheckPayable(s *Shipment, now time.Time) error {
	switch {
	case s.Status == Ready && s.ExpiredAt(now):
		return errs.New(errs.Conflict, "shipment.expired", nil)
	case !Claim.Allows(s.Status):
		return errs.New(errs.Conflict, "shipment.not_payable", errs.Args{"status": string(s.Status)})
	}
	return nil
}

// LatePosting answers the services of a list of labels prepared together that miss their latest
// posting time today (rule SVC-8): a service whose catalogue entry says that posting at least so
// many items at once must be done by a time (e-Express+ and Air Registered Mail: 20 items by 4 p.m.,
// Hong Kong time). Services whose time varies by destination (Speedpost) are not judged here.
func LatePosting(cat *catalog.Catalog, list []*Shipment, now time.Time) []string {
	count := map[string]int{}
	for _, s := range list {
		count[s.Service]++
	}
	hk := now.In(catalog.HongKong).Format("15:04")
	var late []string
	for code, n := range count {
		svc, ok := cat.Service(code)
		if !ok || svc.Latest == nil || svc.Latest.Varies || svc.Latest.MinItems == 0 {
			continue
		}
		if n >= svc.Latest.MinItems && hk >= svc.Latest.Time {
			late = append(late, code)
		}
	}
	sort.Strings(late)
	return late
}
