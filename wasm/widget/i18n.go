package widget

import (
	"strconv"
	"strings"
)

// Languages the widget speaks. Every user-facing string goes through T; a test checks
// that each language has every English key.
var catalogs = map[string]map[string]string{"en": en, "es": es}

// pickLang returns the first supported language of the lang option and the browser's
// language (navigator.language), falling back to English. "es-MX" counts as "es".
func pickLang(candidates ...string) string {
	for _, c := range candidates {
		c = strings.ToLower(strings.TrimSpace(c))
		if i := strings.IndexAny(c, "-_"); i > 0 {
			c = c[:i]
		}
		if _, ok := catalogs[c]; ok {
			return c
		}
	}
	return "en"
}

// Texts translates into one language.
type Texts struct {
	Lang string
	m    map[string]string
}

func newTexts(lang string) Texts { return Texts{Lang: lang, m: catalogs[lang]} }

// T returns the text for key with {name} placeholders replaced by the given name, value
// pairs. A key missing in the language falls back to English, then to the key itself.
func (t Texts) T(key string, kv ...string) string {
	s, ok := t.m[key]
	if !ok {
		if s, ok = en[key]; !ok {
			s = key
		}
	}
	for i := 0; i+1 < len(kv); i += 2 {
		s = strings.ReplaceAll(s, "{"+kv[i]+"}", kv[i+1])
	}
	return s
}

// Attempts says how many attempts remain, with the right plural.
func (t Texts) Attempts(n int) string {
	if n == 1 {
		return t.T("attempts_one")
	}
	return t.T("attempts_other", "n", strconv.Itoa(n))
}

// Reason turns a failure reason code into advice; unknown codes get a generic text.
func (t Texts) Reason(code string) string {
	if _, ok := en["reason_"+code]; ok {
		return t.T("reason_" + code)
	}
	return t.T("reason_unknown")
}

// ErrorMessage is the plain-language text of an error slug.
func (t Texts) ErrorMessage(slug string) string {
	if _, ok := en["err_"+slug]; ok {
		return t.T("err_" + slug)
	}
	return t.T("err_internal_error")
}

