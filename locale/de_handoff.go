package locale

// Continuing on a phone, and retrying the selfie alone (see en_handoff.go).
var deHandoff = map[string]string{
	"ho_offer":          "Auf dem Smartphone fortfahren",
	"ho_title":          "Auf dem Smartphone fortfahren",
	"ho_lead":           "Scannen Sie diesen Code mit der Kamera Ihres Smartphones. Dort nehmen Sie die Fotos auf; diese Seite zeigt den Fortschritt.",
	"ho_qr_label":       "QR-Code, der die Verifizierung auf Ihrem Smartphone öffnet",
	"ho_link":           "Oder öffnen Sie diesen Link auf Ihrem Smartphone:",
	"ho_expires":        "Der Code gilt einmal, {minutes} Minuten lang.",
	"ho_waiting":        "Warten auf Ihr Smartphone…",
	"ho_new":            "Neuen Code anzeigen",
	"ho_here":           "Auf diesem Gerät fortfahren",
	"ho_phone_done":     "Hier ist alles erledigt. Fahren Sie an Ihrem Computer fort.",
	"ho_err_title":      "Dieser Link kann nicht verwendet werden",
	"ho_err_used":       "Dieser Link wurde bereits verwendet. Wählen Sie am Computer „Neuen Code anzeigen“ und scannen Sie ihn erneut.",
	"ho_err_expired":    "Dieser Link ist abgelaufen. Wählen Sie am Computer „Neuen Code anzeigen“ und scannen Sie ihn erneut.",
	"ho_err_bad":        "Dieser Link ist ungültig. Scannen Sie den Code auf Ihrem Computer erneut.",
	"retry_selfie_only": "Ihr Dokument wurde akzeptiert und bleibt gespeichert: Nur das Selfie muss neu aufgenommen werden.",
	"nocam_lead_phone":  "Für das Selfie wird eine Kamera benötigt. Fahren Sie auf Ihrem Smartphone fort, oder schließen Sie eine Kamera an bzw. erlauben Sie hier den Zugriff.",
}

func init() { merge(de, deHandoff) }
