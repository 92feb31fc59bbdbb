// Package audit names what the audit log records and who did it. Entries are written
// through the store (store.AppendAudit) in the same transaction as the act they record,
// so an act without its entry cannot commit.
package audit

import "github.com/rampart-id/rampart/server/store"

// Actions recorded in the audit log.
const (
	CaseView     = "case.view"     // an operator opened a case's personal data
	ImageView    = "case.image"    // an operator loaded one of a case's images
	CaseDecide   = "case.decide"   // an operator decided a case
	ProfileReset = "profile.reset" // an operator reset a final failure
	UserRedact   = "user.redact"   // a partner or an admin erased a user's personal data
	IdentityRead = "identity.read" // a partner read a user's extracted identity
	AuditExport  = "audit.export"  // an admin exported the audit log
	SignIn       = "console.sign_in"
	SignOut      = "console.sign_out"
)

// Actor is who acts, as the audit log names them.
type Actor struct {
	ID      string     // "operator:NAME" or "partner:PARTNER_ID"
	Role    store.Role // operators only
	Address string     // the client address the request came from
}

// Operator is the actor for an authenticated operator.
func Operator(op store.Operator, address string) Actor {
	return Actor{ID: "operator:" + op.Name, Role: op.Role, Address: address}
}

// Partner is the actor for a partner's API call.
func Partner(partnerID, address string) Actor {
	return Actor{ID: "partner:" + partnerID, Address: address}
}

// Entry is the log line for act done by a on a case or user.
func (a Actor) Entry(action, caseID, partnerID, partnerUserID, detail string) store.AuditEntry {
	return store.AuditEntry{Actor: a.ID, Action: action, CaseID: caseID, PartnerID: partnerID, PartnerUserID: partnerUserID,
		Address: a.Address, Detail: detail}
}
