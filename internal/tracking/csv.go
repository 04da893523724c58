package tracking

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ecship/ecship/internal/i18n"
)

// Columns are the columns of an events file, in any order after a header row naming them:
//
//	item_no    the UPU S10 item number (spaces and lower case are fine)
//	code       the EMSEVT event code (EMA posted, EMC left, EMD arrived, EDG out for delivery, EMI delivered...)
//	time       local time at the place, "2026-11-23 14:05", or RFC 3339 with its offset
//	country    ISO 3166-1 alpha-2 code of the place ("" with an office: Hong Kong)
//	office     a Hong Kong office code (GPO, TST...), optional
//	time_zone  IANA time zone, optional: the country's main zone when empty
var Columns = []string{"item_no", "code", "time", "country", "office", "time_zone"}

// RowError is what is wrong with one row of a file.
type RowError struct {
	Row    int // 1-based line, counting the header
	Column string
	Msg    string
}

func (e RowError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("row %d: %s", e.Row, e.Msg)
	}
	return fmt.Sprintf("row %d, %s: %s", e.Row, e.Column, e.Msg)
}

// ReadCSV reads and checks an events file. The events are answered only when every row is right;
// otherwise the problems, row by row and column by column (at most maxProblems of them).
func (s *Service) ReadCSV(r io.Reader, source string, maxProblems int) ([]Event, []RowError, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, errors.New("the file is empty: it needs a header row naming the columns " + strings.Join(Columns, ","))
	}
	if err != nil {
		return nil, nil, err
	}
	at := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !slices.Contains(Columns, h) {
			// A misspelt column (timezone for time_zone) would be dropped without a word.
			return nil, nil, fmt.Errorf("the header row names a column %q that is not one of %s", h, strings.Join(Columns, ","))
		}
		at[h] = i
	}
	for _, c := range []string{"item_no", "code", "time"} {
		if _, ok := at[c]; !ok {
			return nil, nil, fmt.Errorf("the header row has no %s column: it names the columns %s", c, strings.Join(Columns, ","))
		}
	}
	var events []Event
	var bad []RowError
	for row := 2; ; row++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			bad = append(bad, RowError{Row: row, Msg: err.Error()})
			if len(bad) >= maxProblems {
				break
			}
			continue
		}
		get := func(c string) string {
			if i, ok := at[c]; ok && i < len(rec) {
				return rec[i]
			}
			return ""
		}
		in := Input{ItemNo: get("item_no"), Code: get("code"), Time: get("time"), Country: get("country"), Office: get("office"), TimeZone: get("time_zone")}
		if in == (Input{}) {
			continue // a blank line
		}
		e, fe := s.Check(in, source)
		for _, f := range fe {
			bad = append(bad, RowError{Row: row, Column: f.Field, Msg: i18n.T(i18n.English, f.Key, f.Args)})
		}
		if len(bad) >= maxProblems {
			break
		}
		if len(fe) == 0 && len(bad) == 0 {
			events = append(events, e)
		}
	}
	if len(bad) > 0 {
		return nil, bad, nil
	}
	return events, nil, nil
}
