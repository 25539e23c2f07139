package apikeys

import (
	"log/slog"
	"time"

	"keygate/functions/internal/fnenv"
	"keygate/shared/access"
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
	// delete or rotation flushes again (0: no second flush); with the cache
	// on, ConfigFromEnv sets access.ReflushDelay. See flush.
	ReflushAfter time.Duration
}

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
	// With the cache off there is nothing a second flush could catch.
	cacheOn, err := access.CacheMayBeOn(getenv)
	if err != nil {
		return Config{}, err
	}
	reflush := time.Duration(0)
	if cacheOn {
		reflush = access.ReflushDelay
	}
	return Config{Common: c, KeyPrefix: prefix, ReflushAfter: reflush}, nil
}
