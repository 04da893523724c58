package counter

import (
	"context"

	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/payment"
	"github.com/ecship/ecship/internal/shipment"
)

// Look finds the label of a scanned item number for an open session, without changing anything:
// what the counter checks against the item before weighing it (CTR-2). It refuses what Scan would
// refuse (CTR-6: expired or cancelled labels; incomplete, posted or unknown ones, a wrong check
// digit), every refusal naming the field item_no. The payment is the label's online payment, nil
// when it was not paid online.
func (s *Service) Look(ctx context.Context, c Clerk, sessionID, itemNo string) (*shipment.Shipment, *payment.Payment, error) {
	sess, err := s.open(ctx, c, sessionID)
	if err != nil {
		return nil, nil, err
	}
	sh, err := s.find(ctx, sess, itemNo, s.Now())
	if e := errs.As(err); e != nil && e.Code == errs.Conflict {
		return sh, nil, atItemNo(e)
	}
	if err != nil {
		return nil, nil, err
	}
	if sh.Status != shipment.Paid {
		return sh, nil, nil
	}
	p, err := s.Store.PaymentOfShipment(ctx, sh.OwnerID, sh.Mode, sh.ID)
	if errs.CodeOf(err) == errs.NotFound {
		return sh, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	return sh, p, nil
}

// atItemNo keeps a refusal's code and message and names the item number field as the one at fault.
func atItemNo(e *errs.Error) *errs.Error {
	out := *e
	out.Fields = []errs.FieldError{{Field: "item_no", Message: e.Message}}
	return &out
}
