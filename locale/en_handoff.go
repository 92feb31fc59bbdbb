package locale

// Continuing on a phone, and retrying the selfie alone. Kept apart from en.go so the
// feature's texts are reviewed together; they join the English catalog at start-up.
var enHandoff = map[string]string{
	"ho_offer":          "Continue on your phone",
	"ho_title":          "Continue on your phone",
	"ho_lead":           "Scan this code with your phone's camera. You'll take the photos there; this page follows along.",
	"ho_qr_label":       "QR code that opens the verification on your phone",
	"ho_link":           "Or open this link on your phone:",
	"ho_expires":        "The code works once, for {minutes} minutes.",
	"ho_waiting":        "Waiting for your phone…",
	"ho_new":            "Show a new code",
	"ho_here":           "Continue on this device",
	"ho_phone_done":     "All done here. Go back to your computer to continue.",
	"ho_err_title":      "This phone link can't be used",
	"ho_err_used":       "This link was already used. On your computer, choose “Show a new code” and scan it again.",
	"ho_err_expired":    "This link has expired. On your computer, choose “Show a new code” and scan it again.",
	"ho_err_bad":        "This link is not valid. Scan the code shown on your computer again.",
	"retry_selfie_only": "Your document was accepted and is kept: only the selfie needs taking again.",
	"nocam_lead_phone":  "The selfie needs a camera. Continue on your phone, or connect a camera or allow access to it here.",
}

func init() { merge(en, enHandoff) }

// merge adds a feature's texts to a language's catalog.
func merge(catalog, texts map[string]string) {
	for k, v := range texts {
		catalog[k] = v
	}
}
