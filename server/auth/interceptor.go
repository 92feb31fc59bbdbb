package auth

import (
	"context"
	"errors"
	"net"
	"slices"
	"strings"
	"time"

	"connectrpc.com/connect"

	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/reqctx"
	"github.com/rampart-id/rampart/server/store"
)

// Authenticator checks bearer tokens against the store and applies rate limits: one
// bucket per valid token, and one per client address for failed attempts, so guessing
// tokens is throttled long before it could succeed.
type Authenticator struct {
	Store    *store.Store
	PerToken *Limiter
	Failures *Limiter
	// WidgetOrigin is the widget's own origin (the public base URL): the only origin the
	// widget API accepts browser calls from.
	WidgetOrigin string
	partners     partnerCache
}

type principalKey int

const (
	partnerKey principalKey = iota
	widgetKey
	operatorKey
)

// WidgetPrincipal is the one user a widget token may act on.
type WidgetPrincipal struct {
	Token   store.WidgetToken
	Partner store.Partner
}

// PartnerFrom returns the authenticated partner.
func PartnerFrom(ctx context.Context) (store.Partner, bool) {
	p, ok := ctx.Value(partnerKey).(store.Partner)
	return p, ok
}

// WidgetFrom returns the authenticated widget principal.
func WidgetFrom(ctx context.Context) (WidgetPrincipal, bool) {
	p, ok := ctx.Value(widgetKey).(WidgetPrincipal)
	return p, ok
}

var errUnauthorized = apierr.New(apierr.Unauthorized, "Missing or invalid bearer token")

// Partner authenticates partner client tokens and checks the request's Origin against
// the partner's registered origins.
func (a *Authenticator) Partner(ctx context.Context, header map[string][]string) (context.Context, error) {
	h := headerGetter(header)
	tok, ok := Bearer(h.get("Authorization"))
	if !ok || !(WellFormed(tok, PrefixTest) || WellFormed(tok, PrefixLive)) {
		return ctx, a.fail(ctx)
	}
	hash := Hash(tok)
	if err := a.throttle(hash); err != nil {
		return ctx, err
	}
	now := a.Store.Now()
	p, ok := a.partners.get(string(hash), now)
	if !ok {
		var expires time.Time
		var err error
		p, expires, err = a.Store.Read().ClientToken(ctx, hash)
		if errors.Is(err, store.ErrNotFound) {
			return ctx, a.fail(ctx)
		}
		if err != nil {
			return ctx, err
		}
		a.partners.put(string(hash), p, expires, now)
	}
	if o := h.get("Origin"); o != "" && !slices.Contains(p.Origins, o) {
		return ctx, apierr.New(apierr.ForbiddenOrigin, "Origin %q is not registered for this partner", o)
	}
	return context.WithValue(ctx, partnerKey, p), nil
}

// Widget authenticates widget tokens (WidgetGuard runs first and checks the origin).
func (a *Authenticator) Widget(ctx context.Context, header map[string][]string) (context.Context, error) {
	tok, ok := Bearer(headerGetter(header).get("Authorization"))
	if !ok || !WellFormed(tok, PrefixWidget) {
		return ctx, a.fail(ctx)
	}
	hash := Hash(tok)
	if err := a.throttle(hash); err != nil {
		return ctx, err
	}
	w, err := a.Store.Read().WidgetTokenByHash(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		return ctx, a.fail(ctx)
	}
	if err != nil {
		return ctx, err
	}
	p, err := a.Store.Read().PartnerByID(ctx, w.PartnerID)
	if err != nil {
		return ctx, err
	}
	return context.WithValue(ctx, widgetKey, WidgetPrincipal{Token: w, Partner: p}), nil
}

