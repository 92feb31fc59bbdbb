package store

import "testing"

func TestRedactReasonKeepsCodes(t *testing.T) {
	for in, want := range map[string]string{
		"":                                  "",
		"document_expired":                  "document_expired",
		"face_mismatch,duplicate_identity":  "face_mismatch,duplicate_identity",
		"document_expired: Jane Doe, 1990":  "document_expired: redacted",
		"called the user, name is Jane Doe": "redacted",
		"not_a_code: Jane":                  "redacted",
		"document_expired: redacted":        "document_expired: redacted",
	} {
		got, _ := redactReason(in)
		if r, _ := redactReason(got); r != got {
			t.Errorf("redactReason(%q) = %q is not stable", in, got)
		}
		if got != want {
			t.Errorf("redactReason(%q) = %q, want %q", in, got, want)
		}
	}
}
