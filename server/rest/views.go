// Package rest serves the partner API's REST routes through grpc-gateway. The JSON it
// writes is the partner docs' shape to the byte: snake_case keys in the documented
// order, lowercase statuses, RFC 3339 UTC times.
package rest

import (
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	kycv1 "github.com/rampart-id/rampart/gen/rampart/kyc/v1"
	partnerv1 "github.com/rampart-id/rampart/gen/rampart/partner/v1"
	"github.com/rampart-id/rampart/kyc"
)

type statusView struct {
	PartnerUserID     string   `json:"partner_user_id"`
	Status            string   `json:"status"`
	VerifiedAt        string   `json:"verified_at,omitempty"`
	AttemptsRemaining *int32   `json:"attempts_remaining,omitempty"`
	FailureReasons    []string `json:"failure_reasons,omitempty"`
}

func newStatusView(m *partnerv1.GetKycStatusResponse) statusView {
	return statusView{
		PartnerUserID:     m.GetPartnerUserId(),
		Status:            string(kyc.FromProto(m.GetStatus())),
		VerifiedAt:        rfc3339(m.GetVerifiedAt()),
		AttemptsRemaining: m.AttemptsRemaining,
		FailureReasons:    m.GetFailureReasons(),
	}
}

type sessionView struct {
	MerchantTransactionID string `json:"merchant_transaction_id"`
	WidgetID              string `json:"widget_id"`
	InitToken             string `json:"init_token"`
	InitTokenType         string `json:"init_token_type"`
	PartnerUserID         string `json:"partner_user_id"`
	Type                  string `json:"type"`
	Currency              string `json:"currency"`
	Network               string `json:"network,omitempty"`
	FiatCurrency          string `json:"fiat_currency"`
	FiatAmount            string `json:"fiat_amount,omitempty"`
	Amount                string `json:"amount,omitempty"`
	WalletAddress         string `json:"wallet_address,omitempty"`
	RedirectURL           string `json:"redirect_url,omitempty"`
	ExpiresAt             string `json:"expires_at"`
	WidgetURL             string `json:"widget_url"`
}

func newSessionView(m *partnerv1.CreateSessionResponse) sessionView {
	o := m.GetOrder()
	return sessionView{
		MerchantTransactionID: m.GetMerchantTransactionId(), WidgetID: m.GetWidgetId(), InitToken: m.GetInitToken(),
		InitTokenType: m.GetInitTokenType(), PartnerUserID: m.GetPartnerUserId(), Type: o.GetType(), Currency: o.GetCurrency(),
		Network: o.GetNetwork(), FiatCurrency: o.GetFiatCurrency(), FiatAmount: o.GetFiatAmount(), Amount: o.GetAmount(),
		WalletAddress: o.GetWalletAddress(), RedirectURL: o.GetRedirectUrl(), ExpiresAt: rfc3339(m.GetExpiresAt()), WidgetURL: m.GetWidgetUrl(),
	}
}

// identityView is the verified identity; empty fields are left out.
type identityView struct {
	PartnerUserID       string `json:"partner_user_id"`
	Surname             string `json:"surname"`
	GivenNames          string `json:"given_names"`
	DateOfBirth         string `json:"date_of_birth"`
	Sex                 string `json:"sex,omitempty"`
	Nationality         string `json:"nationality,omitempty"`
	DocumentType        string `json:"document_type"`
	IssuingCountry      string `json:"issuing_country"`
	IssuingRegion       string `json:"issuing_region,omitempty"`
	ExpiryDate          string `json:"expiry_date"`
	DocumentNumberLast4 string `json:"document_number_last4"`
	Source              string `json:"source"`
	VerifiedAt          string `json:"verified_at,omitempty"`
}

func newIdentityView(m *partnerv1.GetIdentityResponse) identityView {
	id := m.GetIdentity()
	return identityView{
		PartnerUserID: m.GetPartnerUserId(), Surname: id.GetSurname(), GivenNames: id.GetGivenNames(), DateOfBirth: id.GetDateOfBirth(),
		Sex: id.GetSex(), Nationality: id.GetNationality(), DocumentType: id.GetDocumentType(), IssuingCountry: id.GetIssuingCountry(),
		IssuingRegion: id.GetIssuingRegion(), ExpiryDate: id.GetExpiryDate(), DocumentNumberLast4: id.GetDocumentNumberLast4(),
		Source: id.GetSource(), VerifiedAt: rfc3339(m.GetVerifiedAt()),
	}
}

// redactedView answers DELETE /widget/users/{id}: redacted_at is the same on every repeat.
type redactedView struct {
	PartnerUserID string `json:"partner_user_id"`
	RedactedAt    string `json:"redacted_at"`
}

// errorView is every REST error body.
type errorView struct {
	Error     string `json:"error"`
	Message   string `json:"message"`
	RequestID string `json:"request_id,omitempty"`
}

// kycRequiredView is the 422 body: the docs' three fields first, word for word, then the
// additive fields that let the partner embed the widget anyway.
type kycRequiredView struct {
	Error         string `json:"error"`
	Message       string `json:"message"`
	PartnerUserID string `json:"partner_user_id"`
	InitToken     string `json:"init_token"`
	InitTokenType string `json:"init_token_type"`
	WidgetID      string `json:"widget_id"`
	WidgetURL     string `json:"widget_url"`
	ExpiresAt     string `json:"expires_at"`
	RequestID     string `json:"request_id,omitempty"`
}

func newKycRequiredView(msg, requestID string, d *kycv1.KycRequired) kycRequiredView {
	return kycRequiredView{Error: "kyc_required", Message: msg, PartnerUserID: d.GetPartnerUserId(), InitToken: d.GetInitToken(),
		InitTokenType: d.GetInitTokenType(), WidgetID: d.GetWidgetId(), WidgetURL: d.GetWidgetUrl(),
		ExpiresAt: rfc3339(d.GetExpiresAt()), RequestID: requestID}
}

func rfc3339(ts *timestamppb.Timestamp) string {
	if ts == nil {
		return ""
	}
	return ts.AsTime().UTC().Format(time.RFC3339)
}
