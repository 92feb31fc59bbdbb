package kyc

import widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"

// Document type names, as stored with a case and as the widget's ids and texts use them.
const (
	Passport       = "passport"
	NationalID     = "national_id"
	DriversLicence = "drivers_licence"
)

// DocumentName names a document type ("" for unspecified).
func DocumentName(t widgetv1.DocumentType) string {
	switch t {
	case widgetv1.DocumentType_DOCUMENT_TYPE_PASSPORT:
		return Passport
	case widgetv1.DocumentType_DOCUMENT_TYPE_NATIONAL_ID:
		return NationalID
	case widgetv1.DocumentType_DOCUMENT_TYPE_DRIVERS_LICENCE:
		return DriversLicence
	}
	return ""
}

// NeedsBack reports whether a document has a back side to capture: ID cards and
// driving licences do, a passport's photo page is all there is.
func NeedsBack(name string) bool { return name == NationalID || name == DriversLicence }
