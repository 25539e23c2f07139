package authorizer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"keygate/shared/access"
	"keygate/shared/apidoc"
	"keygate/shared/apikey"
	"keygate/shared/assertion"
	"keygate/shared/keys"
	"keygate/shared/oidc"
	"keygate/shared/routes"
)

// ErrUnauthorized is the error API Gateway turns into a 401: its message must
// be exactly "Unauthorized".
var ErrUnauthorized = errors.New("Unauthorized") //nolint:staticcheck // API Gateway matches this exact text

// errDeadline is returned when no time is left for DynamoDB calls.
var errDeadline = errors.New("authorizer: no time left before the invocation deadline")

// errAllowLate is the cause of a context ended by Config.MaxAllowLatency.
var errAllowLate = errors.New("authorizer: no Allow within MaxAllowLatency of the key check")

// Defaults for Config.
const (
	DefaultDeadlineMargin = 200 * time.Millisecond
	DefaultTimeout        = 3 * time.Second
)

// Config configures a Handler.
type Config struct {
	// KeyPrefix is the token prefix (default apikey.DefaultPrefix).
	KeyPrefix string
	// DeadlineMargin is kept free before the invocation deadline, so calls
	// and SDK retries end in time to return an error (default 200 ms).
	DeadlineMargin time.Duration
	// Timeout bounds the calls when the context has no deadline (default 3 s).
	Timeout time.Duration
	// Now is the clock (nil: time.Now); tests inject one.
	Now func() time.Time
	// UsageKeys are the values of the template's API Gateway API keys, one
	// per usage plan: the authorizer names one as usageIdentifierKey, and
	// its plan lets the request through (Open) or answers 429 (Throttled,
	// Exhausted). Empty (a stack without usage plans): a limited request is
	// denied (403) instead.
	UsageKeys UsageKeys
	// MaxAllowLatency, when above 0, is the longest an Allow may take from
	// the start of its key check; a later one fails closed instead, so that
	// a key revoked meanwhile cannot stay cached (access.MaxAllowLatency).
	// 0 (the authorizer cache is off) sets no bound.
	MaxAllowLatency time.Duration
	// Upstream and Signer, when the stack has an upstream, sign the
	// identity assertion of every Allow (Wire builds the Signer).
	Upstream Upstream
	Signer   *assertion.Signer
	// Operations are the team's API document's operations by "METHOD
	// resource path": a request routed to one gets that operation's policy
	// (access.AllowOperation) instead of keygate's.
	Operations map[string]apidoc.Operation
	// Tokens, when set, verifies the OpenID provider's access tokens,
	// which TokenRules then turn into a decision (tokens.go).
	Tokens     *oidc.Verifier
	TokenRules keys.TokenRules
	// CacheTTL is the authorizer cache's TTL (AuthorizerCacheTtl): a
	// token that expires within it is refused, so no cached answer
	// outlives its token.
	CacheTTL time.Duration
	// MetricsNamespace, when set, makes every decision line a CloudWatch
	// metric (shared/metrics): decisions and durationMs by decision, and
	// by decision and reason (METRICS_NAMESPACE).
	MetricsNamespace string
	// NarrowReads, set when the cache is off (ConfigFrom), reads only what
	// the request needs of the user — the profile and the membership of
	// the workspace it names — and answers with a policy of that request
	// (access.ModeRequest): O(1) reads whatever the user's workspace
	// count. With the cache on an answer serves later requests too, so it
	// must name every workspace (keys.Principal).
	NarrowReads bool
}

// OperationsOf indexes d's operations by "METHOD resource path", as the
// REQUEST event names a route.
func OperationsOf(d apidoc.Document) map[string]apidoc.Operation {
	out := make(map[string]apidoc.Operation, len(d.Operations))
	for _, op := range d.Operations {
		out[op.Method+" "+op.Path] = op
	}
	return out
}

// UsageKeys are the API key values of the usage plans open, throttled and
// exhausted (template.yaml).
type UsageKeys struct {
	Open, Throttled, Exhausted string
}

// forLimit is the usage key that answers a request in state l, or "" when
// none is configured.
func (u UsageKeys) forLimit(l keys.Limited) string {
	switch l {
	case keys.RateLimited:
		return u.Throttled
	case keys.QuotaExceeded:
		return u.Exhausted
	}
	return u.Open
}

// Handler is the authorizer: a transport of API Gateway's REQUEST event
// over keys.Verifier. Build it once with New; it is safe for concurrent use.
type Handler struct {
	verifier *keys.Verifier
	cfg      Config
	logger   *slog.Logger
}

