package kyc

import "testing"

func TestRedo(t *testing.T) {
	both, selfie := Steps{Document: true, Selfie: true}, Steps{Selfie: true}
	for _, tc := range []struct {
		reasons []string
		want    Steps
	}{
		{nil, both},
		{[]string{ReasonLivenessChallenge}, selfie},
		{[]string{ReasonSelfieFace, ReasonSelfiePersonChange}, selfie},
		{[]string{ReasonLivenessChallenge, ReasonDocumentExpired}, both},
		{[]string{ReasonFaceMismatch}, both},
		{[]string{ReasonDocumentUnreadable}, both},
		{[]string{"something_new"}, both},
	} {
		if got := Redo(tc.reasons); got != tc.want {
			t.Errorf("Redo(%v) = %+v, want %+v", tc.reasons, got, tc.want)
		}
	}
}
