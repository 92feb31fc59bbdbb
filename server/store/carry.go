package store

import "context"

// LastDecidedCase returns the user's most recently decided case, or ErrNotFound.
func (t *Tx) LastDecidedCase(ctx context.Context, partnerID, userID string) (Case, error) {
	return scanCase(t.q.QueryRowContext(ctx, `SELECT `+caseCols+` FROM kyc_cases
		WHERE partner_id = $1 AND partner_user_id = $2 AND state = 'decided' ORDER BY decided_at DESC LIMIT 1`, partnerID, userID))
}

// CarryDocuments gives an open case the document of an earlier one: its type, its
// images (imgs, sealed for their new rows) and the name of the case they came from.
func (t *Tx) CarryDocuments(ctx context.Context, caseID, fromCase, docType string, imgs []Image) error {
	if _, err := t.q.ExecContext(ctx, `UPDATE kyc_cases SET document_type = $2, documents_from = $3 WHERE id = $1`, caseID, docType, fromCase); err != nil {
		return err
	}
	byKind := map[string][]Image{}
	for _, im := range imgs {
		byKind[im.Kind] = append(byKind[im.Kind], im)
	}
	for kind, list := range byKind {
		if err := t.PutImages(ctx, caseID, kind, list); err != nil {
			return err
		}
	}
	return nil
}

// DropCarriedDocuments removes a carried document from a case (the user photographs a
// new one): no side of the old document may mix with the new one.
func (t *Tx) DropCarriedDocuments(ctx context.Context, caseID string) error {
	if _, err := t.q.ExecContext(ctx, `DELETE FROM case_images WHERE case_id = $1 AND kind <> 'liveness'`, caseID); err != nil {
		return err
	}
	_, err := t.q.ExecContext(ctx, `UPDATE kyc_cases SET documents_from = NULL WHERE id = $1`, caseID)
	return err
}
