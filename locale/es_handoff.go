package locale

var esHandoff = map[string]string{
	"ho_offer":          "Continuar en el móvil",
	"ho_title":          "Continúa en tu móvil",
	"ho_lead":           "Escanea este código con la cámara del móvil. Harás las fotos allí; esta página seguirá el progreso.",
	"ho_qr_label":       "Código QR que abre la verificación en tu móvil",
	"ho_link":           "O abre este enlace en tu móvil:",
	"ho_expires":        "El código sirve una sola vez, durante {minutes} minutos.",
	"ho_waiting":        "Esperando a tu móvil…",
	"ho_new":            "Mostrar otro código",
	"ho_here":           "Continuar en este dispositivo",
	"ho_phone_done":     "Ya está. Vuelve al ordenador para continuar.",
	"ho_err_title":      "Este enlace para el móvil no se puede usar",
	"ho_err_used":       "Este enlace ya se ha usado. En el ordenador, elige «Mostrar otro código» y vuelve a escanearlo.",
	"ho_err_expired":    "Este enlace ha caducado. En el ordenador, elige «Mostrar otro código» y vuelve a escanearlo.",
	"ho_err_bad":        "Este enlace no es válido. Vuelve a escanear el código que aparece en el ordenador.",
	"retry_selfie_only": "Tu documento es válido y se conserva: solo hay que repetir el selfie.",
	"nocam_lead_phone":  "El selfie necesita una cámara. Continúa en el móvil, o conecta una cámara o permite el acceso a ella aquí.",
}

func init() { merge(es, esHandoff) }
