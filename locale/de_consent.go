package locale

// The consent screen, the page shell and the support link, in German.
var deConsent = map[string]string{
	"agree":           "Ich stimme zu",
	"consent_keep":    "Fotos werden {image_days} Tage nach der Entscheidung gelöscht. Die aus Ihrem Dokument gelesenen Daten werden {identity_days} Tage aufbewahrt, wie es das Geldwäschegesetz verlangt.",
	"consent_keep_h":  "Wie lange sie gespeichert werden",
	"consent_note":    "Ohne Ihre Zustimmung wird nichts aufgenommen.",
	"consent_privacy": "Datenschutzerklärung von {partner}",
	"consent_what":    "Fotos Ihres Ausweisdokuments, einige Selfie-Bilder und die aus dem Dokument gelesenen Daten (Name, Geburtsdatum, Dokumentnummer).",
	"consent_what_h":  "Was wir erfassen",
	"consent_who":     "{partner} ist für Ihre Daten verantwortlich (Verantwortlicher). Rampart prüft Ihre Identität in dessen Auftrag (Auftragsverarbeiter).",
	"consent_who_h":   "Wer sie verarbeitet",
	"consent_why":     "Um Ihre Identität für {partner} zu bestätigen und Betrug zu verhindern.",
	"consent_why_h":   "Warum",
	"fail_support":    "Support von {partner} kontaktieren",
	"new_tab":         "(öffnet in neuem Tab)",
	"noscript":        "Diese Verifizierung benötigt JavaScript. Aktivieren Sie es oder öffnen Sie die Seite in einem anderen Browser.",
	"preparing":       "Wird vorbereitet…",
	"shell_broken":    "Etwas ist schiefgelaufen. Kehren Sie zur App zurück, aus der Sie kamen, und versuchen Sie es erneut.",
	"shell_fail":      "Die Verifizierung kann nicht starten",
	"shell_old":       "Aktualisieren Sie Ihren Browser oder öffnen Sie die Seite in der neuesten Version von Chrome, Safari, Firefox oder Edge.",
}

func init() { merge(de, deConsent) }
