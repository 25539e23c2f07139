package authorizer

import (
	"errors"
	"keygate/shared/access"
	"keygate/shared/apikey"
	"keygate/shared/lambdaenv"
	"strings"
)

// ConfigFromEnv reads the authorizer's configuration once, at start: the
// settings every keygate Lambda reads (lambdaenv.Load: TABLE_NAME required,
// DYNAMODB_ENDPOINT, LOG_LEVEL), KEY_PREFIX (default sk) and
// AUTHORIZER_CACHE_TTL (seconds; above 0 or unset bounds an Allow's latency,
// see Config.MaxAllowLatency), each trimmed. The Lambda main and the local
// gateway both use it.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	base, err := lambdaenv.Load(getenv, true)
	if err != nil {
		return Config{}, err
	}
	prefix, err := apikey.PrefixFromEnv(getenv)
	if err != nil {
		return Config{}, err
	}
	cacheOn, err := access.CacheMayBeOn(getenv)
	if err != nil {
		return Config{}, err
	}
	usage := UsageKeys{Open: strings.TrimSpace(getenv("USAGE_KEY_OPEN")), Throttled: strings.TrimSpace(getenv("USAGE_KEY_THROTTLED")),
		Exhausted: strings.TrimSpace(getenv("USAGE_KEY_EXHAUSTED"))}
	if (usage.Open == "") != (usage.Throttled == "") || (usage.Open == "") != (usage.Exhausted == "") {
		return Config{}, errors.New("USAGE_KEY_OPEN, USAGE_KEY_THROTTLED and USAGE_KEY_EXHAUSTED go together")
	}
	c := Config{UsageKeys: usage, TableName: base.TableName, DynamoDBEndpoint: base.DynamoDBEndpoint, Region: base.Region, LogLevel: base.LogLevel, KeyPrefix: prefix}
	if c.Upstream, _, err = upstreamFromEnv(getenv); err != nil {
		return Config{}, err
	}
	if cacheOn {
		c.MaxAllowLatency = access.MaxAllowLatency
	}
	return c, nil
}
