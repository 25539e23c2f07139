package apikeys

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"keygate/functions/internal/fnenv"
	"keygate/shared/apikey"
)

// Config configures the apikeys function.
type Config struct {
	// Common is the table (main builds its DynamoDB client), the CORS
	// origin and the level of the Logger main builds.
	fnenv.Common
	// KeyPrefix starts every token (KEY_PREFIX, default "sk").
	KeyPrefix string
	// Logger receives request and error logs; nil means slog.Default().
	Logger *slog.Logger
	// ReflushAfter is how long after the first authorizer-cache flush a
	// delete or rotation flushes again (0: no second flush). See flush.
	ReflushAfter time.Duration
}

// DefaultReflushAfter is the second flush's delay when the authorizer cache
// is on: longer than an authorizer invocation takes from its key check to
// its answer, so a result computed just before the delete is flushed too.
const DefaultReflushAfter = time.Second

// ConfigFromEnv reads the configuration once, at start.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c, err := fnenv.Load(getenv, true)
	if err != nil {
		return Config{}, err
	}
	prefix, err := apikey.PrefixFromEnv(getenv)
	if err != nil {
		return Config{}, err
	}
	// AUTHORIZER_CACHE_TTL is the template's AuthorizerCacheTtl. With the
	// cache off there is nothing a second flush could catch; unset, the
	// function assumes the cache may be on.
	reflush := DefaultReflushAfter
	if v := strings.TrimSpace(getenv("AUTHORIZER_CACHE_TTL")); v != "" {
		ttl, err := strconv.Atoi(v)
		if err != nil || ttl < 0 || ttl > 3600 {
			return Config{}, fmt.Errorf("AUTHORIZER_CACHE_TTL %q: want seconds from 0 to 3600", v)
		}
		if ttl == 0 {
			reflush = 0
		}
	}
	return Config{Common: c, KeyPrefix: prefix, ReflushAfter: reflush}, nil
}
