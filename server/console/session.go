package console

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/audit"
	"github.com/rampart-id/rampart/server/auth"
	"github.com/rampart-id/rampart/server/store"
)

// Cookie names. The __Host- prefix (TLS only) makes browsers refuse a cookie set by a
// sibling domain or over plain HTTP; the prefix requires Path=/.
const (
	cookieSecure = "__Host-rampart_console"
	cookiePlain  = "rampart_console"
)

// touchEvery bounds writes: the idle clock restarts at most once a minute per session.
const touchEvery = time.Minute

// maxFormBytes bounds a form post (a note is the largest field).
const maxFormBytes = 64 << 10

type sessionKey struct{}

// sess is a request's signed-in session.
type sess struct {
	store.ConsoleSession
	Actor audit.Actor
}

func sessionFrom(ctx context.Context) *sess {
	s, _ := ctx.Value(sessionKey{}).(*sess)
	return s
}

func (c *Console) secure(r *http.Request) bool {
	return r.TLS != nil || strings.HasPrefix(c.cfg.PublicURL, "https://")
}

func (c *Console) cookieName(r *http.Request) string {
	if c.secure(r) {
		return cookieSecure
	}
	return cookiePlain
}

func (c *Console) setCookie(w http.ResponseWriter, r *http.Request, value string, maxAge int) {
	ck := &http.Cookie{Name: c.cookieName(r), Value: value, Path: Prefix, MaxAge: maxAge, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: c.secure(r)}
	if ck.Secure {
		ck.Path = "/"
	}
	http.SetCookie(w, ck)
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// selfOrigin is the origin form posts must come from.
func (c *Console) selfOrigin(r *http.Request) string {
	if c.cfg.PublicURL != "" {
		if u, err := url.Parse(c.cfg.PublicURL); err == nil {
			return u.Scheme + "://" + u.Host
		}
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// sameOrigin reports whether a post came from the console's own pages: by its Origin
// header or, where a browser sent none, its Referer.
func (c *Console) sameOrigin(r *http.Request) bool {
	self := c.selfOrigin(r)
	if o := r.Header.Get("Origin"); o != "" {
		return o == self
	}
	ref := r.Header.Get("Referer")
	return ref != "" && strings.HasPrefix(ref, self+"/")
}

// checkPost admits a form post: same origin, a bounded body and, within a session, the
// session's CSRF token.
func (c *Console) checkPost(w http.ResponseWriter, r *http.Request, s *sess) bool {
	if !c.sameOrigin(r) {
		c.fail(w, r, s, http.StatusForbidden, "This form was not sent from the console.")
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		c.fail(w, r, s, http.StatusBadRequest, "The form could not be read.")
		return false
	}
	if s != nil && subtle.ConstantTimeCompare([]byte(r.PostForm.Get("csrf")), []byte(s.CSRF)) != 1 {
		c.fail(w, r, s, http.StatusForbidden, "This form has expired or was not sent from the console. Reload the page and try again.")
		return false
	}
	return true
}

// session runs h for a signed-in operator: the session must be live and its operator
// token still valid (checked on every request). Posts must also pass checkPost.
func (c *Console) session(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ck, err := r.Cookie(c.cookieName(r))
		var s store.ConsoleSession
		if err == nil && ck.Value != "" {
			s, err = c.cfg.Store.Read().ConsoleSession(r.Context(), auth.Hash(ck.Value))
		} else {
			err = store.ErrNotFound
		}
		if errors.Is(err, store.ErrNotFound) {
			if ck != nil {
				c.setCookie(w, r, "", -1)
			}
			if r.Method == http.MethodGet {
				http.Redirect(w, r, Prefix+"/sign-in", http.StatusSeeOther)
				return
			}
			c.fail(w, r, nil, http.StatusForbidden, "You are not signed in, or your session has ended.")
			return
		}
		if err != nil {
			c.internal(w, r, nil, err)
			return
		}
		if c.cfg.Store.Now().Sub(s.LastSeenAt) > touchEvery {
			if err := c.cfg.Store.Read().TouchConsoleSession(r.Context(), s.IDHash); err != nil {
				c.internal(w, r, nil, err)
				return
			}
		}
		cur := &sess{ConsoleSession: s, Actor: audit.Operator(s.Operator, audit.Address(r.Context()))}
		if r.Method == http.MethodPost && !c.checkPost(w, r, cur) {
			return
		}
		ctx := auth.WithOperator(context.WithValue(r.Context(), sessionKey{}, cur), s.Operator)
		h(w, r.WithContext(ctx))
	}
}

func (c *Console) signInPage(w http.ResponseWriter, r *http.Request) {
	c.render(w, r, nil, http.StatusOK, "signin", signInData{})
}

type signInData struct{ Error string }

func (c *Console) signIn(w http.ResponseWriter, r *http.Request) {
	if !c.checkPost(w, r, nil) {
		return
	}
	tok := strings.TrimSpace(r.PostForm.Get("token"))
	ctx, err := c.cfg.Auth.Operator(r.Context(), map[string][]string{"Authorization": {"Bearer " + tok}})
	if err != nil {
		if e, ok := apierr.As(err); ok && e.Code == apierr.RateLimitExceeded {
			c.render(w, r, nil, http.StatusTooManyRequests, "signin", signInData{Error: "Too many failed attempts from this address. Wait a minute and try again."})
			return
		}
		if e, ok := apierr.As(err); ok && e.Code == apierr.Unauthorized {
			c.render(w, r, nil, http.StatusUnauthorized, "signin", signInData{Error: "That token was not accepted: it may be mistyped, expired or revoked."})
			return
		}
		c.internal(w, r, nil, err)
		return
	}
	op, _ := auth.OperatorFrom(ctx)
	id := randomToken()
	s := store.ConsoleSession{IDHash: auth.Hash(id), TokenHash: auth.Hash(tok), CSRF: randomToken(), Address: audit.Address(r.Context())}
	actor := audit.Operator(op, s.Address)
	err = c.cfg.Store.InTx(r.Context(), func(tx *store.Tx) error {
		// Sign-ins are rare: each one clears the sessions that have ended since.
		if _, err := tx.PurgeConsoleSessions(r.Context()); err != nil {
			return err
		}
		if err := tx.CreateConsoleSession(r.Context(), s); err != nil {
			return err
		}
		return tx.AppendAudit(r.Context(), actor.Entry(audit.SignIn, "", "", "", string(op.Role)))
	})
	if err != nil {
		c.internal(w, r, nil, err)
		return
	}
	c.setCookie(w, r, id, int(store.ConsoleSessionMaxAge/time.Second))
	http.Redirect(w, r, Prefix+"/queue", http.StatusSeeOther)
}

func (c *Console) signOut(w http.ResponseWriter, r *http.Request) {
	s := sessionFrom(r.Context())
	err := c.cfg.Store.InTx(r.Context(), func(tx *store.Tx) error {
		if err := tx.DeleteConsoleSession(r.Context(), s.IDHash); err != nil {
			return err
		}
		return tx.AppendAudit(r.Context(), s.Actor.Entry(audit.SignOut, "", "", "", ""))
	})
	if err != nil {
		c.internal(w, r, s, err)
		return
	}
	c.setCookie(w, r, "", -1)
	http.Redirect(w, r, Prefix+"/sign-in", http.StatusSeeOther)
}