// WidgetGuard runs on every widget call, StartSession included: the origin must be the
// widget's own, and a client that keeps presenting bad tokens is throttled.
func (a *Authenticator) WidgetGuard(ctx context.Context, header map[string][]string) (context.Context, error) {
	if err := a.checkWidgetOrigin(headerGetter(header).get("Origin")); err != nil {
		return ctx, err
	}
	if blocked, wait := a.Failures.Exhausted(clientKey(ctx)); blocked {
		return ctx, &apierr.Error{Code: apierr.RateLimitExceeded, Message: "Too many failed attempts; retry later", RetryAfter: wait}
	}
	return ctx, nil
}

// Operator authenticates operator (review) tokens issued by `rampart operator token`.
func (a *Authenticator) Operator(ctx context.Context, header map[string][]string) (context.Context, error) {
	tok, ok := Bearer(headerGetter(header).get("Authorization"))
	if !ok || !WellFormed(tok, PrefixOperator) {
		return ctx, a.fail(ctx)
	}
	name, err := a.Store.Read().OperatorByTokenHash(ctx, Hash(tok))
	if errors.Is(err, store.ErrNotFound) {
		return ctx, a.fail(ctx)
	}
	if err != nil {
		return ctx, err
	}
	return context.WithValue(ctx, operatorKey, name), nil
}

// OperatorFrom returns the authenticated operator's name.
func OperatorFrom(ctx context.Context) (string, bool) {
	n, ok := ctx.Value(operatorKey).(string)
	return n, ok
}

// Fail records a failed credential attempt (e.g. an unknown init token) for throttling.
func (a *Authenticator) Fail(ctx context.Context) { a.Failures.Allow(clientKey(ctx)) }

func (a *Authenticator) checkWidgetOrigin(o string) error {
	if o != "" && a.WidgetOrigin != "" && o != a.WidgetOrigin {
		return apierr.New(apierr.ForbiddenOrigin, "The widget API only accepts calls from the widget's own origin")
	}
	return nil
}

// throttle takes one request from the bucket of a token (by its hash).
func (a *Authenticator) throttle(hash []byte) error {
	if ok, wait := a.PerToken.Allow(string(hash)); !ok {
		return &apierr.Error{Code: apierr.RateLimitExceeded, Message: "Rate limit exceeded for this token", RetryAfter: wait}
	}
	return nil
}

func (a *Authenticator) fail(ctx context.Context) error {
	key := clientKey(ctx)
	if blocked, wait := a.Failures.Exhausted(key); blocked {
		return &apierr.Error{Code: apierr.RateLimitExceeded, Message: "Too many failed authentication attempts; retry later", RetryAfter: wait}
	}
	a.Failures.Allow(key)
	return errUnauthorized
}

func clientKey(ctx context.Context) string {
	if h := reqctx.HTTPInfo(ctx); h != nil {
		if host, _, err := net.SplitHostPort(h.RemoteAddr); err == nil {
			return host
		}
		return h.RemoteAddr
	}
	return "unknown"
}

type headerGetter map[string][]string

func (h headerGetter) get(k string) string {
	if v := h[k]; len(v) > 0 {
		return v[0]
	}
	for name, v := range h {
		if strings.EqualFold(name, k) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// Interceptor runs authenticate before every handler of a service, for unary and
// streaming calls alike; procedures in skip are passed through untouched.
func Interceptor(authenticate func(context.Context, map[string][]string) (context.Context, error), skip ...string) connect.Interceptor {
	return &interceptor{auth: authenticate, skip: skip}
}

type interceptor struct {
	auth func(context.Context, map[string][]string) (context.Context, error)
	skip []string
}

func (i *interceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		if req.Spec().IsClient || slices.Contains(i.skip, req.Spec().Procedure) {
			return next(ctx, req)
		}
		ctx, err := i.auth(ctx, req.Header())
		if err != nil {
			return nil, err
		}
		return next(ctx, req)
	}
}

func (i *interceptor) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

func (i *interceptor) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return func(ctx context.Context, conn connect.StreamingHandlerConn) error {
		if slices.Contains(i.skip, conn.Spec().Procedure) {
			return next(ctx, conn)
		}
		ctx, err := i.auth(ctx, conn.RequestHeader())
		if err != nil {
			return err
		}
		return next(ctx, conn)
	}
}
