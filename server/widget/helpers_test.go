package widget_test

import (
	"context"
	"testing"

	kycv1 "github.com/rampart-id/rampart/gen/rampart/kyc/v1"
	partnerv1 "github.com/rampart-id/rampart/gen/rampart/partner/v1"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/internal/testserver"
	"github.com/rampart-id/rampart/server/store"
)

func mustPartner(t *testing.T, srv *testserver.Server, id string) store.Partner {
	p, err := srv.Store.Read().PartnerByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func sessionReq(user string) *partnerv1.CreateSessionRequest {
	return &partnerv1.CreateSessionRequest{PartnerUserId: user, UserEmail: "u@example.com", Currency: "BTC", FiatCurrency: "EUR", FiatAmount: "50"}
}

func kycToken(err error) (string, bool) {
	e, ok := apierr.As(err)
	if !ok || e.Code != apierr.KycRequired {
		return "", false
	}
	return e.Detail.(*kycv1.KycRequired).GetInitToken(), true
}
