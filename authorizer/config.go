package authorizer

import (
	"errors"
	"fmt"
	"strings"

	"keygate/shared/access"
	"keygate/shared/apikey"
)

// ConfigFromEnv reads the authorizer's configuration once, at start:
// TABLE_NAME (required), DYNAMODB_ENDPOINT (optional), KEY_PREFIX (default
// sk), LOG_LEVEL (debug, info, warn, error; default info) and
// AUTHORIZER_CACHE_TTL (seconds; above 0 or unset bounds an Allow's latency,
// see Config.MaxAllowLatency), each trimmed, as the functions read theirs. The Lambda main and the local gateway both
// use it.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		TableName:        strings.TrimSpace(getenv("TABLE_NAME")),
		DynamoDBEndpoint: strings.TrimSpace(getenv("DYNAMODB_ENDPOINT")),
	}
	if c.TableName == "" {
		return Config{}, errors.New("TABLE_NAME is required")
	}
	prefix, err := apikey.PrefixFromEnv(getenv)
	if err != nil {
		return Config{}, err
	}
	c.KeyPrefix = prefix
	cacheOn, err := access.CacheMayBeOn(getenv)
	if err != nil {
		return Config{}, err
	}
	if cacheOn {
		c.MaxAllowLatency = access.MaxAllowLatency
	}
	if lv := strings.TrimSpace(getenv("LOG_LEVEL")); lv != "" {
		if err := c.LogLevel.UnmarshalText([]byte(lv)); err != nil {
			return Config{}, fmt.Errorf("LOG_LEVEL %q: want debug, info, warn or error", lv)
		}
	}
	return c, nil
}
