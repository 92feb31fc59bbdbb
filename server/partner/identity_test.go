package partner

import (
	"strings"
	"testing"
	"time"

	partnerv1 "github.com/rampart-id/rampart/gen/rampart/partner/v1"
	"github.com/rampart-id/rampart/server/apierr"
)

// TestExpectedIdentityValidated: the optional expected_* fields of a session request are
// checked like every other field; none given is no expectation.
func TestExpectedIdentityValidated(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name, dob string
		field     string // "" when valid
	}{
		{"", "", ""},
		{"Anna Maria Eriksson", "1974-08-12", ""},
		{"Søren Ørsted", "", ""},
		{"", "1974-08-12", ""},
		{strings.Repeat("a", 201), "", "expected_name"},
		{"Anna\x00", "", "expected_name"},
		{"", "1974-13-01", "expected_date_of_birth"},
		{"", "12/08/1974", "expected_date_of_birth"},
		{"", "2027-01-01", "expected_date_of_birth"},
		{"", "1850-01-01", "expected_date_of_birth"},
	} {
		e, err := expectedOf(&partnerv1.CreateSessionRequest{ExpectedName: c.name, ExpectedDateOfBirth: c.dob}, now)
		if c.field == "" {
			if err != nil {
				t.Errorf("%q %q: %v", c.name, c.dob, err)
			}
			if (e == nil) != (c.name == "" && c.dob == "") {
				t.Errorf("%q %q: expectation %+v", c.name, c.dob, e)
			}
			continue
		}
		ae, ok := apierr.As(err)
		if !ok || ae.Code != apierr.InvalidRequest || !strings.Contains(ae.Message, c.field) {
			t.Errorf("%q %q: %v, want invalid %s", c.name, c.dob, err, c.field)
		}
	}
}
