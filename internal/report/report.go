// Package report sums up the live service for operations: what the counters accepted, office by
// office and day by day, what each 20:00 settlement captured, and the refund applications still
// to vet or to pay. Admins only; the sums come from the database's grouped queries, whatever the
// volume.
package report

import (
	"context"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/money"
)

// Days is how many days back the report looks, today included.
const Days = 14

// Operations is the report.
type Operations struct {
	Since    time.Time  // the first day counted, at midnight in Hong Kong
	Accepted []Count    // items posted at counters, by office and Hong Kong day
	Settled  []Sum      // card payments captured, by Hong Kong day
	Refunds  RefundsDue // live applications not yet paid back
}

// Count is how many items one office accepted on one day ("2006-01-02").
type Count struct {
	Office, Day string
	Items       int
}

// Sum is what was captured on one day.
type Sum struct {
	Day      string
	Payments int
	Amount   money.Cents
}

// RefundsDue are the refund applications waiting: to vet (submitted) and to pay (approved).
type RefundsDue struct {
	ToVet, ToPay             int
	ToVetAmount, ToPayAmount money.Cents
}

// Store sums the live data since a time.
type Store interface {
	OperationsReport(ctx context.Context, since time.Time) (*Operations, error)
}

// Service makes the report.
type Service struct {
	Store Store
	Now   func() time.Time
}

// Operations is the last Days days, for an admin.
func (s *Service) Operations(ctx context.Context, actor *account.User) (*Operations, error) {
	if !account.Allows(actor, account.AdminOnly) {
		return nil, errs.New(errs.Forbidden, "error.forbidden", nil)
	}
	now := s.Now().In(catalog.HongKong)
	since := time.Date(now.Year(), now.Month(), now.Day()-(Days-1), 0, 0, 0, 0, catalog.HongKong)
	return s.Store.OperationsReport(ctx, since)
}
