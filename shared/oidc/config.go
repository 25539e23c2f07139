package oidc

import (
	"fmt"
	"time"

	"keygate/shared/oidc/discovery"
)

// Config is the provider a Verifier trusts.
type Config struct {
	// Issuer is the provider's issuer identifier, compared with iss
	// exactly (JwtIssuer).
	Issuer string
	// Audience is the audiences tokens may carry, comma-separated: one
	// must be among the token's aud, or, for a token without aud (Amazon
	// Cognito's access tokens), equal its client_id (JwtAudience).
	Audience string
	// JWKSURL is the provider's key set; "" reads jwks_uri from
	// <Issuer>/.well-known/openid-configuration (JwtJwksUrl).
	JWKSURL string
	// UserClaim names the claim that holds the keygate user id (default
	// "sub"; JwtUserClaim).
	UserClaim string
	// ScopePrefix, when set, is removed from each scope that starts with
	// it, and scopes without it are ignored: Cognito's resource-server
	// scopes are "<identifier>/<name>" (JwtScopePrefix).
	ScopePrefix string
	// Leeway is the clock skew allowed on exp and nbf (default 30 s).
	Leeway time.Duration
	// AllowLoopbackHTTP admits http:// URLs on a loopback host: the local
	// stack's stand-in provider. Never set on AWS.
	AllowLoopbackHTTP bool
}

// Defaults of Config.
const (
	DefaultUserClaim = "sub"
	DefaultLeeway    = 30 * time.Second
	// MinRefetch is the least time between two reads of the JWKS for an
	// unknown kid: a stream of tokens with made-up kids costs the provider
	// at most one request per MinRefetch per authorizer instance.
	MinRefetch = 30 * time.Second
	// MaxAge is the age at which the JWKS is re-read in the background, so
	// a key the provider withdrew stops verifying within it.
	MaxAge = time.Hour
)

// withDefaults fills the zero fields and checks the URLs.
func (c Config) withDefaults() (Config, error) {
	if c.UserClaim == "" {
		c.UserClaim = DefaultUserClaim
	}
	if c.Leeway <= 0 {
		c.Leeway = DefaultLeeway
	}
	if c.Audience == "" {
		return c, fmt.Errorf("oidc: JwtAudience is required with JwtIssuer: a token minted for another API must not pass")
	}
	if err := c.checkURL("JwtIssuer", c.Issuer); err != nil {
		return c, err
	}
	if c.JWKSURL != "" {
		if err := c.checkURL("JwtJwksUrl", c.JWKSURL); err != nil {
			return c, err
		}
	}
	return c, nil
}

// checkURL admits https URLs, and http ones on a loopback host when
// AllowLoopbackHTTP is set.
func (c Config) checkURL(name, raw string) error {
	return discovery.CheckURL(name, raw, c.AllowLoopbackHTTP)
}
