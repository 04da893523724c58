package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/i18n"
)

type errorBody struct {
	Error errorJSON `json:"error"`
}

type errorJSON struct {
	Code    string      `json:"code"`
	Message string      `json:"message"`
	Fields  []fieldJSON `json:"fields,omitempty"`
}

type fieldJSON struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// WriteError answers err as {"error":{"code","message","fields"}} in the caller's language. Internal
// errors are logged by the caller's middleware and never shown in detail.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	e := errs.As(err)
	lang := Lang(r)
	body := errorBody{Error: errorJSON{Code: string(e.Code), Message: i18n.T(lang, e.Message.Key, e.Message.Args)}}
	for _, f := range e.Fields {
		body.Error.Fields = append(body.Error.Fields, fieldJSON{Field: f.Field, Message: i18n.T(lang, f.Key, f.Args)})
	}
	writeJSON(w, e.Code.HTTPStatus(), body)
}

// TooManyRequests is the API's answer when a caller is over its rate limit.
func TooManyRequests(w http.ResponseWriter, r *http.Request, retryAfter time.Duration) {
	WriteError(w, r, errs.New(errs.RateLimited, "error.rate_limited", errs.Args{"seconds": strconv.Itoa(int(retryAfter.Seconds()) + 1)}))
}

func notFound() error { return errs.New(errs.NotFound, "error.not_found", nil) }
