package soap

import (
	"strings"

	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/i18n"
)

// ecStatus is an EC-Ship API status: 0 is success, anything else comes with errMessage saying why.
// The codes are ecship's own (the real service publishes none); docs/ecship-soap.md lists them.
type ecStatus int

const (
	ecOK           ecStatus = 0
	ecInvalid      ecStatus = 1    // a field is missing or wrong: errMessage names it
	ecNotFound     ecStatus = 2    // no such order or item among the sender's
	ecConflict     ecStatus = 3    // the order's state does not allow it (cancelling a posted item)
	ecDeclined     ecStatus = 4    // the card was declined; nothing was created
	ecNotSupported ecStatus = 5    // the operation or option is not offered by this server
	ecCredential   ecStatus = 9992 // integratorUsername, token or caller address wrong
	ecUnavailable  ecStatus = 9999 // the database or another dependency failed
)

// Message is the errMessage of a status when the operation gives none of its own.
func (s ecStatus) Message() string {
	switch s {
	case ecOK:
		return "Success"
	case ecInvalid:
		return "Invalid input"
	case ecNotFound:
		return "Order or item not found"
	case ecConflict:
		return "Not allowed in the order's present state"
	case ecDeclined:
		return "Payment declined"
	case ecNotSupported:
		return "Not supported"
	case ecCredential:
		return "Invalid credential"
	}
	return "Service temporarily unavailable"
}

// replyErr turns a domain error into a reply: invalid input names the request fields at fault (by
// their EC-Ship names, through rename), in English; other codes get their status. Anything
// unexpected is 9999, its text for the log only.
func replyErr(err error, rename func(string) string) ecReply {
	e := errs.As(err)
	var rep ecReply
	switch e.Code {
	case errs.Invalid:
		rep.status = ecInvalid
		var parts []string
		for _, f := range errs.Fields(e.Fields).First() {
			parts = append(parts, rename(f.Field)+": "+translate(f.Message))
		}
		if len(parts) == 0 {
			parts = append(parts, translate(e.Message))
		}
		rep.msg = strings.Join(parts, "; ")
	case errs.NotFound:
		rep.status = ecNotFound
	case errs.Forbidden: // the sender may not do it yet (an email not verified)
		rep.status, rep.msg = ecInvalid, translate(e.Message)
	case errs.Conflict, errs.Mismatch:
		rep.status, rep.msg = ecConflict, translate(e.Message)
	case errs.Declined:
		rep.status, rep.msg = ecDeclined, translate(e.Message)
	default:
		rep.status, rep.msg = ecUnavailable, err.Error()
	}
	return rep
}

// fieldErr is the reply to one request field at fault, named as the request names it.
func fieldErr(field, key string, args errs.Args) ecReply {
	return replyErr(errs.Field(field, key, args), func(f string) string { return f })
}

// translate is a domain message in English, the API's language.
func translate(m errs.Message) string { return i18n.T(i18n.English, m.Key, m.Args) }
