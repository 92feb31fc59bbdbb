package locale

// The consent screen, the page shell and the support link, in French.
var frConsent = frenchTypography(map[string]string{
	"agree":           "J'accepte",
	"consent_keep":    "Les photos sont supprimées {image_days} jours après la décision. Les données lues sur votre document sont conservées {identity_days} jours, comme l'exige la loi contre le blanchiment d'argent.",
	"consent_keep_h":  "Durée de conservation",
	"consent_note":    "Rien n'est capturé avant votre accord.",
	"consent_privacy": "Politique de confidentialité de {partner}",
	"consent_what":    "Des photos de votre pièce d'identité, quelques images de selfie et les données lues sur le document (nom, date de naissance, numéro du document).",
	"consent_what_h":  "Ce que nous collectons",
	"consent_who":     "{partner} est responsable de vos données (responsable du traitement). Rampart vérifie votre identité pour son compte (sous-traitant).",
	"consent_who_h":   "Qui les traite",
	"consent_why":     "Pour confirmer votre identité auprès de {partner} et prévenir la fraude.",
	"consent_why_h":   "Pourquoi",
	"fail_support":    "Contacter le support de {partner}",
	"new_tab":         "(s'ouvre dans un nouvel onglet)",
	"noscript":        "Cette vérification nécessite JavaScript. Activez-le, ou ouvrez cette page dans un autre navigateur.",
	"preparing":       "Préparation en cours…",
	"shell_broken":    "Un problème est survenu. Revenez à l'application d'origine et réessayez.",
	"shell_fail":      "La vérification ne peut pas démarrer",
	"shell_old":       "Mettez à jour votre navigateur, ou ouvrez cette page dans la dernière version de Chrome, Safari, Firefox ou Edge.",
})

func init() { merge(fr, frConsent) }
