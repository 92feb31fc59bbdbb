package locale

// Continuing on a phone, and retrying the selfie alone (see en_handoff.go).
var frHandoff = frenchTypography(map[string]string{
	"ho_offer":          "Continuer sur votre téléphone",
	"ho_title":          "Continuer sur votre téléphone",
	"ho_lead":           "Scannez ce code avec l'appareil photo de votre téléphone. Vous y prendrez les photos ; cette page suit la progression.",
	"ho_qr_label":       "Code QR qui ouvre la vérification sur votre téléphone",
	"ho_link":           "Ou ouvrez ce lien sur votre téléphone :",
	"ho_expires":        "Le code fonctionne une seule fois, pendant {minutes} minutes.",
	"ho_waiting":        "En attente de votre téléphone…",
	"ho_new":            "Afficher un nouveau code",
	"ho_here":           "Continuer sur cet appareil",
	"ho_phone_done":     "C'est terminé ici. Revenez sur votre ordinateur pour continuer.",
	"ho_err_title":      "Ce lien ne peut pas être utilisé",
	"ho_err_used":       "Ce lien a déjà été utilisé. Sur votre ordinateur, choisissez « Afficher un nouveau code » et scannez-le à nouveau.",
	"ho_err_expired":    "Ce lien a expiré. Sur votre ordinateur, choisissez « Afficher un nouveau code » et scannez-le à nouveau.",
	"ho_err_bad":        "Ce lien n'est pas valide. Scannez à nouveau le code affiché sur votre ordinateur.",
	"retry_selfie_only": "Votre document a été accepté et conservé : seul le selfie est à refaire.",
	"nocam_lead_phone":  "Le selfie nécessite une caméra. Continuez sur votre téléphone, ou branchez une caméra ou autorisez-y l'accès ici.",
})

func init() { merge(fr, frHandoff) }
