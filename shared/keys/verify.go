package keys

import (
	"context"
	"errors"
	"fmt"
	"time"

	"keygate/shared/apikey"
	"keygate/shared/apperr"
)

// ErrStoredData wraps the error of a verification that read stored data it
// cannot trust (a key whose user id is not a valid id): never an Allow.
var ErrStoredData = errors.New("keys: stored data invalid")

// Facts are what Verify knows of the request besides the token.
type Facts struct {
	// Now is the time of the request.
	Now time.Time
	// SourceIP is the client's address as API Gateway saw it
	// (requestContext.identity.sourceIp).
	SourceIP string
	// Narrow, with the authorizer cache off, reads only what this request
	// needs of the user: the profile and the membership of Workspace, the
	// workspace the request names ("" for none) — at most two items
	// whatever the user's workspace count. The Decision is then Partial.
	Narrow    bool
	Workspace string
}

// Outcome is the verdict of a verification.
type Outcome int

// The outcomes, as API Gateway answers them: Unauthorized 401, Deny 403.
const (
	Unauthorized Outcome = iota
	Deny
	Allow
)

// String names the outcome for logs.
func (o Outcome) String() string {
	switch o {
	case Allow:
		return "allow"
	case Deny:
		return "deny"
	}
	return "unauthorized"
}

// Decision is the value Verify returns. Allow carries the key, its user's
// principal and the state of its limits; Deny and Unauthorized carry a
// Reason, and the key id and user id when they are known (for the log).
type Decision struct {
	Outcome   Outcome
	Reason    Reason
	KeyID     string
	UserID    string
	Key       Key
	Principal Principal
	Limit     LimitState
	// Token is set for an access token of the OpenID provider
	// (VerifyToken), whose expiry is TokenExpiry.
	Token       bool
	TokenExpiry time.Time
	// Partial is set when Principal.Memberships hold only the membership
	// of Facts.Workspace (Facts.Narrow).
	Partial bool
}

// Limited tells whether an Allowed request is within its key's limits.
type Limited int

// The limit states. API Gateway answers a limited request with 429 (the
// authorizer picks the usage plan that does).
const (
	WithinLimits Limited = iota
	RateLimited
	QuotaExceeded
)

// String names the state for logs.
func (l Limited) String() string {
	switch l {
	case RateLimited:
		return "rate_limited"
	case QuotaExceeded:
		return "quota_exceeded"
	}
	return "within_limits"
}

// LimitState is where a verified request stands against its key's limits.
type LimitState struct {
	Limited Limited
	// RetryAfter is when a limited request may succeed.
	RetryAfter time.Duration
	// RateRemaining is how many more requests the rate limit admits now;
	// RateReset how long until its full burst is back.
	RateRemaining int64
	RateReset     time.Duration
	// QuotaRemaining is what is left of the quota in this period, and
	// QuotaReset how long until the period ends.
	QuotaRemaining int64
	QuotaReset     time.Duration
}

// Verifier runs the verification pipeline. Build it once with NewVerifier.
type Verifier struct {
	store  VerifyStore
	prefix string
	recent *recentPrincipals
}

// NewVerifier returns a Verifier of tokens with prefix (default
// apikey.DefaultPrefix) against st.
func NewVerifier(st VerifyStore, prefix string) *Verifier {
	if prefix == "" {
		prefix = apikey.DefaultPrefix
	}
	return &Verifier{store: st, prefix: prefix, recent: &recentPrincipals{}}
}

// verification is the state a check reads and advances.
type verification struct {
	token  string
	facts  Facts
	hash   string
	result VerifyResult
	limits Verification
	d      Decision
	// tokenLimits are the token limits of a token's verification.
	tokenLimits TokenLimits
}

func (v *verification) refuse(o Outcome, r Reason) {
	v.d.Outcome, v.d.Reason = o, r
}

// check is one step of the pipeline. It does nothing once the decision is no
// longer Allow; only infrastructure failure is an error.
type check func(ctx context.Context, vr *Verifier, v *verification) error

// pipeline is the order of the checks: the format first (no I/O), then the
// one conditional UpdateItem (existence, hash, expiry and usage counting),
// the checks of what that write returned (expiry, source address), then the
// one Query of the user, which a refused address is spared. A new check is one function here plus the
// attributes it reads, which the key check's write returns.
var pipeline = []check{
	checkToken,
	checkKey,
	checkExpiry,
	checkSourceIP,
	checkUser,
	checkLineage,
	checkRateLimit,
	checkQuota,
}

// Verify runs the pipeline on a presented token. The Decision is a value;
// the error is an infrastructure failure, on which the caller must not
// allow.
func (vr *Verifier) Verify(ctx context.Context, token string, f Facts) (Decision, error) {
	return vr.run(ctx, pipeline, &verification{token: token, facts: f, d: Decision{Outcome: Allow}})
}

// run runs checks in order on v until one refuses or fails.
func (vr *Verifier) run(ctx context.Context, checks []check, v *verification) (Decision, error) {
	for _, c := range checks {
		if v.d.Outcome != Allow {
			break
		}
		if err := c(ctx, vr, v); err != nil {
			return v.d, err
		}
	}
	return v.d, nil
}

// checkToken rejects a malformed token without any I/O.
func checkToken(_ context.Context, vr *Verifier, v *verification) error {
	id, err := apikey.Parse(v.token, vr.prefix)
	if err != nil {
		v.refuse(Unauthorized, ReasonTokenMalformed)
		return nil
	}
	v.d.KeyID, v.hash = id, apikey.Hash(v.token)
	return nil
}

