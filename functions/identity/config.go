package identity

import "log/slog"

// Config configures the function (its bootstrap reads it with the rest of
// lambdaenv.TableFunction).
type Config struct {
	// AllowOrigin is the CORS origin.
	AllowOrigin string
	// Logger receives request and error logs; nil means slog.Default().
	Logger *slog.Logger
}
