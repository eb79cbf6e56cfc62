package decide

// Error is the only error type the package returns: rules that cannot be applied or input that cannot be
// decided. Message is written for the person who supplied the rules or the counts.
type Error struct {
	// Field is the JSON name of the offending Rules field, or "input" for a problem with the counts.
	Field   string
	Message string
}

func (e *Error) Error() string { return "decide: " + e.Message }

func invalidField(field, msg string) error { return &Error{Field: field, Message: msg} }

func invalidInput(msg string) error { return &Error{Field: "input", Message: msg} }
