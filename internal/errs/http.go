package errs

import "net/http"

// httpStatus maps each code to its HTTP status: the one place this is decided for the API and
// the portal.
var httpStatus = map[Code]int{
	Invalid:      http.StatusBadRequest,
	NotFound:     http.StatusNotFound,
	Unauthorized: http.StatusUnauthorized,
	Forbidden:    http.StatusForbidden,
	Conflict:     http.StatusConflict,
	BadMethod:    http.StatusMethodNotAllowed,
	MediaType:    http.StatusUnsupportedMediaType,
	NotAccepted:  http.StatusNotAcceptable,
	Mismatch:     http.StatusConflict,
	Declined:     http.StatusPaymentRequired,
	RateLimited:  http.StatusTooManyRequests,
	Unavailable:  http.StatusServiceUnavailable,
	Internal:     http.StatusInternalServerError,
}

// HTTPStatus is the HTTP status for the code; 500 for an unknown one.
func (c Code) HTTPStatus() int {
	if s, ok := httpStatus[c]; ok {
		return s
	}
	return http.StatusInternalServerError
}
