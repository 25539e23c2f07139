package apikeys

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"keygate/functions/internal/fnenv"
	"keygate/shared/apikey"
)

// Config configures the apikeys function.
type Config struct {
	// TableName, DynamoDBEndpoint and Region locate the table (main uses them
	// to build the one DynamoDB client).
	TableName        string
	DynamoDBEndpoint string
	Region           string
	// KeyPrefix starts every token (KEY_PREFIX, default "sk").
	KeyPrefix string
	// AllowOrigin is the CORS origin (CORS_ALLOW_ORIGIN, default "*").
	AllowOrigin string
	// LogLevel is the level of Logger built by main (LOG_LEVEL).
	LogLevel slog.Level
	// Logger receives request and error logs; nil means slog.Default().
	Logger *slog.Logger
	// Now is the clock used to check expiries; nil means the store's clock.
	Now func() time.Time
}

// ConfigFromEnv reads the configuration once, at start.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c, err := fnenv.Load(getenv, true)
	if err != nil {
		return Config{}, err
	}
	prefix := strings.TrimSpace(getenv("KEY_PREFIX"))
	if prefix == "" {
		prefix = apikey.DefaultPrefix
	}
	if !apikey.ValidPrefix(prefix) {
		return Config{}, fmt.Errorf("KEY_PREFIX %q: want ^[a-z][a-z0-9]{0,15}$", prefix)
	}
	return Config{
		TableName:        c.TableName,
		DynamoDBEndpoint: c.DynamoDBEndpoint,
		Region:           c.Region,
		KeyPrefix:        prefix,
		AllowOrigin:      c.AllowOrigin,
		LogLevel:         c.LogLevel,
	}, nil
}
