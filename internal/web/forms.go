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

// fail records err on the form: each field's message beside its input, anything else for the whole
// form. It answers the HTTP status to answer with. This is the one way a page shows a refusal.
func (f *form) fail(l i18n.Lang, err error) int { return f.failAt(l, err, nil) }

// failAt is fail for a form whose inputs are not named as the fields are: place names the input of a
// field path, or of a whole-form message by its key (field ""), or "" for the whole form.
func (f *form) failAt(l i18n.Lang, err error, place func(field, key string) string) int {
	if f.Errors == nil {
		f.Errors = map[string]string{}
	}
	at := func(field, key string) string {
		if place == nil {
			return field
		}
		return place(field, key)
	}
	e := errs.As(err)
	for _, fe := range e.Fields {
		msg := i18n.T(l, fe.Key, fe.Args)
		in := at(fe.Field, fe.Key)
		switch {
		case in == "":
			f.Error = strings.TrimSpace(f.Error + " " + msg)
		case f.Errors[in] == "":
			f.Errors[in] = msg
		}
	}
	if len(e.Fields) == 0 || e.Code != errs.Invalid {
		msg := i18n.T(l, e.Message.Key, e.Message.Args)
		if in := at("", e.Message.Key); in != "" && len(e.Fields) == 0 {
			f.Errors[in] = msg
		} else if f.Error == "" || len(e.Fields) == 0 {
			f.Error = msg
		}
	}
	return e.Code.HTTPStatus()
}

// line is everything the form says as one line: for a page whose action is a button in a list,
// with no inputs to put messages beside.
func (f form) line() string {
	msg := f.Error
	for _, m := range f.Errors {
		msg = strings.TrimSpace(msg + " " + m)
	}
	return msg
}

// refusal is an error as one line and its HTTP status, for such a page.
func refusal(l i18n.Lang, err error) (int, string) {
	var f form
	status := f.fail(l, err)
	return status, f.line()
}
