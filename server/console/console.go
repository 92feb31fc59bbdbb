// Package console is the operator console: the compliance team's web app at /console.
// Pages are rendered on the server (html/template); the only script is a static file.
// It reaches the domain only through the Reviews and Redactor interfaces below, which
// the review and redaction packages implement.
package console

import (
	"context"
	"embed"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/audit"
	"github.com/rampart-id/rampart/server/review"
	"github.com/rampart-id/rampart/server/store"
)

// Prefix is where the console is mounted.
const Prefix = "/console"

// The review domain's own types: the console shows them as they are.
type (
	QueueFilter = review.QueueFilter
	QueueCounts = review.QueueCounts
	CaseImage   = review.CaseImage
	CaseView    = review.CaseView
	Decision    = review.Decision
)

// Reviews is the review domain as the console uses it (review.Manager); handlers test
// against a fake. Each method checks the actor's role and writes its own audit entry.
type Reviews interface {
	Queue(ctx context.Context, a audit.Actor, f QueueFilter) ([]store.QueueEntry, QueueCounts, error)
	Case(ctx context.Context, a audit.Actor, caseID string) (CaseView, error)
	Image(ctx context.Context, a audit.Actor, caseID, imageID string) (CaseImage, error)
	Decide(ctx context.Context, a audit.Actor, caseID string, d Decision) (kyc.Status, error)
	Reset(ctx context.Context, a audit.Actor, partnerID, userID, note string) (kyc.Status, error)
	Find(ctx context.Context, a audit.Actor, partnerID, userID string) ([]store.Case, error)
	Partners(ctx context.Context, a audit.Actor) ([]store.Partner, error)
	Audit(ctx context.Context, a audit.Actor, f store.AuditFilter) ([]store.AuditEntry, error)
	ExportAudit(ctx context.Context, a audit.Actor, f store.AuditFilter, w io.Writer) error
}

// Redactor erases a user's personal data (admins only).
type Redactor interface {
	User(ctx context.Context, a audit.Actor, partnerID, userID string) error
}

// Authenticator checks an operator token as the API does (admission, throttling of bad
// tokens, look-up) and returns a context carrying the operator (auth.Authenticator).
type Authenticator interface {
	Operator(ctx context.Context, header map[string][]string) (context.Context, error)
}

// Config is what the console needs.
type Config struct {
	Store    *store.Store // console sessions
	Auth     Authenticator
	Reviews  Reviews
	Redactor Redactor // nil: the console offers no redaction
	// PublicURL is the server's own origin: form posts must come from it. Empty: the
	// origin the request was addressed to.
	PublicURL string
	Logger    *slog.Logger
}

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Console serves /console.
type Console struct {
	cfg   Config
	pages *pages
	mux   *http.ServeMux
}

// New builds the console handler.
func New(cfg Config) *Console {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	c := &Console{cfg: cfg, pages: mustPages()}
	m := http.NewServeMux()
	m.Handle("GET "+Prefix+"/static/", http.StripPrefix(Prefix, staticHandler()))
	m.HandleFunc("GET "+Prefix+"/{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, Prefix+"/queue", http.StatusSeeOther)
	})
	m.HandleFunc("GET "+Prefix+"/sign-in", c.signInPage)
	m.HandleFunc("POST "+Prefix+"/sign-in", c.signIn)
	m.HandleFunc("POST "+Prefix+"/sign-out", c.session(c.signOut))
	m.HandleFunc("GET "+Prefix+"/queue", c.session(c.queue))
	m.HandleFunc("GET "+Prefix+"/cases/{id}", c.session(c.casePage))
	m.HandleFunc("GET "+Prefix+"/cases/{id}/images/{img}", c.session(c.image))
	m.HandleFunc("GET "+Prefix+"/cases/{id}/images/{img}/mrz", c.session(c.mrzCrop))
	m.HandleFunc("GET "+Prefix+"/cases/{id}/images/{img}/portrait", c.session(c.portrait))
	m.HandleFunc("POST "+Prefix+"/cases/{id}/decide", c.session(c.decide))
	m.HandleFunc("POST "+Prefix+"/reset", c.session(c.reset))
	m.HandleFunc("GET "+Prefix+"/search", c.session(c.searchPage))
	m.HandleFunc("POST "+Prefix+"/search", c.session(c.search))
	m.HandleFunc("POST "+Prefix+"/redact", c.session(c.redact))
	m.HandleFunc("GET "+Prefix+"/audit", c.session(c.auditPage))
	m.HandleFunc("GET "+Prefix+"/audit.csv", c.session(c.auditExport))
	m.HandleFunc(Prefix+"/", func(w http.ResponseWriter, r *http.Request) {
		c.fail(w, r, nil, http.StatusNotFound, "There is no such page.")
	})
	c.mux = m
	return c
}

// CSP allows only the console's own files: no inline script or style, no frames.
const CSP = "default-src 'none'; img-src 'self'; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", CSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	// same-origin, not no-referrer: with no-referrer Chromium sends "Origin: null" on
	// form posts, and the origin check below needs the real one.
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	if !strings.HasPrefix(r.URL.Path, Prefix+"/static/") {
		h.Set("Cache-Control", "no-store") // pages and images hold personal data
	}
	c.mux.ServeHTTP(w, r)
}

func staticHandler() http.Handler {
	fs := http.FileServerFS(staticFS)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		fs.ServeHTTP(w, r)
	})
}
