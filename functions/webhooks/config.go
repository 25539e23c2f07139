package webhooks

import "log/slog"

// Config configures the webhooks function (its bootstrap reads it with the
// rest of lambdaenv.Webhooks, which also sets the Service's loopback rule
// and audit retention).
type Config struct {
	// AllowOrigin is the CORS origin.
	AllowOrigin string
	// Logger receives request and error logs; nil means slog.Default().
	Logger *slog.Logger
}
