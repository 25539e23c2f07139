package identity

import (
	"log/slog"

	"keygate/functions/internal/fnenv"
)

// Config configures the identity function.
type Config struct {
	// TableName, DynamoDBEndpoint and Region locate the table.
	TableName        string
	DynamoDBEndpoint string
	Region           string
	// AllowOrigin is the CORS origin (CORS_ALLOW_ORIGIN, default "*").
	AllowOrigin string
	// LogLevel is the level of the logger built by main (LOG_LEVEL).
	LogLevel slog.Level
	// Logger receives request and error logs; nil means slog.Default().
	Logger *slog.Logger
}

// ConfigFromEnv reads the configuration once, at start.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c, err := fnenv.Load(getenv, true)
	if err != nil {
		return Config{}, err
	}
	return Config{
		TableName:        c.TableName,
		DynamoDBEndpoint: c.DynamoDBEndpoint,
		Region:           c.Region,
		AllowOrigin:      c.AllowOrigin,
		LogLevel:         c.LogLevel,
	}, nil
}
