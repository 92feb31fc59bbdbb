package rest

import (
	"bytes"
	"errors"
	"io"
	"testing"

	partnerv1 "github.com/rampart-id/rampart/gen/rampart/partner/v1"
)

// FuzzDecodeSession feeds arbitrary bodies to the REST request decoder: it must never
// panic, whatever it accepts must re-encode, and whatever it refuses is explained as a
// BodyError without parser text.
func FuzzDecodeSession(f *testing.F) {
	for _, s := range []string{
		`{"partner_user_id":"u","user_email":"a@b.c","currency":"BTC","fiat_currency":"EUR","fiat_amount":"1.5"}`,
		`{}`, ``, `{"partner_user_id":`, `[]`, `{"type":5}`, `{"unknown":1}`, "{\"partner_user_id\":\"\\u0000\"}",
		`{"fiat_amount":"1e400"}`, `{"amout":1}`, `{"amount":5}`, `{"type":"buy",}`, `{"partner_user_id":"u","partnerUserId":"v"}`, `{"partner_user_id":"` + string(bytes.Repeat([]byte("x"), 300)) + `"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var req partnerv1.CreateSessionRequest
		err := marshaler{}.NewDecoder(bytes.NewReader(body)).Decode(&req)
		if err != nil && err != io.EOF {
			var be *BodyError
			if !errors.As(err, &be) || be.Error() == "" {
				t.Fatalf("refused without an explanation: %T %v", err, err)
			}
			assertClean(t, string(body), be.Error())
			return
		}
		if _, err := (marshaler{}).Marshal(&req); err != nil {
			t.Fatalf("accepted body does not re-encode: %v", err)
		}
	})
}
