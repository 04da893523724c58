package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ecship/ecship/internal/s10"
)

// Item numbers (LBL-10) are issued from two-letter series of one service prefix: "R" issues RA00000001
// to RA99999999, then RB, and so on to RZ (EMS stops at EW: S10 keeps EX to EZ for bilateral use).
// Serial 0 is never issued, so a zero-filled number is never real. Each series has one counter row,
// bumped by UPDATE ... RETURNING: the row lock (PostgreSQL) or the single writer (SQLite, with
// immediate transactions) makes concurrent allocations take disjoint ranges, in one process or many.
// Counters only move forward, so a number is never issued twice, let alone within the 12 months
// LBL-10 asks for; item_numbers records each issue and its primary key would refuse a repeat.

// itemNumberCountry is the S10 country of every number ecship issues.
const itemNumberCountry = "HK"

// maxItemNumbers bounds one allocation: a batch upload is at most 500 items (BAT-1).
const maxItemNumbers = 10_000

// AllocateItemNumbers issues n new item numbers for a one-letter service prefix ("E", "L", "R", "C",
// "H"), in a transaction of its own.
func (s *Store) AllocateItemNumbers(ctx context.Context, prefix string, n int, now time.Time) ([]string, error) {
	var out []string
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = s.AllocateItemNumbersTx(ctx, tx, prefix, n, now)
		return err
	})
	return out, err
}

// AllocateItemNumbersTx issues n new item numbers inside the caller's transaction, so that a shipment
// and its number are created or rolled back together. The series' counter row stays locked until tx
// ends, so keep such a transaction short.
func (s *Store) AllocateItemNumbersTx(ctx context.Context, tx *sql.Tx, prefix string, n int, now time.Time) ([]string, error) {
	if len(prefix) != 1 || prefix[0] < 'A' || prefix[0] > 'Z' {
		return nil, fmt.Errorf("store: item numbers: prefix %q is not one upper-case letter", prefix)
	}
	if n < 1 || n > maxItemNumbers {
		return nil, fmt.Errorf("store: item numbers: cannot issue %d at once (1 to %d)", n, maxItemNumbers)
	}
	out := make([]string, 0, n)
	for _, second := range seriesLetters(prefix[0]) {
		series := prefix + string(second)
		want := n - len(out)
		next, ok, err := bumpSeries(ctx, tx, series, want)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue // used up
		}
		for serial := next - int64(want); serial < next && serial <= s10.MaxSerial; serial++ {
			out = append(out, s10.Format(series, int(serial), itemNumberCountry))
		}
		if len(out) == n {
			if err := recordItemNumbers(ctx, tx, out, now); err != nil {
				return nil, err
			}
			return out, nil
		}
	}
	return nil, fmt.Errorf("store: item numbers: every series of prefix %s is used up", prefix)
}

// bumpSeries moves a series' counter on by want and returns the new value; ok is false when the series
// is used up. A series' row is made the first time it is needed.
func bumpSeries(ctx context.Context, tx *sql.Tx, series string, want int) (next int64, ok bool, err error) {
	for range 2 {
		err = tx.QueryRowContext(ctx, `
			UPDATE item_number_series SET next_serial = next_serial + $2
			WHERE series = $1 AND next_serial <= $3
			RETURNING next_serial`, series, want, s10.MaxSerial).Scan(&next)
		if err == nil {
			return next, true, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, false, fmt.Errorf("store: item numbers: %w", err)
		}
		// No row, or a used-up one. Another transaction may be making the row at the same time: then
		// this insert waits for it and does nothing, and the second update sees its row.
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO item_number_series (series, next_serial) VALUES ($1, 1)
			ON CONFLICT (series) DO NOTHING`, series); err != nil {
			return 0, false, fmt.Errorf("store: item numbers: %w", err)
		}
	}
	return 0, false, nil
}

// seriesLetters are the second letters of a prefix's series, in the order they are used.
func seriesLetters(prefix byte) string {
	if prefix == 'E' {
		return "ABCDEFGHIJKLMNOPQRSTUVW"
	}
	return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
}

// recordItemNumbers writes the issued numbers, a few hundred rows per statement.
func recordItemNumbers(ctx context.Context, tx *sql.Tx, numbers []string, now time.Time) error {
	const chunk = 500
	for len(numbers) > 0 {
		part := numbers[:min(chunk, len(numbers))]
		numbers = numbers[len(part):]
		var q strings.Builder
		q.WriteString("INSERT INTO item_numbers (number, issued_at) VALUES ")
		args := make([]any, 0, len(part)+1)
		args = append(args, ts(now))
		for i, num := range part {
			if i > 0 {
				q.WriteString(", ")
			}
			fmt.Fprintf(&q, "($%d, $1)", i+2)
			args = append(args, num)
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("store: record item numbers: %w", err)
		}
	}
	return nil
}