var en = map[string]string{
	"header":  "Identity verification",
	"loading": "Loading…",
	"step":    "Step {n} of 3",
	"step_1":  "Document",
	"step_2":  "Selfie",
	"step_3":  "Review",
	"close":   "Close",
	"back":    "Back",
	"test":    "Test mode",

	"intro_title":        "Verify your identity",
	"intro_lead":         "We need to confirm who you are before you can continue. It takes about 3 minutes.",
	"intro_lead_partner": "{partner} needs to confirm who you are before you can continue. It takes about 3 minutes.",
	"intro_s1":           "Photograph your ID document",
	"intro_s1_hint":      "Passport, national ID card or driver's licence",
	"intro_s2":           "Take a short selfie",
	"intro_s2_hint":      "A few seconds in front of your camera",
	"intro_s3":           "We check it",
	"intro_s3_hint":      "Usually within a few minutes",
	"intro_privacy":      "Your photos are sent encrypted and used only to verify your identity.",
	"start":              "Get started",

	"doc_title":                "Choose your document",
	"doc_lead":                 "Use an original, valid document — not a photocopy or a picture of a screen.",
	"doc_passport":             "Passport",
	"doc_passport_hint":        "Photo page only",
	"doc_national_id":          "National ID card",
	"doc_national_id_hint":     "Front and back",
	"doc_drivers_licence":      "Driver's licence",
	"doc_drivers_licence_hint": "Front and back",

	"cap_passport_front":        "Photo page of your passport",
	"cap_national_id_front":     "Front of your ID card",
	"cap_national_id_back":      "Back of your ID card",
	"cap_drivers_licence_front": "Front of your driver's licence",
	"cap_drivers_licence_back":  "Back of your driver's licence",
	"cap_hint":                  "Lay the document on a dark, flat surface. Fit it inside the frame with all corners visible and no glare.",
	"cap_shutter":               "Take photo",
	"cap_starting":              "Starting camera… Allow camera access if your browser asks.",
	"cap_ready":                 "Camera ready. Fit the document inside the frame.",
	"cap_capturing":             "Hold still…",
	"cap_no_camera":             "No camera was found on this device. Upload a photo of your document instead.",
	"cap_failed":                "The camera could not start. Another app may be using it. You can upload a photo instead.",
	"upload":                    "Upload a photo",
	"upload_instead":            "Upload a photo instead",
	"upload_hint":               "JPEG or PNG",
	"file_unreadable":           "We couldn't read that file. Choose a JPEG or PNG photo.",
	"checking":                  "Checking your photo…",

	"rev_title":       "Check your photo",
	"rev_ok":          "Looks good. Make sure all the text is readable.",
	"rev_bad":         "This photo may not be accepted. We recommend taking it again.",
	"rev_server_bad":  "Our server found a problem with this photo. We recommend taking it again.",
	"rev_alt":         "Your photo of the document",
	"accept":          "Use this photo",
	"accept_anyway":   "Use anyway",
	"retake":          "Retake",
	"uploading":       "Uploading securely…",
	"ok_resolution":   "Large enough to read",
	"ok_blur":         "In focus",
	"ok_exposure":     "Good lighting",
	"ok_glare":        "No glare",
	"check_passed":    "Passed",
	"check_failed":    "Problem",
	"rev_server_list": "Server check",

	"den_title":       "Camera access is blocked",
	"den_lead":        "Allow camera access for this page, then tap “Try camera again”.",
	"den_ios_t":       "iPhone or iPad (Safari)",
	"den_ios":         "Open Settings › Safari › Camera and choose Allow. Or tap aA in the address bar › Website Settings › Camera › Allow.",
	"den_android_t":   "Android (Chrome)",
	"den_android":     "Tap the lock icon next to the address › Permissions › Camera › Allow.",
	"den_app_t":       "Inside an app",
	"den_app":         "The app you came from must allow camera access. If it doesn't, open this page in your browser instead.",
	"den_desktop_t":   "On a computer",
	"den_desktop":     "Click the camera icon in the address bar and allow access.",
	"den_upload":      "You can also upload a photo of your document instead.",
	"retry_camera":    "Try camera again",
	"nocam_title":     "A camera is needed",
	"nocam_lead":      "The liveness check requires camera access. Without it, KYC cannot be completed.",
	"nocam_next":      "Use a phone or computer with a camera, or allow camera access:",
	"live_intro":      "Take a short selfie",
	"live_intro_lead": "We'll check that it's really you, live: you'll look at the camera, then turn your head or come closer when asked.",
	"live_tip1":       "Find good, even light",
	"live_tip2":       "Keep your face inside the oval",
	"live_tip3":       "Follow the prompts on the screen",
	"start_liveness":  "Start selfie",
	"live_title":      "Selfie",
	"live_starting":   "Starting camera… Allow camera access if your browser asks.",
	"live_loading":    "Getting ready…",
	"live_noface":     "We can't see your face. Look at the camera with your face inside the oval.",
	"live_outside":    "Move your face into the oval.",
	"live_far":        "Come a little closer.",
	"live_near":       "Move back a little.",
	"live_dark":       "It's too dark. Find more light, for example face a window or a lamp.",
	"live_straight":   "Look straight at the camera.",
	"live_hold":       "Hold still, looking straight at the camera…",
	"live_turn_left":  "Turn your head to your left.",
	"live_turn_right": "Turn your head to your right.",
	"live_closer":     "Bring your face closer to the camera.",
	"live_done":       "Done. Sending your selfie…",
	"live_stuck":      "Having trouble? Keep trying, or start again with new moves.",
	"keep_trying":     "Keep trying",
	"new_challenge":   "Start again",

	"sub_title":      "Sending your documents",
	"sub_lead":       "This takes a moment. Please keep this page open.",
	"ver_title":      "Verifying your identity",
	"ver_lead":       "Typical verification time is a few minutes, but may take longer in some cases. This page updates by itself.",
	"pend_title":     "We're reviewing your documents",
	"pend_lead":      "Typical verification time is a few minutes, but may take longer in some cases. This page updates by itself.",
	"status_now":     "Status: {status}",
	"ok_title":       "You're verified",
	"ok_lead":        "Thank you. Your identity has been confirmed.",
	"continue":       "Continue",
	"fail_title":     "We couldn't verify your identity",
	"fail_lead":      "Here is what went wrong:",
	"attempts_one":   "You have 1 attempt left.",
	"attempts_other": "You have {n} attempts left.",
	"try_again":      "Try again",
	"fail_final":     "You have no attempts left. Please contact support for help.",
	"fail_final_p":   "You have no attempts left. Please contact {partner} support for help.",

	"st_not_started": "Not started",
	"st_pending":     "Under review",
	"st_verified":    "Verified",
	"st_failed":      "Not verified",

	"pay_title":       "Your order",
	"pay_lead":        "Your identity is verified.",
	"pay_buy_crypto":  "Buy {amount} {currency}",
	"pay_buy_fiat":    "Buy {currency} for {fiat_amount} {fiat}",
	"pay_sell_crypto": "Sell {amount} {currency}",
	"pay_sell_fiat":   "Sell {currency} for {fiat_amount} {fiat}",
	"pay_order":       "Order",
	"pay_fiat_buy":    "Pay with",
	"pay_fiat_sell":   "Receive",
	"pay_network":     "Network",
	"pay_wallet":      "Wallet",
	"pay_unavailable": "Payment processing is not available yet in this version. Nothing has been charged.",
	"done_title":      "Verification complete",
	"done_lead":       "Your identity is verified. You can close this window and continue in the app you came from.",

	"err_title":                "Something went wrong",
	"err_title_link":           "This link can't be used",
	"err_session_already_used": "This link was already used. Go back to the app you came from and open the verification again.",
	"err_session_expired":      "This link has expired. Go back to the app you came from and open the verification again.",
	"err_unauthorized":         "This link is not valid, or your session has ended. Go back to the app you came from and start again.",
	"err_missing_token":        "This page must be opened from the app you are verifying for.",
	"err_rate_limit_exceeded":  "Too many attempts in a short time. Please wait a minute and try again.",
	"err_payload_too_large":    "This photo is too large. Please take or choose a smaller one.",
	"err_invalid_request":      "We couldn't process that. Please try again.",
	"err_unavailable":          "We can't reach the verification service. Check your connection and try again.",
	"err_internal_error":       "Something went wrong on our side. Please try again in a moment.",
	"retry":                    "Try again",

	"reason_image_blurry":              "The photo is blurry. Hold still and let the camera focus.",
	"reason_document_blurry":           "The photo is blurry. Hold still and let the camera focus.",
	"reason_image_too_dark":            "The photo is too dark. Move somewhere brighter.",
	"reason_image_too_bright":          "The photo is too bright. Avoid direct light on the document.",
	"reason_image_glare":               "There is glare on the document. Tilt it away from the light.",
	"reason_image_too_small":           "The document is too small in the photo. Move closer so it fills the frame.",
	"reason_document_missing_side":     "A side of the document is missing. Photograph both sides.",
	"reason_document_unreadable":       "We couldn't read the machine-readable part of your document. Photograph it again: flat, sharp, without glare, the whole document in the frame.",
	"reason_document_type_mismatch":    "The document you photographed is not the type you chose. Choose the right type, or photograph the document you chose.",
	"reason_document_expired":          "This document has expired. Please verify with a valid document.",
	"reason_underage":                  "You must be of legal age to use this service.",
	"unreadable_passport":              "We can't read the lines at the bottom of the photo page — avoid glare and keep them inside the frame.",
	"unreadable_national_id":           "We can't read the lines on the back of your ID card — avoid glare and keep them inside the frame.",
	"unreadable_drivers_licence":       "We can't read the barcode on the back of your licence — avoid glare and keep it inside the frame.",
	"ok_document_data":                 "Document data read",
	"reason_document_face_not_found":   "We couldn't find the photo of your face on the document. Photograph the side with your photo, flat and without glare.",
	"reason_selfie_face_not_found":     "We couldn't see your face in the selfie. Take it in good light, with your face inside the oval.",
	"reason_liveness_challenge_failed": "We couldn't see the head movements we asked for. Next time, follow each prompt on the screen, in good light.",
	"reason_face_mismatch":             "The face in your selfie doesn't match the photo on your document. Use your own document and take the selfie yourself.",
	"reason_test_forced_failure":       "This test verification was set to fail.",
	"reason_unknown":                   "We couldn't verify your documents. Please try again with clear photos.",
}

