package kyc

import (
	"fmt"
	"strings"
)

// Limits on partner-supplied identifiers. Kept here so the widget and server agree.
const MaxUserIDLen = 128

// FieldError names the request field that is wrong and why.
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

// ValidateUserID checks a partner_user_id: non-empty, bounded, printable.
func ValidateUserID(id string) error {
	switch {
	case id == "":
		return &FieldError{"partner_user_id", "is required"}
	case len(id) > MaxUserIDLen:
		return &FieldError{"partner_user_id", fmt.Sprintf("must be at most %d bytes", MaxUserIDLen)}
	case strings.ContainsFunc(id, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return &FieldError{"partner_user_id", "must not contain control characters"}
	}
	return nil
}
