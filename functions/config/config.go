package config

import (
	"log/slog"

	"keygate/shared/lambdaenv"
)

// Config configures the config function: Tianji's public settings and the
// CORS origin.
type Config struct {
	// GlobalConfig is what GET /open/global/config answers (lambdaenv
	// reads it from the template's variables).
	lambdaenv.GlobalConfig
	// AllowOrigin is the CORS origin.
	AllowOrigin string
	// Logger receives request logs; nil means slog.Default().
	Logger *slog.Logger
	// ConsoleSignIn is the API Keys page's sign-in with the OpenID
	// provider (ClientID "": console links only).
	ConsoleSignIn lambdaenv.ConsoleSignIn
}
