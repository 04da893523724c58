package api

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/money"
)

const maxBody = 1 << 20

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// decode reads a JSON body strictly into v: unknown fields, wrong types and trailing data are errors
// that name the field.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	if err := jsonBody(r); err != nil {
		return err
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if dec.Decode(&struct{}{}) != io.EOF {
			return errs.New(errs.Invalid, "error.json_trailing", nil)
		}
		return nil
	}
	return decodeError(err)
}

// decodeError explains a JSON decoding error by field, without Go's own words.
func decodeError(err error) error {
	var (
		typeErr   *json.UnmarshalTypeError
		syntaxErr *json.SyntaxError
		maxErr    *http.MaxBytesError
	)
	switch {
	case errors.As(err, &maxErr):
		return errs.New(errs.Invalid, "error.body_too_large", nil)
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return errs.Field(typeErr.Field, "error.wrong_type", errs.Args{"want": i18n.Key(jsonType(typeErr.Type.Kind().String()))})
	case errors.As(err, &typeErr):
		return errs.New(errs.Invalid, "error.json_object", nil)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return errs.Field(name, "error.unknown_field", nil)
	case errors.Is(err, io.EOF):
		return errs.New(errs.Invalid, "error.json_empty", nil)
	case errors.As(err, &syntaxErr):
		return errs.New(errs.Invalid, "error.bad_json", errs.Args{"offset": syntaxErr.Offset})
	}
	return errs.New(errs.Invalid, "error.bad_json", errs.Args{"offset": "?"})
}

// jsonType names the kind of JSON value a Go type wants, as a message key.
func jsonType(kind string) string {
	switch kind {
	case "int", "int64", "int32", "uint", "uint64":
		return "type.integer"
	case "float64", "float32":
		return "type.number"
	case "string":
		return "type.string"
	case "bool":
		return "type.bool"
	case "slice", "array":
		return "type.list"
	}
	return "type.object"
}

// Money is the JSON form of an amount: {"amount":"19.50","currency":"HKD"}.
type Money struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

// HKD returns the JSON form of an amount of Hong Kong dollars.
func HKD(c money.Cents) *Money { return &Money{Amount: c.String(), Currency: "HKD"} }

// jsonBody refuses a body that does not say it is JSON (Content-Type application/json, or a
// +json type) with 415: a form or text body is not read as JSON by mistake (curl's -d sends
// application/x-www-form-urlencoded unless told otherwise).
func jsonBody(r *http.Request) error {
	if r.ContentLength == 0 { // nothing to read: the decoder says the body is empty
		return nil
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json")) {
		return nil
	}
	return errs.New(errs.MediaType, "error.json_content_type", errs.Args{"type": r.Header.Get("Content-Type")})
}

// listLimit reads a list's ?limit=: def when absent, else 1 to max.
func listLimit(r *http.Request, def, max int) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		return 0, errs.Field("limit", "api.limit", errs.Args{"max": max})
	}
	return n, nil
}

// statusList reads a list's ?status=a,b filter.
func statusList(r *http.Request) []string {
	var out []string
	for _, st := range strings.Split(r.URL.Query().Get("status"), ",") {
		if st = strings.TrimSpace(st); st != "" {
			out = append(out, st)
		}
	}
	return out
}

// createdRange reads a list's ?created_after= and ?created_before= (RFC 3339 times): created at
// or after the first, and before the second; zero where not given.
func createdRange(r *http.Request) (after, before time.Time, err error) {
	var fe errs.Fields
	for _, p := range []struct {
		name string
		at   *time.Time
	}{{"created_after", &after}, {"created_before", &before}} {
		v := r.URL.Query().Get(p.name)
		if v == "" {
			continue
		}
		t, perr := time.Parse(time.RFC3339, v)
		if perr != nil {
			fe.Add(p.name, "api.time", nil)
			continue
		}
		*p.at = t
	}
	if err := fe.Err(); err != nil {
		return after, before, err
	}
	if !after.IsZero() && !before.IsZero() && !after.Before(before) {
		return after, before, errs.Field("created_before", "api.time_range", nil)
	}
	return after, before, nil
}
