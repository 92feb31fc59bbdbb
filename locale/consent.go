package locale

import (
	"hash/fnv"
	"strconv"
)

// consentKeys are the texts of the consent screen, in the order shown. Their wording in
// a language is what a user agrees to, so it names the consent text version.
var consentKeys = []string{"intro_title", "intro_lead_partner", "consent_what_h", "consent_what", "consent_why_h",
	"consent_why", "consent_who_h", "consent_who", "consent_keep_h", "consent_keep", "consent_privacy", "agree"}

// ConsentVersion names the consent text of a language: the language and a hash of its
// wording, so any edit of the text is a new version and each stored consent says which
// words the user saw. A non-cryptographic hash is enough: it tells versions apart.
func ConsentVersion(lang string) string {
	t := New(lang)
	h := fnv.New64a()
	for _, k := range consentKeys {
		_, _ = h.Write([]byte(t.T(k)))
		_, _ = h.Write([]byte{0})
	}
	return t.Lang + "-" + strconv.FormatUint(h.Sum64(), 16)
}

// Supported reports whether lang is a language code with its own texts.
func Supported(lang string) bool {
	_, ok := catalogs[lang]
	return ok
}
