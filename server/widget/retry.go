package widget

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/rampart-id/rampart/server/store"
)

// carryDocument gives a new case the document of the user's last (failed) case, when
// that attempt failed on the selfie alone (kyc.Redo): the user retakes only the selfie.
// The images are opened and sealed again under their new ids (the seal binds a blob to
// its row). An earlier case whose images retention already purged carries nothing, and
// the user photographs the document again.
func (m *Manager) carryDocument(ctx context.Context, tx *store.Tx, c store.Case) (store.Case, error) {
	prev, err := tx.LastDecidedCase(ctx, c.PartnerID, c.PartnerUserID)
	if errors.Is(err, store.ErrNotFound) || prev.DocumentType == "" {
		return c, nil
	}
	if err != nil {
		return c, err
	}
	imgs, err := tx.CaseImages(ctx, prev.ID, true)
	if err != nil {
		return c, err
	}
	var carried []store.Image
	for _, im := range imgs {
		if im.Kind == store.ImageLiveness {
			continue
		}
		if im.Sealed == nil {
			return c, nil
		}
		plain, err := m.seal.Open(im.Sealed, store.ImageAAD(im.ID))
		if err != nil {
			return c, err
		}
		im.ID, im.CaseID = uuid.NewString(), c.ID
		if im.Sealed, err = m.seal.Seal(plain, store.ImageAAD(im.ID)); err != nil {
			return c, err
		}
		carried = append(carried, im)
	}
	if documentMissing(prev.DocumentType, carried) != nil {
		return c, nil
	}
	if err := tx.CarryDocuments(ctx, c.ID, prev.ID, prev.DocumentType, carried); err != nil {
		return c, err
	}
	c.DocumentType, c.DocumentsFrom = prev.DocumentType, prev.ID
	return c, nil
}
