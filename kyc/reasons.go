package kyc

// Reason codes of automated checks: user-safe slugs stored with each check, sent to
// partners in failure_reasons and turned into plain language by the widget. The
// image_* codes of capture quality live with the quality checks.
const (
	ReasonMissingSide        = "document_missing_side"
	ReasonDocumentFace       = "document_face_not_found"
	ReasonSelfieFace         = "selfie_face_not_found"
	ReasonLivenessChallenge  = "liveness_challenge_failed"
	ReasonSelfiePersonChange = "selfie_person_changed"
	ReasonFaceMismatch       = "face_mismatch"
	ReasonFaceUncertain      = "face_match_uncertain"
	ReasonDuplicateIdentity  = "duplicate_identity"
	ReasonDocumentUnreadable = "document_unreadable"
	ReasonDocumentType       = "document_type_mismatch"
	ReasonDocumentExpired    = "document_expired"
	ReasonUnderage           = "underage"
	ReasonDocumentNoData     = "document_data_missing"
	ReasonIdentityMismatch   = "identity_mismatch"
	// ReasonVerificationError: automation could not reach a result (the job kept
	// failing or timing out), so a human reviews the case.
	ReasonVerificationError = "verification_error"
	ReasonTestForced        = "test_forced_failure"
	ReasonTestForcedReview  = "test_forced_review"
)

// AllReasons is every reason code above.
var AllReasons = []string{
	ReasonMissingSide, ReasonDocumentFace, ReasonSelfieFace, ReasonLivenessChallenge, ReasonSelfiePersonChange,
	ReasonFaceMismatch, ReasonFaceUncertain, ReasonDuplicateIdentity, ReasonDocumentUnreadable, ReasonDocumentType,
	ReasonDocumentExpired, ReasonUnderage, ReasonDocumentNoData, ReasonIdentityMismatch, ReasonVerificationError,
	ReasonTestForced, ReasonTestForcedReview,
}

// UserReasons are the failure reasons a user can be shown (the widget has words for
// each); review reasons stay with operators.
var UserReasons = []string{
	ReasonMissingSide, ReasonDocumentFace, ReasonSelfieFace, ReasonLivenessChallenge,
	ReasonFaceMismatch, ReasonDocumentUnreadable, ReasonDocumentType, ReasonDocumentExpired,
	ReasonUnderage, ReasonTestForced,
}

// DefaultMinAge is the youngest age a partner accepts unless it set its own.
const DefaultMinAge = 18

// FinalReasons end a user's KYC with this partner whatever attempts are left: another
// try cannot change them (an operator may still reset the profile).
var FinalReasons = []string{ReasonUnderage}

// IsFinal reports whether any of reasons is final.
func IsFinal(reasons []string) bool {
	for _, r := range reasons {
		for _, f := range FinalReasons {
			if r == f {
				return true
			}
		}
	}
	return false
}
