package kyc

// Steps is what a new attempt must capture again after a failed one.
type Steps struct {
	Document bool // photograph the identity document again
	Selfie   bool // take a new selfie sequence
}

// selfieOnly are the reasons that say nothing against the document: the selfie alone
// failed, so a retry keeps the accepted document images. A face mismatch is not one of
// them: either picture may be the wrong one.
var selfieOnly = []string{ReasonSelfieFace, ReasonLivenessChallenge, ReasonSelfiePersonChange}

// Redo maps a failed attempt's reasons to the steps of the next attempt. Only when every
// reason is about the selfie does the document stay; otherwise both are taken again: a
// new document always comes with a fresh selfie, as a reused selfie is weaker against
// replay. No reasons (an unexplained failure) also redoes both.
func Redo(reasons []string) Steps {
	if len(reasons) == 0 {
		return Steps{Document: true, Selfie: true}
	}
	for _, r := range reasons {
		if !contains(selfieOnly, r) {
			return Steps{Document: true, Selfie: true}
		}
	}
	return Steps{Selfie: true}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
