package lambdaenv

import (
	"fmt"

	"keygate/shared/keys"
)

// The access-token variables (template parameters JwtIssuer, JwtAudience,
// JwtJwksUrl, JwtUserClaim, JwtScopePrefix, TokenRateLimit, TokenQuota).
const (
	// JWT_ISSUER is the OpenID provider's issuer; empty: tokens are off.
	varJWTIssuer = "JWT_ISSUER"
	// JWT_AUDIENCE is the audience tokens must carry (aud, or client_id).
	varJWTAudience = "JWT_AUDIENCE"
	// JWT_JWKS_URL is the provider's JWKS; empty: from its discovery
	// document.
	varJWTJWKSURL = "JWT_JWKS_URL"
	// JWT_USER_CLAIM names the claim holding the keygate user id (sub).
	varJWTUserClaim = "JWT_USER_CLAIM"
	// JWT_SCOPE_PREFIX is removed from the token's scopes (Cognito's
	// "<resource server>/").
	varJWTScopePrefix = "JWT_SCOPE_PREFIX"
	// JWT_ALLOW_LOOPBACK_HTTP=true admits an http:// provider on a
	// loopback address: set by the local stack only.
	varJWTAllowLoopbackHTTP = "JWT_ALLOW_LOOPBACK_HTTP"
	// TOKEN_RATE_LIMIT is each user's rate over all their tokens, as
	// "<count>/<window>" (burst: the count); empty: none.
	varTokenRateLimit = "TOKEN_RATE_LIMIT"
	// JWT_CONSOLE_CLIENT_ID is the provider's public client of the API
	// Keys page; empty: the page signs in with console links only.
	varJWTConsoleClientID = "JWT_CONSOLE_CLIENT_ID"
	// TOKEN_QUOTA is each user's quota over all their tokens, as
	// "<count>/day" or "<count>/month"; empty: none.
	varTokenQuota = "TOKEN_QUOTA"
)

// JWT is the access-token settings; Issuer "" when tokens are off.
type JWT struct {
	Issuer, Audience, JWKSURL, UserClaim, ScopePrefix string
	AllowLoopbackHTTP                                 bool
	// Limits are TOKEN_RATE_LIMIT and TOKEN_QUOTA.
	Limits keys.TokenLimits
}

// jwt reads the access-token settings.
func (r *reader) jwt() JWT {
	j := JWT{
		Issuer: r.e.value(varJWTIssuer), Audience: r.e.value(varJWTAudience), JWKSURL: r.e.value(varJWTJWKSURL),
		UserClaim: r.e.value(varJWTUserClaim), ScopePrefix: r.e.value(varJWTScopePrefix),
		AllowLoopbackHTTP: r.boolean(varJWTAllowLoopbackHTTP), Limits: r.tokenLimits(),
	}
	if j.Issuer != "" && j.Audience == "" {
		r.fail(fmt.Errorf("%s is required with %s: a token minted for another API must not pass", varJWTAudience, varJWTIssuer))
	}
	return j
}

// tokenLimits reads TOKEN_RATE_LIMIT and TOKEN_QUOTA.
func (r *reader) tokenLimits() keys.TokenLimits {
	var l keys.TokenLimits
	if v := r.e.value(varTokenRateLimit); v != "" {
		n, window, err := keys.ParseRate(v)
		if err != nil {
			r.fail(fmt.Errorf("%s: %w", varTokenRateLimit, err))
		} else {
			l.RateLimit = &keys.RateLimit{Limit: n, Window: window, Burst: n}
		}
	}
	if v := r.e.value(varTokenQuota); v != "" {
		q, err := keys.ParseQuota(v)
		if err == nil && q.Period != keys.QuotaDay && q.Period != keys.QuotaMonth {
			err = fmt.Errorf("quota %q: want <count>/day or <count>/month", v)
		}
		if err != nil {
			r.fail(fmt.Errorf("%s: %w", varTokenQuota, err))
		} else {
			l.Quota = &q
		}
	}
	return l
}

// ConsoleSignIn is the API Keys page's sign-in with the OpenID provider:
// authorization code with PKCE, a public client (no secret).
type ConsoleSignIn struct {
	Issuer, ClientID, ScopePrefix string
	AllowLoopbackHTTP             bool
}

// consoleSignIn reads JWT_ISSUER, JWT_CONSOLE_CLIENT_ID, JWT_SCOPE_PREFIX
// and JWT_ALLOW_LOOPBACK_HTTP.
func (r *reader) consoleSignIn() ConsoleSignIn {
	c := ConsoleSignIn{Issuer: r.e.value(varJWTIssuer), ClientID: r.e.value(varJWTConsoleClientID),
		ScopePrefix: r.e.value(varJWTScopePrefix), AllowLoopbackHTTP: r.boolean(varJWTAllowLoopbackHTTP)}
	if c.ClientID != "" && c.Issuer == "" {
		r.fail(fmt.Errorf("%s needs %s", varJWTConsoleClientID, varJWTIssuer))
	}
	if c.Issuer == "" || c.ClientID == "" {
		return ConsoleSignIn{}
	}
	return c
}
