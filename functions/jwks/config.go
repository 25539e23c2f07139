package jwks

import (
	"log/slog"

	"keygate/functions/internal/fnenv"
)

// Config configures the JWKS function.
type Config struct {
	// Common is the table, the CORS origin and the log level.
	fnenv.Common
	// Logger receives request and error logs; nil means slog.Default().
	Logger *slog.Logger
}

// ConfigFromEnv reads the configuration once, at start.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c, err := fnenv.Load(getenv, true)
	if err != nil {
		return Config{}, err
	}
	return Config{Common: c}, nil
}
