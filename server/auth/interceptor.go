package auth

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"connectrpc.com/connect"
	"golang.org/x/sync/singleflight"

	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/reqctx"
	"github.com/rampart-id/rampart/server/store"
)

// Authenticator checks bearer tokens against the store and applies rate limits: one
// bucket per valid token, and one per client address for failed attempts, so guessing
// tokens is throttled long before it could succeed.
//
// A presented token is first checked against the deployment's tag (Tokens). A tagged
// token was issued here and is always looked up, whatever other clients behind the same
// address did (carrier NAT puts thousands of users behind one address). An untagged one
// is a guess (or a token from before a master key was dropped): it is counted against
// the client address before the look-up, and once the address's failure budget is spent
// it is refused without touching the database.
type Authenticator struct {
	Store    *store.Store
	PerToken Limiter
	Failures Limiter
	Tokens   *Tagger
	// WidgetOrigin is the widget's own origin (the public base URL): the only origin the
	// widget API accepts browser calls from.
	WidgetOrigin string
	partners     tokenCache[store.Partner]
	widgets      tokenCache[WidgetPrincipal]
	widgetLoads  singleflight.Group
	widgetSlots  chan struct{}
	slotsOnce    sync.Once
}

// widgetLookupSlots bounds the widget token look-ups in flight: anyone holding a widget
// token can send requests, and a flood of them must not take every database connection
// from partners' requests. Look-ups of one token are also merged (singleflight).
const widgetLookupSlots = 8

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
	if _, ok := PartnerFrom(ctx); ok {
		return ctx, nil // authenticated at the HTTP layer, before the body was read
	}
	h := headerGetter(header)
	tok, _ := Bearer(h.get("Authorization"))
	prefix := PrefixLive
	if strings.HasPrefix(tok, PrefixTest) {
		prefix = PrefixTest
	}
	hash := Hash(tok)
	now := a.Store.Now()
	// A token found valid in the last few seconds needs no admission: client tokens
	// issued before tokens were tagged (or under a dropped master key) would otherwise
	// spend their backend's address budget on every request.
	p, ok := a.partners.get(string(hash), now)
	if !ok {
		if err := a.Admit(ctx, tok, prefix); err != nil {
			return ctx, err
		}
	}
	if err := a.throttle(hash); err != nil {
		return ctx, err
	}
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

// Widget authenticates widget tokens (WidgetGuard runs first and checks the origin). A
// request already authenticated at the HTTP layer, before its body was read, passes
// straight through (as in Partner and Operator).
func (a *Authenticator) Widget(ctx context.Context, header map[string][]string) (context.Context, error) {
	if _, ok := WidgetFrom(ctx); ok {
		return ctx, nil
	}
	tok, _ := Bearer(headerGetter(header).get("Authorization"))
	if err := a.Admit(ctx, tok, PrefixWidget); err != nil {
		return ctx, err
	}
	hash := Hash(tok)
	if err := a.throttle(hash); err != nil {
		return ctx, err
	}
	now := a.Store.Now()
	wp, ok := a.widgets.get(string(hash), now)
	if !ok {
		v, err, _ := a.widgetLoads.Do(string(hash), func() (any, error) { return a.loadWidget(ctx, hash) })
		if errors.Is(err, store.ErrNotFound) {
			return ctx, a.fail(ctx)
		}
		if err != nil {
			return ctx, err
		}
		wp = v.(WidgetPrincipal)
		a.widgets.put(string(hash), wp, wp.Token.ExpiresAt, now)
	}
	return context.WithValue(ctx, widgetKey, wp), nil
}

// loadWidget looks a widget token and its partner up in one of the look-up slots.
func (a *Authenticator) loadWidget(ctx context.Context, hash []byte) (WidgetPrincipal, error) {
	a.slotsOnce.Do(func() { a.widgetSlots = make(chan struct{}, widgetLookupSlots) })
	select {
	case a.widgetSlots <- struct{}{}:
		defer func() { <-a.widgetSlots }()
	case <-ctx.Done():
		return WidgetPrincipal{}, ctx.Err()
	}
	w, err := a.Store.Read().WidgetTokenByHash(ctx, hash)
	if err != nil {
		return WidgetPrincipal{}, err
	}
	p, err := a.Store.Read().PartnerByID(ctx, w.PartnerID)
	return WidgetPrincipal{Token: w, Partner: p}, err
}

// WidgetGuard runs on every widget call, StartSession included: the origin must be the
// widget's own. (Bad tokens are throttled by Admit, per token, never the whole address.)
func (a *Authenticator) WidgetGuard(ctx context.Context, header map[string][]string) (context.Context, error) {
	return ctx, a.checkWidgetOrigin(headerGetter(header).get("Origin"))
}

// WidgetHTTP authenticates a widget call from its HTTP headers alone, before its body is
// read, and returns a context that Widget accepts without a second look-up.
func (a *Authenticator) WidgetHTTP(ctx context.Context, header map[string][]string) (context.Context, error) {
	ctx, err := a.WidgetGuard(ctx, header)
	if err != nil {
		return ctx, err
	}
	return a.Widget(ctx, header)
}

// Operator authenticates operator (review) tokens issued by `rampart operator token`.
func (a *Authenticator) Operator(ctx context.Context, header map[string][]string) (context.Context, error) {
	if _, ok := OperatorFrom(ctx); ok {
		return ctx, nil
	}
	tok, _ := Bearer(headerGetter(header).get("Authorization"))
	if err := a.Admit(ctx, tok, PrefixOperator); err != nil {
		return ctx, err
	}
	op, err := a.Store.Read().OperatorByTokenHash(ctx, Hash(tok))
	if errors.Is(err, store.ErrNotFound) {
		return ctx, a.fail(ctx)
	}
	if err != nil {
		return ctx, err
	}
	return WithOperator(ctx, op), nil
}

// WithOperator marks ctx as authenticated for op.
func WithOperator(ctx context.Context, op store.Operator) context.Context {
	return context.WithValue(ctx, operatorKey, op)
}

// OperatorFrom returns the authenticated operator.
func OperatorFrom(ctx context.Context) (store.Operator, bool) {
	op, ok := ctx.Value(operatorKey).(store.Operator)
	return op, ok
}

// Admit decides, before any look-up, whether a presented token may be looked up. A
// malformed token is unauthorized; an untagged one takes one request from the client
// address's failure budget and is refused (429) when that budget is spent; a tagged one
// is always admitted.
func (a *Authenticator) Admit(ctx context.Context, tok, prefix string) error {
	if a.Tokens.Issued(tok, prefix) {
		return nil
	}
	if ok, wait := a.Failures.Allow(clientKey(ctx)); !ok {
		return &apierr.Error{Code: apierr.RateLimitExceeded, Message: "Too many failed authentication attempts; retry later", RetryAfter: wait}
	}
	if !WellFormed(tok, prefix) {
		return errUnauthorized
	}
	return nil
}

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

// fail answers a token that was looked up and not found. An untagged one was counted
// by Admit already; a tagged one (issued here, since expired or revoked) is not a guess.
func (a *Authenticator) fail(context.Context) error { return errUnauthorized }

func clientKey(ctx context.Context) string {
	if h := reqctx.HTTPInfo(ctx); h != nil {
		return h.ClientIP
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
