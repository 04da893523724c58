package store

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ecship/ecship/internal/errs"
)

// A list's cursor is where its next page starts: the creation time and id of the last row given,
// encoded so that callers treat it as opaque. It needs no row to exist (a page goes on past a row
// deleted meanwhile), and rows inserted meanwhile, being newer, never shift a page already read.

// encodeCursor is the cursor after a row created at t with this id.
func encodeCursor(t time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(t.UnixMicro(), 10) + "." + id))
}

// afterCursor adds to a newest-first list's conditions those of the rows after cursor; a cursor
// ecship did not give is a field error naming "cursor".
func afterCursor(cursor string, where *[]string, args *[]any) error {
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	micros, id, ok := strings.Cut(string(b), ".")
	n, perr := strconv.ParseInt(micros, 10, 64)
	if err != nil || !ok || perr != nil || id == "" {
		return errs.Field("cursor", "shipment.cursor", nil)
	}
	*args = append(*args, ts(time.UnixMicro(n).UTC()), id)
	at, idArg := len(*args)-1, len(*args)
	*where = append(*where, fmt.Sprintf("(created_at < $%d OR (created_at = $%d AND id < $%d))", at, at, idArg))
	return nil
}

// pageNewestFirst reads up to limit rows of a list newest first (created_at, then id, both
// descending), after cursor, from "SELECT columns FROM table WHERE where...", and answers them
// with the next page's cursor ("" after the last page). key gives a row's creation time and id.
func pageNewestFirst[T any](ctx context.Context, s *Store, what, columns, table string, where []string, args []any, cursor string, limit int,
	scan func(scanner) (T, error), key func(T) (time.Time, string)) ([]T, string, error) {
	if cursor != "" {
		if err := afterCursor(cursor, &where, &args); err != nil {
			return nil, "", err
		}
	}
	args = append(args, limit+1)
	out, err := queryAll(ctx, s.db, what, scan, `SELECT `+columns+` FROM `+table+` WHERE `+strings.Join(where, " AND ")+
		fmt.Sprintf(` ORDER BY created_at DESC, id DESC LIMIT $%d`, len(args)), args...)
	if err != nil || len(out) <= limit {
		return out, "", err
	}
	out = out[:limit]
	return out, encodeCursor(key(out[limit-1])), nil
}
