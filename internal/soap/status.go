// Package soap serves ecship's SOAP 1.1 endpoints and their WSDLs, written by hand with encoding/xml:
// liberal in what they accept (namespace prefixes, qualified or not, odd WS-Security timestamps),
// exact in what they send. The first is the Mail Tracking API of seed 001
// (/HKP_MailTrack_API/services, operation getItemDeliveryStatus).
package soap

import (
	"errors"
	"strconv"

	"github.com/ecship/ecship/internal/errs"
)

// Status is a Mail Tracking status code (seed 001, appendix A; rule TRK-3). The top-level status
// says whether the request was processed; each item then carries its own.
type Status int

// The status codes.
const (
	OK             Status = 0
	ItemUnknown    Status = 1001 // no label and no event has this number
	ItemFormat     Status = 1002 // not an S10 number (format or check digit)
	ItemExpired    Status = 1003 // posted more than 6 months ago (TRK-9)
	ItemNotAllowed Status = 1004 // not the caller's item, or not of the credential's mode (TRK-8, TRK-10)
	TooFrequent    Status = 9991 // within the least interval since the previous request (TRK-7)
	BadCredential  Status = 9992 // username, password or caller address wrong (TRK-4, TRK-5)
	BadFormat      Status = 9993 // not a SOAP request this API reads
	OverDailyLimit Status = 9994 // the day's requests are used up (TRK-6)
	TooManyItems   Status = 9995 // more than 30 item numbers
	BadLang        Status = 9996 // lang not A, E, C or S
	NoItems        Status = 9997 // no item number
	BadInput       Status = 9998 // another field is wrong (integratorUsername missing or too long)
	Unavailable    Status = 9999 // the database or another dependency failed
)

// Message is the errMsg sent with a status: the seed's wording, English, short. Success has none.
func (s Status) Message() string {
	switch s {
	case OK:
		return ""
	case ItemUnknown:
		return "Item number does not exist"
	case ItemFormat:
		return "Invalid item number format"
	case ItemExpired:
		return "Tracking period has been expired"
	case ItemNotAllowed:
		return "Item number not allowed to enquire"
	case TooFrequent:
		return "Exceed API request frequency"
	case BadCredential:
		return "Invalid credential"
	case BadFormat:
		return "Invalid API format"
	case OverDailyLimit:
		return "Exceed API request limit"
	case TooManyItems:
		return "Exceed the max. enquiry items"
	case BadLang:
		return "Invalid language"
	case NoItems:
		return "Empty item number array"
	case BadInput:
		return "Invalid input"
	}
	return "Service temporarily unavailable"
}

func (s Status) String() string { return strconv.Itoa(int(s)) }

// statusOf maps an error from the domain or the database to the status sent for it: the one place
// where error codes become Mail Tracking statuses. Anything unexpected is 9999, never its text.
func statusOf(err error) Status {
	var fe *errFormat
	if errors.As(err, &fe) {
		return BadFormat
	}
	switch errs.CodeOf(err) {
	case errs.Unauthorized, errs.NotFound, errs.Forbidden:
		return BadCredential
	case errs.Invalid:
		return BadInput
	case errs.RateLimited:
		return TooFrequent
	}
	return Unavailable
}
