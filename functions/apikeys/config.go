package apikeys

import (
	"log/slog"
	"time"

	"keygate/shared/access"
	"keygate/shared/apidoc"
	"keygate/shared/keys"
	"keygate/shared/lambdaenv"
)

// Config configures the apikeys function.
type Config struct {
	// AllowOrigin is the CORS origin.
	AllowOrigin string
	// KeyPrefix starts every token.
	KeyPrefix string
	// CursorKey authenticates list cursors (at least 32 bytes).
	CursorKey []byte
	// Logger receives request and error logs; nil means slog.Default().
	Logger *slog.Logger
	// ReflushAfter is how long after the first authorizer-cache flush a
	// delete or rotation flushes again (0: no second flush); with the cache
	// on, ConfigFrom sets access.ReflushDelay (see keys.Service).
	ReflushAfter time.Duration
	// Now is the clock (nil: time.Now); tests inject one.
	Now func() time.Time
	// AuditRetention is how long audit events are kept.
	AuditRetention time.Duration
	// Limits cap the keys' rate limits and quotas and give their defaults.
	Limits keys.Limits
	// APIScopes are the team's API document's scopes, which keys may hold
	// beside keygate's, with their descriptions.
	APIScopes []apidoc.Scope
	// TokenLimits are the limits access tokens share per user, which bound
	// the keys a token makes.
	TokenLimits keys.TokenLimits
}

// ConfigFrom is the function's configuration from its settings, read once
// at start by lambdaenv (Env.APIKeys); Wire adds the logger and the clock.
func ConfigFrom(s lambdaenv.APIKeys) Config {
	c := Config{AllowOrigin: s.AllowOrigin, KeyPrefix: s.KeyPrefix, CursorKey: s.CursorKey, AuditRetention: s.AuditRetention, Limits: s.Limits, TokenLimits: s.TokenLimits}
	// With the cache off there is nothing a second flush could catch.
	if s.AuthorizerCacheTTL > 0 {
		c.ReflushAfter = access.ReflushDelay
	}
	return c
}