// New returns a Handler that verifies keys against st. Zero Config fields take
// their defaults; a nil logger discards logs.
func New(st keys.VerifyStore, cfg Config, logger *slog.Logger) *Handler {
	if cfg.KeyPrefix == "" {
		cfg.KeyPrefix = apikey.DefaultPrefix
	}
	if cfg.DeadlineMargin <= 0 {
		cfg.DeadlineMargin = DefaultDeadlineMargin
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Handler{verifier: keys.NewVerifier(st, cfg.KeyPrefix), cfg: cfg, logger: logger}
}

// Decisions as logged.
const (
	decisionAllow        = "allow"
	decisionDeny         = "deny"
	decisionUnauthorized = "unauthorized"
	decisionError        = "error"
)

// Reasons logged for 401s (the first two) and 500s; they never reach the
// client.
const (
	reasonNoHeader  = "HEADER_MISSING_OR_MALFORMED"
	reasonMethodARN = "METHOD_ARN_INVALID"
	reasonInfra     = "INFRASTRUCTURE"
	reasonBadGrant  = "STORED_DATA_INVALID"
	reasonAllowLate = "ALLOW_TOO_LATE"
)

// Handle authorizes one API Gateway REQUEST event.
func (h *Handler) Handle(ctx context.Context, req events.APIGatewayCustomAuthorizerRequestTypeRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
	start := time.Now()
	value, ok := authorizationValue(req.Headers, req.MultiValueHeaders)
	if !ok {
		return h.unauthorized(ctx, start, reasonNoHeader)
	}
	token, ok := bearerToken(value)
	if !ok {
		return h.unauthorized(ctx, start, reasonNoHeader)
	}
	// The method ARN comes from API Gateway, never from the client: one that
	// does not parse is a configuration error, answered before any I/O.
	base, err := access.ParseMethodARN(req.MethodArn)
	if err != nil {
		return h.fail(ctx, start, "", "", reasonMethodARN, err)
	}

	ctx, cancel := h.bound(ctx)
	defer cancel()
	if ctx.Err() != nil {
		return h.fail(ctx, start, "", "", reasonInfra, fmt.Errorf("%w: %w", errDeadline, ctx.Err()))
	}
	op, isOp := h.cfg.Operations[req.HTTPMethod+" "+req.Resource]
	facts := keys.Facts{Now: h.cfg.Now(), SourceIP: req.RequestContext.Identity.SourceIP, Narrow: h.cfg.NarrowReads}
	if facts.Narrow {
		facts.Workspace = requestedWorkspace(req, op, isOp)
	}
	var d keys.Decision
	if h.isToken(token) {
		var refusal string
		if d, refusal, err = h.verifyToken(ctx, token, facts); err == nil && refusal != "" {
			return h.unauthorized(ctx, start, refusal)
		}
	} else {
		d, err = h.verifier.Verify(ctx, token, facts)
	}
	switch {
	case errors.Is(err, keys.ErrStoredData):
		return h.fail(ctx, start, d.KeyID, d.UserID, reasonBadGrant, err)
	case err != nil:
		return h.fail(ctx, start, d.KeyID, d.UserID, infraReason(ctx), err)
	case d.Outcome == keys.Unauthorized:
		return h.unauthorized(ctx, start, string(d.Reason))
	case d.Outcome == keys.Deny:
		return h.deny(ctx, start, base, d.KeyID, d.UserID, d.Reason)
	}
	keyID, userID := d.KeyID, d.UserID
	usageKey := h.cfg.UsageKeys.forLimit(d.Limit.Limited)
	if usageKey == "" && d.Limit.Limited != keys.WithinLimits {
		// No usage plan to answer 429: refuse rather than admit beyond the
		// key's limits.
		return h.deny(ctx, start, base, keyID, userID, keys.Reason(strings.ToUpper(d.Limit.Limited.String())))
	}
	policy, state := access.LimitFields(d.Key, d.Limit)
	g := access.Grant{UserID: userID, KeyID: keyID, Scopes: d.Key.Scopes, Memberships: d.Principal.Memberships,
		UsageKey: usageKey, RateLimitPolicy: policy, RateLimit: state, Token: d.Token, Partial: d.Partial}
	allow := access.Allow
	if d.Key.SignInLink {
		// A console link's key reaches its exchange and nothing else.
		allow = access.AllowSignIn
	} else if a := h.asserter(base, userID, keyID, keys.CanonicalScopes(d.Key.Scopes), h.cfg.Now(), d.TokenExpiry); a != nil {
		g.Asserter = a
	}
	var r access.Result
	if isOp {
		if d.Key.SignInLink || !safeParameters(op, req.PathParameters) {
			return h.deny(ctx, start, base, keyID, userID, keys.ReasonOperationNotAllowed)
		}
		r, err = access.AllowOperation(base, g, op, req.PathParameters[op.WorkspaceParam])
		if errors.Is(err, access.ErrOperation) {
			return h.deny(ctx, start, base, keyID, userID, keys.ReasonOperationNotAllowed)
		}
	} else if !routes.Own(req.Resource) {
		// A route outside keygate's /open that is not an operation of the
		// document this function was built with: never keygate's policy,
		// whose resources would match it.
		return h.deny(ctx, start, base, keyID, userID, keys.ReasonOperationNotAllowed)
	} else {
		r, err = allow(base, g)
	}
	if err != nil {
		return h.fail(ctx, start, keyID, userID, reasonBadGrant, err)
	}
	// The policy is built after the last call: the bound may have passed
	// since.
	if errors.Is(context.Cause(ctx), errAllowLate) {
		return h.fail(ctx, start, keyID, userID, reasonAllowLate, context.Cause(ctx))
	}
	h.logAllow(ctx, start, keyID, userID, r, d.Limit.Limited)
	return r.Response, nil
}

// bound limits ctx to the invocation deadline minus the margin, or to the
// timeout when there is no deadline, and, when MaxAllowLatency is set, to
// that much from now: the key check starts right after, and an Allow later
// than that would be refused anyway, so the calls stop there (with cause
// errAllowLate) instead of running on to the invocation deadline. SDK
// retries run inside it.
func (h *Handler) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	now := time.Now()
	deadline := now.Add(h.cfg.Timeout)
	if d, ok := ctx.Deadline(); ok {
		deadline = d.Add(-h.cfg.DeadlineMargin)
	}
	if late := now.Add(h.cfg.MaxAllowLatency); h.cfg.MaxAllowLatency > 0 && late.Before(deadline) {
		return context.WithDeadlineCause(ctx, late, errAllowLate)
	}
	return context.WithDeadline(ctx, deadline)
}

// infraReason is the reason logged for a failed call: ALLOW_TOO_LATE when
// MaxAllowLatency ended it, INFRASTRUCTURE otherwise.
func infraReason(ctx context.Context) string {
	if errors.Is(context.Cause(ctx), errAllowLate) {
		return reasonAllowLate
	}
	return reasonInfra
}
