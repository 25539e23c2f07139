package webhooks

import (
	"log/slog"
	"time"

	"keygate/functions/internal/fnenv"
)

// Config configures the webhooks function.
type Config struct {
	fnenv.Common
	// AllowLoopbackHTTP admits http:// endpoints on loopback hosts
	// (WEBHOOK_ALLOW_LOOPBACK=true): the local stack only.
	AllowLoopbackHTTP bool
	// AuditRetention is how long the audit events of endpoint changes are
	// kept (AUDIT_RETENTION_DAYS, default 90, as the apikeys function).
	AuditRetention time.Duration
	Logger         *slog.Logger
}

// ConfigFromEnv reads the configuration once, at start.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c, err := fnenv.Load(getenv, true)
	if err != nil {
		return Config{}, err
	}
	loopback, err := fnenv.Bool(getenv, "WEBHOOK_ALLOW_LOOPBACK", false)
	if err != nil {
		return Config{}, err
	}
	retention, err := fnenv.AuditRetention(getenv)
	if err != nil {
		return Config{}, err
	}
	return Config{Common: c, AllowLoopbackHTTP: loopback, AuditRetention: retention}, nil
}
