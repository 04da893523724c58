package web

import (
	"net/http"
	"strings"

	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/i18n"
)

// form is a submitted form as typed, with the messages for its fields and one for the whole form.
type form struct {
	Values map[string]string
	Errors map[string]string
	Error  string // a message about the whole form (wrong password, throttled)
}

// readForm reads the named fields of a POST, trimmed of nothing (passwords keep their spaces).
func readForm(r *http.Request, names ...string) form {
	r.ParseForm()
	f := form{Values: map[string]string{}, Errors: map[string]string{}}
	for _, n := range names {
		f.Values[n] = r.PostForm.Get(n)
	}
	return f
}

// V is a field's value.
func (f form) V(name string) string { return f.Values[name] }

// E is a field's message.
func (f form) E(name string) string { return f.Errors[name] }

// fail records err on the form: field errors next to their fields, anything else for the whole form.
// It returns the HTTP status to answer with.
func (f *form) fail(l i18n.Lang, err error) int {
	e := errs.As(err)
	for _, fe := range e.Fields {
		if _, seen := f.Errors[fe.Field]; !seen {
			f.Errors[fe.Field] = i18n.T(l, fe.Key, fe.Args)
		}
	}
	if len(e.Fields) == 0 || e.Code != errs.Invalid {
		f.Error = i18n.T(l, e.Message.Key, e.Message.Args)
	}
	return e.Code.HTTPStatus()
}

// failMessage is an error as one line for a page without a form of its own (a row's action in a
// list): its message and its fields' messages, with the HTTP status.
func failMessage(l i18n.Lang, err error) (int, string) {
	f := form{Errors: map[string]string{}}
	status := f.fail(l, err)
	msg := f.Error
	for _, m := range f.Errors {
		msg = strings.TrimSpace(msg + " " + m)
	}
	return status, msg
}
