package widget

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/imageintake"
)

func TestIntakeErrorMapping(t *testing.T) {
	for _, tc := range []struct {
		err    error
		code   apierr.Code
		retry  bool
		detail string
	}{
		{fmt.Errorf("%w: all 2 decode slots stayed taken", imageintake.ErrBusy), apierr.Unavailable, true, "busy"},
		{fmt.Errorf("%w: decoding 5000x5000 needs 190 MiB, limit 128 MiB", imageintake.ErrTooLarge), apierr.PayloadTooLarge, false, "190 MiB"},
		{fmt.Errorf("%w: more than 32 JPEG scans", imageintake.ErrTooComplex), apierr.InvalidRequest, false, "more than 32 JPEG scans"},
		{fmt.Errorf("%w: 99999x2 exceeds 12000 px per side", imageintake.ErrDimensions), apierr.InvalidRequest, false, "99999x2"},
	} {
		var e *apierr.Error
		if !errors.As(intakeError("image", tc.err), &e) {
			t.Fatalf("%v: not a domain error", tc.err)
		}
		if e.Code != tc.code || (e.RetryAfter == imageintake.BusyRetryAfter) != tc.retry || !strings.Contains(e.Message, tc.detail) {
			t.Errorf("%v -> %+v", tc.err, e)
		}
	}
}
