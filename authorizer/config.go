package authorizer

import (
	"keygate/shared/access"
	"keygate/shared/keys"
	"keygate/shared/lambdaenv"
)

// ConfigFrom is the authorizer's configuration from its settings, read
// once at start by lambdaenv (Env.Authorizer): the token prefix, the usage
// plans' keys, the identity assertion when there is an upstream, and, when
// the authorizer cache may be on (AUTHORIZER_CACHE_TTL above 0 or unset),
// the bound on an Allow's latency (Config.MaxAllowLatency). Wire, which the
// Lambda main and the local gateway both call, uses it.
func ConfigFrom(s lambdaenv.Authorizer) Config {
	c := Config{KeyPrefix: s.KeyPrefix, UsageKeys: UsageKeys(s.UsageKeys), Upstream: upstreamFrom(s.Upstream, s.AuthorizerCacheTTL),
		CacheTTL: s.AuthorizerCacheTTL, TokenRules: keys.TokenRules{Limits: s.JWT.Limits}, MetricsNamespace: s.MetricsNamespace}
	if s.AuthorizerCacheTTL > 0 {
		c.MaxAllowLatency = access.MaxAllowLatency
	} else {
		c.NarrowReads = true
	}
	return c
}
