// Package errs defines the one error type ecship's domain returns: a code that transports map to a
// status, and messages that can be translated because they are message keys with arguments.
package errs

import (
	"errors"
	"fmt"
)

// Code classifies an error for transports (HTTP status, SOAP status, CLI exit code).
type Code string

// Error codes. Transports map each to exactly one status in one place.
const (
	Invalid      Code = "invalid"                // the caller's input is wrong; Fields say where
	NotFound     Code = "not_found"              // no such thing, or not the caller's
	Unauthorized Code = "unauthorized"           // no or bad credentials
	Forbidden    Code = "forbidden"              // credentials fine, not allowed
	Conflict     Code = "conflict"               // the state does not allow it
	BadMethod    Code = "method_not_allowed"     // the resource exists, not with this method
	MediaType    Code = "unsupported_media_type" // the body is not of a type the resource takes
	NotAccepted  Code = "not_acceptable"         // no answer of a type the Accept header asks for
	Mismatch     Code = "idempotency_mismatch"   // an Idempotency-Key used before for another request
	Declined     Code = "payment_declined"       // the card was declined; nothing changed
	RateLimited  Code = "rate_limited"           // too many requests
	Unavailable  Code = "unavailable"            // a dependency is down
	Internal     Code = "internal"               // a bug; never shown in detail
)

// Message is a translatable message: a key into the i18n catalogue and its arguments.
type Message struct {
	Key  string
	Args map[string]any
}

// FieldError says what is wrong with one input field (JSON path style: "dimensions_mm.length").
type FieldError struct {
	Field string
	Message
}

// Error is ecship's error: a code, a translatable message and, for invalid input, the fields at fault.
type Error struct {
	Code    Code
	Message Message
	Fields  []FieldError
	Err     error // underlying cause, for logs only
}

func (e *Error) Error() string {
	s := string(e.Code) + ": " + e.Message.Key
	for _, f := range e.Fields {
		s += fmt.Sprintf("; %s: %s", f.Field, f.Key)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Args is shorthand for message arguments.
type Args = map[string]any

// New returns an error with a code and a message key.
func New(code Code, key string, args Args) *Error {
	return &Error{Code: code, Message: Message{Key: key, Args: args}}
}

// Field returns an invalid-input error for one field.
func Field(field, key string, args Args) *Error {
	return &Error{Code: Invalid, Message: Message{Key: "error.invalid_input"}, Fields: []FieldError{{Field: field, Message: Message{Key: key, Args: args}}}}
}

// Fields collects field errors; Err returns nil when there are none.
type Fields []FieldError

// Add records a problem with one field.
func (fs *Fields) Add(field, key string, args Args) {
	*fs = append(*fs, FieldError{Field: field, Message: Message{Key: key, Args: args}})
}

// First keeps the first error of each field: a later check of the same field adds nothing new.
func (fs Fields) First() Fields {
	seen := map[string]bool{}
	var out Fields
	for _, f := range fs {
		if !seen[f.Field] {
			seen[f.Field] = true
			out = append(out, f)
		}
	}
	return out
}

// Err returns an invalid-input error holding every field error, or nil.
func (fs Fields) Err() error {
	if len(fs) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Message: Message{Key: "error.invalid_input"}, Fields: fs}
}

// As returns err as *Error, or an Internal error wrapping it.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: Internal, Message: Message{Key: "error.internal"}, Err: err}
}

// CodeOf returns the code of err (Internal for foreign errors, "" for nil).
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	return As(err).Code
}