// checkKey is the conditional write: the key exists, its hash matches, and
// its use is counted.
func checkKey(ctx context.Context, vr *Verifier, v *verification) error {
	res, err := vr.store.Verify(ctx, v.d.KeyID, v.hash, v.facts.Now)
	if err != nil {
		return err
	}
	v.result, v.d.Key, v.d.UserID = res.Result, res.Key, res.Key.UserID
	v.limits = res
	switch res.Result {
	case VerifyValid, VerifyExpired, VerifyUserDisabled, VerifyThrottled, VerifyQuotaExceeded:
	case VerifyNotFound:
		v.refuse(Deny, ReasonKeyInvalid)
	default:
		return fmt.Errorf("%w: verify result %v", ErrStoredData, res.Result)
	}
	return nil
}

// checkExpiry refuses an expired key: the write's condition found it so, or
// the key it returned says so.
func checkExpiry(_ context.Context, _ *Verifier, v *verification) error {
	if v.result == VerifyExpired || v.d.Key.Expired(v.facts.Now) {
		v.refuse(Deny, ReasonKeyExpired)
	}
	return nil
}

// checkSourceIP refuses a request from outside the key's allowlist. It reads
// the allowlist from the item the key check's write returned: no I/O. The
// write has already counted the use (DynamoDB's conditions cannot match
// CIDRs), so a refused request is in usageCount.
func checkSourceIP(_ context.Context, _ *Verifier, v *verification) error {
	if !AllowsSource(v.d.Key.AllowedCIDRs, v.facts.SourceIP) {
		v.refuse(Deny, ReasonIPNotAllowed)
	}
	return nil
}

// checkLineage takes a use the key's own limits admitted from the limits
// of every limited key above it (Key.Draws): limits follow the lineage. It
// runs after the address and user checks, so a request refused for them
// never drains an ancestor's budget.
func checkLineage(ctx context.Context, vr *Verifier, v *verification) error {
	if v.result != VerifyValid || len(v.d.Key.Draws) == 0 {
		return nil
	}
	res, err := vr.store.DrawLineage(ctx, v.limits, v.facts.Now)
	if err != nil {
		return err
	}
	v.result, v.limits = res.Result, res
	return nil
}

// checkRateLimit records where the request stands against the rate limits
// of its lineage: the key's own write, and each draw on an ancestor,
// counted it only when the limit admitted it. A limited request stays an
// Allow: API Gateway answers it 429 through the usage plan the authorizer
// names. The refusal is decided by the result, not by the key's own
// limits: an ancestor may refuse in a dimension the key itself lacks.
func checkRateLimit(_ context.Context, _ *Verifier, v *verification) error {
	if v.d.Key.RateLimit != nil {
		v.d.Limit.RateRemaining, v.d.Limit.RateReset = v.limits.RateRemaining, v.limits.RateReset
	}
	if v.result == VerifyThrottled {
		v.d.Limit.Limited, v.d.Limit.RetryAfter = RateLimited, v.limits.RetryAfter
	}
	return nil
}

// checkQuota records where the request stands against the quotas of its
// lineage.
func checkQuota(_ context.Context, _ *Verifier, v *verification) error {
	if v.d.Limit.Limited != WithinLimits {
		return nil
	}
	if q := v.d.Key.Quota; q != nil {
		v.d.Limit.QuotaRemaining = max(0, q.Limit-q.UsedAt(v.d.Key.QuotaState, v.facts.Now))
		v.d.Limit.QuotaReset = q.ResetsAt(v.facts.Now).Sub(v.facts.Now)
	}
	if v.result == VerifyQuotaExceeded {
		v.d.Limit.Limited, v.d.Limit.RetryAfter = QuotaExceeded, v.limits.RetryAfter
		v.d.Limit.QuotaRemaining, v.d.Limit.QuotaReset = 0, v.limits.RetryAfter
	}
	return nil
}

// checkUser reads the user's profile and memberships: a disabled or missing
// user is refused. The key's disabled mark, when present, refuses without
// the read.
func checkUser(ctx context.Context, vr *Verifier, v *verification) error {
	if v.result == VerifyUserDisabled {
		v.refuse(Deny, ReasonUserDisabled)
		return nil
	}
	p, err := vr.principal(ctx, v)
	switch {
	case apperr.Is(err, apperr.NotFound):
		v.refuse(Deny, ReasonUserDisabled)
	case apperr.Is(err, apperr.BadRequest): // the key's stored userId is not a valid id
		return fmt.Errorf("%w: key %s has an invalid user id: %w", ErrStoredData, v.d.KeyID, err)
	case err != nil:
		return err
	case p.User.Disabled:
		v.refuse(Deny, ReasonUserDisabled)
	default:
		v.d.Principal = p
	}
	return nil
}

// principal reads the user: every membership (Principal), or, with
// Facts.Narrow, the profile and the one membership the request names
// (PrincipalFor).
//
// A laned key's use reads it at most every LaneRefresh (recentPrincipals),
// as it reads the key's own settings.
func (vr *Verifier) principal(ctx context.Context, v *verification) (Principal, error) {
	q := principalQuery{userID: v.d.UserID}
	if v.facts.Narrow {
		v.d.Partial = true
		q.narrow, q.workspace = true, v.facts.Workspace
	}
	if v.limits.Laned {
		return vr.recent.get(ctx, q, vr.store)
	}
	return q.read(ctx, vr.store)
}
