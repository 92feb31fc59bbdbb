package verify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"time"

	"github.com/rampart-id/rampart/document"
	kycv1 "github.com/rampart-id/rampart/gen/rampart/kyc/v1"
	"github.com/rampart-id/rampart/server/store"
)

// sealedIdentity is a case's identity ready to store: sealed, with the keyed hashes of
// its document under every index key.
type sealedIdentity struct {
	sealed []byte
	keys   [][]byte
}

// identity reads the case's document, finds the partner's other users who presented
// the same one, and loads what the partner expects; it fills in so Evaluate need
// not read again.
func (w *Worker) identity(ctx context.Context, c store.Case, in *Input) (sealedIdentity, error) {
	read := ReadDocument(*in)
	in.Document = &read
	rd := w.Store.Read()
	exp, err := rd.ExpectedIdentity(ctx, c.PartnerID, c.PartnerUserID)
	if err != nil {
		return sealedIdentity{}, err
	}
	if exp != nil {
		raw, err := w.Keys.Open(exp, store.ExpectedAAD(c.PartnerID, c.PartnerUserID))
		if err != nil {
			return sealedIdentity{}, err
		}
		in.Expected = new(document.Expected)
		if err := json.Unmarshal(raw, in.Expected); err != nil {
			return sealedIdentity{}, err
		}
	}
	if read.Err != nil {
		return sealedIdentity{}, nil
	}
	keys := DocumentKeys(w.Keys.IndexKeys(), read.Identity)
	if in.DocumentHolders, err = rd.DocumentHolders(ctx, c.PartnerID, c.PartnerUserID, keys); err != nil {
		return sealedIdentity{}, err
	}
	raw, err := json.Marshal(read.Identity)
	if err != nil {
		return sealedIdentity{}, err
	}
	sealed, err := w.Keys.Seal(raw, store.IdentityAAD(c.ID))
	if err != nil {
		return sealedIdentity{}, err
	}
	// Stored under the current key only; looked up under all.
	return sealedIdentity{sealed: sealed, keys: keys[:1]}, nil
}

// DocumentKeys are the keyed hashes (HMAC-SHA256) of a document's issuing country and
// number under each index key: indexable, and useless without the key.
func DocumentKeys(indexKeys [][]byte, id document.Identity) [][]byte {
	out := make([][]byte, len(indexKeys))
	for i, k := range indexKeys {
		m := hmac.New(sha256.New, k)
		m.Write([]byte(id.IndexString()))
		out[i] = m.Sum(nil)
	}
	return out
}

// OpenIdentity unseals a case's identity.
func OpenIdentity(k interface {
	Open(envelope, associatedData []byte) ([]byte, error)
}, ci store.CaseIdentity) (document.Identity, error) {
	var id document.Identity
	raw, err := k.Open(ci.Sealed, store.IdentityAAD(ci.CaseID))
	if err != nil {
		return id, err
	}
	err = json.Unmarshal(raw, &id)
	return id, err
}

// IdentityProto renders an identity; the whole document number only for operators.
func IdentityProto(id document.Identity, wholeNumber bool) *kycv1.Identity {
	out := &kycv1.Identity{
		Surname: id.Surname, GivenNames: id.GivenNames, DateOfBirth: date(id.BirthDate), Sex: id.Sex,
		Nationality: id.Nationality, DocumentType: id.DocumentType, IssuingCountry: id.IssuingCountry,
		IssuingRegion: id.IssuingRegion, ExpiryDate: date(id.ExpiryDate), DocumentNumberLast4: id.Last4(), Source: id.Source,
	}
	if wholeNumber {
		out.DocumentNumber = id.Number
	}
	return out
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}
