package console

import (
	"bytes"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/reqctx"
	"github.com/rampart-id/rampart/server/store"
)

// pages holds one template set per page, each the layout plus the page's content.
type pages struct{ set map[string]*template.Template }

var pageNames = []string{"signin", "queue", "case", "search", "audit", "confirm", "done", "error"}

var funcs = template.FuncMap{
	"check":  describeCheck,
	"reason": reasonText,
	"kind":   func(k string) string { return kindWords[k] },
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04:05 UTC")
	},
	"date": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02")
	},
	"age":  func(t time.Time) string { return ageText(time.Since(t)) },
	"join": func(s []string) string { return strings.Join(s, ", ") },
}

func mustPages() *pages {
	p := &pages{set: map[string]*template.Template{}}
	for _, n := range pageNames {
		p.set[n] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+n+".html"))
	}
	return p
}

// view is what every page's layout gets.
type view struct {
	Title     string
	Nav       string
	Operator  *store.Operator
	Admin     bool
	CSRF      string
	RequestID string
	Body      any
}

func (c *Console) render(w http.ResponseWriter, r *http.Request, s *sess, status int, page string, body any) {
	v := view{Title: titles[page], Nav: page, RequestID: reqctx.RequestID(r.Context()), Body: body}
	if s != nil {
		v.Operator, v.Admin, v.CSRF = &s.Operator, s.Operator.Role == store.RoleAdmin, s.CSRF
	}
	var buf bytes.Buffer
	if err := c.pages.set[page].Execute(&buf, v); err != nil {
		c.cfg.Logger.ErrorContext(r.Context(), "console template", "page", page, "error", err.Error())
		http.Error(w, "Internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

var titles = map[string]string{"signin": "Sign in", "queue": "Review queue", "case": "Case", "search": "Find a user",
	"audit": "Audit log", "confirm": "Confirm", "done": "Done", "error": "Error"}

type errorData struct {
	Status  int
	Message string
}

func (c *Console) fail(w http.ResponseWriter, r *http.Request, s *sess, status int, msg string) {
	c.render(w, r, s, status, "error", errorData{Status: status, Message: msg})
}

// internal logs err with the request id (never form values: they may hold personal
// data) and answers a page without its text.
func (c *Console) internal(w http.ResponseWriter, r *http.Request, s *sess, err error) {
	c.cfg.Logger.ErrorContext(r.Context(), "console", "request_id", reqctx.RequestID(r.Context()), "error", err.Error())
	c.fail(w, r, s, http.StatusInternalServerError, "Something went wrong on our side. Quote the request id to support.")
}

// domainError answers an error of the review or redaction domain.
func (c *Console) domainError(w http.ResponseWriter, r *http.Request, s *sess, err error) {
	e, ok := apierr.As(err)
	if !ok {
		c.internal(w, r, s, err)
		return
	}
	switch e.Code {
	case apierr.NotFound:
		c.fail(w, r, s, http.StatusNotFound, "Not found: "+e.Message)
	case apierr.Forbidden:
		c.fail(w, r, s, http.StatusForbidden, "Your role may not do this.")
	case apierr.InvalidRequest:
		c.fail(w, r, s, http.StatusBadRequest, "Check the form: "+e.Message)
	case apierr.CaseNotOpen:
		c.fail(w, r, s, http.StatusConflict, "This case is no longer waiting for a decision.")
	default:
		c.internal(w, r, s, err)
	}
}

func ageText(d time.Duration) string {
	switch {
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + " min"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + " h"
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + " d"
}
