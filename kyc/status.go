// Package kyc holds the KYC vocabulary shared by the server and the browser widget:
// status names, failure reason codes and request field errors. It must stay free of server
// dependencies because the widget (GOOS=js) links it.
package kyc

import (
	kycv1 "github.com/rampart-id/rampart/gen/rampart/kyc/v1"
)

// Status is a KYC profile status, spelled exactly as the partner docs spell it.
type Status string

// The four statuses of the partner docs.
const (
	NotStarted Status = "not_started"
	Pending    Status = "pending"
	Verified   Status = "verified"
	Failed     Status = "failed"
)

// Valid reports whether s is one of the four statuses.
func (s Status) Valid() bool {
	switch s {
	case NotStarted, Pending, Verified, Failed:
		return true
	}
	return false
}

// Proto converts s to the wire enum.
func (s Status) Proto() kycv1.KycStatus {
	switch s {
	case NotStarted:
		return kycv1.KycStatus_KYC_STATUS_NOT_STARTED
	case Pending:
		return kycv1.KycStatus_KYC_STATUS_PENDING
	case Verified:
		return kycv1.KycStatus_KYC_STATUS_VERIFIED
	case Failed:
		return kycv1.KycStatus_KYC_STATUS_FAILED
	}
	return kycv1.KycStatus_KYC_STATUS_UNSPECIFIED
}

// FromProto converts the wire enum to a Status ("" for unspecified).
func FromProto(p kycv1.KycStatus) Status {
	switch p {
	case kycv1.KycStatus_KYC_STATUS_NOT_STARTED:
		return NotStarted
	case kycv1.KycStatus_KYC_STATUS_PENDING:
		return Pending
	case kycv1.KycStatus_KYC_STATUS_VERIFIED:
		return Verified
	case kycv1.KycStatus_KYC_STATUS_FAILED:
		return Failed
	}
	return ""
}

// CanTransact reports whether a user with this status may open a payment session.
func (s Status) CanTransact() bool { return s == Verified }
