package verify

import (
	"github.com/rampart-id/rampart/document"
	"github.com/rampart-id/rampart/kyc"
)

// DocumentRead is the outcome of reading a case's document: the identity, or why not.
type DocumentRead struct {
	Identity document.Identity
	Err      error // nil, document.ErrUnreadable or document.ErrNoData
}

// ReadDocument reads the machine-readable data of the case's document.
func ReadDocument(in Input) DocumentRead {
	id, err := document.Read(in.DocumentType, in.Front, in.Back, in.Now)
	return DocumentRead{Identity: id, Err: err}
}

// dataChecks: the document's data was read, is of the type chosen, has not expired,
// names someone old enough, under no other user of the partner, and who the partner
// expected.
func dataChecks(cs *checks, in Input) {
	side := in.Front
	if document.DataSide(in.DocumentType) == "back" {
		side = in.Back
	}
	if side == nil {
		return // the missing side already failed the case
	}
	r := in.Document
	if r == nil {
		read := ReadDocument(in)
		r = &read
	}
	switch r.Err {
	case nil:
		cs.add("document_data", Pass, "", 1, 1)
	case document.ErrNoData:
		cs.add("document_data", Review, kyc.ReasonDocumentNoData, 0, 1)
		return
	default:
		cs.add("document_data", Fail, kyc.ReasonDocumentUnreadable, 0, 1)
		return
	}
	id := r.Identity
	if id.DocumentType == in.DocumentType {
		cs.add("document_type", Pass, "", 1, 1)
	} else {
		cs.add("document_type", Fail, kyc.ReasonDocumentType, 0, 1)
	}
	now := in.Now
	days := id.ExpiryDate.Sub(now).Hours() / 24
	if id.ExpiredAt(now) {
		cs.add("document_expiry", Fail, kyc.ReasonDocumentExpired, days, 0)
	} else {
		cs.add("document_expiry", Pass, "", days, 0)
	}
	minAge := in.MinAge
	if age := id.AgeAt(now); age < minAge {
		cs.add("age", Fail, kyc.ReasonUnderage, float64(age), float64(minAge))
	} else {
		cs.add("age", Pass, "", float64(age), float64(minAge))
	}
	if n := len(in.DocumentHolders); n > 0 {
		cs.add("duplicate_document", Review, kyc.ReasonDuplicateIdentity, float64(n), 0)
	} else {
		cs.add("duplicate_document", Pass, "", 0, 0)
	}
	if e := in.Expected; e != nil && (e.Name != "" || !e.BirthDate.IsZero()) {
		nameOK := e.Name == "" || document.NameMatches(e.Name, id)
		dobOK := e.BirthDate.IsZero() || e.BirthDate.Equal(id.BirthDate)
		score := 0.0
		if nameOK {
			score += 0.5
		}
		if dobOK {
			score += 0.5
		}
		if nameOK && dobOK {
			cs.add("identity_match", Pass, "", score, 1)
		} else {
			cs.add("identity_match", Review, kyc.ReasonIdentityMismatch, score, 1)
		}
	}
}
