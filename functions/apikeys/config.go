package apikeys

import (
	"errors"
	"log/slog"
	"strings"
	"time"

	"keygate/functions/internal/fnenv"
	"keygate/shared/access"
	"keygate/shared/apikey"
	"keygate/shared/keys"
)

// Config configures the apikeys function.
type Config struct {
	// Common is the table (main builds its DynamoDB client), the CORS
	// origin and the level of the Logger main builds.
	fnenv.Common
	// KeyPrefix starts every token (KEY_PREFIX, default "sk").
	KeyPrefix string
	// CursorKey authenticates list cursors (CURSOR_KEY, at least 32
	// bytes; the template generates it in Secrets Manager).
	CursorKey []byte
	// Logger receives request and error logs; nil means slog.Default().
	Logger *slog.Logger
	// ReflushAfter is how long after the first authorizer-cache flush a
	// delete or rotation flushes again (0: no second flush); with the cache
	// on, ConfigFromEnv sets access.ReflushDelay (see keys.Service).
	ReflushAfter time.Duration
	// Now is the clock (nil: time.Now); tests inject one.
	Now func() time.Time
	// AuditRetention is how long audit events are kept
	// (AUDIT_RETENTION_DAYS, default 90).
	AuditRetention time.Duration
	// Limits cap the keys' rate limits and quotas and give their defaults
	// (MAX_RATE_LIMIT, MAX_BURST, MAX_QUOTA, DEFAULT_RATE_LIMIT,
	// DEFAULT_QUOTA).
	Limits keys.Limits
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
	cursorKey := strings.TrimSpace(getenv("CURSOR_KEY"))
	if len(cursorKey) < keys.MinCursorKeyLen {
		return Config{}, errors.New("CURSOR_KEY is required: at least 32 characters of random (template.yaml generates it)")
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
	retention, err := fnenv.AuditRetention(getenv)
	if err != nil {
		return Config{}, err
	}
	limits, err := keys.LimitSettings{MaxRatePerSecond: getenv("MAX_RATE_LIMIT"), MaxBurst: getenv("MAX_BURST"), MaxQuota: getenv("MAX_QUOTA"),
		DefaultRate: getenv("DEFAULT_RATE_LIMIT"), DefaultQuota: getenv("DEFAULT_QUOTA")}.Parse()
	if err != nil {
		return Config{}, err
	}
	return Config{Common: c, KeyPrefix: prefix, CursorKey: []byte(cursorKey), ReflushAfter: reflush,
		AuditRetention: retention, Limits: limits}, nil
}