var es = map[string]string{
	"header":  "Verificación de identidad",
	"loading": "Cargando…",
	"step":    "Paso {n} de 3",
	"step_1":  "Documento",
	"step_2":  "Selfi",
	"step_3":  "Revisión",
	"close":   "Cerrar",
	"back":    "Atrás",
	"test":    "Modo de prueba",

	"intro_title":        "Verifica tu identidad",
	"intro_lead":         "Necesitamos confirmar quién eres antes de continuar. Tarda unos 3 minutos.",
	"intro_lead_partner": "{partner} necesita confirmar quién eres antes de continuar. Tarda unos 3 minutos.",
	"intro_s1":           "Fotografía tu documento de identidad",
	"intro_s1_hint":      "Pasaporte, documento nacional de identidad o permiso de conducir",
	"intro_s2":           "Hazte un selfi corto",
	"intro_s2_hint":      "Unos segundos frente a la cámara",
	"intro_s3":           "Lo revisamos",
	"intro_s3_hint":      "Normalmente en pocos minutos",
	"intro_privacy":      "Tus fotos se envían cifradas y solo se usan para verificar tu identidad.",
	"start":              "Comenzar",

	"doc_title":                "Elige tu documento",
	"doc_lead":                 "Usa un documento original y vigente, no una fotocopia ni una foto de una pantalla.",
	"doc_passport":             "Pasaporte",
	"doc_passport_hint":        "Solo la página de la foto",
	"doc_national_id":          "Documento de identidad",
	"doc_national_id_hint":     "Anverso y reverso",
	"doc_drivers_licence":      "Permiso de conducir",
	"doc_drivers_licence_hint": "Anverso y reverso",

	"cap_passport_front":        "Página de la foto de tu pasaporte",
	"cap_national_id_front":     "Anverso de tu documento de identidad",
	"cap_national_id_back":      "Reverso de tu documento de identidad",
	"cap_drivers_licence_front": "Anverso de tu permiso de conducir",
	"cap_drivers_licence_back":  "Reverso de tu permiso de conducir",
	"cap_hint":                  "Coloca el documento sobre una superficie oscura y plana. Encájalo en el marco con las cuatro esquinas visibles y sin reflejos.",
	"cap_shutter":               "Hacer foto",
	"cap_starting":              "Iniciando la cámara… Permite el acceso si el navegador lo pide.",
	"cap_ready":                 "Cámara lista. Encaja el documento en el marco.",
	"cap_capturing":             "No te muevas…",
	"cap_no_camera":             "No se ha encontrado ninguna cámara en este dispositivo. Sube una foto de tu documento.",
	"cap_failed":                "No se pudo iniciar la cámara. Puede que otra aplicación la esté usando. Puedes subir una foto.",
	"upload":                    "Subir una foto",
	"upload_instead":            "Subir una foto en su lugar",
	"upload_hint":               "JPEG o PNG",
	"file_unreadable":           "No hemos podido leer ese archivo. Elige una foto JPEG o PNG.",
	"checking":                  "Comprobando tu foto…",

	"rev_title":       "Revisa tu foto",
	"rev_ok":          "Se ve bien. Comprueba que todo el texto se lee.",
	"rev_bad":         "Puede que esta foto no se acepte. Te recomendamos repetirla.",
	"rev_server_bad":  "Nuestro servidor ha encontrado un problema en esta foto. Te recomendamos repetirla.",
	"rev_alt":         "Tu foto del documento",
	"accept":          "Usar esta foto",
	"accept_anyway":   "Usar de todos modos",
	"retake":          "Repetir",
	"uploading":       "Subiendo de forma segura…",
	"ok_resolution":   "Tamaño suficiente para leerla",
	"ok_blur":         "Enfocada",
	"ok_exposure":     "Buena iluminación",
	"ok_glare":        "Sin reflejos",
	"check_passed":    "Correcto",
	"check_failed":    "Problema",
	"rev_server_list": "Comprobación del servidor",

	"den_title":       "El acceso a la cámara está bloqueado",
	"den_lead":        "Permite el acceso a la cámara para esta página y pulsa «Probar la cámara de nuevo».",
	"den_ios_t":       "iPhone o iPad (Safari)",
	"den_ios":         "Abre Ajustes › Safari › Cámara y elige Permitir. O pulsa aA en la barra de direcciones › Ajustes del sitio web › Cámara › Permitir.",
	"den_android_t":   "Android (Chrome)",
	"den_android":     "Pulsa el icono del candado junto a la dirección › Permisos › Cámara › Permitir.",
	"den_app_t":       "Dentro de una aplicación",
	"den_app":         "La aplicación desde la que vienes debe permitir el acceso a la cámara. Si no lo hace, abre esta página en tu navegador.",
	"den_desktop_t":   "En un ordenador",
	"den_desktop":     "Haz clic en el icono de la cámara de la barra de direcciones y permite el acceso.",
	"den_upload":      "También puedes subir una foto de tu documento.",
	"retry_camera":    "Probar la cámara de nuevo",
	"nocam_title":     "Se necesita una cámara",
	"nocam_lead":      "La prueba de vida requiere acceso a la cámara. Sin ella no se puede completar la verificación (KYC).",
	"nocam_next":      "Usa un teléfono u ordenador con cámara, o permite el acceso a la cámara:",
	"live_intro":      "Hazte un selfi corto",
	"live_intro_lead": "Comprobaremos que eres tú, en directo: mirarás a la cámara y luego girarás la cabeza o te acercarás cuando te lo pidamos.",
	"live_tip1":       "Busca una luz buena y uniforme",
	"live_tip2":       "Mantén la cara dentro del óvalo",
	"live_tip3":       "Sigue las indicaciones de la pantalla",
	"start_liveness":  "Empezar el selfi",
	"live_title":      "Selfi",
	"live_starting":   "Iniciando la cámara… Permite el acceso si el navegador lo pide.",
	"live_loading":    "Preparando…",
	"live_noface":     "No vemos tu cara. Mira a la cámara con la cara dentro del óvalo.",
	"live_outside":    "Coloca la cara dentro del óvalo.",
	"live_far":        "Acércate un poco.",
	"live_near":       "Aléjate un poco.",
	"live_dark":       "Hay poca luz. Busca más luz, por ejemplo ponte frente a una ventana o una lámpara.",
	"live_straight":   "Mira de frente a la cámara.",
	"live_hold":       "No te muevas y mira de frente a la cámara…",
	"live_turn_left":  "Gira la cabeza hacia tu izquierda.",
	"live_turn_right": "Gira la cabeza hacia tu derecha.",
	"live_closer":     "Acerca la cara a la cámara.",
	"live_done":       "Listo. Enviando tu selfi…",
	"live_stuck":      "¿Tienes problemas? Sigue intentándolo o empieza de nuevo con otros movimientos.",
	"keep_trying":     "Seguir intentándolo",
	"new_challenge":   "Empezar de nuevo",

	"sub_title":      "Enviando tus documentos",
	"sub_lead":       "Tarda un momento. No cierres esta página.",
	"ver_title":      "Verificando tu identidad",
	"ver_lead":       "La verificación suele tardar unos minutos, aunque a veces puede llevar más. Esta página se actualiza sola.",
	"pend_title":     "Estamos revisando tus documentos",
	"pend_lead":      "La verificación suele tardar unos minutos, aunque a veces puede llevar más. Esta página se actualiza sola.",
	"status_now":     "Estado: {status}",
	"ok_title":       "Identidad verificada",
	"ok_lead":        "Gracias. Hemos confirmado tu identidad.",
	"continue":       "Continuar",
	"fail_title":     "No hemos podido verificar tu identidad",
	"fail_lead":      "Esto es lo que ha fallado:",
	"attempts_one":   "Te queda 1 intento.",
	"attempts_other": "Te quedan {n} intentos.",
	"try_again":      "Intentarlo de nuevo",
	"fail_final":     "No te quedan intentos. Ponte en contacto con el servicio de asistencia.",
	"fail_final_p":   "No te quedan intentos. Ponte en contacto con el servicio de asistencia de {partner}.",

	"st_not_started": "Sin empezar",
	"st_pending":     "En revisión",
	"st_verified":    "Verificada",
	"st_failed":      "No verificada",

	"pay_title":       "Tu pedido",
	"pay_lead":        "Tu identidad está verificada.",
	"pay_buy_crypto":  "Comprar {amount} {currency}",
	"pay_buy_fiat":    "Comprar {currency} por {fiat_amount} {fiat}",
	"pay_sell_crypto": "Vender {amount} {currency}",
	"pay_sell_fiat":   "Vender {currency} por {fiat_amount} {fiat}",
	"pay_order":       "Pedido",
	"pay_fiat_buy":    "Pagas con",
	"pay_fiat_sell":   "Recibes",
	"pay_network":     "Red",
	"pay_wallet":      "Monedero",
	"pay_unavailable": "El procesamiento de pagos aún no está disponible en esta versión. No se ha cobrado nada.",
	"done_title":      "Verificación completada",
	"done_lead":       "Tu identidad está verificada. Puedes cerrar esta ventana y seguir en la aplicación de la que vienes.",

	"err_title":                "Algo ha salido mal",
	"err_title_link":           "Este enlace no se puede usar",
	"err_session_already_used": "Este enlace ya se ha usado. Vuelve a la aplicación de la que vienes y abre la verificación de nuevo.",
	"err_session_expired":      "Este enlace ha caducado. Vuelve a la aplicación de la que vienes y abre la verificación de nuevo.",
	"err_unauthorized":         "Este enlace no es válido o tu sesión ha terminado. Vuelve a la aplicación de la que vienes y empieza de nuevo.",
	"err_missing_token":        "Esta página debe abrirse desde la aplicación para la que te verificas.",
	"err_rate_limit_exceeded":  "Demasiados intentos en poco tiempo. Espera un minuto y vuelve a intentarlo.",
	"err_payload_too_large":    "Esta foto es demasiado grande. Haz o elige una más pequeña.",
	"err_invalid_request":      "No hemos podido procesarlo. Inténtalo de nuevo.",
	"err_unavailable":          "No podemos conectar con el servicio de verificación. Comprueba tu conexión e inténtalo de nuevo.",
	"err_internal_error":       "Algo ha fallado por nuestra parte. Inténtalo de nuevo en un momento.",
	"retry":                    "Intentarlo de nuevo",

	"reason_image_blurry":              "La foto está borrosa. No te muevas y deja que la cámara enfoque.",
	"reason_document_blurry":           "La foto está borrosa. No te muevas y deja que la cámara enfoque.",
	"reason_image_too_dark":            "La foto está demasiado oscura. Busca un lugar con más luz.",
	"reason_image_too_bright":          "La foto tiene demasiada luz. Evita la luz directa sobre el documento.",
	"reason_image_glare":               "Hay reflejos en el documento. Inclínalo para apartarlo de la luz.",
	"reason_image_too_small":           "El documento sale demasiado pequeño. Acércate para que llene el marco.",
	"reason_document_missing_side":     "Falta una cara del documento. Fotografía ambas caras.",
	"reason_document_unreadable":       "No pudimos leer la zona legible por máquina de tu documento. Fotografíalo de nuevo: plano, nítido, sin reflejos y entero en el encuadre.",
	"reason_document_type_mismatch":    "El documento fotografiado no es del tipo que elegiste. Elige el tipo correcto o fotografía el documento elegido.",
	"reason_document_expired":          "Este documento ha caducado. Verifícate con un documento vigente.",
	"reason_underage":                  "Debes ser mayor de edad para usar este servicio.",
	"unreadable_passport":              "No podemos leer las líneas de la parte inferior de la página de la foto: evita los reflejos y mantenlas dentro del encuadre.",
	"unreadable_national_id":           "No podemos leer las líneas del reverso de tu documento de identidad: evita los reflejos y mantenlas dentro del encuadre.",
	"unreadable_drivers_licence":       "No podemos leer el código de barras del reverso de tu permiso: evita los reflejos y mantenlo dentro del encuadre.",
	"ok_document_data":                 "Datos del documento leídos",
	"reason_document_face_not_found":   "No encontramos la foto de tu cara en el documento. Fotografía la cara del documento con tu foto, plana y sin reflejos.",
	"reason_selfie_face_not_found":     "No hemos visto tu cara en el selfi. Hazlo con buena luz y la cara dentro del óvalo.",
	"reason_liveness_challenge_failed": "No hemos visto los movimientos de cabeza que te pedimos. La próxima vez, sigue cada indicación de la pantalla con buena luz.",
	"reason_face_mismatch":             "La cara de tu selfi no coincide con la foto de tu documento. Usa tu propio documento y hazte el selfi tú mismo.",
	"reason_test_forced_failure":       "Esta verificación de prueba estaba configurada para fallar.",
	"reason_unknown":                   "No hemos podido verificar tus documentos. Inténtalo de nuevo con fotos nítidas.",
}
