package dauys

import (
	"errors"
	"fmt"
)

// Error codes. They are few on purpose: each maps to one HTTP status in one
// table (internal/httpapi) and to one exit status in the CLI.
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	ECONFLICT     = "conflict"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	EINTERNAL     = "internal"
)

// Error is the domain error. Message is safe to show to a user; Text, when
// set, carries the same message in Kazakh, Russian and English so that a
// page or an API answer can speak the reader's language. Findings carries
// the protocol checks that failed, if any.
type Error struct {
	Code     string
	Message  string
	Text     Text
	Findings []Finding
}

func (e *Error) Error() string {
	return fmt.Sprintf("dauys error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the *Error in err's chain, EINTERNAL for any
// other non-nil error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err. Internal errors get a
// generic message so that no implementation detail leaks to a user.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}
