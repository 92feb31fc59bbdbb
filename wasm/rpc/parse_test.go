package rpc

import (
	"encoding/base64"
	"testing"

	"google.golang.org/protobuf/proto"

	kycv1 "github.com/rampart-id/rampart/gen/rampart/kyc/v1"
)

// A Connect error body gives its code, message and Rampart's slug from the detail.
func TestParseError(t *testing.T) {
	detail, _ := proto.Marshal(&kycv1.ErrorDetail{Error: "consent_required"})
	body := `{"code":"failed_precondition","message":"Please \"agree\"","details":[{"type":"other.Detail","value":"AA"},` +
		`{"type":"rampart.kyc.v1.ErrorDetail","value":"` + base64.RawStdEncoding.EncodeToString(detail) + `","debug":{}}]}`
	e := parseError([]byte(body), Reply{Status: 409})
	if e.Code != "failed_precondition" || e.Message != `Please "agree"` || e.Slug != "consent_required" {
		t.Errorf("parseError = %+v", e)
	}
	for _, bad := range []string{`<html>`, `{"message":"no code"}`, `[]`, ``} {
		if e := parseError([]byte(bad), Reply{Status: 502}); e.Code != "unavailable" || e.Slug != "" {
			t.Errorf("parseError(%q) = %+v", bad, e)
		}
	}
}
